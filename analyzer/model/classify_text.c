/* classify_text.c: reading kernel names as text (see classify_int.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "analyzer/model/classify_int.h"
#include "analyzer/model/demangle.h"

static int is_open(char c)
{
    return c == '<' || c == '(' || c == '{' || c == '[';
}

static int is_close(char c)
{
    return c == '>' || c == ')' || c == '}' || c == ']';
}

size_t gp_match_close(const char *s, size_t n, size_t open)
{
    size_t depth = 0;

    for (size_t i = open; i < n; i++) {
        if (is_open(s[i])) {
            depth++;
        } else if (is_close(s[i])) {
            /* "->" inside a name is an arrow, not a bracket */
            if (s[i] == '>' && i > 0 && s[i - 1] == '-')
                continue;
            if (depth <= 1)
                return i;
            depth--;
        }
    }
    return n;
}

/* ---- a rough rendering of a mangled name the demangler refused -------------------- */

typedef struct obuf {
    char *p;
    size_t len, cap;
} obuf;

static void oput(obuf *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap)
        return;
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

/* The leading nested name joined by "::", then every other identifier and
 * float/double/half type code as a template argument list. Used only to
 * classify and show names that are not valid (truncated, vendor extensions). */
static char *crude(const char *m, size_t n)
{
    obuf o;
    size_t i = 2;
    int first = 1, args = 0, prev_tok = 0;

    if (n > 65536) /* the start says what it is */
        n = 65536;
    o.cap = 10 * n + 64;
    o.p = malloc(o.cap);
    o.len = 0;
    if (!o.p)
        return NULL;
    o.p[0] = '\0';
    if (i < n && m[i] == 'L')
        i++;
    if (i < n && m[i] == 'N') {
        i++;
        while (i < n && strchr("rVKRO", m[i]))
            i++;
    }
    for (;;) { /* the leading qualified name */
        if (i < n && m[i] >= '1' && m[i] <= '9') {
            size_t len = 0, j = i;
            while (j < n && m[j] >= '0' && m[j] <= '9' && len < 100000)
                len = len * 10 + (size_t)(m[j++] - '0');
            if (len == 0 || j + len > n)
                break;
            if (!first)
                oput(&o, "::", 2);
            oput(&o, m + j, len);
            i = j + len;
            first = 0;
        } else if (i + 1 < n && m[i] == 'S' && m[i + 1] == 't') {
            oput(&o, "std", 3);
            i += 2;
            first = 0;
            continue;
        } else {
            break;
        }
    }
    if (first)
        oput(&o, "?", 1);
    oput(&o, "<", 1);
    while (i < n) {
        char c = m[i];
        const char *word = NULL;
        if (c >= '1' && c <= '9') {
            size_t len = 0, j = i;
            int literal = (i >= 1 && (m[i - 1] == 'S' || m[i - 1] == 'T')) ||
                          (i >= 2 && m[i - 2] == 'L') || (i >= 3 && m[i - 1] == 'n' && m[i - 3] == 'L');
            while (j < n && m[j] >= '0' && m[j] <= '9' && len < 100000)
                len = len * 10 + (size_t)(m[j++] - '0');
            if (!literal && len > 0 && j + len <= n && !(m[j] >= '0' && m[j] <= '9')) {
                if (args++)
                    oput(&o, ", ", 2);
                oput(&o, m + j, len);
                i = j + len;
                prev_tok = 1;
                continue;
            }
            i = j;
            prev_tok = 0;
            continue;
        }
        if (prev_tok || (i > 0 && strchr("IPKRVE_", m[i - 1]))) {
            if (c == 'f')
                word = "float";
            else if (c == 'd')
                word = "double";
            else if (c == 'D' && i + 1 < n && m[i + 1] == 'h')
                word = "half";
        }
        if (word) {
            if (args++)
                oput(&o, ", ", 2);
            oput(&o, word, strlen(word));
            i += c == 'D' ? 2 : 1;
            prev_tok = 1;
            continue;
        }
        prev_tok = 0;
        i++;
    }
    oput(&o, ">", 1);
    return o.p;
}

void gp_ktext_init(gp_ktext *t, const char *name)
{
    size_t n;

    memset(t, 0, sizeof *t);
    if (!name)
        name = "";
    n = strlen(name);
    t->s = name;
    t->n = n;
    if (n < 3 || name[0] != '_' || name[1] != 'Z')
        return;
    t->owned = gp_demangle(name);
    if (!t->owned) {
        t->owned = crude(name, n);
        t->crude = t->owned != NULL;
    }
    if (t->owned) {
        t->s = t->owned;
        t->n = strlen(t->owned);
    }
}

void gp_ktext_free(gp_ktext *t)
{
    free(t->owned);
    t->owned = NULL;
}

/* ---- the kernel's own name inside a signature -------------------------------------- */

static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);

    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

void gp_ksig_parse(const char *s, size_t n, gp_ksig *g)
{
    size_t end = n, head = n, qstart = 0, cstart, lt;
    int depth = 0, changed = 1;

    memset(g, 0, sizeof *g);
    while (end && s[end - 1] == ' ')
        end--;
    /* trailing " [clone .cold]", " const", " &&" of member functions */
    while (changed) {
        static const char *const tails[] = { " const", " volatile", " &&", " &" };
        changed = 0;
        if (end && s[end - 1] == ']') {
            size_t k = end;
            while (k && s[k - 1] != '[')
                k--;
            if (k >= 2 && s[k - 2] == ' ' && end - k > 6 && memcmp(s + k, "clone ", 6) == 0) {
                end = k - 2;
                changed = 1;
            }
        }
        for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++)
            if (ends_with(s, end, tails[i]) && end > strlen(tails[i]) && s[end - strlen(tails[i]) - 1] == ')') {
                end -= strlen(tails[i]);
                changed = 1;
            }
    }
    head = end;
    if (end && s[end - 1] == ')') { /* the parameter list: match its '(' going back */
        size_t k = end - 1;
        int d = 0;
        for (;;) {
            if (s[k] == ')')
                d++;
            else if (s[k] == '(' && --d == 0)
                break;
            if (k == 0)
                break;
            k--;
        }
        if (d == 0 && s[k] == '(' && k > 0 && s[k - 1] != ' ' && s[k - 1] != '(') {
            head = k;
            g->is_sig = 1;
        }
    }
    if (g->is_sig) { /* the return type ends at the last top-level space */
        for (size_t i = 0; i < head; i++) {
            char c = s[i];
            if (is_open(c))
                depth++;
            else if (is_close(c) && !(c == '>' && i > 0 && s[i - 1] == '-'))
                depth = depth > 0 ? depth - 1 : 0;
            else if (c == ' ' && depth == 0)
                qstart = i + 1;
        }
    } else {
        while (qstart < head && s[qstart] == ' ')
            qstart++;
    }
    g->qual.p = s + qstart;
    g->qual.n = head - qstart;
    /* the last top-level component */
    cstart = qstart;
    depth = 0;
    for (size_t i = qstart; i < head; i++) {
        char c = s[i];
        if (is_open(c))
            depth++;
        else if (is_close(c) && !(c == '>' && i > 0 && s[i - 1] == '-'))
            depth = depth > 0 ? depth - 1 : 0;
        else if (depth == 0 && c == ':' && i + 1 < head && s[i + 1] == ':')
            cstart = i + 2;
    }
    /* base: up to the component's template arguments (or its first non-name character) */
    lt = cstart;
    while (lt < head && is_ident(s[lt]))
        lt++;
    if (lt == cstart) /* "(anonymous namespace)", "{lambda...}", "[CUDA memcpy ...]" */
        lt = head;
    g->base.p = s + cstart;
    g->base.n = lt - cstart;
    if (lt < head && s[lt] == '<') {
        size_t close = gp_match_close(s, head, lt);
        g->targs.p = s + lt + 1;
        g->targs.n = close > lt ? close - lt - 1 : 0;
    }
}

/* ---- words and type names ----------------------------------------------------------- */

long gp_kfind(gp_span s, const char *needle, int icase)
{
    size_t k = strlen(needle);

    if (k == 0 || k > s.n)
        return k == 0 ? 0 : -1;
    for (size_t i = 0; i + k <= s.n; i++) {
        size_t j = 0;
        if (icase)
            while (j < k && lower(s.p[i + j]) == lower(needle[j]))
                j++;
        else
            while (j < k && s.p[i + j] == needle[j])
                j++;
        if (j == k)
            return (long)i;
    }
    return -1;
}

void gp_ksplit_words(gp_span s, gp_kwords *out)
{
    size_t i = 0;

    out->n = 0;
    while (i < s.n && out->n < 64) {
        size_t st;
        while (i < s.n && s.p[i] == '_')
            i++;
        st = i;
        while (i < s.n && s.p[i] != '_')
            i++;
        if (i > st)
            out->w[out->n++] = span(s.p + st, i - st);
    }
}

/* ---- precision ------------------------------------------------------------------- */

/* Type words in procedural names (CUTLASS, xmma, cuBLAS, NCCL, fmha). */
static const struct {
    const char *word;
    gp_precision prec;
} type_words[] = {
    { "f64", GP_PREC_FP64 }, { "fp64", GP_PREC_FP64 }, { "double", GP_PREC_FP64 },
    { "f32", GP_PREC_FP32 }, { "fp32", GP_PREC_FP32 }, { "float", GP_PREC_FP32 },
    { "tf32", GP_PREC_TF32 },
    { "f16", GP_PREC_FP16 }, { "fp16", GP_PREC_FP16 }, { "half", GP_PREC_FP16 },
    { "bf16", GP_PREC_BF16 }, { "bfloat16", GP_PREC_BF16 },
    { "e4m3", GP_PREC_FP8 }, { "e5m2", GP_PREC_FP8 }, { "f8e4m3", GP_PREC_FP8 }, { "f8e5m2", GP_PREC_FP8 },
    { "fp8", GP_PREC_FP8 }, { "hfp8", GP_PREC_FP8 },
    { "s8", GP_PREC_INT8 }, { "i8", GP_PREC_INT8 }, { "u8", GP_PREC_INT8 }, { "int8", GP_PREC_INT8 },
    { "uint8", GP_PREC_INT8 },
    { "s32", GP_PREC_INT }, { "i32", GP_PREC_INT }, { "u32", GP_PREC_INT }, { "int32", GP_PREC_INT },
    { "uint32", GP_PREC_INT }, { "i64", GP_PREC_INT }, { "u64", GP_PREC_INT }, { "int64", GP_PREC_INT },
    { "uint64", GP_PREC_INT },
};

/* GP_PREC_UNKNOWN when w is not a type word. */
gp_precision gp_kword_prec(gp_span w)
{
    for (size_t i = 0; i < sizeof type_words / sizeof type_words[0]; i++)
        if (eq(w, type_words[i].word))
            return type_words[i].prec;
    return GP_PREC_UNKNOWN;
}

/* Floating-point and integer type names as they appear in demangled C++. */
static const struct {
    const char *name;
    gp_precision prec;
} c_types[] = {
    { "double", GP_PREC_FP64 }, { "double2", GP_PREC_FP64 }, { "double4", GP_PREC_FP64 },
    { "float", GP_PREC_FP32 }, { "float2", GP_PREC_FP32 }, { "float3", GP_PREC_FP32 },
    { "float4", GP_PREC_FP32 },
    { "tfloat32_t", GP_PREC_TF32 },
    { "half", GP_PREC_FP16 }, { "half_t", GP_PREC_FP16 }, { "__half", GP_PREC_FP16 }, { "Half", GP_PREC_FP16 },
    { "half2", GP_PREC_FP16 }, { "__half2", GP_PREC_FP16 }, { "_Float16", GP_PREC_FP16 },
    { "float16_t", GP_PREC_FP16 }, { "__fp16", GP_PREC_FP16 },
    { "BFloat16", GP_PREC_BF16 }, { "bfloat16_t", GP_PREC_BF16 }, { "bfloat16", GP_PREC_BF16 },
    { "__nv_bfloat16", GP_PREC_BF16 }, { "nv_bfloat16", GP_PREC_BF16 }, { "__nv_bfloat162", GP_PREC_BF16 },
    { "nv_bfloat162", GP_PREC_BF16 }, { "__bf16", GP_PREC_BF16 },
    { "float_e4m3_t", GP_PREC_FP8 }, { "float_e5m2_t", GP_PREC_FP8 }, { "__nv_fp8_e4m3", GP_PREC_FP8 },
    { "__nv_fp8_e5m2", GP_PREC_FP8 }, { "__nv_fp8x2_e4m3", GP_PREC_FP8 }, { "__nv_fp8x2_e5m2", GP_PREC_FP8 },
    { "__nv_fp8x4_e4m3", GP_PREC_FP8 }, { "__nv_fp8x4_e5m2", GP_PREC_FP8 }, { "Float8_e4m3fn", GP_PREC_FP8 },
    { "Float8_e5m2", GP_PREC_FP8 }, { "Float8_e4m3fnuz", GP_PREC_FP8 }, { "Float8_e5m2fnuz", GP_PREC_FP8 },
    /* narrower than 8 bits: no precision of ours fits, so the search stops at "unknown" */
    { "float_e2m1_t", GP_PREC_UNKNOWN }, { "float_e2m3_t", GP_PREC_UNKNOWN }, { "float_e3m2_t", GP_PREC_UNKNOWN },
    { "__nv_fp4_e2m1", GP_PREC_UNKNOWN }, { "__nv_fp6_e2m3", GP_PREC_UNKNOWN },
    { "__nv_fp6_e3m2", GP_PREC_UNKNOWN }, { "Float4_e2m1fn_x2", GP_PREC_UNKNOWN },
    /* integers: only a fallback when no floating-point type appears */
    { "int8_t", GP_PREC_INT8 }, { "uint8_t", GP_PREC_INT8 }, { "int4b_t", GP_PREC_INT8 },
    { "uint4b_t", GP_PREC_INT8 },
    { "int", GP_PREC_INT }, { "long", GP_PREC_INT }, { "short", GP_PREC_INT }, { "bool", GP_PREC_INT },
    { "unsigned", GP_PREC_INT }, { "signed", GP_PREC_INT }, { "int16_t", GP_PREC_INT },
    { "uint16_t", GP_PREC_INT }, { "int32_t", GP_PREC_INT }, { "uint32_t", GP_PREC_INT },
    { "int64_t", GP_PREC_INT }, { "uint64_t", GP_PREC_INT }, { "size_t", GP_PREC_INT },
    { "__int128", GP_PREC_INT },
    /* ATen's type-erased element (cat, index): the dtype is not in the name */
    { "OpaqueType", GP_PREC_NA },
};

static int is_float_prec(gp_precision p)
{
    return p == GP_PREC_FP64 || p == GP_PREC_FP32 || p == GP_PREC_TF32 || p == GP_PREC_FP16 ||
           p == GP_PREC_BF16 || p == GP_PREC_FP8;
}

/* docs/kernel-names.md section 3: the earliest floating-point type in the name;
 * else int8, else int/bool (index-only kernels). "char" is left out: ATen
 * passes every tensor as char*. Type-erased elements (OpaqueType) give
 * unknown. */
gp_precision gp_kscan_precision(gp_span s)
{
    int int8 = 0, ints = 0, opaque = 0;
    size_t i = 0;

    while (i < s.n) {
        size_t st;
        gp_span id;
        if (!is_ident(s.p[i])) {
            i++;
            continue;
        }
        st = i;
        while (i < s.n && is_ident(s.p[i]))
            i++;
        if (is_digit(s.p[st])) /* a number such as 128 or 4ul */
            continue;
        id = span(s.p + st, i - st);
        for (size_t k = 0; k < sizeof c_types / sizeof c_types[0]; k++) {
            gp_precision p = c_types[k].prec;
            if (!eq(id, c_types[k].name))
                continue;
            if (is_float_prec(p) || p == GP_PREC_UNKNOWN)
                return p;
            if (p == GP_PREC_NA)
                opaque = 1;
            else if (p == GP_PREC_INT8)
                int8 = 1;
            else if (eq(id, "signed") && i + 5 <= s.n && memcmp(s.p + i, " char", 5) == 0)
                int8 = 1; /* signed char is int8_t */
            else
                ints = 1;
            break;
        }
    }
    if (opaque)
        return GP_PREC_UNKNOWN;
    return int8 ? GP_PREC_INT8 : ints ? GP_PREC_INT : GP_PREC_UNKNOWN;
}

