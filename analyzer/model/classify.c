/* classify.c: kernel names to class, precision and tensor cores by the
 * decision order of docs/kernel-names.md section 3 (first match wins), and to
 * HTA's kernel type (docs/hta-semantics.md section 5).
 *
 * A name is read demangled (classify_text.c); each rule looks at the kernel's
 * own name (gp_ksig: "vectorized_elementwise_kernel"), its template arguments
 * or the whole text with hand-written substring and word matching. Every
 * rule is O(length of the name). */
#include "config.h"

#include <string.h>

#include "analyzer/model/classify.h"
#include "analyzer/model/classify_int.h"

/* ---- the rules R1..R4 (R5..R8: classify_rules.c) ------------------------------ */

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

/* R1: Kineto's "Memcpy HtoD (Pinned -> Device)", Nsight's "[CUDA memcpy ...]". */
static int r1_memory(const gp_kctx *c, gp_kinfo *o)
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
static int r2_nccl(const gp_kctx *c, gp_kinfo *o)
{
    static const char *const no_reduction[] = { "SendRecv", "Send", "Recv", "AllGather", "Broadcast", "Generic",
                                                "AlltoAll", "Gather", "Scatter" };
    gp_span id = c->sig.base;
    gp_precision prec = GP_PREC_NA;
    gp_kwords w;
    long at;

    if (!starts(id, "nccl")) {
        at = gp_kfind(c->text, "ncclKernel", 0);
        if (at < 0)
            at = gp_kfind(c->text, "ncclDevKernel", 0);
        if (at < 0)
            return 0;
        id = span(c->text.p + at, 0);
        while (at + (long)id.n < (long)c->text.n && is_ident(id.p[id.n]))
            id.n++;
    }
    gp_ksplit_words(id, &w);
    if (w.n > 1) {
        int moves_bytes = 0;
        for (size_t i = 0; i < sizeof no_reduction / sizeof no_reduction[0]; i++)
            if (eq(w.w[1], no_reduction[i]))
                moves_bytes = 1;
        for (int i = 2; !moves_bytes && i < w.n && prec == GP_PREC_NA; i++) {
            gp_precision p = gp_kword_prec(w.w[i]);
            if (p != GP_PREC_UNKNOWN)
                prec = p;
        }
    }
    return set(o, GP_KC_COMM, prec, GP_TC_NO, 2, 0);
}

/* "sm80" in words, or "Sm80" in the text: the compute capability x 10, 0 unknown. */
static int arch_of(const gp_kwords *w, gp_span text)
{
    long at;
    int v = 0;

    for (int i = 0; i < w->n; i++)
        if (w->w[i].n >= 4 && w->w[i].p[0] == 's' && w->w[i].p[1] == 'm' && is_digit(w->w[i].p[2])) {
            for (size_t k = 2; k < w->w[i].n && is_digit(w->w[i].p[k]); k++)
                v = v * 10 + (w->w[i].p[k] - '0');
            return v;
        }
    at = gp_kfind(text, "arch::Sm", 0);
    if (at >= 0)
        for (size_t k = (size_t)at + 8; k < text.n && is_digit(text.p[k]) && v < 1000; k++)
            v = v * 10 + (text.p[k] - '0');
    return v;
}

/* R3: FlashAttention 2/3 (fp16/bf16 on tensor cores), memory-efficient
 * attention fmha_cutlass[FB]_<f32|f16|bf16>_..._sm<NN> (tensor cores from
 * sm70 for 16-bit types, from sm80 for f32 = 3xTF32), other attention. */
static int r3_attention(const gp_kctx *c, gp_kinfo *o)
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
    gp_kwords w;

    if (!ihas_any(c->base, marks) && !ihas_any(g->targs, targ_marks))
        return 0;
    flash = ihas(c->base, "flash") || ihas(g->targs, "flash_fwd") || ihas(g->targs, "flash_bwd") ||
            ihas(g->targs, "flashattn");
    memeff = ihas(c->base, "fmha") || has(c->text, "AttentionKernel") || has(c->text, "AttentionBackwardKernel");
    gp_ksplit_words(c->base, &w);
    if (ihas(c->base, "fmha"))
        for (int i = 0; i < w.n && prec == GP_PREC_UNKNOWN; i++)
            if (eq(w.w[i], "f32") || eq(w.w[i], "f16") || eq(w.w[i], "bf16"))
                prec = gp_kword_prec(w.w[i]);
    if (prec == GP_PREC_UNKNOWN)
        prec = gp_kscan_precision(c->text);
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
static int r4_triton(const gp_kctx *c, gp_kinfo *o)
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

void gp_classify_kernel(const char *name, gp_kinfo *out)
{
    static int (*const rules[])(const gp_kctx *, gp_kinfo *) = {
        r1_memory, r2_nccl, r3_attention, r4_triton, gp_kr5a_xmma, gp_kr5b_cutlass, gp_kr5c_legacy, gp_kr5d_conv,
        gp_kr5e_blas_helpers, gp_kr6_aten, gp_kr7_embedding_sort, gp_kr8_tensile,
    };
    gp_ktext t;
    gp_kctx c;

    gp_ktext_init(&t, name);
    c.text = span(t.s, t.n);
    gp_ksig_parse(t.s, t.n, &c.sig);
    c.base = effective_base(&c.sig);
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (rules[i](&c, out))
            goto done;
    /* R9 */
    set(out, GP_KC_OTHER, gp_kscan_precision(c.text), GP_TC_NO, 9, 0);
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
