/* classify_rules.c: rules R5 (matrix libraries: xmma, CUTLASS, cuBLAS/cuDNN
 * procedural names, other convolutions, cuBLAS helpers) to R8 (AMD Tensile)
 * of docs/kernel-names.md section 3. The driver and R1..R4 are in classify.c. */
#include "config.h"

#include <string.h>

#include "analyzer/model/classify_int.h"

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
                    first = gp_kword_prec(span(parts[j], len));
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
int gp_kr5a_xmma(const gp_kctx *c, gp_kinfo *o)
{
    static const char *const gemm_ops[] = { "gemm", "trmm", "syrk", "symm", "syr2k", "hemm", "herk", "herkx",
                                            "her2k" };
    static const char *const conv_ops[] = { "fprop", "dgrad", "wgrad", "depthwise" };
    gp_kwords w;
    int x = -1, groups = 0, ffma = 0, tensor = 0;
    gp_precision g[2] = { GP_PREC_UNKNOWN, GP_PREC_UNKNOWN }, mma, word = GP_PREC_UNKNOWN;
    gp_kclass k = GP_KC_OTHER;
    gp_tc tc;

    gp_ksplit_words(c->sig.base, &w);
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
            word = eq(w.w[i], "cp32") ? GP_PREC_FP32 : eq(w.w[i], "cp64") ? GP_PREC_FP64 : gp_kword_prec(w.w[i]);
    }
    if (k == GP_KC_REDUCTION)
        return set(o, k, groups ? g[0] : gp_kscan_precision(c->text), GP_TC_NO, 5, 'a');
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
    gp_kwords w;
    int cls = -1, op = -1, tensorop = 0;
    gp_precision prec = GP_PREC_UNKNOWN, a = GP_PREC_UNKNOWN, cty = GP_PREC_UNKNOWN, in_p = GP_PREC_UNKNOWN;
    gp_span pre, acc, shape, in;
    gp_kclass k = GP_KC_GEMM;

    gp_ksplit_words(id, &w);
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
    if ((in_p = gp_kword_prec(pre)) != GP_PREC_UNKNOWN) { /* 3.x "tf32gemm" */
        acc = span(pre.p, 0);
    } else {
        split_mma(pre, &acc, &shape, &in);
        in_p = gp_kword_prec(in);
    }
    if (op - 1 > cls)
        cty = gp_kword_prec(w.w[op - 1]);
    for (int i = op + 1; i < w.n && !is_tile(w.w[i]); i++)
        if ((a = gp_kword_prec(w.w[i])) != GP_PREC_UNKNOWN)
            break;
    prec = in_p != GP_PREC_UNKNOWN ? in_p
           : a != GP_PREC_UNKNOWN  ? a
           : cty != GP_PREC_UNKNOWN ? cty
                                   : acc_prec(acc);
    /* fp32 data on a tensor-core MMA is TF32 (docs/kernel-names.md flag a) */
    if (tensorop && prec == GP_PREC_FP32)
        prec = GP_PREC_TF32;
    return set(o, k, prec, tensorop ? GP_TC_YES : GP_TC_NO, 5, 'b');
}

/* R5b: CUTLASS procedural names anywhere in the name (cutlass::Kernel<cutlass_80_...>),
 * then templated CUTLASS (cutlass::gemm::kernel::..., cutlass_cudnn_train::...). */
int gp_kr5b_cutlass(const gp_kctx *c, gp_kinfo *o)
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
    prec = gp_kscan_precision(t);
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
int gp_kr5c_legacy(const gp_kctx *c, gp_kinfo *o)
{
    static const char *const archs[] = { "kepler", "maxwell", "pascal", "volta", "turing", "ampere", "ada",
                                         "hopper", "blackwell" };
    gp_kwords w;
    int i = 0, arch = 0, conv;
    gp_precision io = GP_PREC_UNKNOWN, after = GP_PREC_UNKNOWN, prec;
    gp_span op, pre, acc, shape, in;

    if (starts(c->sig.base, "nvjet_")) /* type letters undocumented: take dtype from the op's inputs */
        return set(o, GP_KC_GEMM, GP_PREC_UNKNOWN, GP_TC_UNKNOWN, 5, 'c');
    gp_ksplit_words(c->sig.base, &w);
    while (i < w.n && (eq(w.w[i], "cudnn") || eq(w.w[i], "infer") || eq(w.w[i], "train")))
        i++;
    for (size_t j = 0; i < w.n && j < sizeof archs / sizeof archs[0]; j++)
        if (eq(w.w[i], archs[j]))
            arch = 1;
    if (!arch || ++i >= w.n)
        return 0;
    if ((io = gp_kword_prec(w.w[i])) != GP_PREC_UNKNOWN && ++i >= w.n)
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
        after = gp_kword_prec(w.w[i + 1]);
    prec = io != GP_PREC_UNKNOWN ? io : after != GP_PREC_UNKNOWN ? after : acc_prec(acc);
    if (shape.n && prec == GP_PREC_FP32 && io == GP_PREC_UNKNOWN && after == GP_PREC_UNKNOWN)
        prec = GP_PREC_TF32; /* fp32 data on an MMA shape */
    return set(o, conv ? GP_KC_CONV : GP_KC_GEMM, prec, shape.n ? GP_TC_YES : GP_TC_NO, 5, 'c');
}

/* R5d: other cuDNN convolution engines (implicit/precomputed GEMM, FFT,
 * Winograd, direct), and ATen's depthwise convolution. CUDA cores. */
int gp_kr5d_conv(const gp_kctx *c, gp_kinfo *o)
{
    static const char *const marks[] = { "convolve", "wgrad_alg", "dgrad_alg", "dgrad_engine", "wgrad_engine",
                                         "dgrad2d", "wgrad2d", "fft2d_", "fft1d_", "fft3d_", "flip_filter",
                                         "winograd", "conv2d", "conv3d", "conv_depthwise", "depthwise_conv",
                                         NULL };

    if (!ihas_any(c->base, marks))
        return 0;
    return set(o, GP_KC_CONV, gp_kscan_precision(c->text), tc_evidence(c->text) ? GP_TC_YES : GP_TC_NO, 5, 'd');
}

/* R5e: cuBLAS helpers: split-K reduction, epilogue, GEMV and small GEMM
 * kernels on CUDA cores. GEMV precision: the element type of the first
 * cublasGemvTensorStridedBatched<T> (the first template argument is the
 * compute type). */
int gp_kr5e_blas_helpers(const gp_kctx *c, gp_kinfo *o)
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
    at = gp_kfind(c->text, "cublasGemvTensorStridedBatched<", 0);
    if (k == GP_KC_GEMM && at >= 0)
        prec = gp_kscan_precision(span(c->text.p + at + 31, c->text.n - (size_t)at - 31));
    if (prec == GP_PREC_UNKNOWN)
        prec = gp_kscan_precision(c->text);
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
        long k = gp_kfind(rest, "norm", 1);
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
        long k = gp_kfind(rest, "pool", 1);
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
int gp_kr6_aten(const gp_kctx *c, gp_kinfo *o)
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
                                                                                : gp_kscan_precision(c->text);
        return set(o, GP_KC_ELEMENTWISE, p, GP_TC_NO, 6, 0);
    }
    if (ihas_any(b, reduce) || has_norm(b) || has_pool(b) || starts(b, "bn_"))
        return set(o, GP_KC_REDUCTION, gp_kscan_precision(c->text), GP_TC_NO, 6, 0);
    for (size_t i = 0; i < sizeof loops / sizeof loops[0]; i++)
        if (eq(b, loops[i]))
            loop = 1;
    if (ihas_any(b, copy) ||
        (loop && (ihas(c->sig.targs, "direct_copy") || ihas(c->sig.targs, "copy_kernel") ||
                  ihas(c->sig.targs, "copy_device"))))
        return set(o, GP_KC_COPY, gp_kscan_precision(c->text), GP_TC_NO, 6, 0);
    if (ihas_any(b, elementwise))
        return set(o, GP_KC_ELEMENTWISE, gp_kscan_precision(c->text), GP_TC_NO, 6, 0);
    return 0;
}

/* R7: embedding lookups and sorts (fbgemm, cub): other. */
int gp_kr7_embedding_sort(const gp_kctx *c, gp_kinfo *o)
{
    if (!ihas(c->base, "embedding") && !ihas(c->base, "sort"))
        return 0;
    return set(o, GP_KC_OTHER, gp_kscan_precision(c->text), GP_TC_NO, 7, 0);
}

/* R8: AMD rocBLAS/Tensile Cijk_<A>_<B>_<type>_..._MI<m>x<n>x<k>_... (inferred). */
int gp_kr8_tensile(const gp_kctx *c, gp_kinfo *o)
{
    gp_kwords w;
    gp_precision prec = GP_PREC_UNKNOWN;
    gp_tc tc = GP_TC_NO;

    if (!starts(c->sig.base, "Cijk_"))
        return 0;
    gp_ksplit_words(c->sig.base, &w);
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

