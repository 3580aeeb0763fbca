/* test_peaks.c: the GPU peak-rate table, its name matching, the derived
 * fallback and the what-if estimate. Expected numbers are docs/gpu-peaks.md's
 * (the dense table, the "Peak ceiling" ratios, the per-SM-per-clock rates). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "analyzer/model/peaks.h"
#include "tests/tap.h"

static int near(double got, double want, double tol)
{
    return fabs(got - want) <= tol;
}

#define is_near(got, want, tol, ...)                                                   \
    do {                                                                               \
        double g_ = (got), w_ = (want);                                                \
        if (!ok(near(g_, w_, tol), __VA_ARGS__))                                       \
            diag("got %.4f, want %.4f (+-%.4f)", g_, w_, (double)(tol));               \
    } while (0)

/* Device names as CUDA/NVML/PyTorch report them -> the row's name. */
static const struct {
    const char *device;
    int cc_major, cc_minor, sms;
    const char *row;
} names[] = {
    { "Tesla V100-SXM2-32GB", 7, 0, 80, "V100 SXM2" },
    { "Tesla V100-SXM2-16GB", 0, 0, 0, "V100 SXM2" },
    { "NVIDIA A100-SXM4-40GB", 8, 0, 108, "A100 SXM4 40GB" },
    { "NVIDIA A100-PG509-200", 8, 0, 108, "A100 SXM4 40GB" },
    { "NVIDIA A100-SXM4-80GB", 8, 0, 108, "A100 SXM4 80GB" },
    { "NVIDIA A100-PCIE-40GB", 8, 0, 108, "A100 PCIe 40GB" },
    { "NVIDIA A100 80GB PCIe", 8, 0, 108, "A100 PCIe 80GB" },
    { "NVIDIA A10", 8, 6, 72, "A10" },
    { "NVIDIA A30", 8, 0, 56, "A30" },
    { "Tesla T4", 7, 5, 40, "T4" },
    { "NVIDIA L4", 8, 9, 58, "L4" },
    { "NVIDIA L40S", 8, 9, 142, "L40S" },
    { "NVIDIA H100 80GB HBM3", 9, 0, 132, "H100 SXM5" },
    { "NVIDIA H100 PCIe", 9, 0, 114, "H100 PCIe" },
    { "NVIDIA H200", 9, 0, 132, "H200 SXM" },
    { "NVIDIA B200", 10, 0, 148, "B200" },
    { "NVIDIA GeForce RTX 4090", 8, 9, 128, "RTX 4090" },
    { "NVIDIA GeForce RTX 3090", 8, 6, 82, "RTX 3090" },
};

/* docs/gpu-peaks.md "Peak ceiling for moving matmul work onto tensor cores". */
static const struct {
    const char *device;
    double tf32, bf16, fp8, fp64tc; /* ratios to FP32 (FP64-TC to FP64); 0: "—" */
    double tol;
} ceilings[] = {
    { "Tesla V100-SXM2-32GB", 0, 0, 0, 0, 0.05 },
    { "NVIDIA A100-SXM4-80GB", 8.0, 16, 0, 2.0, 0.05 },
    { "NVIDIA A100-PG509-200", 8.0, 16, 0, 2.0, 0.05 },
    { "NVIDIA A30", 8.0, 16, 0, 2.0, 0.05 },
    { "NVIDIA A10", 2.0, 4.0, 0, 0, 0.05 },
    { "Tesla T4", 0, 0, 0, 0, 0.05 },
    { "NVIDIA L4", 2.0, 4.0, 8.0, 0, 0.05 },
    { "NVIDIA L40S", 2.0, 4.0, 8.0, 0, 0.06 },
    { "NVIDIA H100 80GB HBM3", 7.4, 14.8, 29.6, 2.0, 0.1 },
    { "NVIDIA H200", 7.4, 14.8, 29.6, 2.0, 0.1 },
    { "NVIDIA H100 PCIe", 7.4, 14.8, 29.6, 2.0, 0.1 },
    { "NVIDIA GeForce RTX 4090", 1.0, 2.0, 4.0, 0, 0.01 },
    { "NVIDIA GeForce RTX 3090", 1.0, 2.0, 0, 0, 0.01 },
};

int main(void)
{
    gp_peaks p;
    gp_peaks_source src;

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        src = gp_peaks_lookup(names[i].device, names[i].cc_major, names[i].cc_minor, names[i].sms, 0, &p);
        ok(src == GP_PEAKS_TABLE && p.name && strcmp(p.name, names[i].row) == 0, "\"%s\" is %s",
           names[i].device, names[i].row);
    }

    /* the table's numbers */
    gp_peaks_lookup("NVIDIA A100-SXM4-80GB", 8, 0, 108, 0, &p);
    is_near(p.fp32, 19.5, 1e-9, "A100 FP32 19.5");
    is_near(p.tf32, 156, 1e-9, "A100 TF32 156");
    is_near(p.bf16, 312, 1e-9, "A100 BF16 312");
    is_near(p.int8, 624, 1e-9, "A100 INT8 624");
    is_near(p.mem_gbps, 2039, 1e-9, "A100 80GB 2039 GB/s");
    is_int(p.sms, 108, "A100 108 SMs");
    is_int(p.boost_mhz, 1410, "A100 1410 MHz");
    ok(p.fp8 == 0, "A100 has no FP8 path");
    gp_peaks_lookup("NVIDIA H100 80GB HBM3", 9, 0, 132, 0, &p);
    is_near(p.fp16, 989, 1e-9, "H100 SXM FP16 989 (dense)");
    is_near(p.fp8, 1979, 1e-9, "H100 SXM FP8 1979 (dense)");
    is_near(p.mem_gbps, 3350, 1e-9, "H100 SXM 3350 GB/s");
    gp_peaks_lookup("Tesla V100-SXM2-32GB", 7, 0, 80, 0, &p);
    ok(p.tf32 == 0 && p.bf16 == 0 && p.fp16 == 125, "V100: FP16 tensor cores only");

    /* ratios of the "Peak ceiling" table */
    for (size_t i = 0; i < sizeof ceilings / sizeof ceilings[0]; i++) {
        double fp32, fp64;
        gp_peaks_lookup(ceilings[i].device, 0, 0, 0, 0, &p);
        fp32 = gp_peaks_rate(&p, GP_PREC_FP32, GP_TC_NO);
        fp64 = gp_peaks_rate(&p, GP_PREC_FP64, GP_TC_NO);
        is_near(gp_peaks_rate(&p, GP_PREC_TF32, GP_TC_YES) / fp32, ceilings[i].tf32, ceilings[i].tol,
                "%s TF32/FP32", ceilings[i].device);
        is_near(gp_peaks_rate(&p, GP_PREC_BF16, GP_TC_YES) / fp32, ceilings[i].bf16, ceilings[i].tol,
                "%s BF16/FP32", ceilings[i].device);
        is_near(gp_peaks_rate(&p, GP_PREC_FP8, GP_TC_YES) / fp32, ceilings[i].fp8, ceilings[i].tol,
                "%s FP8/FP32", ceilings[i].device);
        is_near(gp_peaks_rate(&p, GP_PREC_FP64, GP_TC_YES) / fp64, ceilings[i].fp64tc, ceilings[i].tol,
                "%s FP64-TC/FP64", ceilings[i].device);
    }
    /* V100 and T4: FP16 tensor cores 8x FP32 */
    gp_peaks_lookup("Tesla V100-SXM2-32GB", 0, 0, 0, 0, &p);
    is_near(gp_peaks_rate(&p, GP_PREC_FP16, GP_TC_YES) / p.fp32, 8.0, 0.05, "V100 FP16/FP32 8.0");
    gp_peaks_lookup("Tesla T4", 0, 0, 0, 0, &p);
    is_near(gp_peaks_rate(&p, GP_PREC_FP16, GP_TC_YES) / p.fp32, 8.0, 0.05, "T4 FP16/FP32 8.0");
    /* B200: "≈14–15, ≈28–30, ≈56–60, 1.0" */
    gp_peaks_lookup("NVIDIA B200", 10, 0, 148, 0, &p);
    ok(p.tf32 / p.fp32 >= 13.7 && p.tf32 / p.fp32 <= 15, "B200 TF32/FP32 about 14-15");
    ok(p.bf16 / p.fp32 >= 28 && p.bf16 / p.fp32 <= 30, "B200 BF16/FP32 about 28-30");
    ok(p.fp8 / p.fp32 >= 56 && p.fp8 / p.fp32 <= 60, "B200 FP8/FP32 about 56-60");
    is_near(p.fp64_tc / p.fp64, 1.0, 1e-9, "B200 FP64-TC/FP64 1.0");

    /* rates by path */
    gp_peaks_lookup("NVIDIA A100-SXM4-80GB", 8, 0, 108, 0, &p);
    is_near(gp_peaks_rate(&p, GP_PREC_FP32, GP_TC_NO), 19.5, 1e-9, "fp32 SIMT: the FP32 row");
    is_near(gp_peaks_rate(&p, GP_PREC_FP32, GP_TC_YES), 52, 1e-9, "fp32 on tensor cores: 3xTF32 = TF32/3");
    is_near(gp_peaks_rate(&p, GP_PREC_TF32, GP_TC_NO), 156, 1e-9, "tf32 is a tensor-core format");
    is_near(gp_peaks_rate(&p, GP_PREC_FP16, GP_TC_YES), 312, 1e-9, "fp16 on tensor cores");
    is_near(gp_peaks_rate(&p, GP_PREC_FP16, GP_TC_UNKNOWN), 312, 1e-9, "unknown: the tensor-core path");
    is_near(gp_peaks_rate(&p, GP_PREC_BF16, GP_TC_NO), 19.5, 1e-9, "bf16 on CUDA cores computes in float");
    is_near(gp_peaks_rate(&p, GP_PREC_FP64, GP_TC_YES), 19.5, 1e-9, "fp64 tensor cores");
    is_near(gp_peaks_rate(&p, GP_PREC_FP64, GP_TC_NO), 9.7, 1e-9, "fp64 CUDA cores");
    ok(gp_peaks_rate(&p, GP_PREC_FP8, GP_TC_YES) == 0, "no fp8 tensor cores on A100: 0");
    ok(gp_peaks_rate(&p, GP_PREC_INT8, GP_TC_NO) == 0, "int8 on CUDA cores: unknown, 0");
    ok(gp_peaks_rate(&p, GP_PREC_INT, GP_TC_NO) == 0 && gp_peaks_rate(&p, GP_PREC_NA, GP_TC_NO) == 0 &&
           gp_peaks_rate(&p, GP_PREC_UNKNOWN, GP_TC_YES) == 0,
       "int, n/a, unknown: 0");
    ok(gp_peaks_rate(NULL, GP_PREC_FP32, GP_TC_NO) == 0, "NULL: 0");
    gp_peaks_lookup("Tesla V100-SXM2-32GB", 0, 0, 0, 0, &p);
    ok(gp_peaks_rate(&p, GP_PREC_BF16, GP_TC_YES) == 0, "V100 has no bf16 tensor cores: 0");
    ok(gp_peaks_rate(&p, GP_PREC_FP64, GP_TC_YES) == 0, "V100 has no fp64 tensor cores: 0");

    /* a name match that contradicts the compute capability is not trusted */
    src = gp_peaks_lookup("NVIDIA A100-SXM4-80GB", 9, 0, 132, 0, &p);
    is_int(src, GP_PEAKS_DERIVED, "A100 name with cc 9.0: derived instead");
    /* MIG: fewer SMs than the part: the row scaled */
    src = gp_peaks_lookup("NVIDIA A100-SXM4-40GB MIG 3g.20gb", 8, 0, 42, 0, &p);
    is_int(src, GP_PEAKS_SCALED, "A100 MIG slice: scaled");
    is_near(p.tf32, 156.0 * 42 / 108, 1e-9, "MIG 3g: TF32 x 42/108");
    is_near(p.tf32 / p.fp32, 8.0, 0.05, "MIG keeps the ratios");

    /* derived: cc x SMs x clock with docs/gpu-peaks.md's per-SM rates */
    src = gp_peaks_lookup("NVIDIA A800-SXM4-80GB", 8, 0, 108, 1410, &p);
    is_int(src, GP_PEAKS_DERIVED, "A800: derived");
    is_near(p.fp32, 128.0 * 108 * 1.41 / 1000, 1e-9, "cc 8.0 FP32 = 128 x SMs x GHz");
    is_near(p.tf32, 1024.0 * 108 * 1.41 / 1000, 1e-9, "cc 8.0 TF32 = 1024 x SMs x GHz (156)");
    is_near(p.fp64_tc, 128.0 * 108 * 1.41 / 1000, 1e-9, "cc 8.0 FP64-TC = 128 x SMs x GHz");
    is_near(p.mem_gbps, 0, 0, "derived: bandwidth unknown");
    src = gp_peaks_lookup("NVIDIA H100 NVL", 9, 0, 132, 1785, &p);
    is_int(src, GP_PEAKS_DERIVED, "H100 NVL: derived");
    is_near(p.fp16, 4096.0 * 132 * 1.785 / 1000, 1e-9, "cc 9.0 FP16 = 4096 x SMs x GHz");
    is_near(p.fp8, 8192.0 * 132 * 1.785 / 1000, 1e-9, "cc 9.0 FP8 = 8192 x SMs x GHz");
    src = gp_peaks_lookup("NVIDIA A10G", 8, 6, 80, 0, &p);
    is_int(src, GP_PEAKS_DERIVED, "A10G: derived");
    is_int(p.boost_mhz, 1695, "no clock given: the family's reference clock");
    is_near(p.tf32, 512.0 * 80 * 1.695 / 1000, 1e-9, "cc 8.6 datacenter TF32 = 512/SM/clk");
    src = gp_peaks_lookup("NVIDIA GeForce RTX 3080", 8, 6, 68, 1710, &p);
    is_int(src, GP_PEAKS_DERIVED, "RTX 3080: derived");
    is_near(p.tf32 / p.fp32, 1.0, 1e-9, "cc 8.6 GeForce: TF32 = FP32 rate");
    is_near(p.fp16 / p.fp32, 2.0, 1e-9, "cc 8.6 GeForce: FP16 (FP32 acc) = 2x FP32");
    src = gp_peaks_lookup("NVIDIA GeForce RTX 4080", 8, 9, 76, 2505, &p);
    is_near(p.fp8 / p.fp32, 4.0, 1e-9, "cc 8.9 GeForce: FP8 = 4x FP32");
    src = gp_peaks_lookup(NULL, 7, 5, 40, 1590, &p);
    is_int(src, GP_PEAKS_DERIVED, "no name, cc 7.5: derived");
    is_near(p.fp16, 1024.0 * 40 * 1.59 / 1000, 1e-9, "cc 7.5 FP16 = 1024/SM/clk (T4: 65)");
    ok(p.bf16 == 0 && p.tf32 == 0, "cc 7.5: no bf16, no tf32");
    ok(gp_peaks_lookup("NVIDIA GB200", 10, 0, 148, 0, &p) == GP_PEAKS_NONE && p.fp32 == 0,
       "cc 10.0 unknown part: not derivable");
    ok(gp_peaks_lookup("", 8, 0, 0, 0, &p) == GP_PEAKS_NONE, "no SM count: nothing");
    ok(gp_peaks_lookup("Quadro P6000", 6, 1, 30, 0, &p) == GP_PEAKS_NONE, "unknown family: nothing");
    ok(gp_peaks_lookup("NVIDIA GeForce RTX 4090 Laptop GPU", 8, 9, 76, 0, &p) == GP_PEAKS_DERIVED,
       "a laptop 4090 is not the desktop part");

    /* what-if: t x peak(from) / peak(to) */
    gp_peaks_lookup("NVIDIA A100-SXM4-80GB", 8, 0, 108, 0, &p);
    is_int(gp_whatif_matmul_ns(&p, 8000000, GP_PREC_FP32, GP_PREC_TF32), 1000000, "A100 fp32 -> tf32: 1/8");
    is_int(gp_whatif_matmul_ns(&p, 16000000, GP_PREC_FP32, GP_PREC_BF16), 1000000, "A100 fp32 -> bf16: 1/16");
    is_int(gp_whatif_matmul_ns(&p, 1000000, GP_PREC_TF32, GP_PREC_FP32), 8000000, "and back: 8x slower");
    is_int(gp_whatif_matmul_ns(&p, 1000, GP_PREC_FP32, GP_PREC_FP8), 1000, "no fp8 on A100: unchanged");
    is_int(gp_whatif_matmul_ns(&p, 1000, GP_PREC_FP32, GP_PREC_INT), 1000, "int: unchanged");
    is_int(gp_whatif_matmul_ns(&p, 0, GP_PREC_FP32, GP_PREC_TF32), 0, "0 ns: 0");
    is_int(gp_whatif_matmul_ns(&p, -5, GP_PREC_FP32, GP_PREC_TF32), -5, "negative: unchanged");
    is_int(gp_whatif_matmul_ns(&p, INT64_MAX, GP_PREC_TF32, GP_PREC_FP32), INT64_MAX, "overflow clamps");
    is_int(gp_whatif_matmul_ns(NULL, 1000, GP_PREC_FP32, GP_PREC_TF32), 1000, "no peaks: unchanged");
    gp_peaks_lookup("NVIDIA GeForce RTX 4090", 8, 9, 128, 0, &p);
    is_int(gp_whatif_matmul_ns(&p, 1000000, GP_PREC_FP32, GP_PREC_TF32), 1000000, "RTX 4090: TF32 gains nothing");
    gp_peaks_lookup("NVIDIA H100 80GB HBM3", 9, 0, 132, 0, &p);
    is_int(gp_whatif_matmul_ns(&p, 1000000, GP_PREC_FP32, GP_PREC_BF16), 67745, "H100 SXM fp32 -> bf16: 67/989");
    return done_testing();
}
