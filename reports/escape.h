/* escape.h: trace strings made safe for each report format.
 *
 * Kernel names, NVTX ranges and file names come from the traced program and
 * may hold anything, markup and control characters included. Every string
 * a report writes passes through one of these, which write its shown form
 * (common/text.h: control characters as \x1b or \u009b, invalid UTF-8 as
 * U+FFFD) escaped for the format. Each writes to out and cannot fail (a
 * write error shows up in ferror(out)). O(length).
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
 * backslash-escaped, so a cell stays one cell (a newline is shown as \x0a). */
void gp_esc_md(FILE *out, const char *s);
/* An RFC 4180 field: quoted (with "" for ") when it holds , or " (CR and LF
 * are shown as \x0d and \x0a, so a field is one line). A field starting with
 * = + - @ is quoted with a leading ' so spreadsheets do not run it. */
void gp_esc_csv(FILE *out, const char *s);

#endif
