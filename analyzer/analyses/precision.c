/* precision.c: matrix math in a slow precision where tensor cores fit.
 *
 * GEMM, convolution and attention kernels that run FP32 (or FP64) on CUDA
 * cores are what TF32/BF16 (FP64 tensor cores) speed up. The estimate is
 * the peak-rate ratio of the device (docs/gpu-peaks.md), applied to those
 * kernels only: an upper bound, reached by compute-bound kernels;
 * memory-bound ones gain less.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "analyzer/model/classify.h"
#include "common/checked.h"
#include "common/format.h"
#include "analyzer/analyses/findings.h"
#include "analyzer/model/peaks.h"

static int is_matrix(int kclass)
{
    return kclass == GP_KC_GEMM || kclass == GP_KC_CONV || kclass == GP_KC_ATTENTION;
}

int gp_findings_precision(gp_analysis *a, int ri)
{
    const gp_rank *r = gp_job_rank_c(a->job, (size_t)ri);
    const gp_rank_result *rr = &a->ranks[ri];
    int64_t fp32_ns = 0, fp64_ns = 0, kernel_ns = 0, n32 = 0, n64 = 0;
    gp_strid top_name = 0;
    int64_t top_ns = 0;
    const gp_devinfo *dev = r->n_devices ? &r->devices[0] : NULL;
    gp_peaks peaks;
    const gp_peaks *pk = NULL;
    char t1[32], t2[32], t3[32], n1[32], name[96];

    for (size_t i = 0; i < rr->n_kernels; i++) {
        const gp_kernel_stat *k = &rr->kernels[i];
        if (k->kind != GP_OP_KERNEL)
            continue;
        kernel_ns = gp_sat_add(kernel_ns, k->total_ns);
        if (!is_matrix(k->kclass) || k->tensor_core == GP_TC_YES)
            continue;
        if (k->precision == GP_PREC_FP32) {
            fp32_ns = gp_sat_add(fp32_ns, k->total_ns);
            n32 += k->count;
            if (k->total_ns > top_ns) {
                top_ns = k->total_ns;
                top_name = k->name;
            }
        } else if (k->precision == GP_PREC_FP64) {
            fp64_ns = gp_sat_add(fp64_ns, k->total_ns);
            n64 += k->count;
        }
    }
    /* the device the kernels ran on (first device with kernels) */
    for (size_t i = 0; i < r->n_ops; i++)
        if (r->ops[i].kind == GP_OP_KERNEL) {
            const gp_devinfo *d = gp_rank_device(r, r->ops[i].device);
            if (d)
                dev = d;
            break;
        }
    if (dev && gp_peaks_lookup(gp_job_str(a->job, dev->name), dev->cc_major, dev->cc_minor,
                               dev->sm_count, (int)(dev->sm_clock_khz / 1000), &peaks) !=
                   GP_PEAKS_NONE)
        pk = &peaks;
    if (fp32_ns > 0 && (double)fp32_ns >= 0.01 * (double)(kernel_ns ? kernel_ns : 1)) {
        gp_finding *f = gp_analysis_add_finding(a);
        int64_t tf32 = pk ? gp_whatif_matmul_ns(pk, fp32_ns, GP_PREC_FP32, GP_PREC_TF32) : fp32_ns;
        int64_t bf16 = pk ? gp_whatif_matmul_ns(pk, fp32_ns, GP_PREC_FP32, GP_PREC_BF16) : fp32_ns;
        int has_tf32 = pk && gp_peaks_rate(pk, GP_PREC_TF32, GP_TC_YES) > 0;
        int64_t best = has_tf32 ? tf32 : bf16;

        if (!f)
            return -1;
        snprintf(f->id, sizeof f->id, "precision.fp32_matmul");
        f->rank = ri;
        snprintf(f->title, sizeof f->title,
                 "FP32 matrix math on CUDA cores: %s (%.0f %% of kernel time)%s",
                 gp_fmt_ns(t1, sizeof t1, fp32_ns),
                 100.0 * (double)fp32_ns / (double)(kernel_ns ? kernel_ns : 1),
                 pk ? "" : "; device peaks unknown, no estimate");
        if (pk) {
            char more[160];
            snprintf(more, sizeof more, "; %s tensor cores would take it to about %s",
                     has_tf32 ? "TF32" : "FP16", gp_fmt_ns(t2, sizeof t2, best));
            gp_strappend(f->title, sizeof f->title, "%s", more);
        }
        snprintf(f->evidence, sizeof f->evidence, "%s GEMM/convolution kernels in FP32 without "
                 "tensor cores, the largest '%s'", gp_fmt_count(n1, sizeof n1, n32),
                 gp_kernel_short_name(gp_job_str(a->job, top_name), 60, name, sizeof name));
        if (pk)
            gp_strappend(f->evidence, sizeof f->evidence,
                         "; on %s: TF32 up to %.1fx, BF16/FP16 up to %.1fx faster (peak rates; "
                         "memory-bound kernels gain less); BF16 estimate %s",
                         gp_job_str(a->job, dev->name),
                         gp_peaks_rate(pk, GP_PREC_TF32, GP_TC_YES) /
                             (gp_peaks_rate(pk, GP_PREC_FP32, GP_TC_NO) + 1e-300),
                         gp_peaks_rate(pk, GP_PREC_BF16, GP_TC_YES) /
                             (gp_peaks_rate(pk, GP_PREC_FP32, GP_TC_NO) + 1e-300),
                         gp_fmt_ns(t3, sizeof t3, bf16));
        if (has_tf32 || !pk)
            snprintf(f->fix, sizeof f->fix,
                     "Allow TF32: torch.backends.cuda.matmul.allow_tf32 = True and "
                     "torch.backends.cudnn.allow_tf32 = True (or "
                     "torch.set_float32_matmul_precision(\"high\")); cuBLAS: "
                     "CUBLAS_COMPUTE_32F_FAST_TF32. For more, autocast to bfloat16: with "
                     "torch.autocast(\"cuda\", dtype=torch.bfloat16). Both change numerics "
                     "slightly; check accuracy.");
        else
            snprintf(f->fix, sizeof f->fix,
                     "This GPU has no TF32: use mixed precision, torch.autocast(\"cuda\", "
                     "dtype=torch.float16) with torch.cuda.amp.GradScaler, or cuBLAS FP16 "
                     "GEMMs with FP32 accumulation.");
        gp_finding_set_cost(f, fp32_ns, fp32_ns - best, rr->span_ns > 0 ? rr->span_ns : 1);
    }
    if (fp64_ns > 0 && pk && gp_peaks_rate(pk, GP_PREC_FP64, GP_TC_YES) > 0 &&
        (double)fp64_ns >= 0.01 * (double)(kernel_ns ? kernel_ns : 1)) {
        gp_finding *f = gp_analysis_add_finding(a);
        int64_t tc = gp_whatif_matmul_ns(pk, fp64_ns, GP_PREC_FP64, GP_PREC_FP64);
        double ratio = gp_peaks_rate(pk, GP_PREC_FP64, GP_TC_YES) /
                       (gp_peaks_rate(pk, GP_PREC_FP64, GP_TC_NO) + 1e-300);

        if (!f)
            return -1;
        if (ratio > 1)
            tc = (int64_t)((double)fp64_ns / ratio);
        snprintf(f->id, sizeof f->id, "precision.fp64_matmul");
        f->rank = ri;
        snprintf(f->title, sizeof f->title,
                 "FP64 matrix math without tensor cores: %s; FP64 tensor cores would take "
                 "about %s", gp_fmt_ns(t1, sizeof t1, fp64_ns), gp_fmt_ns(t2, sizeof t2, tc));
        snprintf(f->evidence, sizeof f->evidence, "%s FP64 GEMM/convolution kernels on CUDA "
                 "cores; this GPU's FP64 tensor cores are up to %.1fx faster",
                 gp_fmt_count(n1, sizeof n1, n64), ratio);
        snprintf(f->fix, sizeof f->fix,
                 "Use cuBLAS/cuSOLVER DGEMM paths that use FP64 tensor cores (they do by "
                 "default on A100/H100 for large enough matrices), or check whether FP32/TF32 "
                 "accuracy suffices.");
        gp_finding_set_cost(f, fp64_ns, fp64_ns - tc, rr->span_ns > 0 ? rr->span_ns : 1);
    }
    return 0;
}
