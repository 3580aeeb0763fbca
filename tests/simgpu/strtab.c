/* strtab.c: bounded string intern table (see strtab.h). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/simgpu/strtab.h"

static uint64_t hash_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

    while (*s)
        h = (h ^ (unsigned char)*s++) * 0x100000001b3ull;
    return h ^ (h >> 29);
}

/* Doubles the table (or creates it). Returns 0 or -1. Lock held. */
static int grow(sg_strtab *t)
{
    size_t n = t->slots ? 2 * (t->mask + 1) : 64;
    char **slots = calloc(n, sizeof *slots);

    if (!slots)
        return -1;
    if (t->slots) {
        for (size_t i = 0; i <= t->mask; i++) {
            char *s = t->slots[i];
            size_t j;
            if (!s)
                continue;
            for (j = hash_str(s) & (n - 1); slots[j]; j = (j + 1) & (n - 1))
                ;
            slots[j] = s;
        }
        free(t->slots);
    }
    t->slots = slots;
    t->mask = n - 1;
    return 0;
}

const char *sg_strtab_intern(sg_strtab *t, const char *s)
{
    const char *r = SG_STRTAB_FULL;
    size_t i, len;

    if (!s)
        return NULL;
    len = strlen(s);
    pthread_mutex_lock(&t->mu);
    if (!t->slots && grow(t) != 0)
        goto out;
    for (i = hash_str(s) & t->mask; t->slots[i]; i = (i + 1) & t->mask) {
        if (strcmp(t->slots[i], s) == 0) {
            r = t->slots[i];
            goto out;
        }
    }
    if (t->count >= SG_STRTAB_MAX_ENTRIES || t->bytes + len + 1 > SG_STRTAB_MAX_BYTES)
        goto out;
    if (2 * (t->count + 1) > t->mask + 1) {
        if (grow(t) != 0)
            goto out;
        for (i = hash_str(s) & t->mask; t->slots[i]; i = (i + 1) & t->mask)
            ;
    }
    t->slots[i] = malloc(len + 1);
    if (!t->slots[i])
        goto out;
    memcpy(t->slots[i], s, len + 1);
    t->count++;
    t->bytes += len + 1;
    r = t->slots[i];
out:
    pthread_mutex_unlock(&t->mu);
    return r;
}

void sg_strtab_after_fork(sg_strtab *t)
{
    pthread_mutex_init(&t->mu, NULL);
}
