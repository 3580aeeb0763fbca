/* timebase.h: CUPTI's record clock onto the trace's clock (CLOCK_MONOTONIC).
 *
 * Two modes, chosen at start (session.c):
 *  - GP_TB_CALLBACK: CUPTI stamps every record (activity records and PM
 *    samples alike) through our timestamp callback, which returns
 *    CLOCK_MONOTONIC: times pass through unchanged.
 *  - GP_TB_OFFSET: CUPTI stamps records with its own clock (CLOCK_REALTIME
 *    on Linux; cuptiGetTimestamp reads it). Used where the callback must
 *    not be registered (CUPTI 12.6 to 13.0 give some kernels zero
 *    timestamps when one is, fixed in 13.1) or could not be. The offset
 *    (CUPTI clock - CLOCK_MONOTONIC) is sampled at start and at every
 *    flush; a record takes the offset of the latest sample at or before
 *    its own time, so an NTP step between two samples misplaces only the
 *    records of that interval, by at most the step.
 *
 *     gp_timebase tb;
 *     gp_tb_init(&tb, GP_TB_OFFSET);
 *     gp_tb_add(&tb, cupti_now, mono_now);          // any thread, caller locks
 *     int64_t t = gp_tb_to_mono(&tb, record->start); // caller locks
 *
 * Not thread-safe: the session guards it with its lock. Sampling itself
 * (reading CUPTI's clock) happens outside that lock: see gp_tb_measure.
 * Cost: gp_tb_to_mono is a binary search over at most GP_TB_SAMPLES.
 */
#ifndef GP_COLLECTOR_TIMEBASE_H
#define GP_COLLECTOR_TIMEBASE_H

#include <stdint.h>

enum { GP_TB_CALLBACK = 0, GP_TB_OFFSET = 1 };

#define GP_TB_SAMPLES 256 /* about 50 s of history at the default 200 ms flush */

typedef struct gp_timebase {
    int mode;
    int n, head;                   /* samples held; index of the oldest */
    uint64_t at[GP_TB_SAMPLES];    /* CUPTI clock when sampled, increasing */
    int64_t offset[GP_TB_SAMPLES]; /* CUPTI clock - CLOCK_MONOTONIC then */
} gp_timebase;

void gp_tb_init(gp_timebase *tb, int mode);

/* Measures (CUPTI clock, CLOCK_MONOTONIC) as a pair: the tightest of a few
 * CLOCK_MONOTONIC brackets around cupti_now(). Returns 0, or -1 if
 * cupti_now failed every time. Calls into CUPTI: never under a lock that
 * a CUPTI callback takes. */
int gp_tb_measure(int (*cupti_now)(uint64_t *ts), uint64_t *cupti_ns, int64_t *mono_ns);

/* Records a measured pair (GP_TB_OFFSET; ignored in GP_TB_CALLBACK mode).
 * A pair whose CUPTI time goes backwards replaces the history: the clock
 * was stepped back. */
void gp_tb_add(gp_timebase *tb, uint64_t cupti_ns, int64_t mono_ns);

/* ts (CUPTI's clock) as CLOCK_MONOTONIC ns. 0 (CUPTI_TIMESTAMP_UNKNOWN)
 * means "none" and comes back as 0; so does a time that would not fit an
 * int64 or would land at or before 0. */
int64_t gp_tb_to_mono(const gp_timebase *tb, uint64_t ts);

#endif
