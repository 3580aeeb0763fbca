/* classify.h: what a kernel is, from its name alone (docs/KERNEL-NAMES
 * rules): its class (GEMM, convolution, ...), math precision, whether it
 * runs on tensor cores, and its type as Holistic Trace Analysis sees it.
 * Pure functions; O(length of the name). */
#ifndef GP_CLASSIFY_H
#define GP_CLASSIFY_H

#include <stddef.h>

#include "model.h"

typedef struct gp_kinfo {
    gp_kclass kclass;
    gp_precision precision;
    gp_tc tensor_core;
    int rule; /* the decision rule that matched (R1..R9 of KERNEL-NAMES.md), for tests */
} gp_kinfo;

/* Classifies a kernel by name (mangled or demangled). */
void gp_classify_kernel(const char *name, gp_kinfo *out);

/* HTA's kernel type (HTA-SEMANTICS.md section 5). */
gp_hta_type gp_hta_type_of(const char *name);

const char *gp_kclass_name(int kclass);       /* "gemm", ... */
const char *gp_precision_name(int precision); /* "fp32", ... */
const char *gp_tc_name(int tc);               /* "yes", "no", "unknown" */

/* A readable short form of a kernel name for tables: demangled when it is
 * an Itanium-mangled name, namespaces and template arguments folded, the
 * argument list dropped, at most `width` characters (with "…" when cut).
 * Writes into out (cap bytes) and returns out. */
char *gp_kernel_short_name(const char *name, size_t width, char *out, size_t cap);

#endif
