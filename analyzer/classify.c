/* classify.c: kernel names to class, precision, tensor cores, HTA type.
 * (The name rules of KERNEL-NAMES.md land with the classifier; until then
 * only HTA's type is derived and every kernel reads as "other".) */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "classify.h"

static int starts(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

gp_hta_type gp_hta_type_of(const char *n)
{
    static const char *const other_prefix[] = {
        "nccl", "hip", "hccl", "runFunction", "job_exe", "packet", "pe_exe",
        "cpum_exe_subgraph", "collective_subgraph_execution", "Stream Wait Event",
    };
    if (starts(n, "nccl") || starts(n, "hip") || starts(n, "hccl") || strstr(n, "ncclKernel"))
        return GP_HTA_COMMUNICATION;
    if (starts(n, "Memcpy") || starts(n, "Memset") || starts(n, "hipMemcpy") ||
        starts(n, "hipMemset") || starts(n, "dma"))
        return GP_HTA_MEMORY;
    for (size_t i = 0; i < sizeof other_prefix / sizeof other_prefix[0]; i++)
        if (starts(n, other_prefix[i]))
            return GP_HTA_OTHER;
    if (starts(n, "cuda") && strstr(n + 4, "LaunchKernel"))
        return GP_HTA_OTHER;
    if (strstr(n, "Memcpy") || strstr(n, "Memset") || strstr(n, "dma") || strstr(n, "Sync"))
        return GP_HTA_OTHER;
    return GP_HTA_COMPUTATION;
}

void gp_classify_kernel(const char *name, gp_kinfo *out)
{
    (void)name;
    out->kclass = GP_KC_OTHER;
    out->precision = GP_PREC_UNKNOWN;
    out->tensor_core = GP_TC_UNKNOWN;
    out->rule = 9;
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

char *gp_kernel_short_name(const char *name, size_t width, char *out, size_t cap)
{
    snprintf(out, cap, "%.*s", (int)(width < cap ? width : cap - 1), name);
    return out;
}
