/* text.c: trace text in its shown form (text.h). */
#include "config.h"

#include <string.h>

#include "text.h"

size_t gp_text_char(const char *s, size_t n, gp_text_kind *kind, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char c = u[0];
    size_t len;
    uint32_t v;

    *kind = GP_TEXT_INVALID;
    *cp = c;
    if (c < 0x80) {
        *kind = c < 0x20 || c == 0x7f ? GP_TEXT_CONTROL : GP_TEXT_PLAIN;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, v = c & 0x1fu;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, v = c & 0x0fu;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, v = c & 0x07u;
    else
        return 1; /* a continuation byte, 0xc0, 0xc1 (overlong) or 0xf5-0xff */
    if (len > n)
        return 1;
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xc0) != 0x80)
            return 1;
        v = v << 6 | (u[i] & 0x3fu);
    }
    if ((len == 3 && (v < 0x800 || (v >= 0xd800 && v <= 0xdfff))) ||
        (len == 4 && (v < 0x10000 || v > 0x10ffff)))
        return 1; /* overlong, a surrogate, beyond U+10FFFF */
    *kind = v <= 0x9f ? GP_TEXT_CONTROL : GP_TEXT_PLAIN;
    *cp = v;
    return len;
}

size_t gp_text_shown_char(const char *s, size_t n, char shown[GP_TEXT_SHOWN_MAX], size_t *used)
{
    static const char hex[] = "0123456789abcdef";
    gp_text_kind kind;
    uint32_t cp;
    size_t len = gp_text_char(s, n, &kind, &cp);

    *used = len;
    switch (kind) {
    case GP_TEXT_CONTROL:
        if (cp < 0x80) {
            memcpy(shown, "\\x", 2);
            shown[2] = hex[cp >> 4];
            shown[3] = hex[cp & 15];
            return 4;
        }
        memcpy(shown, "\\u00", 4);
        shown[4] = hex[cp >> 4];
        shown[5] = hex[cp & 15];
        return 6;
    case GP_TEXT_INVALID:
        memcpy(shown, "\xef\xbf\xbd", 3);
        return 3;
    default:
        memcpy(shown, s, len);
        return len;
    }
}

size_t gp_text_show(char *buf, size_t cap, const char *s, size_t n)
{
    size_t o = 0, i = 0;

    if (cap == 0)
        return 0;
    while (i < n) {
        char one[GP_TEXT_SHOWN_MAX];
        size_t used, k = gp_text_shown_char(s + i, n - i, one, &used);
        if (o + k + 1 > cap)
            break;
        memcpy(buf + o, one, k);
        o += k;
        i += used;
    }
    buf[o] = '\0';
    return o;
}

char *gp_text_fmt(char *buf, size_t cap, const char *s)
{
    if (!s)
        s = "";
    gp_text_show(buf, cap, s, strlen(s));
    return buf;
}

void gp_text_put(FILE *out, const char *s)
{
    size_t n, i = 0, plain = 0; /* s[plain..i): plain, not yet written */

    if (!s)
        return; /* fwrite of a NULL buffer, even of 0 bytes, is undefined */
    n = strlen(s);

    while (i < n) {
        char one[GP_TEXT_SHOWN_MAX];
        gp_text_kind kind;
        uint32_t cp;
        size_t used = gp_text_char(s + i, n - i, &kind, &cp);
        if (kind != GP_TEXT_PLAIN) {
            fwrite(s + plain, 1, i - plain, out);
            fwrite(one, 1, gp_text_shown_char(s + i, n - i, one, &used), out);
            plain = i + used;
        }
        i += used;
    }
    fwrite(s + plain, 1, i - plain, out);
}
