/* test_format.c: human-readable numbers. Expected strings are written out
 * from the unit definitions (1 us = 1e3 ns, 1 KiB = 1024 B). */
#include "config.h"

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
    return done_testing();
}
