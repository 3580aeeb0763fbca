/* test_json: the streaming JSON tokenizer (analyzer/formats/json.h): token tables,
 * escapes, surrogates, raw numbers, every chunk boundary, errors with
 * positions, the depth limit, truncated input, skip, number conversion; a
 * leading UTF-8 byte order mark; a top-level array without its ']'. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/formats/json.h"
#include "tests/tap.h"

/* ---- a reader that cuts the input where a test says ---- */

typedef struct chunked {
    const char *d;
    size_t len, pos;
    size_t split;  /* the first read ends here */
    size_t step;   /* later reads give at most this (0: all asked for) */
    int fail_at;   /* > 0: fail once pos reaches it */
} chunked;

static long chunked_read(void *ctx, char *buf, size_t cap)
{
    chunked *c = ctx;
    size_t n = c->len - c->pos;

    if (c->fail_at > 0 && c->pos >= (size_t)c->fail_at)
        return -1;
    if (c->pos < c->split && n > c->split - c->pos)
        n = c->split - c->pos;
    else if (c->pos >= c->split && c->step && n > c->step)
        n = c->step;
    if (n > cap)
        n = cap;
    memcpy(buf, c->d + c->pos, n);
    c->pos += n;
    return (long)n;
}

/* The token stream as text: "{ Ka N1 }"; bytes outside 0x20..0x7e as \xNN;
 * an error as "ERR <message>". */
static char *tokens(gp_json *j)
{
    size_t cap = 256, n = 0;
    char *out = malloc(cap);
    gp_json_tok t;

    out[0] = '\0';
    do {
        char item[64];
        size_t len;
        const char *s;
        t = gp_json_next(j);
        s = gp_json_text(j, &len);
        switch (t) {
        case GP_JSON_OBJECT_BEGIN: strcpy(item, "{"); break;
        case GP_JSON_OBJECT_END: strcpy(item, "}"); break;
        case GP_JSON_ARRAY_BEGIN: strcpy(item, "["); break;
        case GP_JSON_ARRAY_END: strcpy(item, "]"); break;
        case GP_JSON_KEY: strcpy(item, "K"); break;
        case GP_JSON_STRING: strcpy(item, "S"); break;
        case GP_JSON_NUMBER: strcpy(item, "N"); break;
        case GP_JSON_TRUE: strcpy(item, "T"); break;
        case GP_JSON_FALSE: strcpy(item, "F"); break;
        case GP_JSON_NULL: strcpy(item, "0"); break;
        case GP_JSON_END: strcpy(item, "$"); break;
        default: strcpy(item, "ERR "); s = gp_json_error(j); len = strlen(s); break;
        }
        for (size_t k = 0; k <= len; k++) {
            size_t need = n + strlen(item) + 8;
            if (need > cap) {
                cap = 2 * need;
                out = realloc(out, cap);
            }
            n += (size_t)sprintf(out + n, "%s", item);
            item[0] = '\0';
            if (k == len)
                break;
            if (s[k] >= 0x20 && s[k] < 0x7f)
                out[n++] = s[k], out[n] = '\0';
            else
                n += (size_t)sprintf(out + n, "\\x%02x", (unsigned char)s[k]);
        }
        if (t > GP_JSON_END) {
            out[n++] = ' ';
            out[n] = '\0';
        }
    } while (t > GP_JSON_END);
    return out;
}

static char *tokens_of(const char *doc, size_t len, size_t split, size_t step)
{
    chunked c = { doc, len, 0, split, step, 0 };
    gp_json *j = gp_json_new(chunked_read, &c);
    char *s = tokens(j);

    gp_json_free(j);
    return s;
}

/* ---- tables ---- */

static const struct { const char *doc, *want; } good[] = {
    { "{}", "{ } $" },
    { "[]", "[ ] $" },
    { " \t\r\n[ ]\n ", "[ ] $" },
    { "{\"a\":1}", "{ Ka N1 } $" },
    { "{\"a\" : [true, false, null] , \"b\":{}}", "{ Ka [ T F 0 ] Kb { } } $" },
    { "\"x\"", "Sx $" },
    { "0", "N0 $" },
    { "-0", "N-0 $" },
    { "[0.5,-1.25e-3,1E+2,1e10,12345678901234567890123]", "[ N0.5 N-1.25e-3 N1E+2 N1e10 N12345678901234567890123 ] $" },
    { "1712195495519689.047", "N1712195495519689.047 $" },
    { "[1.0, 2.000]", "[ N1.0 N2.000 ] $" },
    { "\"\"", "S $" },
    { "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "S\"\\/\\x08\\x0c\\x0a\\x0d\\x09 $" },
    { "\"a\\u0041\\u00e9\\u20ac\"", "SaA\\xc3\\xa9\\xe2\\x82\\xac $" },
    { "\"\\ud83d\\ude00\"", "S\\xf0\\x9f\\x98\\x80 $" },
    { "\"\\uD83D\\uDE00x\"", "S\\xf0\\x9f\\x98\\x80x $" },
    { "\"nul\\u0000byte\"", "Snul\\x00byte $" },
    { "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"", "Scaf\\xc3\\xa9 \\xe2\\x82\\xac \\xf0\\x9f\\x98\\x80 $" },
    { "{\"k\\n\":\"v\"}", "{ Kk\\x0a Sv } $" },
    { "[[[[]]],{\"x\":[{}]}]", "[ [ [ [ ] ] ] { Kx [ { } ] } ] $" },
    { "true", "T $" },
    { "null ", "0 $" },
    /* a UTF-8 byte order mark at the start is skipped (RFC 8259 section 8.1) */
    { "\xef\xbb\xbf{}", "{ } $" },
    { "\xef\xbb\xbf \n[1]", "[ N1 ] $" },
    { "\xef\xbb\xbf\"\xef\xbb\xbf\"", "S\\xef\\xbb\\xbf $" },
};

static const struct { const char *doc, *want; } bad[] = {
    { "", "ERR empty input: no JSON value at line 1, column 1 (byte 0)" },
    { "   \n ", "ERR empty input: no JSON value at line 2, column 2 (byte 5)" },
    { "}", "ERR unexpected '}', expected a value at line 1, column 1 (byte 0)" },
    { "{\"a\":1}}", "{ Ka N1 } ERR unexpected '}', expected nothing after the document's value at line 1, column 8 (byte 7)" },
    { "{\"a\":1,}", "{ Ka N1 ERR unexpected '}', expected a string key at line 1, column 8 (byte 7)" },
    { "[1,]", "[ N1 ERR unexpected ']', expected a value at line 1, column 4 (byte 3)" },
    { "[1 2]", "[ N1 ERR unexpected '2', expected ',' or ']' at line 1, column 4 (byte 3)" },
    { "{\"a\" 1}", "{ Ka ERR unexpected '1', expected ':' after an object key at line 1, column 6 (byte 5)" },
    { "{1:2}", "{ ERR unexpected '1', expected a string key at line 1, column 2 (byte 1)" },
    { "{\n  \"a\": [1,\n    }", "{ Ka [ N1 ERR unexpected '}', expected a value at line 3, column 5 (byte 17)" },
    { "\"abc", "ERR unterminated string at line 1, column 1 (byte 0)" },
    { "[\"ab\\", "[ ERR unterminated string at line 1, column 2 (byte 1)" },
    { "[\"ab\\u12", "[ ERR unterminated string at line 1, column 2 (byte 1)" },
    { "[\"ab\\u12\"]", "[ ERR invalid \\u escape in string at line 1, column 5 (byte 4)" },
    { "[\"\\ud800\\u12\"]", "[ ERR high surrogate \\uD800 not followed by a low surrogate in string at line 1, column 3 (byte 2)" },
    { "[\"\\ud800\\u", "[ ERR unterminated string at line 1, column 2 (byte 1)" },
    { "{\"a\":", "{ Ka ERR truncated input: the document ends inside an object at line 1, column 6 (byte 5)" },
    { "[1,", "[ N1 ERR truncated input: the document ends inside an array at line 1, column 4 (byte 3)" },
    { "[1", "[ N1 ERR truncated input: the document ends inside an array at line 1, column 3 (byte 2)" },
    { "[-", "[ ERR truncated input: the document ends inside a number at line 1, column 3 (byte 2)" },
    { "[1.", "[ ERR truncated input: the document ends inside a number at line 1, column 4 (byte 3)" },
    { "tru", "ERR truncated input: the document ends inside 'true' at line 1, column 4 (byte 3)" },
    { "[nul]", "[ ERR invalid literal (expected 'null') at line 1, column 5 (byte 4)" },
    { "[True]", "[ ERR unexpected 'T', expected a value at line 1, column 2 (byte 1)" },
    { "[01]", "[ N0 ERR unexpected '1', expected ',' or ']' at line 1, column 3 (byte 2)" },
    { "[-x]", "[ ERR invalid number at line 1, column 3 (byte 2)" },
    { "[1.e5]", "[ ERR invalid number at line 1, column 4 (byte 3)" },
    { "[1e]", "[ ERR invalid number at line 1, column 4 (byte 3)" },
    { "[.5]", "[ ERR unexpected '.', expected a value at line 1, column 2 (byte 1)" },
    { "[+1]", "[ ERR unexpected '+', expected a value at line 1, column 2 (byte 1)" },
    { "[NaN]", "[ ERR unexpected 'N', expected a value at line 1, column 2 (byte 1)" },
    { "\"a\\x\"", "ERR invalid escape in string at line 1, column 3 (byte 2)" },
    { "\"a\\u12g4\"", "ERR invalid \\u escape in string at line 1, column 3 (byte 2)" },
    { "\"\\udc00\"", "ERR lone low surrogate \\uDC00 in string at line 1, column 2 (byte 1)" },
    { "\"\\ud800x\"", "ERR high surrogate \\uD800 not followed by a low surrogate in string at line 1, column 2 (byte 1)" },
    { "\"\\ud800\\u0041\"", "ERR high surrogate \\uD800 not followed by a low surrogate in string at line 1, column 2 (byte 1)" },
    { "\"tab\there\"", "ERR unescaped control character 0x09 in string at line 1, column 5 (byte 4)" },
    { "\"\xc0\x80\"", "ERR invalid UTF-8 in string at line 1, column 2 (byte 1)" },
    { "\"\xed\xa0\x80\"", "ERR invalid UTF-8 in string at line 1, column 2 (byte 1)" },
    { "\"\xf5\x80\x80\x80\"", "ERR invalid UTF-8 in string at line 1, column 2 (byte 1)" },
    { "\"ab\xe2\x82\"", "ERR invalid UTF-8 in string at line 1, column 4 (byte 3)" },
    { "\"\xe2\x82", "ERR unterminated string at line 1, column 1 (byte 0)" },
    { "[1]\x01", "[ N1 ] ERR unexpected byte 0x01, expected nothing after the document's value at line 1, column 4 (byte 3)" },
    { "\xef\xbb\xbf\xef\xbb\xbf{}", "ERR unexpected byte 0xef, expected a value at line 1, column 4 (byte 3)" },
    { "\xef\xbb\xbf", "ERR empty input: no JSON value at line 1, column 4 (byte 3)" },
    { "\xef\xbb{}", "ERR unexpected byte 0xef, expected a value at line 1, column 1 (byte 0)" },
    { "[1]\xef\xbb\xbf", "[ N1 ] ERR unexpected byte 0xef, expected nothing after the document's value at line 1, column 4 (byte 3)" },
    { "{\"a\":1} x", "{ Ka N1 } ERR unexpected 'x', expected nothing after the document's value at line 1, column 9 (byte 8)" },
    { "[1,\n\n  x]", "[ N1 ERR unexpected 'x', expected a value at line 3, column 3 (byte 7)" },
};

/* A document touching every token and escape, for the chunk sweep. */
static const char sweep_doc[] =
    "{\n  \"traceEvents\": [\n    {\"ph\": \"X\", \"cat\": \"kernel\", \"name\": \"k\\u00e9\\ud83d\\ude00\\n\","
    " \"ts\": 1712195495505582.988, \"dur\": 4.928,\n     \"args\": {\"grid\": [4, 106, 1], \"stream\": 7,"
    " \"x\": [true, false, null, -0.5e-3, {}], \"caf\xc3\xa9\": \"\xe2\x82\xac\xf0\x9f\x98\x80\"}}\n  ],"
    " \"e\": \"\\\"\\\\\\/\\b\\f\\r\\t\", \"n\": 0\n}\n";

/* gp_json_allow_open_array: Chrome's JSON Array Format may lack its ']'. */
static const struct { const char *doc, *want; } open_array[] = {
    { "[", "[ ] $" },
    { "[{}", "[ { } ] $" },
    { "[{},", "[ { } ] $" },
    { "[\n  {\"ph\": \"X\"},\n  {\"ph\": \"B\"},\n", "[ { Kph SX } { Kph SB } ] $" },
    { "\xef\xbb\xbf[{}", "[ { } ] $" },
    { "[[1]", "[ [ N1 ] ] $" },
    { "[{}]", "[ { } ] $" },
    { "{}", "{ } $" },
    { "[{", "[ { ERR truncated input: the document ends inside an object at line 1, column 3 (byte 2)" },
    { "[[1", "[ [ N1 ERR truncated input: the document ends inside an array at line 1, column 4 (byte 3)" },
    { "{\"a\": [1", "{ Ka [ N1 ERR truncated input: the document ends inside an array at line 1, column 9 (byte 8)" },
    { "[{},]", "[ { } ERR unexpected ']', expected a value at line 1, column 5 (byte 4)" },
    { "[{}] x", "[ { } ] ERR unexpected 'x', expected nothing after the document's value at line 1, column 6 (byte 5)" },
};

static void test_open_array(void)
{
    for (size_t i = 0; i < sizeof open_array / sizeof open_array[0]; i++) {
        for (size_t split = 0; split < 3; split++) { /* whole; 1 or 2 bytes, then 1 a time */
            const char *doc = open_array[i].doc;
            chunked c = { doc, strlen(doc), 0, split, 1, 0 };
            gp_json *j = gp_json_new(chunked_read, &c);
            char *got;
            gp_json_allow_open_array(j);
            if (split == 0)
                c.step = 0;
            got = tokens(j);
            is_str(got, open_array[i].want, "open array [%zu], %s", i,
                   split ? "read a byte at a time" : "read whole");
            free(got);
            gp_json_free(j);
        }
    }
    /* without the option the missing ']' is an error */
    {
        char *got = tokens_of("[{}", 3, 0, 0);
        is_str(got, "[ { } ERR truncated input: the document ends inside an array at line 1, "
               "column 4 (byte 3)", "strict: a missing ']' is truncation");
        free(got);
    }
}

static void test_tables(void)
{
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char *got = tokens_of(good[i].doc, strlen(good[i].doc), 0, 0);
        is_str(got, good[i].want, "tokens of good[%zu]", i);
        free(got);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *got = tokens_of(bad[i].doc, strlen(bad[i].doc), 0, 0);
        is_str(got, bad[i].want, "error for bad[%zu]", i);
        free(got);
    }
}

/* The same document cut at every offset, and fed a byte at a time, gives
 * the same tokens (or the same error). */
static void sweep(const char *doc, size_t len, const char *what)
{
    char *whole = tokens_of(doc, len, 0, 0), *bytewise = tokens_of(doc, len, 0, 1);
    int same = 1;

    for (size_t k = 1; k < len && same; k++) {
        char *got = tokens_of(doc, len, k, 0);
        if (strcmp(got, whole) != 0) {
            diag("split at %zu: %s", k, got);
            same = 0;
        }
        free(got);
    }
    ok(same, "%s: split at every offset gives the same tokens", what);
    is_str(bytewise, whole, "%s: one byte per read gives the same tokens", what);
    free(whole);
    free(bytewise);
}

static void test_chunks(void)
{
    char *whole;

    sweep(sweep_doc, sizeof sweep_doc - 1, "sweep document");
    whole = tokens_of(sweep_doc, sizeof sweep_doc - 1, 0, 0);
    like(whole, "N1712195495505582.988 Kdur N4.928", "sweep document: raw numbers kept");
    like(whole, "Sk\\xc3\\xa9\\xf0\\x9f\\x98\\x80\\x0a", "sweep document: escapes decoded");
    free(whole);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char what[32];
        snprintf(what, sizeof what, "bad[%zu]", i);
        sweep(bad[i].doc, strlen(bad[i].doc), what);
    }
}

static void test_depth(void)
{
    char doc[2 * GP_JSON_MAX_DEPTH + 3];
    gp_json *j;
    gp_json_tok t;
    int n = 0;

    memset(doc, '[', GP_JSON_MAX_DEPTH);
    memset(doc + GP_JSON_MAX_DEPTH, ']', GP_JSON_MAX_DEPTH);
    j = gp_json_new_mem(doc, 2 * GP_JSON_MAX_DEPTH);
    while ((t = gp_json_next(j)) > GP_JSON_END)
        n++;
    is_int(t, GP_JSON_END, "%d nested arrays are fine", GP_JSON_MAX_DEPTH);
    is_int(n, 2 * GP_JSON_MAX_DEPTH, "every bracket is a token");
    gp_json_free(j);

    memset(doc, '[', GP_JSON_MAX_DEPTH + 1);
    memset(doc + GP_JSON_MAX_DEPTH + 1, ']', GP_JSON_MAX_DEPTH + 1);
    j = gp_json_new_mem(doc, 2 * GP_JSON_MAX_DEPTH + 2);
    while ((t = gp_json_next(j)) > GP_JSON_END)
        ;
    is_int(t, GP_JSON_ERROR, "%d nested arrays are refused", GP_JSON_MAX_DEPTH + 1);
    like(gp_json_error(j), "nesting deeper than 256 levels at line 1, column 257 (byte 256)", "depth error");
    is_int(gp_json_next(j), GP_JSON_ERROR, "errors are sticky");
    gp_json_free(j);
}

static void test_skip(void)
{
    const char *doc = "{\"a\": {\"x\": [1, {\"y\": \"\\u00e9\"}], \"z\": null}, \"b\": [1, [2, 3], \"s\"], \"c\": 7, \"d\": 8}";
    gp_json *j = gp_json_new_mem(doc, strlen(doc));

    is_int(gp_json_next(j), GP_JSON_OBJECT_BEGIN, "skip: {");
    is_int(gp_json_next(j), GP_JSON_KEY, "skip: key a");
    is_int(gp_json_skip(j), GP_JSON_OBJECT_BEGIN, "skip: a's object, whole");
    is_int(gp_json_depth(j), 1, "skip: back at depth 1");
    is_int(gp_json_next(j), GP_JSON_KEY, "skip: key b");
    is_str(gp_json_text(j, NULL), "b", "skip: it is b");
    is_int(gp_json_next(j), GP_JSON_ARRAY_BEGIN, "skip: b's [");
    is_int(gp_json_skip(j), GP_JSON_NUMBER, "skip: element 1");
    is_int(gp_json_skip(j), GP_JSON_ARRAY_BEGIN, "skip: element [2, 3]");
    is_int(gp_json_skip(j), GP_JSON_STRING, "skip: element \"s\"");
    is_int(gp_json_skip(j), GP_JSON_ARRAY_END, "skip: the array's end");
    is_int(gp_json_skip(j), GP_JSON_KEY, "skip: a whole member (c)");
    is_int(gp_json_next(j), GP_JSON_KEY, "skip: key d");
    is_int(gp_json_next(j), GP_JSON_NUMBER, "skip: d's value");
    is_str(gp_json_text(j, NULL), "8", "skip: it is 8");
    is_int(gp_json_skip(j), GP_JSON_OBJECT_END, "skip: the object's end");
    is_int(gp_json_skip(j), GP_JSON_END, "skip: the document's end");
    is_int((int)gp_json_offset(j), (int)strlen(doc), "skip: all input consumed");
    gp_json_free(j);

    doc = "[{\"a\": [1, 2}]";
    j = gp_json_new_mem(doc, strlen(doc));
    gp_json_next(j);
    is_int(gp_json_skip(j), GP_JSON_ERROR, "skip validates what it skips");
    like(gp_json_error(j), "unexpected '}', expected ',' or ']' at line 1, column 13", "skip error position");
    gp_json_free(j);

    doc = "[\"\xff\"]";
    j = gp_json_new_mem(doc, strlen(doc));
    is_int(gp_json_skip(j), GP_JSON_ERROR, "skip checks UTF-8 too");
    gp_json_free(j);
}

static void test_big_tokens(void)
{
    size_t n = 600 * 1024; /* longer than the initial buffer */
    char *doc = malloc(n + 16), *got;
    gp_json *j;
    size_t len;
    chunked c;

    doc[0] = '[';
    doc[1] = '"';
    for (size_t i = 0; i < n; i++)
        doc[2 + i] = (char)('a' + i % 26);
    memcpy(doc + 2 + n, "\\n\", 1]", 7);
    c = (chunked){ doc, n + 9, 0, 100000, 70001, 0 };
    j = gp_json_new(chunked_read, &c);
    is_int(gp_json_next(j), GP_JSON_ARRAY_BEGIN, "big: [");
    is_int(gp_json_next(j), GP_JSON_STRING, "big: a 600 KiB string");
    got = (char *)gp_json_text(j, &len);
    is_int(len, n + 1, "big: its length");
    ok(got[0] == 'a' && got[n - 1] == (char)('a' + (n - 1) % 26) && got[n] == '\n' && got[n + 1] == '\0',
       "big: its text");
    is_int(gp_json_next(j), GP_JSON_NUMBER, "big: then 1");
    is_int(gp_json_next(j), GP_JSON_ARRAY_END, "big: ]");
    is_int(gp_json_next(j), GP_JSON_END, "big: end");
    gp_json_free(j);

    c = (chunked){ doc, n + 9, 0, 100000, 70001, 0 };
    j = gp_json_new(chunked_read, &c);
    is_int(gp_json_skip(j), GP_JSON_ARRAY_BEGIN, "big: skipped whole");
    is_int(gp_json_next(j), GP_JSON_END, "big: end after skip");
    gp_json_free(j);

    c = (chunked){ doc, n + 9, 0, 1000, 1000, 5000 };
    j = gp_json_new(chunked_read, &c);
    is_int(gp_json_skip(j), GP_JSON_ERROR, "a read error stops the tokenizer");
    ok(gp_json_read_failed(j), "and says it came from the reader");
    gp_json_free(j);
    free(doc);
}

/* gp_json_num_double takes a fast path for short decimals: it must give
 * strtod's double, bit for bit, whatever the digits. */
static void test_doubles(void)
{
    static const char *const fixed[] = {
        "0", "-0", "1", "0.1", "0.3", "4.928", "1.28", "63.813", "1712195495519689.047",
        "1712195495505582.988", "1661203462598738", "9007199254740992", "9007199254740993",
        "9007199254740993.5", "0.0000000000000000000001", "0.00000000000000000000001",
        "123456789012345678", "1234567890123456789", "12345678901234567890", "1e22", "1e23",
        "2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308", "-578888.534",
    };
    int same = 1;

    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        double a = gp_json_num_double(fixed[i]), b = strtod(fixed[i], NULL);
        if (memcmp(&a, &b, sizeof a) != 0) {
            diag("%s: %.17g, strtod %.17g", fixed[i], a, b);
            same = 0;
        }
    }
    ok(same, "num_double is strtod on a table of edge cases");
    tap_seed(42);
    for (int i = 0; i < 200000 && same; i++) {
        char raw[48];
        int n = 0, nint = 1 + (int)(tap_rand() % 17), nfrac = (int)(tap_rand() % 8);
        double a, b;
        if (tap_rand() % 4 == 0)
            raw[n++] = '-';
        raw[n++] = (char)('1' + tap_rand() % 9);
        for (int k = 1; k < nint; k++)
            raw[n++] = (char)('0' + tap_rand() % 10);
        if (nfrac) {
            raw[n++] = '.';
            for (int k = 0; k < nfrac; k++)
                raw[n++] = (char)('0' + tap_rand() % 10);
        }
        raw[n] = '\0';
        a = gp_json_num_double(raw);
        b = strtod(raw, NULL);
        if (memcmp(&a, &b, sizeof a) != 0) {
            diag("%s: %.17g, strtod %.17g", raw, a, b);
            same = 0;
        }
    }
    ok(same, "num_double is strtod on 200000 random decimals");
}

static void test_numbers(void)
{
    static const struct { const char *raw; int exp10; int ok; int64_t want; } t[] = {
        { "1712195495519689.047", 3, 0, 1712195495519689047LL },
        { "1712195495505582.988", 3, 0, 1712195495505582988LL },
        { "1661203463029566", 3, 0, 1661203463029566000LL },
        { "4.928", 3, 0, 4928 },
        { "1.28", 3, 0, 1280 },
        { "0", 3, 0, 0 },
        { "-0", 3, 0, 0 },
        { "-5", 3, 0, -5000 },
        { "-1.5", 0, 0, -2 },      /* ties to even */
        { "2.5", 0, 0, 2 },
        { "3.5", 0, 0, 4 },
        { "2.5000001", 0, 0, 3 },
        { "0.0004", 3, 0, 0 },
        { "0.0005", 3, 0, 0 },     /* 0.5 ns: tie, even */
        { "0.0015", 3, 0, 2 },
        { "0.00051", 3, 0, 1 },
        { "1.2345e3", 3, 0, 1234500 },
        { "1E-3", 3, 0, 1 },
        { "12e-1", 0, 0, 1 },
        { "0.000000001e9", 0, 0, 1 },
        { "9223372036854775807", 0, 0, INT64_MAX },
        { "9223372036854775808", 0, -1, 0 },
        { "9223372036854775807.4", 0, 0, INT64_MAX },
        { "9223372036854775807.5", 0, -1, 0 },
        { "-9223372036854775807", 0, 0, -INT64_MAX },
        { "9223372036854775", 3, 0, 9223372036854775000LL },
        { "9223372036854776", 3, -1, 0 },
        { "1e400", 0, -1, 0 },
        { "0e400", 0, 0, 0 },
        { "1e-400", 3, 0, 0 },
        { "01", 0, -1, 0 },
        { "1.", 0, -1, 0 },
        { "", 0, -1, 0 },
        { "1 ", 0, -1, 0 },
    };

    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int64_t v = 0;
        int r = gp_json_num_scaled(t[i].raw, strlen(t[i].raw), t[i].exp10, &v);
        if (t[i].ok == 0) {
            ok(r == 0 && v == t[i].want, "scaled(\"%s\", %d) = %lld", t[i].raw, t[i].exp10,
               (long long)t[i].want);
            if (r != 0 || v != t[i].want)
                diag("got r=%d v=%lld", r, (long long)v);
        } else {
            is_int(r, -1, "scaled(\"%s\", %d) refused", t[i].raw, t[i].exp10);
        }
    }
    ok(gp_json_num_is_int("123", 3) && gp_json_num_is_int("-7", 2), "integers are integers");
    ok(!gp_json_num_is_int("1.0", 3) && !gp_json_num_is_int("1e3", 3) && !gp_json_num_is_int("2E1", 3),
       "1.0, 1e3, 2E1 are not written as integers");
    ok(gp_json_num_double("1712195495519689.047") == strtod("1712195495519689.047", NULL),
       "double as strtod gives it");
    ok(gp_json_num_double("1712195495519689.047") == 1712195495519689.0,
       "epoch µs round to the 0.25 µs grid (strtod: nearest)");
    ok(gp_json_num_double("0.1") + gp_json_num_double("0.2") != 0.3, "plain IEEE doubles");
    test_doubles();
}

int main(void)
{
    test_tables();
    test_open_array();
    test_chunks();
    test_depth();
    test_skip();
    test_big_tokens();
    test_numbers();
    return done_testing();
}
