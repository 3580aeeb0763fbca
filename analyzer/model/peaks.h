/* peaks.h: dense peak throughput of NVIDIA GPUs, for "what if this ran on
 * tensor cores" estimates (docs/gpu-peaks.md).
 *
 * A table of datasheet rows, matched by the device name that CUDA, NVML and
 * PyTorch's profiler report ("NVIDIA A100-SXM4-80GB"); for other GPUs the
 * rates are derived from compute capability x SMs x clock with per-SM rates
 * (marked GP_PEAKS_DERIVED). All figures are dense (no 2:4 sparsity).
 *
 *     gp_peaks p;
 *     if (gp_peaks_lookup("NVIDIA A100-SXM4-80GB", 8, 0, 108, 0, &p) != GP_PEAKS_NONE) {
 *         double tf32 = gp_peaks_rate(&p, GP_PREC_TF32, GP_TC_YES);   // 156 TFLOP/s
 *         int64_t t = gp_whatif_matmul_ns(&p, t_ns, GP_PREC_FP32, GP_PREC_TF32);
 *     }
 *
 * Pure functions over constant data: thread-safe, no allocation. */
#ifndef GP_PEAKS_H
#define GP_PEAKS_H

#include <stdint.h>

#include "analyzer/model/model.h"

/* Where a gp_peaks came from. */
typedef enum gp_peaks_source {
    GP_PEAKS_NONE = 0,  /* nothing known: every rate is 0 */
    GP_PEAKS_TABLE,     /* a datasheet row matched by name */
    GP_PEAKS_SCALED,    /* a datasheet row scaled to fewer SMs (a MIG slice) */
    GP_PEAKS_DERIVED    /* computed: SMs x per-SM rate of the compute capability x clock */
} gp_peaks_source;

/* Dense peak rates. TFLOP/s (int8: TOPS); 0 means no such hardware path or
 * unknown. fp16/bf16 are tensor-core rates with FP32 accumulation. */
typedef struct gp_peaks {
    const char *name;     /* "A100 SXM4 80GB"; for derived rows "derived (cc 8.0)" */
    int cc_major, cc_minor;
    int sms;
    int boost_mhz;        /* clock the rates assume; 0 unpublished */
    double mem_gbps;      /* DRAM bandwidth, GB/s; 0 unknown */
    double fp64, fp64_tc, fp32, tf32, fp16, bf16, fp8, int8;
    gp_peaks_source source;
} gp_peaks;

/* Fills *out for a device. device_name may be NULL or empty; cc, sm_count
 * and clock_mhz may be 0 (unknown). A name match wins unless its compute
 * capability contradicts cc; a matched row with fewer SMs than the part has
 * (MIG) is scaled down. Without a name match the rates are derived from
 * cc x sm_count x clock (clock_mhz, or the family's reference boost clock
 * when 0); cc 10.0 and unknown families cannot be derived. Returns
 * out->source; GP_PEAKS_NONE leaves every rate 0. */
gp_peaks_source gp_peaks_lookup(const char *device_name, int cc_major, int cc_minor, int sm_count,
                                int clock_mhz, gp_peaks *out);

/* Peak rate (TFLOP/s) of a precision on tensor cores (tc = GP_TC_YES) or
 * CUDA cores (GP_TC_NO); GP_TC_UNKNOWN takes the tensor-core path where one
 * exists. tf32 and fp8 exist only on tensor cores; fp16/bf16 math on CUDA
 * cores is taken at the fp32 rate (the kernels compute in float); fp32 on
 * tensor cores is 3xTF32, a third of the tf32 rate. Returns 0 when the path
 * does not exist on this GPU or is not known (int8 on CUDA cores, int, n/a). */
double gp_peaks_rate(const gp_peaks *p, gp_precision prec, gp_tc tc);

/* What-if for one GEMM/convolution kernel that took t_ns: the time at the
 * peak-rate ratio of moving it from precision `from` to `to`, i.e.
 * t x peak(from) / peak(to). fp64 and fp32 are taken on CUDA cores, the other
 * precisions on tensor cores. This is the compute-bound bound: no kernel gets
 * faster than this, and memory-bound ones gain less (their floor is bytes /
 * bandwidth, which needs shapes). Apply it to matmul time only (Amdahl).
 * Returns t_ns unchanged when either peak is unknown or t_ns <= 0. */
int64_t gp_whatif_matmul_ns(const gp_peaks *p, int64_t t_ns, gp_precision from, gp_precision to);

#endif
