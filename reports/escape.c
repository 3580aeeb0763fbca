/* escape.c: HTML, Markdown and CSV escaping (escape.h). */
#include "config.h"

#include <string.h>

#include "common/text.h"
#include "escape.h"

/* Writes c's entity and returns 1 if c is one of & < > " '; else 0. */
static int entity(FILE *out, char c)
{
    static const char chars[] = "&<>\"'";
    static const char *const ents[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&#39;" };
    const char *p = c ? strchr(chars, c) : NULL;

    if (!p)
        return 0;
    fputs(ents[p - chars], out);
    return 1;
}

void gp_esc_html(FILE *out, const char *s)
{
    gp_esc_html_cut(out, s, (size_t)-1);
}

void gp_esc_html_cut(FILE *out, const char *s, size_t max_bytes)
{
    size_t n = s ? strlen(s) : 0, i = 0;

    while (i < n) {
        char one[GP_TEXT_SHOWN_MAX];
        size_t used, k = gp_text_shown_char(s + i, n - i, one, &used);
        if (i >= max_bytes) { /* past the limit, before a character */
            fputs("\xe2\x80\xa6", out); /* … */
            return;
        }
        for (size_t j = 0; j < k; j++)
            if (!entity(out, one[j]))
                putc(one[j], out);
        i += used;
    }
}

void gp_esc_md(FILE *out, const char *s)
{
    size_t n = s ? strlen(s) : 0, i = 0;

    while (i < n) {
        char one[GP_TEXT_SHOWN_MAX];
        size_t used, k = gp_text_shown_char(s + i, n - i, one, &used);
        for (size_t j = 0; j < k; j++) {
            if (entity(out, one[j]))
                continue;
            switch (one[j]) {
            case '|': case '`': case '*': case '_': case '[': case ']': case '\\':
                putc('\\', out);
                putc(one[j], out);
                break;
            default: putc(one[j], out);
            }
        }
        i += used;
    }
}

void gp_esc_csv(FILE *out, const char *s)
{
    size_t n, i = 0;
    int formula, quote;

    if (!s)
        s = "";
    n = strlen(s);
    formula = *s && strchr("=+-@", *s);
    quote = formula || strpbrk(s, ",\"");
    if (quote)
        putc('"', out);
    if (formula)
        putc('\'', out);
    while (i < n) {
        char one[GP_TEXT_SHOWN_MAX];
        size_t used, k = gp_text_shown_char(s + i, n - i, one, &used);
        if (k == 1 && one[0] == '"')
            putc('"', out);
        fwrite(one, 1, k, out);
        i += used;
    }
    if (quote)
        putc('"', out);
}
