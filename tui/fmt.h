/* fmt.h: small text pieces of the dashboard: bars, sparklines, fitted
 * strings. Pure functions (no terminal, no allocation); each writes at most
 * `cap` bytes including the NUL and returns buf. Cannot fail. */
#ifndef GP_TUI_FMT_H
#define GP_TUI_FMT_H

#include <stddef.h>

/* A bar of `width` cells filled in proportion to pct (clamped to 0..100):
 * "#####     ". Half cells round to the nearest whole cell. */
char *tui_bar(char *buf, size_t cap, int width, double pct);

/* The last `width` values of vals[0..n) (oldest first) as a sparkline of
 * the characters " _.-=*#" scaled to [0, max]; a negative value (no data)
 * is a blank; fewer values than width are right-aligned. */
char *tui_spark(char *buf, size_t cap, int width, const double *vals, int n, double max);

/* s cut to `width` columns; a cut ends with '~'. */
char *tui_fit(char *buf, size_t cap, int width, const char *s);

/* In place: UTF-8 "\u2026" (what gp_kernel_short_name cuts with) becomes
 * '~', any other non-ASCII character and each invalid UTF-8 byte '?', so one
 * character is one cell; control characters are kept for tui_put to show. */
char *tui_ascii(char *s);

/* A precision name in at most 4 columns: "fp32", "bf16", "?" (unknown),
 * "-" (not applicable). */
const char *tui_prec(int precision);

/* "52%" / "-" when pct < 0 (unknown). */
char *tui_pct(char *buf, size_t cap, double pct);

/* A rate per second: "850/s", "12.3k/s", "4.56M/s". */
char *tui_rate(char *buf, size_t cap, double per_s);

#endif
