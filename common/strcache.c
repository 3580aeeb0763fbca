/* strcache.c: bounded open-addressing string map. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "strcache.h"

typedef struct entry {
    uint64_t hash;   /* 0: empty slot */
    size_t off;      /* text offset in c->text */
    uint32_t len;
    int64_t value;
} entry;

struct gp_strcache {
    entry *slots;
    size_t mask;     /* slots - 1; slots >= 2 * max_entries */
    size_t count, max_entries, max_bytes;
    gp_buf text;
};

uint64_t gp_hash_bytes(const void *s, size_t len)
{
    /* FNV-1a over 8-byte words, then a final mix; fast enough for names of
     * a few hundred bytes and good enough for a power-of-two table. */
    const unsigned char *p = s;
    uint64_t h = 0xcbf29ce484222325ull ^ len;

    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 29;
        p += 8;
        len -= 8;
    }
    while (len--)
        h = (h ^ *p++) * 0x100000001b3ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h ? h : 1;
}

gp_strcache *gp_strcache_new(size_t max_entries, size_t max_bytes)
{
    gp_strcache *c = calloc(1, sizeof *c);
    size_t n = 16;

    if (!c)
        return NULL;
    if (max_entries == 0)
        max_entries = 1;
    while (n < 2 * max_entries)
        n *= 2;
    c->slots = calloc(n, sizeof *c->slots);
    if (!c->slots) {
        free(c);
        return NULL;
    }
    c->mask = n - 1;
    c->max_entries = max_entries;
    c->max_bytes = max_bytes;
    return c;
}

void gp_strcache_free(gp_strcache *c)
{
    if (!c)
        return;
    free(c->slots);
    gp_buf_free(&c->text);
    free(c);
}

void gp_strcache_clear(gp_strcache *c)
{
    memset(c->slots, 0, (c->mask + 1) * sizeof *c->slots);
    c->count = 0;
    gp_buf_reset(&c->text);
}

size_t gp_strcache_count(const gp_strcache *c)
{
    return c->count;
}

int gp_strcache_find(const gp_strcache *c, const char *s, size_t len, int64_t *value)
{
    uint64_t h = gp_hash_bytes(s, len);

    for (size_t i = h & c->mask;; i = (i + 1) & c->mask) {
        const entry *e = &c->slots[i];
        if (e->hash == 0)
            return 0;
        if (e->hash == h && e->len == len &&
            (len == 0 || memcmp(c->text.data + e->off, s, len) == 0)) {
            *value = e->value;
            return 1;
        }
    }
}

int gp_strcache_put(gp_strcache *c, const char *s, size_t len, int64_t value)
{
    uint64_t h;
    size_t i;
    int cleared = 0;

    if (len > c->max_bytes || len > UINT32_MAX)
        return 0;
    if (c->count + 1 > c->max_entries || c->text.len + len > c->max_bytes) {
        gp_strcache_clear(c);
        cleared = 1;
    }
    if (gp_buf_append(&c->text, s, len) < 0)
        return -1;
    h = gp_hash_bytes(s, len);
    for (i = h & c->mask; c->slots[i].hash != 0; i = (i + 1) & c->mask)
        ;
    c->slots[i].hash = h;
    c->slots[i].off = c->text.len - len;
    c->slots[i].len = (uint32_t)len;
    c->slots[i].value = value;
    c->count++;
    return cleared;
}
