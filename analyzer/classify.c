/* classify.c: kernel names to class, precision and tensor cores by the
 * decision order of KERNEL-NAMES.md section 3 (first match wins), and to
 * HTA's kernel type (HTA-SEMANTICS.md section 5).
 *
 * A name is read demangled (classify_text.c); each rule looks at the kernel's
 * own name (gp_ksig: "vectorized_elementwise_kernel"), its template arguments
 * or the whole text with hand-written substring and word matching. Every
 * rule is O(length of the name). */
#include "config.h"

#include <string.h>

#include "classify.h"
#include "classify_int.h"

/* ---- text helpers ------------------------------------------------------------ */

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_ident(char c)
{
    return is_alpha(c) || is_digit(c) || c == '_';
}

static gp_span span(const char *p, size_t n)
{
    gp_span s = { p, n };
    return s;
}

/* Position of needle in s (case-insensitive when icase), or -1. */
static long find(gp_span s, const char *needle, int icase)
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

static int has(gp_span s, const char *needle)
{
    return find(s, needle, 0) >= 0;
}

static int ihas(gp_span s, const char *needle)
{
    return find(s, needle, 1) >= 0;
}

static int ihas_any(gp_span s, const char *const *needles)
{
    for (; *needles; needles++)
        if (ihas(s, *needles))
            return 1;
    return 0;
}

static int starts(gp_span s, const char *prefix)
{
    size_t k = strlen(prefix);

    return s.n >= k && memcmp(s.p, prefix, k) == 0;
}

static int eq(gp_span s, const char *word)
{
    return s.n == strlen(word) && memcmp(s.p, word, s.n) == 0;
}

static int ends(gp_span s, const char *suffix)
{
    size_t k = strlen(suffix);

    return s.n >= k && memcmp(s.p + s.n - k, suffix, k) == 0;
}

/* '_'-separated words of an identifier ("ampere_fp16_s16816gemm_fp16_..."). */
typedef struct words {
    gp_span w[64];
    int n;
} words;

static void split_words(gp_span s, words *out)
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
static gp_precision word_prec(gp_span w)
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

/* KERNEL-NAMES.md section 3: the earliest floating-point type in the name;
 * else int8, else int/bool (index-only kernels). "char" is left out: ATen
 * passes every tensor as char*. Type-erased elements (OpaqueType) give
 * unknown. */
static gp_precision scan_precision(gp_span s)
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

/* ---- the rules ---------------------------------------------------------------------- */

typedef struct ctx {
    gp_span text; /* the whole (demangled) name */
    gp_ksig sig;
    gp_span base; /* the kernel's own name; for CUTLASS's wrappers (cutlass::Kernel<Op>)
                   * the name of the operator it runs */
} ctx;

/* cutlass::Kernel<cutlass::reduction::kernel::ReduceSplitK<...>>: "ReduceSplitK". */
static gp_span effective_base(const gp_ksig *g)
{
    gp_span t = g->targs;
    size_t end = 0, st = 0;
    int d = 0;

    if (!(eq(g->base, "Kernel") || eq(g->base, "Kernel2") || eq(g->base, "device_kernel")) || t.n == 0)
        return g->base;
    for (end = 0; end < t.n; end++) { /* the first argument; its last component */
        char ch = t.p[end];
        if (ch == '<' || ch == '(' || ch == '{' || ch == '[')
            d++;
        else if (ch == '>' || ch == ')' || ch == '}' || ch == ']')
            d--;
        else if (d == 0 && ch == ',')
            break;
        else if (d == 0 && ch == ':' && end + 1 < t.n && t.p[end + 1] == ':')
            st = end + 2;
        if (d < 0)
            break;
    }
    for (end = st; end < t.n && is_ident(t.p[end]); end++)
        ;
    return end > st ? span(t.p + st, end - st) : g->base;
}

static int set(gp_kinfo *o, gp_kclass k, gp_precision p, gp_tc tc, int rule, char sub)
{
    o->kclass = k;
    o->precision = p;
    o->tensor_core = tc;
    o->rule = rule;
    o->subrule = sub;
    return 1;
}

/* Positive evidence of tensor cores in a templated name. */
static int tc_evidence(gp_span s)
{
    return has(s, "TensorOp") || has(s, "tensorop") || has(s, "wmma") || has(s, "Wmma") || has(s, "hmma") ||
           has(s, "gmma") || has(s, "Gmma");
}

/* R1: Kineto's "Memcpy HtoD (Pinned -> Device)", Nsight's "[CUDA memcpy ...]". */
static int r1_memory(const ctx *c, gp_kinfo *o)
{
    static const char *const prefixes[] = { "Memcpy", "Memset", "[CUDA memcpy", "[CUDA memset", "CUDA memcpy",
                                            "CUDA memset", "hipMemcpy", "hipMemset", "cudaMemcpy", "cudaMemset" };

    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (starts(c->text, prefixes[i]))
            return set(o, GP_KC_COPY, GP_PREC_NA, GP_TC_NO, 1, 0);
    return 0;
}

/* R2: ncclKernel_<Coll>_<ALGO>_<PROTO>_<RedOp>_<type>, ncclDevKernel_<Coll>_<Op>_<ty>_...
 * The type is the reduction's; collectives that move bytes have none. */
static int r2_nccl(const ctx *c, gp_kinfo *o)
{
    static const char *const no_reduction[] = { "SendRecv", "Send", "Recv", "AllGather", "Broadcast", "Generic",
                                                "AlltoAll", "Gather", "Scatter" };
    gp_span id = c->sig.base;
    gp_precision prec = GP_PREC_NA;
    words w;
    long at;

    if (!starts(id, "nccl")) {
        at = find(c->text, "ncclKernel", 0);
        if (at < 0)
            at = find(c->text, "ncclDevKernel", 0);
        if (at < 0)
            return 0;
        id = span(c->text.p + at, 0);
        while (at + (long)id.n < (long)c->text.n && is_ident(id.p[id.n]))
            id.n++;
    }
    split_words(id, &w);
    if (w.n > 1) {
        int moves_bytes = 0;
        for (size_t i = 0; i < sizeof no_reduction / sizeof no_reduction[0]; i++)
            if (eq(w.w[1], no_reduction[i]))
                moves_bytes = 1;
        for (int i = 2; !moves_bytes && i < w.n && prec == GP_PREC_NA; i++) {
            gp_precision p = word_prec(w.w[i]);
            if (p != GP_PREC_UNKNOWN)
                prec = p;
        }
    }
    return set(o, GP_KC_COMM, prec, GP_TC_NO, 2, 0);
}

/* "sm80" in words, or "Sm80" in the text: the compute capability x 10, 0 unknown. */
static int arch_of(const words *w, gp_span text)
{
    long at;
    int v = 0;

    for (int i = 0; i < w->n; i++)
        if (w->w[i].n >= 4 && w->w[i].p[0] == 's' && w->w[i].p[1] == 'm' && is_digit(w->w[i].p[2])) {
            for (size_t k = 2; k < w->w[i].n && is_digit(w->w[i].p[k]); k++)
                v = v * 10 + (w->w[i].p[k] - '0');
            return v;
        }
    at = find(text, "arch::Sm", 0);
    if (at >= 0)
        for (size_t k = (size_t)at + 8; k < text.n && is_digit(text.p[k]) && v < 1000; k++)
            v = v * 10 + (text.p[k] - '0');
    return v;
}

/* R3: FlashAttention 2/3 (fp16/bf16 on tensor cores), memory-efficient
 * attention fmha_cutlass[FB]_<f32|f16|bf16>_..._sm<NN> (tensor cores from
 * sm70 for 16-bit types, from sm80 for f32 = 3xTF32), other attention. */
static int r3_attention(const ctx *c, gp_kinfo *o)
{
    static const char *const marks[] = { "flash_fwd", "flash_bwd", "flashattn", "flash_attn", "fmha",
                                         "attentionkernel", "attentionbackwardkernel", "attention_kernel",
                                         "attention_backward", "paged_attention", "sdpa", NULL };
    static const char *const targ_marks[] = { "flash_fwd", "flash_bwd", "flashattn", "fmha", "attentionkernel",
                                              "attentionbackwardkernel", NULL };
    const gp_ksig *g = &c->sig;
    int flash, memeff;
    gp_precision prec = GP_PREC_UNKNOWN;
    gp_tc tc;
    words w;

    if (!ihas_any(c->base, marks) && !ihas_any(g->targs, targ_marks))
        return 0;
    flash = ihas(c->base, "flash") || ihas(g->targs, "flash_fwd") || ihas(g->targs, "flash_bwd") ||
            ihas(g->targs, "flashattn");
    memeff = ihas(c->base, "fmha") || has(c->text, "AttentionKernel") || has(c->text, "AttentionBackwardKernel");
    split_words(c->base, &w);
    if (ihas(c->base, "fmha"))
        for (int i = 0; i < w.n && prec == GP_PREC_UNKNOWN; i++)
            if (eq(w.w[i], "f32") || eq(w.w[i], "f16") || eq(w.w[i], "bf16"))
                prec = word_prec(w.w[i]);
    if (prec == GP_PREC_UNKNOWN)
        prec = scan_precision(c->text);
    if (memeff && !flash) {
        int sm = arch_of(&w, c->text);
        int min_sm = prec == GP_PREC_FP32 ? 80 : 70;
        tc = sm == 0 ? GP_TC_UNKNOWN : sm >= min_sm ? GP_TC_YES : GP_TC_NO;
        if (prec != GP_PREC_FP32 && prec != GP_PREC_FP16 && prec != GP_PREC_BF16)
            tc = tc_evidence(c->text) ? GP_TC_YES : GP_TC_NO;
    } else if (flash) {
        tc = GP_TC_YES;
    } else {
        tc = tc_evidence(c->text) ? GP_TC_YES : GP_TC_NO;
    }
    return set(o, GP_KC_ATTENTION, prec, tc, 3, 0);
}

/* R4: triton_<poi|red|per|tem|for|spl>_<ops>_<n>; old builds: triton__0d1d2d. */
static int r4_triton(const ctx *c, gp_kinfo *o)
{
    gp_span t = c->text;

    if (!starts(t, "triton_"))
        return 0;
    t.p += 7;
    t.n -= 7;
    if (starts(t, "poi_") || starts(t, "for_"))
        return set(o, GP_KC_ELEMENTWISE, GP_PREC_UNKNOWN, GP_TC_NO, 4, 0);
    if (starts(t, "red_") || starts(t, "per_") || starts(t, "spl_"))
        return set(o, GP_KC_REDUCTION, GP_PREC_UNKNOWN, GP_TC_NO, 4, 0);
    if (starts(t, "tem_")) { /* mm/conv templates; tensor cores depend on dtype and allow_tf32 */
        gp_kclass k = has(t, "conv") ? GP_KC_CONV
                      : ihas(t, "attention") || has(t, "flex") ? GP_KC_ATTENTION
                      : GP_KC_GEMM;
        return set(o, k, GP_PREC_UNKNOWN, GP_TC_UNKNOWN, 4, 0);
    }
    return set(o, GP_KC_OTHER, GP_PREC_UNKNOWN, GP_TC_UNKNOWN, 4, 0);
}

/* A word made of type words only ("tf32f32", "e4m3bf16", "cf32cf32"): the
 * precision of its first, or GP_PREC_UNKNOWN when it is not such a word. */
static gp_precision type_group(gp_span w, int *ok)
{
    static const char *const parts[] = { "bf16", "tf32", "e4m3", "e5m2", "f16", "f32", "f64", "s8", "i8", "u8",
                                         "s32", "i32", "u32" };
    gp_precision first = GP_PREC_UNKNOWN;
    size_t i = 0;
    int any = 0;

    *ok = 0;
    while (i < w.n) {
        size_t k = 0;
        if (w.p[i] == 'c') /* complex */
            i++;
        for (size_t j = 0; j < sizeof parts / sizeof parts[0] && !k; j++) {
            size_t len = strlen(parts[j]);
            if (i + len <= w.n && memcmp(w.p + i, parts[j], len) == 0) {
                if (!any)
                    first = word_prec(span(parts[j], len));
                k = len;
            }
        }
        if (!k)
            return GP_PREC_UNKNOWN;
        i += k;
        any = 1;
    }
    *ok = any;
    return first;
}

/* R5a: sm<cc>_xmma_<op>_..._<in><out>_<mmaIn><acc>_... (inferred format). */
static int r5a_xmma(const ctx *c, gp_kinfo *o)
{
    static const char *const gemm_ops[] = { "gemm", "trmm", "syrk", "symm", "syr2k", "hemm", "herk", "herkx",
                                            "her2k" };
    static const char *const conv_ops[] = { "fprop", "dgrad", "wgrad", "depthwise" };
    words w;
    int x = -1, groups = 0, ffma = 0, tensor = 0;
    gp_precision g[2] = { GP_PREC_UNKNOWN, GP_PREC_UNKNOWN }, mma, word = GP_PREC_UNKNOWN;
    gp_kclass k = GP_KC_OTHER;
    gp_tc tc;

    split_words(c->sig.base, &w);
    for (int i = 0; i + 1 < w.n && x < 0; i++)
        if (eq(w.w[i], "xmma"))
            x = i;
    if (x < 0)
        return 0;
    for (size_t i = 0; i < sizeof gemm_ops / sizeof gemm_ops[0]; i++)
        if (eq(w.w[x + 1], gemm_ops[i]))
            k = GP_KC_GEMM;
    for (size_t i = 0; i < sizeof conv_ops / sizeof conv_ops[0]; i++)
        if (eq(w.w[x + 1], conv_ops[i]))
            k = GP_KC_CONV;
    if (eq(w.w[x + 1], "pooling"))
        k = GP_KC_REDUCTION;
    if (k == GP_KC_OTHER)
        return 0;
    for (int i = x + 2; i < w.n; i++) {
        int ok;
        gp_precision p = type_group(w.w[i], &ok);
        if (ok && groups < 2)
            g[groups++] = p;
        if (eq(w.w[i], "ffma") || eq(w.w[i], "dfma") || eq(w.w[i], "hfma2"))
            ffma = 1;
        if (starts(w.w[i], "tensor") && w.w[i].n > 6 && is_digit(w.w[i].p[6]))
            tensor = 1; /* tensor16x8x16: the MMA shape */
        if (!ok && word == GP_PREC_UNKNOWN) /* BLAS-3 names: "ffma_fp32", "ffma_cp32" */
            word = eq(w.w[i], "cp32") ? GP_PREC_FP32 : eq(w.w[i], "cp64") ? GP_PREC_FP64 : word_prec(w.w[i]);
    }
    if (k == GP_KC_REDUCTION)
        return set(o, k, groups ? g[0] : scan_precision(c->text), GP_TC_NO, 5, 'a');
    mma = groups == 2 ? g[1] : groups ? g[0] : word;
    if (ffma)
        tc = GP_TC_NO;
    else if (mma == GP_PREC_FP32 && !tensor)
        tc = GP_TC_UNKNOWN; /* f32 MMA input: TF32 or CUDA cores, the name does not say */
    else
        tc = GP_TC_YES;
    return set(o, k, mma, tc, 5, 'a');
}

/* Accumulator letters of cuBLAS/cuDNN/CUTLASS names: s fp32, d fp64, h fp16,
 * c/z complex fp32/fp64, i int32 (int8 inputs), g Gaussian complex. */
static gp_precision acc_prec(gp_span a)
{
    if (a.n == 2 && a.p[0] == 'g')
        a = span(a.p + 1, 1);
    if (a.n != 1)
        return GP_PREC_UNKNOWN;
    switch (a.p[0]) {
    case 's':
    case 'c':
        return GP_PREC_FP32;
    case 'd':
    case 'z':
        return GP_PREC_FP64;
    case 'h':
        return GP_PREC_FP16;
    case 'i':
        return GP_PREC_INT8;
    default:
        return GP_PREC_UNKNOWN;
    }
}

/* "s1688" -> accumulator "s", MMA shape "1688", MMA input ""; "s1688tf32" -> input "tf32". */
static void split_mma(gp_span pre, gp_span *acc, gp_span *shape, gp_span *in)
{
    size_t i = 0, st;

    while (i < pre.n && is_alpha(pre.p[i]))
        i++;
    *acc = span(pre.p, i);
    st = i;
    while (i < pre.n && (is_digit(pre.p[i]) || pre.p[i] == 'x'))
        i++;
    *shape = span(pre.p + st, i - st);
    *in = span(pre.p + i, pre.n - i);
}

static int is_tile(gp_span w)
{
    for (size_t i = 1; i + 1 < w.n; i++)
        if (w.p[i] == 'x' && is_digit(w.p[i - 1]) && is_digit(w.p[i + 1]))
            return 1;
    return 0;
}

/* One CUTLASS procedural name (2.x or 3.x); 0 when id is not one. */
static int cutlass_procedural(gp_span id, gp_kinfo *o)
{
    static const char *const ops[] = { "gemm", "trmm", "symm", "hemm", "syrk", "herk", "syr2k", "her2k", "trsm",
                                       "fprop", "dgrad", "wgrad" };
    words w;
    int cls = -1, op = -1, tensorop = 0;
    gp_precision prec = GP_PREC_UNKNOWN, a = GP_PREC_UNKNOWN, cty = GP_PREC_UNKNOWN, in_p = GP_PREC_UNKNOWN;
    gp_span pre, acc, shape, in;
    gp_kclass k = GP_KC_GEMM;

    split_words(id, &w);
    for (int i = 1; i < w.n && cls < 0; i++)
        if (eq(w.w[i], "tensorop") || eq(w.w[i], "sptensorop") || eq(w.w[i], "simt")) {
            cls = i;
            tensorop = !eq(w.w[i], "simt");
        }
    for (int i = cls + 1; cls >= 0 && i < w.n && op < 0; i++)
        for (size_t j = 0; j < sizeof ops / sizeof ops[0]; j++)
            if (ends(w.w[i], ops[j])) {
                op = i;
                k = ends(w.w[i], "prop") || ends(w.w[i], "grad") ? GP_KC_CONV : GP_KC_GEMM;
                pre = span(w.w[i].p, w.w[i].n - strlen(ops[j]));
                break;
            }
    if (cls < 0 || op < 0)
        return 0;
    if ((in_p = word_prec(pre)) != GP_PREC_UNKNOWN) { /* 3.x "tf32gemm" */
        acc = span(pre.p, 0);
    } else {
        split_mma(pre, &acc, &shape, &in);
        in_p = word_prec(in);
    }
    if (op - 1 > cls)
        cty = word_prec(w.w[op - 1]);
    for (int i = op + 1; i < w.n && !is_tile(w.w[i]); i++)
        if ((a = word_prec(w.w[i])) != GP_PREC_UNKNOWN)
            break;
    prec = in_p != GP_PREC_UNKNOWN ? in_p
           : a != GP_PREC_UNKNOWN  ? a
           : cty != GP_PREC_UNKNOWN ? cty
                                   : acc_prec(acc);
    /* fp32 data on a tensor-core MMA is TF32 (KERNEL-NAMES.md flag a) */
    if (tensorop && prec == GP_PREC_FP32)
        prec = GP_PREC_TF32;
    return set(o, k, prec, tensorop ? GP_TC_YES : GP_TC_NO, 5, 'b');
}

/* R5b: CUTLASS procedural names anywhere in the name (cutlass::Kernel<cutlass_80_...>),
 * then templated CUTLASS (cutlass::gemm::kernel::..., cutlass_cudnn_train::...). */
static int r5b_cutlass(const ctx *c, gp_kinfo *o)
{
    gp_span t = c->text;
    int templated = 0;
    gp_kclass k;
    gp_precision prec;
    gp_tc tc;

    for (size_t i = 0; i < t.n;) {
        size_t st;
        if (!is_ident(t.p[i]) || (i > 0 && is_ident(t.p[i - 1]))) {
            i++;
            continue;
        }
        st = i;
        while (i < t.n && is_ident(t.p[i]))
            i++;
        if (i - st > 8 && memcmp(t.p + st, "cutlass", 7) == 0 && cutlass_procedural(span(t.p + st, i - st), o))
            return 1;
        if (i - st >= 7 && memcmp(t.p + st, "cutlass", 7) == 0 && i + 1 < t.n && t.p[i] == ':' && t.p[i + 1] == ':')
            templated = 1;
    }
    if (!templated)
        return 0;
    if (has(t, "Convolution") || has(t, "conv::") || has(t, "Conv2d") || has(t, "Conv3d"))
        k = GP_KC_CONV;
    else if (has(t, "gemm::") || has(t, "Gemm"))
        k = GP_KC_GEMM;
    else
        return 0;
    tc = has(t, "TensorOp") ? GP_TC_YES : GP_TC_NO;
    prec = scan_precision(t);
    if (has(t, "OpMultiplyAddFastF32")) { /* 3xTF32: tensor cores, about fp32 accuracy */
        prec = GP_PREC_FP32;
        tc = GP_TC_YES;
    } else if (tc == GP_TC_YES && prec == GP_PREC_FP32) {
        prec = GP_PREC_TF32;
    } else if (prec == GP_PREC_TF32) {
        tc = GP_TC_YES;
    }
    return set(o, k, prec, tc, 5, 'b');
}

/* R5c: cuBLAS/cuDNN <arch>_[<io>_]<acc><mma?>(gemm|cudnn)_..., and nvjet. */
static int r5c_legacy(const ctx *c, gp_kinfo *o)
{
    static const char *const archs[] = { "kepler", "maxwell", "pascal", "volta", "turing", "ampere", "ada",
                                         "hopper", "blackwell" };
    words w;
    int i = 0, arch = 0, conv;
    gp_precision io = GP_PREC_UNKNOWN, after = GP_PREC_UNKNOWN, prec;
    gp_span op, pre, acc, shape, in;

    if (starts(c->sig.base, "nvjet_")) /* type letters undocumented: take dtype from the op's inputs */
        return set(o, GP_KC_GEMM, GP_PREC_UNKNOWN, GP_TC_UNKNOWN, 5, 'c');
    split_words(c->sig.base, &w);
    while (i < w.n && (eq(w.w[i], "cudnn") || eq(w.w[i], "infer") || eq(w.w[i], "train")))
        i++;
    for (size_t j = 0; i < w.n && j < sizeof archs / sizeof archs[0]; j++)
        if (eq(w.w[i], archs[j]))
            arch = 1;
    if (!arch || ++i >= w.n)
        return 0;
    if ((io = word_prec(w.w[i])) != GP_PREC_UNKNOWN && ++i >= w.n)
        return 0;
    op = w.w[i];
    if (ends(op, "gemm"))
        conv = 0;
    else if (ends(op, "cudnn"))
        conv = 1;
    else
        return 0;
    pre = span(op.p, op.n - (conv ? 5 : 4));
    split_mma(pre, &acc, &shape, &in);
    if (acc.n == 0 || acc.n > 2 || in.n)
        return 0;
    if (i + 1 < w.n)
        after = word_prec(w.w[i + 1]);
    prec = io != GP_PREC_UNKNOWN ? io : after != GP_PREC_UNKNOWN ? after : acc_prec(acc);
    if (shape.n && prec == GP_PREC_FP32 && io == GP_PREC_UNKNOWN && after == GP_PREC_UNKNOWN)
        prec = GP_PREC_TF32; /* fp32 data on an MMA shape */
    return set(o, conv ? GP_KC_CONV : GP_KC_GEMM, prec, shape.n ? GP_TC_YES : GP_TC_NO, 5, 'c');
}

/* R5d: other cuDNN convolution engines (implicit/precomputed GEMM, FFT,
 * Winograd, direct), and ATen's depthwise convolution. CUDA cores. */
static int r5d_conv(const ctx *c, gp_kinfo *o)
{
    static const char *const marks[] = { "convolve", "wgrad_alg", "dgrad_alg", "dgrad_engine", "wgrad_engine",
                                         "dgrad2d", "wgrad2d", "fft2d_", "fft1d_", "fft3d_", "flip_filter",
                                         "winograd", "conv2d", "conv3d", "conv_depthwise", "depthwise_conv",
                                         NULL };

    if (!ihas_any(c->base, marks))
        return 0;
    return set(o, GP_KC_CONV, scan_precision(c->text), tc_evidence(c->text) ? GP_TC_YES : GP_TC_NO, 5, 'd');
}

/* R5e: cuBLAS helpers: split-K reduction, epilogue, GEMV and small GEMM
 * kernels on CUDA cores. GEMV precision: the element type of the first
 * cublasGemvTensorStridedBatched<T> (the first template argument is the
 * compute type). */
static int r5e_blas_helpers(const ctx *c, gp_kinfo *o)
{
    gp_span b = c->sig.base;
    gp_kclass k;
    gp_precision prec = GP_PREC_UNKNOWN;
    long at;

    if (has(b, "splitKreduce") || eq(b, "dot_kernel") || starts(b, "reduce_1Block") || eq(b, "asum_kernel") ||
        eq(b, "nrm2_kernel"))
        k = GP_KC_REDUCTION;
    else if ((eq(b, "globalKernel") && has(c->sig.qual, "epilogue")) || eq(b, "scal_kernel") ||
             eq(b, "axpy_kernel"))
        k = GP_KC_ELEMENTWISE;
    else if (starts(b, "gemv") || starts(b, "gemmk1") || starts(b, "gemmSN") || starts(b, "magma_") ||
             has(b, "gemm_largek") || has(c->sig.qual, "gemvx::"))
        k = GP_KC_GEMM;
    else
        return 0;
    at = find(c->text, "cublasGemvTensorStridedBatched<", 0);
    if (k == GP_KC_GEMM && at >= 0)
        prec = scan_precision(span(c->text.p + at + 31, c->text.n - (size_t)at - 31));
    if (prec == GP_PREC_UNKNOWN)
        prec = scan_precision(c->text);
    if (prec == GP_PREC_UNKNOWN) /* sgemm_largek_lds64: the BLAS letter */
        prec = has(b, "dgemm") || has(b, "zgemm")   ? GP_PREC_FP64
               : has(b, "hgemm")                    ? GP_PREC_FP16
               : has(b, "sgemm") || has(b, "cgemm") ? GP_PREC_FP32
                                                    : GP_PREC_UNKNOWN;
    return set(o, k, prec, GP_TC_NO, 5, 'e');
}

/* "norm" as a word part, not "normal" (random distributions). */
static int has_norm(gp_span b)
{
    for (long at = 0; at >= 0;) {
        gp_span rest = span(b.p + at, b.n - (size_t)at);
        long k = find(rest, "norm", 1);
        size_t after;
        if (k < 0)
            return 0;
        after = (size_t)(at + k + 4);
        if (after + 2 > b.n || lower(b.p[after]) != 'a' || lower(b.p[after + 1]) != 'l' ||
            (after + 4 <= b.n && lower(b.p[after + 2]) == 'i' && lower(b.p[after + 3]) == 'z'))
            return 1;
        at = (long)after;
    }
    return 0;
}

/* "pool" but not "pooled" (permute_pooled_embs is a copy). */
static int has_pool(gp_span b)
{
    for (long at = 0; at >= 0;) {
        gp_span rest = span(b.p + at, b.n - (size_t)at);
        long k = find(rest, "pool", 1);
        size_t after;
        if (k < 0)
            return 0;
        after = (size_t)(at + k + 4);
        if (!(after + 2 <= b.n && lower(b.p[after]) == 'e' && lower(b.p[after + 1]) == 'd'))
            return 1;
        at = (long)after;
    }
    return 0;
}

/* R6: quantize/convert, reduction/norm/softmax/pool/scan, copy/layout,
 * elementwise, by the kernel's own name (and the functor of ATen's loops). */
static int r6_aten(const ctx *c, gp_kinfo *o)
{
    static const char *const quantize[] = { "quantize", "hfp8", "fp8_to", "to_fp8", "_to_float", "float_to_",
                                            "bf16_to", "to_bf16", "bfloat16_to", "to_bfloat16", "half_to",
                                            "to_half", NULL };
    static const char *const reduce[] = { "reduce", "reduction", "softmax", "welford", "moments", "gammabeta",
                                          "batchnorm", "scan", "cumsum", "cumprod", "argmax", "argmin",
                                          "logsumexp", "nll_loss", NULL };
    static const char *const copy[] = { "copy", "catarray", "concat", "transpose", "permute", "nchwtonhwc",
                                        "nhwctonchw", "layout", "gather", "scatter", "indexselect", "index_select",
                                        "indexfunc", "index_elementwise", "index_put", "take_", "masked_select",
                                        "im2col", "col2im", "vol2col", "col2vol", "flip_", "roll_", "repeat",
                                        NULL };
    static const char *const loops[] = { "vectorized_elementwise_kernel", "unrolled_elementwise_kernel",
                                         "elementwise_kernel", "elementwise_kernel_with_index" };
    static const char *const elementwise[] = { "elementwise", "multi_tensor_apply", "pointwise", "foreach", "fill",
                                               "dropout", "distribution", "unary", "binary", "activation", "gelu",
                                               "relu", "silu", "sigmoid", "tanh", "clamp", "where", "masked_fill",
                                               "scale", "bias", "adam", "sgd", "lamb", "axpby", "threshold", "addcmul",
                                               "addcdiv", "lerp", "arange", "linspace", "triu", "tril", NULL };
    gp_span b = c->base;
    int loop = 0;

    if (ihas_any(b, quantize)) {
        gp_precision p = ihas(b, "fp8") || ihas(b, "e4m3") || ihas(b, "e5m2")  ? GP_PREC_FP8
                         : ihas(b, "bf16") || ihas(b, "bfloat16")               ? GP_PREC_BF16
                         : ihas(b, "half") || ihas(b, "fp16")                   ? GP_PREC_FP16
                         : ihas(b, "int8") || ihas(b, "8bit") || ihas(b, "int4") ? GP_PREC_INT8
                                                                                : scan_precision(c->text);
        return set(o, GP_KC_ELEMENTWISE, p, GP_TC_NO, 6, 0);
    }
    if (ihas_any(b, reduce) || has_norm(b) || has_pool(b) || starts(b, "bn_"))
        return set(o, GP_KC_REDUCTION, scan_precision(c->text), GP_TC_NO, 6, 0);
    for (size_t i = 0; i < sizeof loops / sizeof loops[0]; i++)
        if (eq(b, loops[i]))
            loop = 1;
    if (ihas_any(b, copy) ||
        (loop && (ihas(c->sig.targs, "direct_copy") || ihas(c->sig.targs, "copy_kernel") ||
                  ihas(c->sig.targs, "copy_device"))))
        return set(o, GP_KC_COPY, scan_precision(c->text), GP_TC_NO, 6, 0);
    if (ihas_any(b, elementwise))
        return set(o, GP_KC_ELEMENTWISE, scan_precision(c->text), GP_TC_NO, 6, 0);
    return 0;
}

/* R7: embedding lookups and sorts (fbgemm, cub): other. */
static int r7_embedding_sort(const ctx *c, gp_kinfo *o)
{
    if (!ihas(c->base, "embedding") && !ihas(c->base, "sort"))
        return 0;
    return set(o, GP_KC_OTHER, scan_precision(c->text), GP_TC_NO, 7, 0);
}

/* R8: AMD rocBLAS/Tensile Cijk_<A>_<B>_<type>_..._MI<m>x<n>x<k>_... (inferred). */
static int r8_tensile(const ctx *c, gp_kinfo *o)
{
    words w;
    gp_precision prec = GP_PREC_UNKNOWN;
    gp_tc tc = GP_TC_NO;

    if (!starts(c->sig.base, "Cijk_"))
        return 0;
    split_words(c->sig.base, &w);
    if (w.n > 3) {
        gp_span t = w.w[3];
        if (starts(t, "I8") || starts(t, "4xi8"))
            prec = GP_PREC_INT8;
        else if (starts(t, "F8") || starts(t, "B8"))
            prec = GP_PREC_FP8;
        else
            switch (t.p[0]) {
            case 'S':
            case 'C':
                prec = GP_PREC_FP32;
                break;
            case 'D':
            case 'Z':
                prec = GP_PREC_FP64;
                break;
            case 'H':
                prec = GP_PREC_FP16;
                break;
            case 'B':
                prec = GP_PREC_BF16;
                break;
            default:
                break;
            }
    }
    for (int i = 0; i < w.n; i++)
        if (w.w[i].n > 2 && w.w[i].p[0] == 'M' && w.w[i].p[1] == 'I' && is_digit(w.w[i].p[2]))
            tc = GP_TC_YES; /* MFMA matrix cores */
    return set(o, GP_KC_GEMM, prec, tc, 8, 0);
}

void gp_classify_kernel(const char *name, gp_kinfo *out)
{
    static int (*const rules[])(const ctx *, gp_kinfo *) = {
        r1_memory, r2_nccl, r3_attention, r4_triton, r5a_xmma, r5b_cutlass, r5c_legacy, r5d_conv,
        r5e_blas_helpers, r6_aten, r7_embedding_sort, r8_tensile,
    };
    gp_ktext t;
    ctx c;

    gp_ktext_init(&t, name);
    c.text = span(t.s, t.n);
    gp_ksig_parse(t.s, t.n, &c.sig);
    c.base = effective_base(&c.sig);
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (rules[i](&c, out))
            goto done;
    /* R9 */
    set(out, GP_KC_OTHER, scan_precision(c.text), GP_TC_NO, 9, 0);
done:
    gp_ktext_free(&t);
}

/* ---- HTA's kernel type ----------------------------------------------------------------- */

static int starts_c(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

gp_hta_type gp_hta_type_of(const char *n)
{
    static const char *const other_prefix[] = {
        "nccl", "hip", "hccl", "runFunction", "job_exe", "packet", "pe_exe",
        "cpum_exe_subgraph", "collective_subgraph_execution", "Stream Wait Event",
    };
    if (starts_c(n, "nccl") || starts_c(n, "hip") || starts_c(n, "hccl") || strstr(n, "ncclKernel"))
        return GP_HTA_COMMUNICATION;
    if (starts_c(n, "Memcpy") || starts_c(n, "Memset") || starts_c(n, "hipMemcpy") ||
        starts_c(n, "hipMemset") || starts_c(n, "dma"))
        return GP_HTA_MEMORY;
    for (size_t i = 0; i < sizeof other_prefix / sizeof other_prefix[0]; i++)
        if (starts_c(n, other_prefix[i]))
            return GP_HTA_OTHER;
    if (starts_c(n, "cuda") && strstr(n + 4, "LaunchKernel"))
        return GP_HTA_OTHER;
    if (strstr(n, "Memcpy") || strstr(n, "Memset") || strstr(n, "dma") || strstr(n, "Sync"))
        return GP_HTA_OTHER;
    return GP_HTA_COMPUTATION;
}

const char *gp_kclass_name(int k)
{
    static const char *const names[] = { "other", "gemm", "conv", "attention", "elementwise",
                                         "reduction", "copy", "comm" };
    return k >= 0 && k < GP_KC_COUNT ? names[k] : "?";
}

const char *gp_precision_name(int p)
{
    static const char *const names[] = { "unknown", "n/a", "fp64", "fp32", "tf32",
                                         "fp16", "bf16", "fp8", "int8", "int" };
    return p >= 0 && p < GP_PREC_COUNT ? names[p] : "?";
}

const char *gp_tc_name(int tc)
{
    return tc == GP_TC_YES ? "yes" : tc == GP_TC_NO ? "no" : "unknown";
}
