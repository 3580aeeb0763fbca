/* arena.h: a bump allocator freed all at once.
 *
 * For short-lived objects with one lifetime (a wire message being encoded
 * or decoded). Allocation is O(1); gp_arena_reset keeps the largest chunk
 * for reuse so a steady stream of similar batches allocates nothing.
 */
#ifndef GP_ARENA_H
#define GP_ARENA_H

#include <stddef.h>

typedef struct gp_arena_chunk gp_arena_chunk;

typedef struct gp_arena {
    gp_arena_chunk *head;
    size_t total;   /* bytes allocated from the system */
} gp_arena;

#define GP_ARENA_INIT { NULL, 0 }

/* Returns n bytes aligned to 16, or NULL if out of memory. */
void *gp_arena_alloc(gp_arena *a, size_t n);
void gp_arena_reset(gp_arena *a);
void gp_arena_free(gp_arena *a);

#endif
