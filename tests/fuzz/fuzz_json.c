/* fuzz_json.c: the streaming JSON tokenizer (analyzer/formats/json.h).
 *
 * Input: one control byte, then the document. The document is tokenized
 * twice, from memory (gp_json_new_mem) and streamed through a read
 * callback in chunks whose sizes the control byte seeds (1 byte up to
 * 64 KiB); both runs skip the same values (gp_json_skip at the tokens the
 * control byte picks). Checked: the two runs give the same tokens, texts,
 * depths, offsets and error message; number texts satisfy the
 * gp_json_num_* contracts on integers. Every sixteenth streamed run fails
 * its read callback part way, which must end in GP_JSON_ERROR with
 * gp_json_read_failed() set.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/formats/json.h"
#include "tests/fuzz/fuzz.h"

#define MAX_TOKENS 100000

typedef struct stream {
    const char *p;
    size_t n, at;
    uint32_t rng;
    size_t fail_at; /* a read starting at or after this fails; SIZE_MAX: never */
} stream;

static uint32_t next_rand(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static long read_chunk(void *ctx, char *buf, size_t cap)
{
    stream *s = ctx;
    size_t want;

    if (s->at >= s->fail_at)
        return -1;
    if (s->at >= s->n)
        return 0;
    want = 1 + next_rand(&s->rng) % (s->rng & 1 ? 7 : 65536);
    want = want < cap ? want : cap;
    want = want < s->n - s->at ? want : s->n - s->at;
    memcpy(buf, s->p + s->at, want);
    s->at += want;
    return (long)want;
}

/* One token's observable result, hashed. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;

    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static void check_number(const char *raw, size_t len)
{
    static const int exps[] = { 0, 3, 6, 9, -3 };
    int64_t v;

    for (size_t i = 0; i < sizeof exps / sizeof exps[0]; i++)
        (void)gp_json_num_scaled(raw, len, exps[i], &v);
    if (gp_json_num_is_int(raw, len) && gp_json_num_scaled(raw, len, 0, &v) == 0 &&
        v > -(INT64_C(1) << 53) && v < (INT64_C(1) << 53) && gp_json_num_double(raw) != (double)v)
        fz_fail("number %s: gp_json_num_scaled gives %lld, gp_json_num_double %.17g", raw,
                (long long)v, gp_json_num_double(raw));
}

/* Tokenizes through j, skipping where `skips` says; returns the hash of
 * everything observable, *n_tok the tokens read, *last the final token. */
static uint64_t run(gp_json *j, unsigned skips, int numbers, size_t *n_tok, gp_json_tok *last)
{
    uint64_t h = 0xcbf29ce484222325ull;
    gp_json_tok t = GP_JSON_END;
    size_t i;

    for (i = 0; i < MAX_TOKENS; i++) {
        size_t len = 0;
        const char *s;
        int depth = gp_json_depth(j);
        uint64_t off;
        if (skips && (i * 2654435761u >> 7) % 16 < (skips & 15))
            t = gp_json_skip(j);
        else
            t = gp_json_next(j);
        s = gp_json_text(j, &len);
        off = gp_json_offset(j);
        h = fnv(h, &t, sizeof t);
        h = fnv(h, &depth, sizeof depth);
        h = fnv(h, &off, sizeof off);
        h = fnv(h, &len, sizeof len);
        h = fnv(h, s, len);
        if (s[len] != 0)
            fz_fail("token text not NUL-terminated");
        if (numbers && t == GP_JSON_NUMBER)
            check_number(s, len);
        if (t <= GP_JSON_END)
            break;
    }
    if (t == GP_JSON_ERROR) {
        const char *e = gp_json_error(j);
        h = fnv(h, e, strlen(e));
    }
    *n_tok = i;
    *last = t;
    return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *doc = (const char *)data + 1;
    size_t n = size ? size - 1 : 0, tok_mem, tok_str;
    unsigned ctl = size ? data[0] : 0;
    stream s = { doc, n, 0, 0x9e3779b9u ^ ctl, (size_t)-1 };
    gp_json_tok last_mem, last_str;
    uint64_t h_mem, h_str;
    gp_json *j;

    if (!size)
        return 0;
    if (!(j = gp_json_new_mem(doc, n)))
        return 0;
    h_mem = run(j, ctl >> 4, 1, &tok_mem, &last_mem);
    gp_json_free(j);

    if (!(j = gp_json_new(read_chunk, &s)))
        return 0;
    h_str = run(j, ctl >> 4, 0, &tok_str, &last_str);
    if (gp_json_read_failed(j))
        fz_fail("read failed without a failing read");
    gp_json_free(j);
    if (h_mem != h_str || tok_mem != tok_str || last_mem != last_str)
        fz_fail("memory and streamed tokenizing differ: %zu tokens (last %d) vs %zu (last %d)",
                tok_mem, last_mem, tok_str, last_str);

    if ((ctl & 15) == 15 && n > 1) { /* a read error part way */
        stream f = { doc, n, 0, 0x12345u ^ ctl, n / 2 };
        gp_json_tok t;
        if (!(j = gp_json_new(read_chunk, &f)))
            return 0;
        while ((t = gp_json_next(j)) > GP_JSON_END)
            ;
        if (t == GP_JSON_ERROR && !gp_json_read_failed(j) && last_mem == GP_JSON_END &&
            f.at >= f.fail_at)
            fz_fail("a failed read ended as a syntax error: %s", gp_json_error(j));
        gp_json_free(j);
    }
    return 0;
}
