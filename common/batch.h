/* batch.h: a set of records of every kind plus the strings they use.
 *
 * The unit the collector sends, the wire decoder fills and the recorder
 * writes in one transaction. Records are stored by value in one array per
 * kind; string text is copied into the batch.
 *
 *     gp_batch *b = gp_batch_new();
 *     gp_batch_add_string(b, 7, "my_kernel", 9);
 *     gp_record r; gp_record_init(&r, GP_KIND_KERNEL); r.u.kernel.name = 7; ...
 *     gp_batch_add(b, &r);
 *     size_t n; const gp_kernel *k = gp_batch_items(b, GP_KIND_KERNEL, &n);
 *     gp_batch_clear(b);   // reuse, keeps memory
 *     gp_batch_free(b);
 */
#ifndef GP_BATCH_H
#define GP_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

typedef struct gp_batch gp_batch;

gp_batch *gp_batch_new(void);
void gp_batch_free(gp_batch *b);
/* Empties the batch, keeping its memory for reuse. */
void gp_batch_clear(gp_batch *b);

/* Header fields carried on the wire. */
void gp_batch_set_header(gp_batch *b, uint32_t wire_version, uint32_t pid, uint64_t seq);
void gp_batch_header(const gp_batch *b, uint32_t *wire_version, uint32_t *pid, uint64_t *seq);

/* Progress counters carried on the wire (see Batch.ops_issued). */
void gp_batch_set_progress(gp_batch *b, uint64_t ops_issued, uint64_t ops_recorded);
void gp_batch_progress(const gp_batch *b, uint64_t *ops_issued, uint64_t *ops_recorded);

/* Appends a copy of the record. Returns 0, or -1 if out of memory. O(1) amortized. */
int gp_batch_add(gp_batch *b, const gp_record *r);
/* Defines string `id` for this batch (text copied; need not be NUL-terminated). */
int gp_batch_add_string(gp_batch *b, gp_strid id, const char *text, size_t len);

/* The records of one kind, as an array of that kind's struct (gp_kernel for
 * GP_KIND_KERNEL, ...). Valid until the next add or clear. */
const void *gp_batch_items(const gp_batch *b, gp_kind kind, size_t *count);
/* Mutable access, for in-place fix-ups (e.g. remapping ids). */
void *gp_batch_items_mut(gp_batch *b, gp_kind kind, size_t *count);
/* Copies record i of a kind into r. Returns 0, or -1 if i is out of range. */
int gp_batch_get(const gp_batch *b, gp_kind kind, size_t i, gp_record *r);

size_t gp_batch_string_count(const gp_batch *b);
/* String i: its id, text (NUL-terminated copy) and length. */
const char *gp_batch_string(const gp_batch *b, size_t i, gp_strid *id, size_t *len);

/* Records of all kinds (strings not counted). */
size_t gp_batch_record_count(const gp_batch *b);
/* Approximate heap bytes in use, for memory budgets. */
size_t gp_batch_bytes(const gp_batch *b);

/* sizeof the struct of a kind (gp_kernel for GP_KIND_KERNEL, ...). */
size_t gp_kind_size(gp_kind kind);

#endif
