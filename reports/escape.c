/* escape.c: HTML, Markdown and CSV escaping (escape.h). */
#include "config.h"

#include <string.h>

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
    size_t i;

    for (i = 0; s && s[i]; i++) {
        /* stop before a byte that starts a character, past the limit */
        if (i >= max_bytes && ((unsigned char)s[i] & 0xC0) != 0x80) {
            fputs("\xe2\x80\xa6", out); /* … */
            return;
        }
        if (!entity(out, s[i]))
            putc(s[i], out);
    }
}

void gp_esc_md(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        if (entity(out, *s))
            continue;
        switch (*s) {
        case '\n': case '\r': putc(' ', out); break;
        case '|': case '`': case '*': case '_': case '[': case ']': case '\\':
            putc('\\', out);
            putc(*s, out);
            break;
        default: putc(*s, out);
        }
    }
}

void gp_esc_csv(FILE *out, const char *s)
{
    if (!s)
        s = "";
    int formula = strchr("=+-@", *s) && *s;
    if (!formula && !strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    putc('"', out);
    if (formula)
        putc('\'', out);
    for (; *s; s++) {
        if (*s == '"')
            putc('"', out);
        putc(*s, out);
    }
    putc('"', out);
}
