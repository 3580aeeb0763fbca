/* strtab.h: a bounded, thread-safe string intern table for the simulated
 * GPU (each fake library has its own). Interned strings live as long as the
 * process, which is what CUPTI promises for kernel and marker names.
 *
 *     static sg_strtab names = SG_STRTAB_INIT;
 *     const char *n = sg_strtab_intern(&names, "kernA");   // same pointer each time
 */
#ifndef GP_SIMGPU_STRTAB_H
#define GP_SIMGPU_STRTAB_H

#include <pthread.h>
#include <stddef.h>

#define SG_STRTAB_MAX_ENTRIES 65536
#define SG_STRTAB_MAX_BYTES (8u << 20)
#define SG_STRTAB_FULL "(simgpu name table full)"

typedef struct sg_strtab {
    pthread_mutex_t mu;
    char **slots;                 /* open addressing; NULL: empty */
    size_t mask;                  /* slots - 1 */
    size_t count, bytes;
} sg_strtab;

#define SG_STRTAB_INIT { PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0, 0 }

/* Returns the table's copy of s (NULL for NULL). O(strlen) expected. Past
 * SG_STRTAB_MAX_ENTRIES strings or SG_STRTAB_MAX_BYTES bytes, or out of
 * memory, returns the constant SG_STRTAB_FULL. */
const char *sg_strtab_intern(sg_strtab *t, const char *s);

/* In a child forked while another thread may have held the table's lock:
 * makes the lock usable again. */
void sg_strtab_after_fork(sg_strtab *t);

#endif
