/* records.h: random records of every kind, and field-by-field comparison,
 * for the wire and store round-trip tests. */
#ifndef GP_TEST_RECORDS_H
#define GP_TEST_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "common/event.h"

/* Fills r with pseudo-random values for every field of `kind` (from seed).
 * String fields take ids from strs[0..nstrs) (or 0 when nstrs is 0); BOOL
 * fields 0/1; `unique` goes into the kind's key fields and its time so
 * records made with distinct `unique` values never collide and sort by it. */
void rec_random(gp_record *r, gp_kind kind, uint64_t seed, int64_t unique,
                const gp_strid *strs, size_t nstrs);

/* 1 if every field of a and b is equal; else 0 and *field names the first
 * that differs. */
int rec_equal(const gp_record *a, const gp_record *b, const char **field);

#endif
