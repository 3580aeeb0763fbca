/* fmt.c: bars, sparklines and fitted strings (contract in fmt.h). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analyzer/model/classify.h"
#include "common/text.h"
#include "fmt.h"

/* width within 0 .. cap - 1 (cap > 0) */
static int fit_width(int width, size_t cap)
{
    if (width < 0)
        return 0;
    return (size_t)width + 1 > cap ? (int)cap - 1 : width;
}

char *tui_bar(char *buf, size_t cap, int width, double pct)
{
    int fill, i;

    if (cap == 0)
        return buf;
    width = fit_width(width, cap);
    if (!(pct > 0)) /* also NaN */
        pct = 0;
    if (pct > 100)
        pct = 100;
    fill = (int)lround(pct * width / 100.0);
    for (i = 0; i < width; i++)
        buf[i] = i < fill ? '#' : ' ';
    buf[i] = '\0';
    return buf;
}

char *tui_spark(char *buf, size_t cap, int width, const double *vals, int n, double max)
{
    static const char levels[] = " _.-=*#";
    const int nl = (int)sizeof levels - 2; /* highest index */
    int i, first;

    if (cap == 0)
        return buf;
    width = fit_width(width, cap);
    first = n - width; /* index of the value in column 0 (may be negative) */
    for (i = 0; i < width; i++) {
        int k = first + i;
        double v;
        if (k < 0 || k >= n || vals[k] < 0 || !(max > 0)) {
            buf[i] = ' ';
            continue;
        }
        v = vals[k] / max;
        if (v > 1)
            v = 1;
        /* any non-zero value shows at least the lowest mark */
        int lv = v > 0 ? 1 + (int)lround(v * (nl - 1)) : 0;
        buf[i] = levels[lv > nl ? nl : lv];
    }
    buf[i] = '\0';
    return buf;
}

char *tui_fit(char *buf, size_t cap, int width, const char *s)
{
    size_t len = strlen(s), w;

    if (cap == 0)
        return buf;
    w = width < 0 ? 0 : (size_t)width;
    if (w + 1 > cap)
        w = cap - 1;
    if (len <= w) {
        memcpy(buf, s, len + 1);
        return buf;
    }
    if (w == 0) {
        buf[0] = '\0';
        return buf;
    }
    memcpy(buf, s, w - 1);
    buf[w - 1] = '~';
    buf[w] = '\0';
    return buf;
}

char *tui_ascii(char *s)
{
    size_t n = strlen(s), r = 0, w = 0;

    while (r < n) {
        gp_text_kind kind;
        uint32_t cp;
        size_t len = gp_text_char(s + r, n - r, &kind, &cp);
        if (kind == GP_TEXT_CONTROL || cp < 0x80) { /* controls: tui_put shows them */
            memmove(s + w, s + r, len);
            w += len;
        } else {
            s[w++] = cp == 0x2026 ? '~' : '?';
        }
        r += len;
    }
    s[w] = '\0';
    return s;
}

const char *tui_prec(int precision)
{
    if (precision == GP_PREC_UNKNOWN)
        return "?";
    if (precision == GP_PREC_NA)
        return "-";
    return gp_precision_name(precision);
}

char *tui_pct(char *buf, size_t cap, double pct)
{
    if (pct < 0 || pct != pct)
        snprintf(buf, cap, "-");
    else
        snprintf(buf, cap, "%.0f%%", pct);
    return buf;
}

char *tui_rate(char *buf, size_t cap, double per_s)
{
    if (per_s < 1000)
        snprintf(buf, cap, "%.0f/s", per_s < 0 ? 0 : per_s);
    else if (per_s < 1e6)
        snprintf(buf, cap, "%.1fk/s", per_s / 1e3);
    else
        snprintf(buf, cap, "%.2fM/s", per_s / 1e6);
    return buf;
}
