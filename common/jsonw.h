/* jsonw.h: a streaming JSON writer for reports and --json output.
 *
 *     gp_jsonw w; gp_jsonw_init(&w, stdout, 1);
 *     gp_jsonw_obj(&w);  gp_jsonw_key(&w, "n"); gp_jsonw_int(&w, 3);
 *     gp_jsonw_key(&w, "name"); gp_jsonw_str(&w, kernel_name);
 *     gp_jsonw_end(&w);  gp_jsonw_finish(&w);
 *
 * Commas and indentation are handled here. Strings are escaped as RFC 8259
 * asks, and further: every control character text.h names (C0, DEL, C1) is
 * written as an escape (\n, \u001b, \u007f, \u009b), and bytes that are
 * not valid UTF-8 become \ufffd, so the output is always valid JSON whatever
 * a trace holds and holds no raw control byte. Non-finite doubles are
 * written as null.
 */
#ifndef GP_JSONW_H
#define GP_JSONW_H

#include <stdint.h>
#include <stdio.h>

#define GP_JSONW_DEPTH 32

typedef struct gp_jsonw {
    FILE *out;
    int pretty, depth;
    int first[GP_JSONW_DEPTH]; /* nothing written yet at this level */
    char closer[GP_JSONW_DEPTH]; /* '}' or ']' of the container open at each level */
    int after_key;
} gp_jsonw;

void gp_jsonw_init(gp_jsonw *w, FILE *out, int pretty);
void gp_jsonw_obj(gp_jsonw *w);
void gp_jsonw_arr(gp_jsonw *w);
void gp_jsonw_end(gp_jsonw *w);   /* closes the innermost object or array */
void gp_jsonw_key(gp_jsonw *w, const char *key);
void gp_jsonw_str(gp_jsonw *w, const char *s);
void gp_jsonw_int(gp_jsonw *w, int64_t v);
void gp_jsonw_dbl(gp_jsonw *w, double v);
void gp_jsonw_bool(gp_jsonw *w, int v);
void gp_jsonw_null(gp_jsonw *w);
/* Newline at the end; returns 0, or -1 if writing failed. */
int gp_jsonw_finish(gp_jsonw *w);

/* Writes s as a JSON string body (no quotes) to out. */
void gp_json_escape(FILE *out, const char *s);

#endif
