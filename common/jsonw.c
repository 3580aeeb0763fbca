/* jsonw.c: streaming JSON writer. */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "jsonw.h"
#include "text.h"

void gp_jsonw_init(gp_jsonw *w, FILE *out, int pretty)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->pretty = pretty;
    w->first[0] = 1;
}

/* Before a value: a comma and indentation unless right after a key. */
static void value_prefix(gp_jsonw *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    if (!w->first[w->depth])
        fputc(',', w->out);
    w->first[w->depth] = 0;
    if (w->pretty && w->depth > 0) {
        fputc('\n', w->out);
        for (int i = 0; i < w->depth; i++)
            fputs("  ", w->out);
    }
}

/* Containers nested deeper than GP_JSONW_DEPTH are a caller bug; the
 * writer then stops indenting but still closes every bracket it opened. */
static void open(gp_jsonw *w, char c)
{
    value_prefix(w);
    fputc(c, w->out);
    if (w->depth + 1 < GP_JSONW_DEPTH) {
        w->depth++;
        w->closer[w->depth] = c == '{' ? '}' : ']';
        w->first[w->depth] = 1;
    }
}

void gp_jsonw_obj(gp_jsonw *w)
{
    open(w, '{');
}

void gp_jsonw_arr(gp_jsonw *w)
{
    open(w, '[');
}

void gp_jsonw_end(gp_jsonw *w)
{
    int empty = w->first[w->depth];
    char c = w->closer[w->depth];

    if (w->depth == 0)
        return;
    w->depth--;
    if (w->pretty && !empty) {
        fputc('\n', w->out);
        for (int i = 0; i < w->depth; i++)
            fputs("  ", w->out);
    }
    fputc(c, w->out);
}

void gp_json_escape(FILE *out, const char *s)
{
    size_t n = strlen(s), i = 0;

    while (i < n) {
        static const char *const esc[] = { [8] = "\\b", [9] = "\\t", [10] = "\\n",
                                           [12] = "\\f", [13] = "\\r" };
        gp_text_kind kind;
        uint32_t cp;
        size_t len = gp_text_char(s + i, n - i, &kind, &cp);

        if (kind == GP_TEXT_INVALID) {
            fputs("\\ufffd", out);
        } else if (kind == GP_TEXT_CONTROL) { /* C0 (RFC 8259 requires it), DEL and C1 */
            if (cp < sizeof esc / sizeof esc[0] && esc[cp])
                fputs(esc[cp], out);
            else
                fprintf(out, "\\u%04x", (unsigned)cp);
        } else if (s[i] == '"' || s[i] == '\\') {
            fputc('\\', out);
            fputc(s[i], out);
        } else {
            fwrite(s + i, 1, len, out);
        }
        i += len;
    }
}

void gp_jsonw_key(gp_jsonw *w, const char *key)
{
    value_prefix(w);
    fputc('"', w->out);
    gp_json_escape(w->out, key);
    fputs(w->pretty ? "\": " : "\":", w->out);
    w->after_key = 1;
}

void gp_jsonw_str(gp_jsonw *w, const char *s)
{
    value_prefix(w);
    fputc('"', w->out);
    gp_json_escape(w->out, s ? s : "");
    fputc('"', w->out);
}

void gp_jsonw_int(gp_jsonw *w, int64_t v)
{
    value_prefix(w);
    fprintf(w->out, "%" PRId64, v);
}

void gp_jsonw_dbl(gp_jsonw *w, double v)
{
    value_prefix(w);
    if (isfinite(v))
        fprintf(w->out, "%.17g", v);
    else
        fputs("null", w->out);
}

void gp_jsonw_bool(gp_jsonw *w, int v)
{
    value_prefix(w);
    fputs(v ? "true" : "false", w->out);
}

void gp_jsonw_null(gp_jsonw *w)
{
    value_prefix(w);
    fputs("null", w->out);
}

int gp_jsonw_finish(gp_jsonw *w)
{
    fputc('\n', w->out);
    return ferror(w->out) ? -1 : 0;
}
