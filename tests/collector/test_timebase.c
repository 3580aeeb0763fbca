/* test_timebase.c: CUPTI's clock onto CLOCK_MONOTONIC (collector/timebase.h).
 * Expected values are worked out by hand from the samples given. */
#include "config.h"

#include <stdint.h>

#include "collector/timebase.h"
#include "tests/tap.h"

static uint64_t fake_now;
static int fake_fail;

static int now_fn(uint64_t *ts)
{
    if (fake_fail)
        return -1;
    *ts = fake_now;
    return 0;
}

int main(void)
{
    gp_timebase tb;
    uint64_t c;
    int64_t m;

    gp_tb_init(&tb, GP_TB_CALLBACK);
    is_int(gp_tb_to_mono(&tb, 123456789), 123456789, "callback mode: times pass through");
    is_int(gp_tb_to_mono(&tb, 0), 0, "0 is 'no time'");
    is_int(gp_tb_to_mono(&tb, UINT64_MAX), 0, "a time past int64 is 'no time'");
    gp_tb_add(&tb, 5000, 1000);
    is_int(tb.n, 0, "callback mode keeps no samples");

    gp_tb_init(&tb, GP_TB_OFFSET);
    is_int(gp_tb_to_mono(&tb, 5000), 0, "offset mode without a sample: no time");
    /* CUPTI clock = mono + 1,000,000 until cupti 3,000,000, then an NTP
     * step forward of 500 ns: mono + 1,000,500. */
    gp_tb_add(&tb, 2000000, 1000000);
    gp_tb_add(&tb, 3000500, 2000000);
    is_int(gp_tb_to_mono(&tb, 1500000), 500000, "before the first sample: the first offset");
    is_int(gp_tb_to_mono(&tb, 2500000), 1500000, "between samples: the earlier one's offset");
    is_int(gp_tb_to_mono(&tb, 3000500), 2000000, "at a sample: its own offset");
    is_int(gp_tb_to_mono(&tb, 9000500), 8000000, "after the last: the last offset");
    is_int(gp_tb_to_mono(&tb, 999999), 0, "a time that would land before 0: no time");

    /* A step back: the history restarts. */
    gp_tb_add(&tb, 2500000, 2100000);
    is_int(tb.n, 1, "a clock stepped back restarts the history");
    is_int(gp_tb_to_mono(&tb, 2600000), 2200000, "and the new offset applies");

    /* The ring keeps the newest GP_TB_SAMPLES. */
    gp_tb_init(&tb, GP_TB_OFFSET);
    for (int i = 0; i < GP_TB_SAMPLES + 10; i++)
        gp_tb_add(&tb, (uint64_t)(i + 1) * 1000000 + (uint64_t)i, (int64_t)(i + 1) * 1000000);
    is_int(tb.n, GP_TB_SAMPLES, "the ring holds GP_TB_SAMPLES");
    /* sample i: cupti (i+1)e6 + i, offset i; the oldest kept is i = 10 */
    is_int(gp_tb_to_mono(&tb, 100000000 + 99 + 5), 100000000 + 5, "sample 99's offset (99)");
    is_int(gp_tb_to_mono(&tb, 5000000), 5000000 - 10, "older than the ring: the oldest kept (10)");

    /* Measuring takes the pair from cupti_now; a failing clock gives none. */
    fake_now = 777;
    ok(gp_tb_measure(now_fn, &c, &m) == 0 && c == 777 && m > 0, "measure: a pair");
    fake_fail = 1;
    is_int(gp_tb_measure(now_fn, &c, &m), -1, "measure: CUPTI's clock failing gives none");
    fake_fail = 0;
    fake_now = 0;
    is_int(gp_tb_measure(now_fn, &c, &m), -1, "measure: a 0 from CUPTI is not a time");
    return done_testing();
}
