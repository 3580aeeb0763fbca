/* tap.h: a small Test Anything Protocol producer for unit tests.
 *
 *     int main(void) {
 *         ok(1 + 1 == 2, "addition");
 *         is_int(f(3), 9, "f squares");
 *         is_str(name, "kernel", "kind name");
 *         return done_testing();
 *     }
 *
 * Output goes to stdout as TAP 13; automake's tap-driver.sh reads it.
 * done_testing() prints the plan and returns 0 only if every test passed.
 */
#ifndef GP_TAP_H
#define GP_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count_, tap_failed_;

__attribute__((format(printf, 4, 5), unused))
static int tap_ok_(int pass, const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    tap_count_++;
    printf("%s %d - ", pass ? "ok" : "not ok", tap_count_);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!pass) {
        tap_failed_++;
        printf("#   failed at %s:%d\n", file, line);
    }
    fflush(stdout);
    return pass;
}

#define ok(cond, ...) tap_ok_(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...)                                                          \
    do {                                                                                \
        long long g_ = (long long)(got), w_ = (long long)(want);                        \
        if (!tap_ok_(g_ == w_, __FILE__, __LINE__, __VA_ARGS__))                        \
            printf("#   got %lld, want %lld\n", g_, w_);                                \
    } while (0)

#define is_str(got, want, ...)                                                          \
    do {                                                                                \
        const char *g_ = (got), *w_ = (want);                                           \
        int p_ = g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_;                             \
        if (!tap_ok_(p_, __FILE__, __LINE__, __VA_ARGS__))                              \
            printf("#   got \"%s\", want \"%s\"\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
    } while (0)

/* Passes if haystack contains needle. */
#define like(haystack, needle, ...)                                                     \
    do {                                                                                \
        const char *h_ = (haystack), *n_ = (needle);                                    \
        if (!tap_ok_(h_ && strstr(h_, n_), __FILE__, __LINE__, __VA_ARGS__))            \
            printf("#   \"%s\" does not contain \"%s\"\n", h_ ? h_ : "(null)", n_);     \
    } while (0)

__attribute__((format(printf, 1, 2), unused))
static void diag(const char *fmt, ...)
{
    va_list ap;

    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

__attribute__((unused))
static void skip(const char *why)
{
    tap_count_++;
    printf("ok %d # SKIP %s\n", tap_count_, why);
}

__attribute__((unused))
static int done_testing(void)
{
    printf("1..%d\n", tap_count_);
    return tap_failed_ ? 1 : 0;
}

/* Deterministic pseudo-random numbers for table-free tests (xorshift64*). */
static uint64_t tap_rng_ = 0x9e3779b97f4a7c15ull;

__attribute__((unused))
static void tap_seed(uint64_t seed)
{
    tap_rng_ = seed ? seed : 1;
}

__attribute__((unused))
static uint64_t tap_rand(void)
{
    tap_rng_ ^= tap_rng_ >> 12;
    tap_rng_ ^= tap_rng_ << 25;
    tap_rng_ ^= tap_rng_ >> 27;
    return tap_rng_ * 0x2545f4914f6cdd1dull;
}

#endif
