/* test_text.c: the shown form of trace text (common/text.h). Expected
 * strings follow from the rule written there and from UTF-8's definition
 * (RFC 3629: no overlong forms, no surrogates, nothing beyond U+10FFFF). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "common/text.h"
#include "tests/tap.h"

#define FFFD "\xef\xbf\xbd"

/* The shown form of n bytes at s, via gp_text_show (buf of cap bytes). */
static const char *shown(const char *s, size_t n, size_t cap)
{
    static char buf[512];

    gp_text_show(buf, cap, s, n);
    return buf;
}

/* What gp_text_put writes for s. */
static const char *put(const char *s)
{
    static char buf[512];
    FILE *f;

    buf[0] = '\0';
    f = fmemopen(buf, sizeof buf, "w");
    if (!f)
        return "(fmemopen failed)";
    gp_text_put(f, s);
    fclose(f);
    return buf;
}

int main(void)
{
    static const struct {
        const char *in;
        size_t n; /* 0: strlen */
        const char *want, *what;
    } t[] = {
        { "gemm_kernel<float>", 0, "gemm_kernel<float>", "plain ASCII kept" },
        { "k\xce\xb1\xe5\x90\x8d\xf0\x9f\x98\x80", 0, "k\xce\xb1\xe5\x90\x8d\xf0\x9f\x98\x80",
          "valid 2-, 3- and 4-byte characters kept" },
        { "\x1b[2J\x1b]0;t\x07", 0, "\\x1b[2J\\x1b]0;t\\x07", "ESC and BEL as \\xHH" },
        { "a\nb\rc\td", 0, "a\\x0ab\\x0dc\\x09d", "LF, CR and TAB too" },
        { "\x7f", 0, "\\x7f", "DEL" },
        { "a\0b", 3, "a\\x00b", "a NUL inside the text" },
        { "\xc2\x85\xc2\x9b\xc2\x9f\xc2\xa0", 0, "\\u0085\\u009b\\u009f\xc2\xa0",
          "C1 controls as \\u00HH; U+00A0 is no control" },
        { "\x9b", 0, FFFD, "a lone C1 byte is invalid UTF-8" },
        { "\xc0\xaf", 0, FFFD FFFD, "overlong 2-byte form (0xc0): each byte" },
        { "\xe0\x80\xaf", 0, FFFD FFFD FFFD, "overlong 3-byte form" },
        { "\xf0\x80\x80\xaf", 0, FFFD FFFD FFFD FFFD, "overlong 4-byte form" },
        { "\xed\xa0\x80", 0, FFFD FFFD FFFD, "a surrogate (U+D800)" },
        { "\xf4\x90\x80\x80", 0, FFFD FFFD FFFD FFFD, "beyond U+10FFFF" },
        { "\xf8\x88\x80\x80\x80", 0, FFFD FFFD FFFD FFFD FFFD, "a 5-byte form" },
        { "\xe2\x82", 0, FFFD FFFD, "a cut sequence at the end" },
        { "\xc3(", 0, FFFD "(", "a lead byte before ASCII" },
        { "\xff\xfe", 0, FFFD FFFD, "0xff, 0xfe" },
        { "\xf4\x8f\xbf\xbf", 0, "\xf4\x8f\xbf\xbf", "U+10FFFF kept" },
    };

    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        size_t n = t[i].n ? t[i].n : strlen(t[i].in);
        is_str(shown(t[i].in, n, 512), t[i].want, "%s", t[i].what);
        if (!t[i].n)
            is_str(put(t[i].in), t[i].want, "%s (gp_text_put)", t[i].what);
    }

    /* cut at a character's shown form, never inside it */
    is_str(shown("ab\x1b", 3, 5), "ab", "\\x1b does not fit in 2 bytes: left out whole");
    is_str(shown("ab\x1b", 3, 7), "ab\\x1b", "fits in 6 + NUL");
    is_str(shown("a\xce\xb1", 3, 3), "a", "a 2-byte character is not split");
    {
        char b[4] = "xyz";
        is_int(gp_text_show(b, 0, "abc", 3), 0, "cap 0 writes nothing");
        is_str(b, "xyz", "and leaves the buffer alone");
        is_int(gp_text_show(b, 1, "abc", 3), 0, "cap 1: the empty string");
        is_str(b, "", "NUL-terminated");
    }
    {
        char b[8];
        is_str(gp_text_fmt(b, sizeof b, NULL), "", "gp_text_fmt(NULL): empty");
        is_str(put(NULL), "", "gp_text_put(NULL): nothing");
    }

    /* the growth bound: every byte's shown form within GP_TEXT_GROWTH bytes */
    {
        char in[256], out[256 * GP_TEXT_GROWTH + 1];
        int bad = 0;
        for (int i = 0; i < 256; i++)
            in[i] = (char)i;
        size_t n = gp_text_show(out, sizeof out, in, sizeof in);
        for (size_t i = 0; i < n; i++)
            bad |= (unsigned char)out[i] < 0x20 || out[i] == 0x7f;
        ok(n <= 256 * GP_TEXT_GROWTH && !bad, "all 256 bytes: %zu bytes shown, no control", n);
        is_int(n, 32 * 4 + 95 + 4 + 128 * 3, "whole: 32 C0 + DEL as \\xHH, 95 printable, "
                                             "128 invalid as U+FFFD");
    }
    /* error messages quote paths and file contents: kept in the shown form */
    {
        gp_error err = { 0 };
        is_int(gp_error_set(&err, GP_ERR_INPUT, "%s: column \"%s\" missing", "t\x1b[2J.sqlite",
                            "a\x07\xff"), GP_ERR_INPUT, "gp_error_set returns its code");
        is_str(err.msg, "t\\x1b[2J.sqlite: column \"a\\x07\xef\xbf\xbd\" missing",
               "gp_error_set: ESC and BEL shown as \\xHH, 0xff as U+FFFD");
    }
    return done_testing();
}
