/* escape.h: trace strings made safe for each report format.
 *
 * Kernel names, NVTX ranges and file names come from the traced program and
 * may hold anything, markup included. Every string a report writes passes
 * through one of these. Each writes to out and cannot fail (a write error
 * shows up in ferror(out)). O(length).
 */
#ifndef GP_REPORTS_ESCAPE_H
#define GP_REPORTS_ESCAPE_H

#include <stdio.h>

/* HTML text or attribute value: & < > " ' become entities. */
void gp_esc_html(FILE *out, const char *s);
/* The same, cut after about max_bytes of input (never inside a UTF-8
 * character) and then marked with "…": bounds what one string adds to a page. */
void gp_esc_html_cut(FILE *out, const char *s, size_t max_bytes);
/* A Markdown table cell or text: HTML escaped as above, and | ` * _ [ ] \
 * backslash-escaped, newlines as spaces, so a cell stays one cell. */
void gp_esc_md(FILE *out, const char *s);
/* An RFC 4180 field: quoted (with "" for ") when it holds , " CR or LF. A
 * field starting with = + - @ gets a leading ' so spreadsheets do not run it. */
void gp_esc_csv(FILE *out, const char *s);

#endif
