/* format.c: human-readable durations, counts and sizes. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

/* Prints v with 3 significant digits (at least 0 decimals). */
static char *sig3(char *buf, size_t cap, double v, const char *unit)
{
    double a = v < 0 ? -v : v;
    int dec = a >= 99.95 ? 0 : a >= 9.995 ? 1 : 2;

    snprintf(buf, cap, "%.*f %s", dec, v, unit);
    return buf;
}

char *gp_fmt_ns(char *buf, size_t cap, int64_t ns)
{
    double a = ns < 0 ? -(double)ns : (double)ns; /* INT64_MIN has no int64 negation */
    const char *sign = ns < 0 ? "-" : "";

    if (a < 1e3) {
        snprintf(buf, cap, "%" PRId64 " ns", ns);
        return buf;
    }
    if (a < 999.5e3)
        return sig3(buf, cap, (double)ns / 1e3, "us");
    if (a < 999.5e6)
        return sig3(buf, cap, (double)ns / 1e6, "ms");
    if (a < 60e9) {
        snprintf(buf, cap, "%.3f s", (double)ns / 1e9);
        return buf;
    }
    {
        int64_t s = (int64_t)(a / 1e9 + 0.5);
        if (s < 3600)
            snprintf(buf, cap, "%s%" PRId64 "m %02" PRId64 "s", sign, s / 60, s % 60);
        else
            snprintf(buf, cap, "%s%" PRId64 "h %02" PRId64 "m", sign, s / 3600, s / 60 % 60);
    }
    return buf;
}

char *gp_fmt_count(char *buf, size_t cap, int64_t n)
{
    char tmp[32];
    uint64_t u = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
    int len = snprintf(tmp, sizeof tmp, "%" PRIu64, u);
    size_t o = 0;

    if (cap == 0)
        return buf;
    if (n < 0 && o + 1 < cap)
        buf[o++] = '-';
    for (int i = 0; i < len && o + 1 < cap; i++) {
        if (i > 0 && (len - i) % 3 == 0 && o + 2 < cap)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
    return buf;
}

char *gp_fmt_bytes(char *buf, size_t cap, int64_t bytes)
{
    static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
    double v = (double)bytes;
    int u = -1;

    if (bytes > -1024 && bytes < 1024) {
        snprintf(buf, cap, "%" PRId64 " B", bytes);
        return buf;
    }
    while ((v >= 1023.995 || v <= -1023.995) && u < 4) {
        v /= 1024;
        u++;
    }
    return sig3(buf, cap, v, units[u]);
}

char *gp_fmt_host(char *buf, size_t cap, const char *s, size_t len, int *changed)
{
    size_t n = len < cap - 1 ? len : cap - 1;
    int diff = len > n;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[i] = c > ' ' && c < 0x7f ? (char)c : '?';
        diff |= buf[i] != s[i];
    }
    if (len > n && n >= 3)
        memcpy(buf + n - 3, "...", 3);
    buf[n] = '\0';
    if (changed)
        *changed = diff;
    return buf;
}
