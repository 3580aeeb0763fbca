/* json.c: the streaming JSON tokenizer (see json.h). */
#include "config.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/formats/json.h"

#define BUF_INITIAL (256u * 1024u)
#define TOKEN_MAX ((size_t)1 << 30) /* longest token we agree to hold */
#define ONES 0x0101010101010101ull     /* SWAR: one in every byte */
#define HIGHS 0x8080808080808080ull

/* What the grammar allows next. */
enum {
    ST_START,     /* the document's value */
    ST_VALUE,     /* a value (after ':' or ',' in an array) */
    ST_ARR_FIRST, /* a value or ']' */
    ST_OBJ_FIRST, /* a key or '}' */
    ST_KEY,       /* a key (after ',' in an object) */
    ST_COLON,     /* ':' after a key */
    ST_AFTER,     /* ',' or the container's close */
    ST_DONE       /* only whitespace until the end */
};

struct gp_json {
    gp_json_read_fn read;
    void *ctx;
    char *buf;
    size_t cap, pos, end; /* buf[pos..end) is unread input */
    uint64_t base;        /* input offset of buf[0] */
    uint64_t line;        /* current line, from 1 */
    uint64_t line_start;  /* input offset of its first byte */
    int eof, read_err, failed;
    int started;          /* the byte order mark check is done */
    int open_array;       /* gp_json_allow_open_array */
    int state, depth;
    unsigned char stack[GP_JSON_MAX_DEPTH]; /* 1 object, 0 array */
    const char *text;
    size_t text_len;
    char *num;            /* NUMBER text, NUL-terminated */
    size_t num_cap;
    const char *mem;      /* gp_json_new_mem input */
    size_t mem_len, mem_pos;
    char err[200];
};

/* ---- setup ---- */

static long mem_read(void *ctx, char *buf, size_t cap)
{
    gp_json *j = ctx;
    size_t n = j->mem_len - j->mem_pos;

    if (n > cap)
        n = cap;
    memcpy(buf, j->mem + j->mem_pos, n);
    j->mem_pos += n;
    return (long)n;
}

gp_json *gp_json_new(gp_json_read_fn read, void *ctx)
{
    gp_json *j;

    assert(read);
    j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->buf = malloc(BUF_INITIAL);
    j->num_cap = 64;
    j->num = malloc(j->num_cap);
    if (!j->buf || !j->num) {
        gp_json_free(j);
        return NULL;
    }
    j->cap = BUF_INITIAL;
    j->read = read;
    j->ctx = ctx;
    j->line = 1;
    j->state = ST_START;
    j->text = "";
    return j;
}

gp_json *gp_json_new_mem(const char *data, size_t len)
{
    gp_json *j = gp_json_new(mem_read, NULL);

    if (j) {
        j->ctx = j;
        j->mem = data;
        j->mem_len = len;
    }
    return j;
}

void gp_json_allow_open_array(gp_json *j)
{
    j->open_array = 1;
}

void gp_json_free(gp_json *j)
{
    if (!j)
        return;
    free(j->buf);
    free(j->num);
    free(j);
}

/* ---- errors ---- */

/* Fails at input byte buf[at] (at may be end: the end of the input). */
__attribute__((format(printf, 3, 4)))
static gp_json_tok fail(gp_json *j, size_t at, const char *fmt, ...)
{
    va_list ap;
    char what[120];
    uint64_t off = j->base + at;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(j->err, sizeof j->err, "%s at line %llu, column %llu (byte %llu)", what,
             (unsigned long long)j->line, (unsigned long long)(off - j->line_start + 1),
             (unsigned long long)off);
    j->failed = 1;
    j->text = "";
    j->text_len = 0;
    return GP_JSON_ERROR;
}

static gp_json_tok fail_unexpected(gp_json *j, size_t at, const char *expected)
{
    unsigned char c = (unsigned char)j->buf[at];

    if (c >= 0x20 && c < 0x7f)
        return fail(j, at, "unexpected '%c'%s%s", c, *expected ? ", expected " : "", expected);
    return fail(j, at, "unexpected byte 0x%02x%s%s", c, *expected ? ", expected " : "", expected);
}

static gp_json_tok fail_read(gp_json *j)
{
    j->read_err = 1;
    j->failed = 1;
    snprintf(j->err, sizeof j->err, "read error after byte %llu",
             (unsigned long long)(j->base + j->end));
    return GP_JSON_ERROR;
}

/* ---- input ---- */

/* Drops buf[0..pos), then reads more after what is kept, growing the
 * buffer when a token fills it. Returns > 0 bytes read, 0 at the end of
 * the input, -1 on a read error, -2 if a token is too long. */
static long refill(gp_json *j)
{
    long n;

    if (j->eof)
        return 0;
    if (j->pos > 0) {
        memmove(j->buf, j->buf + j->pos, j->end - j->pos);
        j->base += j->pos;
        j->end -= j->pos;
        j->pos = 0;
    }
    if (j->end == j->cap) {
        char *p;
        if (j->cap >= TOKEN_MAX)
            return -2;
        p = realloc(j->buf, 2 * j->cap);
        if (!p)
            return -2;
        j->buf = p;
        j->cap *= 2;
    }
    n = j->read(j->ctx, j->buf + j->end, j->cap - j->end);
    if (n < 0)
        return -1;
    if (n == 0) {
        j->eof = 1;
        return 0;
    }
    j->end += (size_t)n;
    return n;
}

static gp_json_tok fail_refill(gp_json *j, long r)
{
    if (r == -1)
        return fail_read(j);
    return fail(j, j->pos, "a token longer than %zu bytes (or out of memory)", TOKEN_MAX);
}

/* Skips whitespace, counting lines. Returns the next byte, -1 at the end
 * of the input, or -2 after a refill error (*rerr). Runs of spaces (the
 * indentation of pretty-printed traces) go 8 bytes at a time. */
static int skip_ws(gp_json *j, long *rerr)
{
    for (;;) {
        const unsigned char *p = (const unsigned char *)j->buf + j->pos;
        const unsigned char *e = (const unsigned char *)j->buf + j->end;
        long r;

        while (p < e) {
            unsigned char c = *p;
            if (c > ' ') {
                j->pos = (size_t)((const char *)p - j->buf);
                return c;
            }
            if (c == ' ') {
                uint64_t v, x;
                if (e - p < 8) {
                    p++;
                    continue;
                }
                memcpy(&v, p, 8);
                x = v ^ (ONES * ' ');
                p += x ? __builtin_ctzll(x) >> 3 : 8;
            } else if (c == '\n') {
                p++;
                j->line++;
                j->line_start = j->base + (uint64_t)((const char *)p - j->buf);
            } else if (c == '\t' || c == '\r') {
                p++;
            } else {
                j->pos = (size_t)((const char *)p - j->buf);
                return c; /* a control character: the caller says unexpected */
            }
        }
        j->pos = j->end;
        r = refill(j);
        if (r == 0)
            return -1;
        if (r < 0) {
            *rerr = r;
            return -2;
        }
    }
}

/* ---- strings ---- */

/* Nonzero if any byte of v is '"', '\\', < 0x20 or >= 0x80; the lowest set
 * bit marks the first such byte (little-endian), later ones may be false. */
static inline uint64_t special_bytes(uint64_t v)
{
    uint64_t q = v ^ (ONES * '"'), b = v ^ (ONES * '\\');
    return (((q - ONES) & ~q) | ((b - ONES) & ~b) | ((v - ONES * 0x20) & ~v) | v) & HIGHS;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* The code unit of "\uXXXX" at p (6 bytes), or -1. */
static long hex4(const unsigned char *p)
{
    long v = 0;
    for (int i = 2; i < 6; i++) {
        int h = hexval(p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* Length of the valid UTF-8 sequence at p (n bytes available, n >= 1), 0
 * if invalid, or -(bytes needed) if it may be valid but is cut off. */
static int utf8_len(const unsigned char *p, size_t n)
{
    unsigned char c = p[0], lo = 0x80, hi = 0xbf;
    int len;

    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f; /* no UTF-16 surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f; /* at most U+10FFFF */
    } else
        return 0;
    for (int i = 1; i < len; i++) {
        if ((size_t)i >= n)
            return -len;
        if (p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xbf))
            return 0;
    }
    return len;
}

static size_t put_utf8(char *w, unsigned long cp)
{
    if (cp < 0x80) {
        w[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        w[0] = (char)(0xc0 | (cp >> 6));
        w[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        w[0] = (char)(0xe0 | (cp >> 12));
        w[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        w[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    w[0] = (char)(0xf0 | (cp >> 18));
    w[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    w[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    w[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Decodes the validated escapes of s[0..len) in place; returns the new
 * length (never longer). */
static size_t unescape(char *s, size_t len)
{
    char *w = s;
    const char *r = s, *e = s + len;

    while (r < e) {
        const char *bs = memchr(r, '\\', (size_t)(e - r));
        unsigned long cp;
        if (!bs) {
            memmove(w, r, (size_t)(e - r));
            w += e - r;
            break;
        }
        memmove(w, r, (size_t)(bs - r));
        w += bs - r;
        switch (bs[1]) {
        case 'b': *w++ = '\b'; r = bs + 2; continue;
        case 'f': *w++ = '\f'; r = bs + 2; continue;
        case 'n': *w++ = '\n'; r = bs + 2; continue;
        case 'r': *w++ = '\r'; r = bs + 2; continue;
        case 't': *w++ = '\t'; r = bs + 2; continue;
        case 'u': break;
        default: *w++ = bs[1]; r = bs + 2; continue; /* " \ / */
        }
        cp = (unsigned long)hex4((const unsigned char *)bs);
        r = bs + 6;
        if (cp >= 0xd800 && cp <= 0xdbff) { /* validated: a low surrogate follows */
            cp = 0x10000 + ((cp - 0xd800) << 10) + ((unsigned long)hex4((const unsigned char *)r) - 0xdc00);
            r += 6;
        }
        w += put_utf8(w, cp);
    }
    return (size_t)(w - s);
}

/* The escape at p (avail bytes there): its length, 0 if it may be valid
 * but is cut off, or -1 after failing. */
static long check_escape(gp_json *j, const unsigned char *p, size_t avail)
{
    size_t at = (size_t)((const char *)p - j->buf);
    long u, lo = 0;
    int bad;

    if (avail < 2)
        return 0;
    if (p[1] != 'u') {
        if (!p[1] || !strchr("\"\\/bfnrt", p[1]))
            return fail(j, at, "invalid escape in string"), -1;
        return 2;
    }
    for (size_t k = 2; k < 6 && k < avail; k++)
        if (hexval(p[k]) < 0)
            return fail(j, at, "invalid \\u escape in string"), -1;
    if (avail < 6)
        return 0;
    u = hex4(p);
    if (u >= 0xdc00 && u <= 0xdfff)
        return fail(j, at, "lone low surrogate \\u%04lX in string", u), -1;
    if (u < 0xd800 || u > 0xdbff)
        return 6;
    /* a high surrogate: "\\uDC00".."\\uDFFF" must follow */
    bad = (avail > 6 && p[6] != '\\') || (avail > 7 && p[7] != 'u');
    for (size_t k = 8; k < 12 && k < avail && !bad; k++)
        bad = hexval(p[k]) < 0;
    if (!bad && avail < 12)
        return 0;
    if (bad || (lo = hex4(p + 6)) < 0xdc00 || lo > 0xdfff)
        return fail(j, at, "high surrogate \\u%04lX not followed by a low surrogate in string", u), -1;
    return 12;
}

/* The string whose '"' is at buf[pos]. keep: decode it and set the text.
 * Resumes where it stopped when it has to read more. */
static gp_json_tok lex_string(gp_json *j, int keep, gp_json_tok type)
{
    size_t off = 1; /* scan position, relative to pos */
    int escapes = 0;
    const unsigned char *s, *p, *e;

    for (;;) {
        long r;
        s = (const unsigned char *)j->buf + j->pos;
        p = s + off;
        e = (const unsigned char *)j->buf + j->end;
        for (;;) {
            unsigned char c;
            long n;
            while (e - p >= 8) { /* 8 plain bytes at a time */
                uint64_t v, m;
                memcpy(&v, p, 8);
                m = special_bytes(v);
                if (m) {
                    p += __builtin_ctzll(m) >> 3;
                    break;
                }
                p += 8;
            }
            if (p >= e)
                break;
            c = *p;
            if (c == '"')
                goto closed;
            if (c == '\\') {
                if ((n = check_escape(j, p, (size_t)(e - p))) < 0)
                    return GP_JSON_ERROR;
                escapes = 1;
            } else if (c < 0x20) {
                return fail(j, (size_t)((const char *)p - j->buf), "unescaped control character 0x%02x in string", c);
            } else if (c >= 0x80) {
                if ((n = utf8_len(p, (size_t)(e - p))) == 0)
                    return fail(j, (size_t)((const char *)p - j->buf), "invalid UTF-8 in string");
                n = n < 0 ? 0 : n;
            } else {
                n = 1;
            }
            if (n == 0)
                break; /* cut off */
            p += n;
        }
        off = (size_t)(p - s);
        r = refill(j);
        if (r == 0)
            return fail(j, j->pos, "unterminated string");
        if (r < 0)
            return fail_refill(j, r);
    }
closed:
    if (keep) {
        char *t = (char *)s + 1;
        size_t len = (size_t)(p - s) - 1;
        if (escapes)
            len = unescape(t, len);
        t[len] = '\0'; /* at or before the closing quote, which is consumed */
        j->text = t;
        j->text_len = len;
    }
    j->pos = (size_t)((const char *)p - j->buf) + 1;
    return type;
}

/* ---- numbers ---- */

/* Length of the JSON number at s (n bytes available; more may follow
 * unless eof): > 0 its length, 0 need more input, -(1 + offset of the bad
 * byte) if it is not a number. */
static long scan_number(const char *s, size_t n, int eof)
{
    size_t i = 0;

#define AT(k) ((k) < n ? (unsigned char)s[k] : -1)
#define NEED(k) do { if ((k) >= n && !eof) return 0; } while (0)
#define DIGIT(c) ((c) >= '0' && (c) <= '9')
    NEED(i);
    if (AT(i) == '-') {
        i++;
        NEED(i);
    }
    if (AT(i) == '0')
        i++;
    else if (DIGIT(AT(i)) && AT(i) != '0') {
        do {
            i++;
            NEED(i);
        } while (DIGIT(AT(i)));
    } else
        return -(long)(1 + i);
    NEED(i);
    if (AT(i) == '.') {
        i++;
        NEED(i);
        if (!DIGIT(AT(i)))
            return -(long)(1 + i);
        do {
            i++;
            NEED(i);
        } while (DIGIT(AT(i)));
    }
    if (AT(i) == 'e' || AT(i) == 'E') {
        i++;
        NEED(i);
        if (AT(i) == '+' || AT(i) == '-') {
            i++;
            NEED(i);
        }
        if (!DIGIT(AT(i)))
            return -(long)(1 + i);
        do {
            i++;
            NEED(i);
        } while (DIGIT(AT(i)));
    }
    return (long)i;
#undef AT
#undef NEED
#undef DIGIT
}

static gp_json_tok lex_number(gp_json *j, int keep)
{
    long n;

    for (;;) {
        long r;
        n = scan_number(j->buf + j->pos, j->end - j->pos, j->eof);
        if (n != 0)
            break;
        r = refill(j);
        if (r < 0)
            return fail_refill(j, r);
    }
    if (n < 0) {
        size_t bad = j->pos + (size_t)(-n - 1);
        if (bad >= j->end)
            return fail(j, bad, "truncated input: the document ends inside a number");
        return fail(j, bad, "invalid number");
    }
    if (keep) {
        if ((size_t)n + 1 > j->num_cap) {
            size_t cap = (size_t)n + 1 > 2 * j->num_cap ? (size_t)n + 1 : 2 * j->num_cap;
            char *p = realloc(j->num, cap);
            if (!p)
                return fail(j, j->pos, "out of memory for a %ld-byte number", n);
            j->num = p;
            j->num_cap = cap;
        }
        memcpy(j->num, j->buf + j->pos, (size_t)n);
        j->num[n] = '\0';
        j->text = j->num;
        j->text_len = (size_t)n;
    }
    j->pos += (size_t)n;
    return GP_JSON_NUMBER;
}

static gp_json_tok lex_literal(gp_json *j, const char *word, gp_json_tok type)
{
    size_t n = strlen(word);

    while (j->end - j->pos < n) {
        long r = refill(j);
        if (r < 0)
            return fail_refill(j, r);
        if (r == 0)
            break;
    }
    for (size_t i = 0; i < n; i++) {
        if (j->pos + i >= j->end)
            return fail(j, j->pos + i, "truncated input: the document ends inside '%s'", word);
        if (j->buf[j->pos + i] != word[i])
            return fail(j, j->pos + i, "invalid literal (expected '%s')", word);
    }
    j->pos += n;
    return type;
}

/* ---- the grammar ---- */

static gp_json_tok after_value(gp_json *j, gp_json_tok t)
{
    if (t != GP_JSON_ERROR)
        j->state = j->depth ? ST_AFTER : ST_DONE;
    return t;
}

static gp_json_tok open_container(gp_json *j, int object)
{
    if (j->depth >= GP_JSON_MAX_DEPTH)
        return fail(j, j->pos, "nesting deeper than %d levels", GP_JSON_MAX_DEPTH);
    j->stack[j->depth++] = (unsigned char)object;
    j->pos++;
    j->state = object ? ST_OBJ_FIRST : ST_ARR_FIRST;
    return object ? GP_JSON_OBJECT_BEGIN : GP_JSON_ARRAY_BEGIN;
}

static gp_json_tok close_container(gp_json *j)
{
    int object = j->stack[--j->depth];

    j->pos++;
    j->state = j->depth ? ST_AFTER : ST_DONE;
    return object ? GP_JSON_OBJECT_END : GP_JSON_ARRAY_END;
}

static gp_json_tok lex_value(gp_json *j, int c, int keep)
{
    switch (c) {
    case '{': return open_container(j, 1);
    case '[': return open_container(j, 0);
    case '"': return after_value(j, lex_string(j, keep, GP_JSON_STRING));
    case 't': return after_value(j, lex_literal(j, "true", GP_JSON_TRUE));
    case 'f': return after_value(j, lex_literal(j, "false", GP_JSON_FALSE));
    case 'n': return after_value(j, lex_literal(j, "null", GP_JSON_NULL));
    default:
        if (c == '-' || (c >= '0' && c <= '9'))
            return after_value(j, lex_number(j, keep));
        return fail_unexpected(j, j->pos, "a value");
    }
}

static gp_json_tok at_end(gp_json *j)
{
    /* an open top-level array ends with the input (also after a last ',') */
    if (j->open_array && j->depth == 1 && !j->stack[0] &&
        (j->state == ST_AFTER || j->state == ST_ARR_FIRST || j->state == ST_VALUE)) {
        j->depth = 0;
        j->state = ST_DONE;
        return GP_JSON_ARRAY_END;
    }
    switch (j->state) {
    case ST_DONE: return GP_JSON_END;
    case ST_START: return fail(j, j->end, "empty input: no JSON value");
    default:
        return fail(j, j->end, "truncated input: the document ends inside %s",
                    j->stack[j->depth - 1] ? "an object" : "an array");
    }
}

/* Skips a UTF-8 byte order mark at the very start of the input (RFC 8259
 * section 8.1 lets a parser ignore it); anywhere else it is an error. */
static void skip_bom(gp_json *j)
{
    j->started = 1;
    while (j->end - j->pos < 3 && refill(j) > 0)
        ;
    if (j->end - j->pos >= 3 && memcmp(j->buf + j->pos, "\xef\xbb\xbf", 3) == 0)
        j->pos += 3;
}

/* One token; keep: decode strings and copy numbers. */
static gp_json_tok lex(gp_json *j, int keep)
{
    long rerr = 0;

    if (j->failed)
        return GP_JSON_ERROR;
    if (!j->started)
        skip_bom(j);
    j->text = "";
    j->text_len = 0;
    for (;;) {
        int c = skip_ws(j, &rerr);
        if (c == -1)
            return at_end(j);
        if (c < -1)
            return fail_refill(j, rerr);
        switch (j->state) {
        case ST_DONE:
            return fail_unexpected(j, j->pos, "nothing after the document's value");
        case ST_COLON:
            if (c != ':')
                return fail_unexpected(j, j->pos, "':' after an object key");
            j->pos++;
            j->state = ST_VALUE;
            continue;
        case ST_AFTER:
            if (c == ',') {
                j->pos++;
                j->state = j->stack[j->depth - 1] ? ST_KEY : ST_VALUE;
                continue;
            }
            if (c == (j->stack[j->depth - 1] ? '}' : ']'))
                return close_container(j);
            return fail_unexpected(j, j->pos, j->stack[j->depth - 1] ? "',' or '}'" : "',' or ']'");
        case ST_OBJ_FIRST:
            if (c == '}')
                return close_container(j);
            /* fall through */
        case ST_KEY:
            if (c != '"')
                return fail_unexpected(j, j->pos, "a string key");
            {
                gp_json_tok t = lex_string(j, keep, GP_JSON_KEY);
                if (t != GP_JSON_KEY)
                    return t;
                /* The ':' is read with the value, never here: taking it
                 * only when the buffer holds it made the offset after a
                 * key depend on how the input was cut into reads. */
                j->state = ST_COLON;
                return t;
            }
        case ST_ARR_FIRST:
            if (c == ']')
                return close_container(j);
            /* fall through */
        default:
            return lex_value(j, c, keep);
        }
    }
}

gp_json_tok gp_json_next(gp_json *j)
{
    assert(j);
    return lex(j, 1);
}

gp_json_tok gp_json_skip(gp_json *j)
{
    gp_json_tok t;
    int d0;

    assert(j);
    t = lex(j, 0);
    if (t == GP_JSON_KEY) {
        gp_json_tok v = gp_json_skip(j);
        return v == GP_JSON_ERROR ? v : t;
    }
    if (t != GP_JSON_OBJECT_BEGIN && t != GP_JSON_ARRAY_BEGIN)
        return t;
    d0 = j->depth - 1;
    while (j->depth > d0)
        if (lex(j, 0) == GP_JSON_ERROR)
            return GP_JSON_ERROR;
    return t;
}

const char *gp_json_text(const gp_json *j, size_t *len)
{
    if (len)
        *len = j->text_len;
    return j->text;
}

int gp_json_depth(const gp_json *j)
{
    return j->depth;
}

uint64_t gp_json_offset(const gp_json *j)
{
    return j->base + j->pos;
}

const char *gp_json_error(const gp_json *j)
{
    return j->err;
}

int gp_json_read_failed(const gp_json *j)
{
    return j->read_err;
}

/* ---- number text ---- */

int gp_json_num_is_int(const char *raw, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (raw[i] == '.' || raw[i] == 'e' || raw[i] == 'E')
            return 0;
    return 1;
}

/* gp_json_num_scaled for short "[-]digits[.digits]" that need no
 * rounding (timestamps, ids): 1 and *out, or 0 to take the general way. */
static int num_scaled_fast(const char *raw, size_t len, int exp10, int64_t *out)
{
    uint64_t v = 0;
    size_t d = raw[0] == '-', nd = 0, nf = 0;
    int dot = 0;

    if (len > 21 || exp10 < 0 || exp10 > 3 || d == len || (raw[d] == '0' && d + 1 < len && raw[d + 1] != '.'))
        return 0;
    for (; d < len; d++) {
        unsigned char ch = (unsigned char)raw[d];
        if (ch >= '0' && ch <= '9') {
            if (++nd > 19)
                return 0;
            v = v * 10 + (ch - '0'); /* < 10^19: fits */
            nf += (size_t)dot;
        } else if (ch == '.' && !dot && nd && d + 1 < len) {
            dot = 1;
        } else
            return 0;
    }
    if ((int)nf > exp10 || nd - nf + (size_t)exp10 > 19)
        return 0; /* needs rounding, or may not fit */
    for (int z = (int)nf; z < exp10; z++)
        v *= 10;   /* still < 10^19 */
    if (v > (uint64_t)INT64_MAX)
        return 0;
    *out = raw[0] == '-' ? -(int64_t)v : (int64_t)v;
    return 1;
}

int gp_json_num_scaled(const char *raw, size_t len, int exp10, int64_t *out)
{
    size_t i = 0, int_at, n_int, frac_at = 0, n_frac = 0, n_dig;
    long long ex = 0, k;
    int neg = 0, exneg = 0;
    uint64_t acc = 0;
    const uint64_t max = (uint64_t)INT64_MAX;

    assert(raw && out);
    if (len && num_scaled_fast(raw, len, exp10, out))
        return 0;
    if (scan_number(raw, len, 1) != (long)len)
        return -1;
    if (raw[i] == '-') {
        neg = 1;
        i++;
    }
    int_at = i;
    while (i < len && raw[i] >= '0' && raw[i] <= '9')
        i++;
    n_int = i - int_at;
    if (i < len && raw[i] == '.') {
        frac_at = ++i;
        while (i < len && raw[i] >= '0' && raw[i] <= '9')
            i++;
        n_frac = i - frac_at;
    }
    if (i < len) { /* exponent */
        i++;
        if (raw[i] == '+' || raw[i] == '-')
            exneg = raw[i++] == '-';
        for (; i < len; i++)
            if (ex < 100000000)
                ex = ex * 10 + (raw[i] - '0');
        if (exneg)
            ex = -ex;
    }
    n_dig = n_int + n_frac;
#define DIG(d) ((d) < n_int ? raw[int_at + (d)] - '0' : raw[frac_at + (d) - n_int] - '0')
    k = (long long)n_dig + ex - (long long)n_frac + exp10; /* digits before the point */
    for (long long d = 0; d < k && d < (long long)n_dig; d++) {
        unsigned dv = (unsigned)DIG((size_t)d);
        if (acc > (max - dv) / 10)
            return -1;
        acc = acc * 10 + dv;
    }
    if (acc)
        for (long long d = (long long)n_dig; d < k; d++) {
            if (acc > max / 10)
                return -1;
            acc *= 10;
        }
    if (k >= 0 && k < (long long)n_dig) { /* round what is cut off */
        int first = DIG((size_t)k), rest = 0;
        for (size_t d = (size_t)k + 1; d < n_dig && !rest; d++)
            rest = DIG(d) != 0;
        if (first > 5 || (first == 5 && (rest || (acc & 1)))) {
            if (acc == max)
                return -1;
            acc++;
        }
    }
#undef DIG
    *out = neg ? -(int64_t)acc : (int64_t)acc;
    return 0;
}

double gp_json_num_double(const char *raw)
{
    /* Exact powers of ten: a double holds 10^k exactly up to 10^22. */
    static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
    const char *p = raw + (raw[0] == '-');
    uint64_t m = 0;
    int nd = 0, nf = -1;

    /* Clinger's fast path: a mantissa below 2^53 and at most 22 fraction
     * digits give m / 10^k in one correctly rounded IEEE division, the
     * same double strtod returns (round to nearest). */
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (++nd > 19)
                break;
            m = m * 10 + (uint64_t)(*p - '0');
            nf += nf >= 0;
        } else if (*p == '.' && nf < 0) {
            nf = 0;
        } else
            break;
    }
    if (!*p && m <= (1ull << 53) && nf <= 22) {
        double d = nf > 0 ? (double)m / pow10[nf] : (double)m;
        return raw[0] == '-' ? -d : d;
    }
    return strtod(raw, NULL);
}
