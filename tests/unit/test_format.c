/* test_format.c: human-readable numbers. Expected strings are written out
 * from the unit definitions (1 us = 1e3 ns, 1 KiB = 1024 B). */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "common/format.h"
#include "tests/tap.h"

int main(void)
{
    char b[64];

    is_str(gp_fmt_ns(b, sizeof b, 0), "0 ns", "zero");
    is_str(gp_fmt_ns(b, sizeof b, 999), "999 ns", "under a microsecond");
    is_str(gp_fmt_ns(b, sizeof b, 1000), "1.00 us", "one microsecond");
    is_str(gp_fmt_ns(b, sizeof b, 12345), "12.3 us", "3 significant digits");
    is_str(gp_fmt_ns(b, sizeof b, 999499), "999 us", "rounds down below 999.5 us");
    is_str(gp_fmt_ns(b, sizeof b, 999500), "1.00 ms", "999.5 us shows as 1.00 ms");
    is_str(gp_fmt_ns(b, sizeof b, 3210000), "3.21 ms", "milliseconds");
    is_str(gp_fmt_ns(b, sizeof b, 1234000000), "1.234 s", "seconds");
    is_str(gp_fmt_ns(b, sizeof b, 123000000000LL), "2m 03s", "minutes");
    is_str(gp_fmt_ns(b, sizeof b, 3720000000000LL), "1h 02m", "hours");
    is_str(gp_fmt_ns(b, sizeof b, -2500), "-2.50 us", "negative");
    /* the int64 extremes (a co-scheduler region's be_hold_ns of 2^63 reads
     * as INT64_MIN): 2^63 ns = 9223372037 s rounded = 2562047 h 47 min */
    is_str(gp_fmt_ns(b, sizeof b, INT64_MIN), "-2562047h 47m", "INT64_MIN");
    is_str(gp_fmt_ns(b, sizeof b, INT64_MAX), "2562047h 47m", "INT64_MAX");

    is_str(gp_fmt_count(b, sizeof b, 0), "0", "count zero");
    is_str(gp_fmt_count(b, sizeof b, 999), "999", "no separator under 1000");
    is_str(gp_fmt_count(b, sizeof b, 1000), "1,000", "thousands");
    is_str(gp_fmt_count(b, sizeof b, 12345678), "12,345,678", "millions");
    is_str(gp_fmt_count(b, sizeof b, -1234), "-1,234", "negative count");
    is_str(gp_fmt_count(b, 4, 12345678), "123", "truncated to the buffer");

    is_str(gp_fmt_bytes(b, sizeof b, 512), "512 B", "bytes");
    is_str(gp_fmt_bytes(b, sizeof b, 1536), "1.50 KiB", "KiB");
    is_str(gp_fmt_bytes(b, sizeof b, 3407872), "3.25 MiB", "MiB");
    is_str(gp_fmt_bytes(b, sizeof b, 80LL << 30), "80.0 GiB", "GiB");
    /* -2^63 B = -2^13 PiB; llabs(INT64_MIN) has no value */
    is_str(gp_fmt_bytes(b, sizeof b, INT64_MIN), "-8192 PiB", "INT64_MIN bytes");
    is_str(gp_fmt_bytes(b, sizeof b, -1023), "-1023 B", "-1023 bytes");

    /* Host names: printable ASCII ('!'..'~') kept, every other byte '?',
     * cut to cap - 1 bytes ending in "..." (docs/trace-format.md). */
    {
        char h[GP_HOST_NAME_MAX + 1], big[10000];
        const char *evil = "gpu\x1b[2J\n\tnode \x7f\xc3\xa9";
        int changed = -1;

        is_str(gp_fmt_host(h, sizeof h, "node-7.example.org", 18, &changed), "node-7.example.org",
               "a plain host name is kept");
        is_int(changed, 0, "and not counted as changed");
        is_str(gp_fmt_host(h, sizeof h, evil, strlen(evil), &changed), "gpu?[2J??node????",
               "control characters, space, DEL and non-ASCII bytes become '?'");
        is_int(changed, 1, "counted as changed");
        is_str(gp_fmt_host(h, sizeof h, "a\0b", 3, &changed), "a?b", "a NUL inside the name too");
        memset(big, 'x', sizeof big);
        gp_fmt_host(h, sizeof h, big, sizeof big, &changed);
        is_int(strlen(h), GP_HOST_NAME_MAX, "a 10000-byte name is cut to %d bytes",
               GP_HOST_NAME_MAX);
        is_str(h + GP_HOST_NAME_MAX - 4, "x...", "ending in ...");
        is_int(changed, 1, "counted as changed");
        is_str(gp_fmt_host(h, 6, "abcdefg", 7, NULL), "ab...", "any buffer size");
        is_str(gp_fmt_host(h, 6, "abcde", 5, NULL), "abcde", "a name that just fits is whole");
    }
    return done_testing();
}
