/* classify.h: what a kernel is, from its name alone (docs/kernel-names.md):
 * its class (GEMM, convolution, ...), math precision, whether it runs on
 * tensor cores, and its type as Holistic Trace Analysis sees it; plus a
 * short readable form of the name for tables.
 *
 * Names may be mangled (CUPTI: "_ZN2at6native...") or demangled (PyTorch's
 * profiler, Nsight Systems); a mangled name is demangled first, so both
 * forms classify alike. Pure functions, thread-safe; each call costs
 * O(length of the name) plus one temporary allocation for mangled names, so
 * classify each distinct name once and keep the result. */
#ifndef GP_CLASSIFY_H
#define GP_CLASSIFY_H

#include <stddef.h>

#include "analyzer/model/model.h"

typedef struct gp_kinfo {
    gp_kclass kclass;
    gp_precision precision;
    gp_tc tensor_core;
    int rule;      /* 1..9: the rule of docs/kernel-names.md section 3 that matched (9: none) */
    char subrule;  /* within rule 5: 'a' xmma, 'b' CUTLASS, 'c' cuBLAS/cuDNN <arch>_ names and
                    * nvjet, 'd' other cuDNN convolutions, 'e' cuBLAS helpers; else 0 */
} gp_kinfo;

/* Classifies a kernel by name (mangled or demangled; NULL reads as "").
 * Precision is the math's where the name tells it (tensor-core input type),
 * else the earliest floating-point type in the name (storage type for ATen
 * loops), else int8, else int for index-only kernels. Tensor cores are
 * "yes" only on positive evidence; "unknown" where the name cannot tell
 * (nvjet, Triton templates, old Triton names). Always fills *out. */
void gp_classify_kernel(const char *name, gp_kinfo *out);

/* HTA's kernel type (docs/hta-semantics.md section 5). */
gp_hta_type gp_hta_type_of(const char *name);

const char *gp_kclass_name(int kclass);       /* "gemm", ... */
const char *gp_precision_name(int precision); /* "fp32", ... */
const char *gp_tc_name(int tc);               /* "yes", "no", "unknown" */

/* A readable short form of a kernel name for tables, written into out (cap
 * bytes, always NUL-terminated when cap > 0) and returned: demangled, the
 * return type and parameters dropped, namespaces folded
 * ("vectorized_elementwise_kernel<4, CUDAFunctor_add<float>, Array<char*, 3>>"),
 * then fitted into `width` columns (0: no limit) by replacing trailing
 * template arguments, then nested ones, with "…", else cutting with "…".
 * A column is a character; "…" is 3 bytes of UTF-8. The name is in its
 * shown form (common/text.h: control characters as \x1b or \u009b, invalid
 * UTF-8 as U+FFFD); a cut never splits a character. Names longer
 * than 64 KiB are shown from their start. The full name stays the
 * reference; this is for display only. */
char *gp_kernel_short_name(const char *name, size_t width, char *out, size_t cap);

#endif
