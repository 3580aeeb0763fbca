/* test_checked.c: the time range and the checked / saturating int64
 * helpers of common/checked.h, at and around every edge. Expected values
 * are worked out from the definitions (2^62 = 4611686018427387904,
 * INT64_MAX = 2^63 - 1). */
#include "config.h"

#include <math.h>
#include <stdint.h>

#include "common/checked.h"
#include "tests/tap.h"

#define LIM 4611686018427387904LL /* 2^62 */

static void test_range(void)
{
    int64_t end = -1;

    ok(GP_TIME_LIMIT_NS == LIM, "the limit is 2^62 ns");
    ok(gp_time_ok(0) && gp_time_ok(1) && gp_time_ok(LIM - 1), "0, 1, 2^62 - 1 are times");
    ok(!gp_time_ok(-1) && !gp_time_ok(INT64_MIN) && !gp_time_ok(LIM) && !gp_time_ok(INT64_MAX),
       "-1, INT64_MIN, 2^62, INT64_MAX are not");
    ok(gp_interval_ok(5, 5) && gp_interval_ok(0, LIM - 1), "an instant, the whole range");
    ok(!gp_interval_ok(6, 5), "an interval ending before it starts");
    ok(!gp_interval_ok(-1, 5) && !gp_interval_ok(5, LIM) && !gp_interval_ok(INT64_MIN, INT64_MAX),
       "an interval with a time outside the range");
    ok(gp_span_ok(10, 5, &end) && end == 15, "ts 10 + dur 5 ends at 15");
    ok(gp_span_ok(LIM - 2, 1, &end) && end == LIM - 1, "ending at the last time");
    end = -1;
    ok(!gp_span_ok(LIM - 1, 1, &end) && end == -1, "ending at 2^62: no, and *end untouched");
    ok(!gp_span_ok(1, INT64_MAX, NULL), "ts + dur past INT64_MAX: no (and no overflow)");
    ok(!gp_span_ok(10, -1, NULL) && !gp_span_ok(-10, 5, NULL), "a negative dur or ts: no");
    ok(gp_span_ok(0, 0, NULL), "ts 0, dur 0: an instant");
}

static void test_checked(void)
{
    int64_t r = 0;

    ok(gp_add_ok(INT64_MAX - 1, 1, &r) && r == INT64_MAX, "INT64_MAX - 1 + 1 fits");
    ok(!gp_add_ok(INT64_MAX, 1, &r), "INT64_MAX + 1 does not");
    ok(!gp_add_ok(INT64_MIN, -1, &r), "INT64_MIN - 1 does not");
    ok(gp_sub_ok(0, INT64_MAX, &r) && r == -INT64_MAX, "0 - INT64_MAX fits");
    ok(!gp_sub_ok(0, INT64_MIN, &r), "0 - INT64_MIN does not");
    ok(!gp_sub_ok(INT64_MAX, INT64_MIN, &r), "INT64_MAX - INT64_MIN does not");
    ok(gp_mul_ok(LIM / 2, 2, &r) && r == LIM, "2^61 x 2 fits");
    ok(!gp_mul_ok(LIM, 2, &r), "2^62 x 2 does not");
    ok(!gp_mul_ok(INT64_MIN, -1, &r), "INT64_MIN x -1 does not");
}

static void test_saturating(void)
{
    ok(gp_sat_add(1, 2) == 3 && gp_sat_add(-5, 3) == -2, "small sums are exact");
    ok(gp_sat_add(INT64_MAX, 1) == INT64_MAX, "INT64_MAX + 1 stays INT64_MAX");
    ok(gp_sat_add(LIM, LIM) == INT64_MAX, "2^62 + 2^62 = 2^63: INT64_MAX");
    ok(gp_sat_add(LIM - 1, LIM) == INT64_MAX, "2^62 - 1 + 2^62 fits exactly");
    ok(gp_sat_add(INT64_MIN, -1) == INT64_MIN, "INT64_MIN - 1 stays INT64_MIN");
    ok(gp_sat_add(INT64_MAX, INT64_MIN) == -1, "INT64_MAX + INT64_MIN = -1");
    ok(gp_sat_sub(10, 3) == 7, "10 - 3");
    ok(gp_sat_sub(INT64_MAX, INT64_MIN) == INT64_MAX, "INT64_MAX - INT64_MIN: INT64_MAX");
    ok(gp_sat_sub(INT64_MIN, 1) == INT64_MIN, "INT64_MIN - 1: INT64_MIN");
    ok(gp_sat_sub(0, INT64_MIN) == INT64_MAX, "0 - INT64_MIN: INT64_MAX");
    ok(gp_sat_sub(-1, INT64_MIN) == INT64_MAX, "-1 - INT64_MIN = INT64_MAX exactly");
    ok(gp_sat_mul(10, LIM) == INT64_MAX, "10 x 2^62: INT64_MAX");
    ok(gp_sat_mul(-10, LIM) == INT64_MIN, "-10 x 2^62: INT64_MIN");
    ok(gp_sat_mul(INT64_MIN, -1) == INT64_MAX, "INT64_MIN x -1: INT64_MAX");
    ok(gp_sat_mul(-3, -4) == 12 && gp_sat_mul(0, INT64_MIN) == 0, "small products are exact");
}

static void test_mul_frac(void)
{
    /* 2^62 - 1 = 4611686018427387903; x 1 / 132 = 34937015291116575 r 3 */
    ok(gp_mul_frac(LIM - 1, 1, 132) == 34937015291116575LL, "(2^62 - 1) x 1/132, exact");
    /* x 131/132 = 131 x 34937015291116575 + 3 x 131 / 132 = 4576749003136271325 + 2 */
    ok(gp_mul_frac(LIM - 1, 131, 132) == 4576749003136271327LL, "(2^62 - 1) x 131/132, exact");
    ok(gp_mul_frac(INT64_MAX, 7, 7) == INT64_MAX, "INT64_MAX x 7/7 = INT64_MAX");
    ok(gp_mul_frac(INT64_MAX, INT32_MAX - 1, INT32_MAX) ==
           INT64_MAX - (INT64_MAX / INT32_MAX + (INT64_MAX % INT32_MAX != 0)),
       "INT64_MAX x (2^31 - 2)/(2^31 - 1): INT64_MAX less its share, rounded down");
    ok(gp_mul_frac(100, 3, 8) == 37, "100 x 3/8 = 37.5, rounded toward zero");
    ok(gp_mul_frac(100, 0, 8) == 0, "a share of 0");
    ok(gp_mul_frac(-1, 1, 2) == 0 && gp_mul_frac(1, 3, 2) == 0 && gp_mul_frac(1, 1, 0) == 0 &&
           gp_mul_frac(1, 1, (int64_t)INT32_MAX + 1) == 0,
       "outside its contract: 0");
}

static void test_from_double(void)
{
    ok(gp_sat_from_double(1e300) == INT64_MAX, "1e300: INT64_MAX");
    ok(gp_sat_from_double(-1e300) == INT64_MIN, "-1e300: INT64_MIN");
    ok(gp_sat_from_double(INFINITY) == INT64_MAX && gp_sat_from_double(-INFINITY) == INT64_MIN,
       "infinities saturate");
    ok(gp_sat_from_double(NAN) == 0, "NaN: 0");
    ok(gp_sat_from_double(9223372036854775808.0) == INT64_MAX, "2^63: INT64_MAX");
    ok(gp_sat_from_double(-9223372036854775808.0) == INT64_MIN, "-2^63: INT64_MIN");
    ok(gp_sat_from_double(9223372036854774784.0) == 9223372036854774784LL,
       "the largest double below 2^63 is exact");
    ok(gp_sat_from_double(-2.9) == -2 && gp_sat_from_double(2.9) == 2, "rounded toward zero");
}

int main(void)
{
    test_range();
    test_checked();
    test_saturating();
    test_mul_frac();
    test_from_double();
    return done_testing();
}
