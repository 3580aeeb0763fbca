/* checked.h: the one range of times gpupack trusts, and int64 arithmetic
 * that cannot overflow.
 *
 * Times come from files, sockets and CUPTI and are not trusted. Every
 * reader (the gpupack-trace loader, the Kineto and Nsight Systems readers,
 * the recorder's socket validator) keeps a time only inside
 * [0, GP_TIME_LIMIT_NS) and an interval only when it does not end before it
 * starts; what fails is left out and counted, never changed in silence
 * (docs/trace-format.md, Conventions). 2^62 ns is 146 years: CLOCK_MONOTONIC
 * since boot, or Unix time up to the year 2116.
 *
 * Inside the range the difference of two times and the sum of two
 * durations fit in int64. Sums of many, and products, do not: they use the
 * saturating helpers below, which stop at INT64_MAX / INT64_MIN instead of
 * wrapping (in C a wrap is undefined behaviour, and the optimiser may drop
 * the comparisons that rely on it). Everything here is O(1), inline.
 */
#ifndef GP_CHECKED_H
#define GP_CHECKED_H

#include <math.h>
#include <stdint.h>

/* Times are in [0, GP_TIME_LIMIT_NS). */
#define GP_TIME_LIMIT_NS (INT64_C(1) << 62)

/* 1 if t is a time in the range. */
static inline int gp_time_ok(int64_t t)
{
    return t >= 0 && t < GP_TIME_LIMIT_NS;
}

/* 1 if [start, end] is an interval of the range: both times in it and the
 * end not before the start (equal: an instant). */
static inline int gp_interval_ok(int64_t start_ns, int64_t end_ns)
{
    return gp_time_ok(start_ns) && gp_time_ok(end_ns) && start_ns <= end_ns;
}

/* 1 if a time and a duration from outside (ts, dur) make an interval of
 * the range: dur >= 0 and ts + dur inside it; *end_ns (may be NULL) gets
 * ts + dur when it does. */
static inline int gp_span_ok(int64_t ts_ns, int64_t dur_ns, int64_t *end_ns)
{
    if (!gp_time_ok(ts_ns) || dur_ns < 0 || dur_ns >= GP_TIME_LIMIT_NS - ts_ns)
        return 0;
    if (end_ns)
        *end_ns = ts_ns + dur_ns;
    return 1;
}

/* a + b, a - b, a * b: 1 and *r set if the result fits, else 0 (*r then
 * holds the wrapped value; do not use it). */
static inline int gp_add_ok(int64_t a, int64_t b, int64_t *r)
{
    return !__builtin_add_overflow(a, b, r);
}

static inline int gp_sub_ok(int64_t a, int64_t b, int64_t *r)
{
    return !__builtin_sub_overflow(a, b, r);
}

static inline int gp_mul_ok(int64_t a, int64_t b, int64_t *r)
{
    return !__builtin_mul_overflow(a, b, r);
}

/* The same, saturating: a result past the int64 range is INT64_MAX or
 * INT64_MIN, by its sign. */
static inline int64_t gp_sat_add(int64_t a, int64_t b)
{
    int64_t r;

    if (__builtin_add_overflow(a, b, &r))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

static inline int64_t gp_sat_sub(int64_t a, int64_t b)
{
    int64_t r;

    if (__builtin_sub_overflow(a, b, &r))
        return b < 0 ? INT64_MAX : INT64_MIN;
    return r;
}

static inline int64_t gp_sat_mul(int64_t a, int64_t b)
{
    int64_t r;

    if (__builtin_mul_overflow(a, b, &r))
        return (a < 0) != (b < 0) ? INT64_MIN : INT64_MAX;
    return r;
}

/* a * b / c, exact (rounded toward zero) without forming a * b, for
 * a >= 0, 0 <= b <= c, 0 < c <= INT32_MAX (a share b/c of a: what part of
 * a kernel's time b of c SMs would take). Other arguments: 0. */
static inline int64_t gp_mul_frac(int64_t a, int64_t b, int64_t c)
{
    if (a < 0 || b < 0 || c <= 0 || c > INT32_MAX || b > c)
        return 0;
    /* a = q c + m: a b / c = q b + m b / c, q b <= a and m b < c c < 2^62 */
    return a / c * b + a % c * b / c;
}

/* A double as int64, rounded toward zero, saturating at the int64 range;
 * NaN is 0. (A plain cast of a value outside the range is undefined.) */
static inline int64_t gp_sat_from_double(double x)
{
    if (isnan(x))
        return 0;
    if (x >= 9223372036854775808.0) /* 2^63 */
        return INT64_MAX;
    if (x <= -9223372036854775808.0)
        return INT64_MIN;
    return (int64_t)x;
}

#endif
