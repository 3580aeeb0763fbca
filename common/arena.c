/* arena.c: bump allocator. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "arena.h"

struct gp_arena_chunk {
    gp_arena_chunk *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

#define CHUNK_MIN (64u << 10)

void *gp_arena_alloc(gp_arena *a, size_t n)
{
    gp_arena_chunk *c = a->head;
    size_t need = (n + 15) & ~(size_t)15;

    if (need < n)
        return NULL;
    if (!c || c->size - c->used < need) {
        size_t size = need > CHUNK_MIN ? need : CHUNK_MIN;
        if (c && c->size * 2 > size && c->size * 2 < (256u << 20))
            size = c->size * 2;
        if (size > SIZE_MAX - sizeof *c)
            return NULL;
        c = malloc(sizeof *c + size);
        if (!c)
            return NULL;
        c->size = size;
        c->used = 0;
        c->next = a->head;
        a->head = c;
        a->total += size;
    }
    c->used += need;
    return c->data + c->used - need;
}

void gp_arena_reset(gp_arena *a)
{
    gp_arena_chunk *c = a->head, *keep = NULL;

    /* Keep the largest chunk, free the rest. */
    for (gp_arena_chunk *p = c; p; p = p->next)
        if (!keep || p->size > keep->size)
            keep = p;
    while (c) {
        gp_arena_chunk *next = c->next;
        if (c != keep)
            free(c);
        c = next;
    }
    a->head = keep;
    a->total = 0;
    if (keep) {
        keep->next = NULL;
        keep->used = 0;
        a->total = keep->size;
    }
}

void gp_arena_free(gp_arena *a)
{
    gp_arena_chunk *c = a->head;

    while (c) {
        gp_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->total = 0;
}
