/* timebase.c: CUPTI's record clock onto CLOCK_MONOTONIC (timebase.h). */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "common/clock.h"
#include "collector/timebase.h"

void gp_tb_init(gp_timebase *tb, int mode)
{
    memset(tb, 0, sizeof *tb);
    tb->mode = mode;
}

int gp_tb_measure(int (*cupti_now)(uint64_t *ts), uint64_t *cupti_ns, int64_t *mono_ns)
{
    int64_t best_gap = INT64_MAX;
    int found = 0;

    for (int i = 0; i < 5; i++) {
        uint64_t c;
        int64_t m1 = gp_now_ns(), m2;
        int r = cupti_now(&c);

        m2 = gp_now_ns();
        if (r != 0 || c == 0 || m2 - m1 >= best_gap)
            continue;
        best_gap = m2 - m1;
        *cupti_ns = c;
        *mono_ns = m1 + (m2 - m1) / 2;
        found = 1;
    }
    return found ? 0 : -1;
}

void gp_tb_add(gp_timebase *tb, uint64_t cupti_ns, int64_t mono_ns)
{
    int last;

    if (tb->mode != GP_TB_OFFSET || cupti_ns > (uint64_t)INT64_MAX)
        return;
    if (tb->n > 0) {
        last = (tb->head + tb->n - 1) % GP_TB_SAMPLES;
        if (cupti_ns <= tb->at[last]) /* stepped back (or no progress): start over */
            tb->n = 0;
    }
    if (tb->n == GP_TB_SAMPLES) { /* full: drop the oldest */
        tb->head = (tb->head + 1) % GP_TB_SAMPLES;
        tb->n--;
    }
    last = (tb->head + tb->n) % GP_TB_SAMPLES;
    tb->at[last] = cupti_ns;
    tb->offset[last] = (int64_t)cupti_ns - mono_ns;
    tb->n++;
}

int64_t gp_tb_to_mono(const gp_timebase *tb, uint64_t ts)
{
    int lo = 0, hi, i;
    int64_t out;

    if (ts == 0 || ts > (uint64_t)INT64_MAX)
        return 0;
    if (tb->mode != GP_TB_OFFSET)
        return (int64_t)ts;
    if (tb->n == 0)
        return 0; /* no sample yet: nothing to place it by */
    /* the last sample whose time is <= ts; the first if ts is older */
    hi = tb->n - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (tb->at[(tb->head + mid) % GP_TB_SAMPLES] <= ts)
            lo = mid;
        else
            hi = mid - 1;
    }
    i = (tb->head + lo) % GP_TB_SAMPLES;
    if (__builtin_sub_overflow((int64_t)ts, tb->offset[i], &out) || out <= 0)
        return 0;
    return out;
}
