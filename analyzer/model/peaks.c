/* peaks.c: see peaks.h. The numbers are docs/gpu-peaks.md's tables; each row
 * names its source. Dense rates; a datasheet's sparse figure is halved. */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "analyzer/model/peaks.h"

/* Rows of docs/gpu-peaks.md "GPU peak throughput (dense)". Values marked ‡ there
 * (FP64 on GA102/AD10x/TU104) are derived from SMs x rate x clock. */
static const gp_peaks table[] = {
    /* Tesla V100 datasheet; Volta whitepaper. No TF32, no BF16, no INT8 tensor cores. */
    { "V100 SXM2", 7, 0, 80, 1530, 900, 7.8, 0, 15.7, 0, 125, 0, 0, 0, GP_PEAKS_TABLE },
    /* A100 datasheet (dense column); Ampere GA100 whitepaper. */
    { "A100 SXM4 40GB", 8, 0, 108, 1410, 1555, 9.7, 19.5, 19.5, 156, 312, 312, 0, 624, GP_PEAKS_TABLE },
    /* A100 datasheet, 80GB column. */
    { "A100 SXM4 80GB", 8, 0, 108, 1410, 2039, 9.7, 19.5, 19.5, 156, 312, 312, 0, 624, GP_PEAKS_TABLE },
    /* A100 datasheet, PCIe columns (250/300 W: sustained clocks often lower). */
    { "A100 PCIe 40GB", 8, 0, 108, 1410, 1555, 9.7, 19.5, 19.5, 156, 312, 312, 0, 624, GP_PEAKS_TABLE },
    { "A100 PCIe 80GB", 8, 0, 108, 1410, 1935, 9.7, 19.5, 19.5, 156, 312, 312, 0, 624, GP_PEAKS_TABLE },
    /* A10 datasheet (dense | sparse); FP64 ‡ (1/64 of FP32); SMs/clock unverified. */
    { "A10", 8, 6, 72, 1695, 600, 0.49, 0, 31.2, 62.5, 125, 125, 0, 250, GP_PEAKS_TABLE },
    /* A30 datasheet (dense | sparse); SMs/clock unverified. */
    { "A30", 8, 0, 56, 1440, 933, 5.2, 10.3, 10.3, 82, 165, 165, 0, 330, GP_PEAKS_TABLE },
    /* T4 datasheet ("320+ GB/s"); FP64 ‡ (1/32 of FP32). FP16 tensor cores only. */
    { "T4", 7, 5, 40, 1590, 320, 0.25, 0, 8.1, 0, 65, 0, 0, 130, GP_PEAKS_TABLE },
    /* L4 datasheet prints sparse figures only: halved. 58 SMs derived. FP64 ‡. */
    { "L4", 8, 9, 58, 2040, 300, 0.47, 0, 30.3, 60, 121, 121, 242, 242, GP_PEAKS_TABLE },
    /* L40S datasheet (dense | sparse). FP64 ‡. */
    { "L40S", 8, 9, 142, 2520, 864, 1.43, 0, 91.6, 183, 362, 362, 733, 733, GP_PEAKS_TABLE },
    /* H100 datasheet, SXM5 column (tensor rows sparse only: halved); Hopper whitepaper.
     * FP64/FP32 imply 1.98 GHz, the tensor rows about 1.83 GHz. */
    { "H100 SXM5", 9, 0, 132, 1980, 3350, 34, 67, 67, 495, 989, 989, 1979, 1979, GP_PEAKS_TABLE },
    /* H100 datasheet, PCIe column (sparse only: halved). */
    { "H100 PCIe", 9, 0, 114, 1755, 2000, 26, 51, 51, 378, 756, 756, 1513, 1513, GP_PEAKS_TABLE },
    /* H200 datasheet (sparse only: halved); SMs/clock assumed = H100 SXM (not printed). */
    { "H200 SXM", 9, 0, 132, 1980, 4800, 34, 67, 67, 495, 989, 989, 1979, 1979, GP_PEAKS_TABLE },
    /* HGX/DGX B200 spec pages (tensor rows sparse only: halved), NVIDIA's revised figures
     * (first published: FP64 40, FP32 80, 8000 GB/s). SMs third-party; clock unpublished. */
    { "B200", 10, 0, 148, 0, 7700, 37, 37, 75, 1100, 2250, 2250, 4500, 4500, GP_PEAKS_TABLE },
    /* Ada whitepaper (dense / sparse); FP16/BF16 and FP8 with FP32 accumulation (FP8 with
     * FP32 accumulate unverified); FP64 ‡. TF32 runs at the FP32 rate. */
    { "RTX 4090", 8, 9, 128, 2520, 1008, 1.29, 0, 82.6, 82.6, 165.2, 165.2, 330.3, 660.6, GP_PEAKS_TABLE },
    /* Ampere GA102 whitepaper (dense / sparse); FP16/BF16 with FP32 accumulation; FP64 ‡. */
    { "RTX 3090", 8, 6, 82, 1695, 936, 0.56, 0, 35.6, 35.6, 71, 71, 0, 284, GP_PEAKS_TABLE },
};

enum { V100, A100_40, A100_80, A100P_40, A100P_80, A10, A30, T4, L4, L40S, H100, H100P, H200, B200,
       RTX4090, RTX3090 };

/* Dense operations per SM per clock (docs/gpu-peaks.md "Dense per-SM per-clock
 * rates"), for GPUs the table does not list. */
typedef struct per_sm {
    int major, minor, geforce;
    int ref_mhz;    /* reference boost clock of the family's listed part */
    double fp64, fp64_tc, fp32, tf32, fp16, fp8, int8;
    int bf16;       /* bf16 tensor cores exist (rate = fp16) */
} per_sm;

static const per_sm per_sm_rates[] = {
    { 7, 0, 0, 1530, 64, 0, 128, 0, 1024, 0, 0, 0 },
    { 7, 5, 0, 1590, 4, 0, 128, 0, 1024, 0, 2048, 0 },
    { 8, 0, 0, 1410, 64, 128, 128, 1024, 2048, 0, 4096, 1 },
    { 8, 6, 0, 1695, 4, 0, 256, 512, 1024, 0, 2048, 1 },
    { 8, 6, 1, 1695, 4, 0, 256, 256, 512, 0, 2048, 1 },
    { 8, 9, 0, 2040, 4, 0, 256, 512, 1024, 2048, 2048, 1 },
    { 8, 9, 1, 2520, 4, 0, 256, 256, 512, 1024, 2048, 1 },
    { 9, 0, 0, 1980, 128, 256, 256, 2048, 4096, 8192, 8192, 1 },
};

/* Lower-cased words of a device name: "NVIDIA A100-SXM4-80GB" -> nvidia a100 sxm4 80gb. */
typedef struct words {
    char w[16][24];
    int n;
} words;

static void split_words(const char *s, words *out)
{
    out->n = 0;
    while (s && *s && out->n < 16) {
        size_t k = 0;
        while (*s && !isalnum((unsigned char)*s))
            s++;
        while (*s && isalnum((unsigned char)*s)) {
            if (k + 1 < sizeof out->w[0])
                out->w[out->n][k++] = (char)tolower((unsigned char)*s);
            s++;
        }
        if (k) {
            out->w[out->n][k] = '\0';
            out->n++;
        }
    }
}

static int has(const words *w, const char *word)
{
    for (int i = 0; i < w->n; i++)
        if (strcmp(w->w[i], word) == 0)
            return 1;
    return 0;
}

/* Index of the table row a device name denotes, or -1. */
static int match_name(const char *name)
{
    words w;

    split_words(name, &w);
    if (has(&w, "laptop") || has(&w, "mobile") || has(&w, "max"))
        return -1;
    if (has(&w, "v100"))
        return has(&w, "sxm2") || has(&w, "sxm3") || has(&w, "sxm") ? V100 : -1;
    if (has(&w, "a100")) {
        int big = has(&w, "80gb");
        if (has(&w, "pcie"))
            return big ? A100P_80 : A100P_40;
        return big ? A100_80 : A100_40; /* SXM4, and variants such as PG509-200 (40GB) */
    }
    if (has(&w, "a10"))
        return A10;
    if (has(&w, "a30"))
        return A30;
    if (has(&w, "t4"))
        return T4;
    if (has(&w, "l4"))
        return L4;
    if (has(&w, "l40s"))
        return L40S;
    if (has(&w, "h100")) {
        if (has(&w, "nvl"))
            return -1;
        return has(&w, "pcie") ? H100P : H100; /* "NVIDIA H100 80GB HBM3" is the SXM part */
    }
    if (has(&w, "h200"))
        return has(&w, "nvl") ? -1 : H200;
    if (has(&w, "b200"))
        return B200;
    if (has(&w, "4090") && !has(&w, "d"))
        return RTX4090;
    if (has(&w, "3090") && !has(&w, "ti"))
        return RTX3090;
    return -1;
}

static int is_geforce(const char *name)
{
    words w;

    split_words(name, &w);
    return has(&w, "geforce") || (has(&w, "rtx") && (has(&w, "3090") || has(&w, "3080") || has(&w, "4090") ||
                                                     has(&w, "4080") || has(&w, "3070") || has(&w, "4070")));
}

static int split_family(const per_sm *c)
{
    return c->major == 8 && (c->minor == 6 || c->minor == 9);
}

static void scale(gp_peaks *p, double f)
{
    p->fp64 *= f;
    p->fp64_tc *= f;
    p->fp32 *= f;
    p->tf32 *= f;
    p->fp16 *= f;
    p->bf16 *= f;
    p->fp8 *= f;
    p->int8 *= f;
}

gp_peaks_source gp_peaks_lookup(const char *device_name, int cc_major, int cc_minor, int sm_count,
                                int clock_mhz, gp_peaks *out)
{
    int row = match_name(device_name);
    int geforce = device_name && is_geforce(device_name);
    const per_sm *r = NULL;
    double ghz;

    memset(out, 0, sizeof *out);
    out->source = GP_PEAKS_NONE;
    if (row >= 0 && (cc_major == 0 || (table[row].cc_major == cc_major && table[row].cc_minor == cc_minor))) {
        *out = table[row];
        if (sm_count > 0 && sm_count < out->sms) { /* a MIG slice */
            scale(out, (double)sm_count / out->sms);
            out->sms = sm_count;
            out->source = GP_PEAKS_SCALED;
        }
        return out->source;
    }
    for (size_t i = 0; i < sizeof per_sm_rates / sizeof per_sm_rates[0]; i++) {
        const per_sm *c = &per_sm_rates[i];
        /* GeForce and datacenter parts of cc 8.6/8.9 differ in tensor rates */
        if (c->major == cc_major && c->minor == cc_minor && (c->geforce == geforce || !split_family(c)))
            r = c;
    }
    if (!r || sm_count <= 0)
        return GP_PEAKS_NONE;
    out->name = "derived from compute capability, SMs and clock";
    out->cc_major = cc_major;
    out->cc_minor = cc_minor;
    out->sms = sm_count;
    out->boost_mhz = clock_mhz > 0 ? clock_mhz : r->ref_mhz;
    ghz = out->boost_mhz / 1000.0;
    /* per-SM ops x SMs x GHz = GFLOP/s; / 1000 = TFLOP/s */
    out->fp64 = r->fp64 * sm_count * ghz / 1000;
    out->fp64_tc = r->fp64_tc * sm_count * ghz / 1000;
    out->fp32 = r->fp32 * sm_count * ghz / 1000;
    out->tf32 = r->tf32 * sm_count * ghz / 1000;
    out->fp16 = r->fp16 * sm_count * ghz / 1000;
    out->bf16 = r->bf16 ? out->fp16 : 0;
    out->fp8 = r->fp8 * sm_count * ghz / 1000;
    out->int8 = r->int8 * sm_count * ghz / 1000;
    out->source = GP_PEAKS_DERIVED;
    return out->source;
}

double gp_peaks_rate(const gp_peaks *p, gp_precision prec, gp_tc tc)
{
    int on_tc = tc != GP_TC_NO;

    if (!p)
        return 0;
    switch (prec) {
    case GP_PREC_FP64:
        return on_tc && p->fp64_tc > 0 ? p->fp64_tc : (tc == GP_TC_YES ? 0 : p->fp64);
    case GP_PREC_FP32:
        return tc == GP_TC_YES ? p->tf32 / 3 : p->fp32;
    case GP_PREC_TF32:
        return p->tf32;
    case GP_PREC_FP16:
        return on_tc && p->fp16 > 0 ? p->fp16 : (tc == GP_TC_YES ? 0 : p->fp32);
    case GP_PREC_BF16:
        return on_tc && p->bf16 > 0 ? p->bf16 : (tc == GP_TC_YES ? 0 : p->fp32);
    case GP_PREC_FP8:
        return on_tc && p->fp8 > 0 ? p->fp8 : (tc == GP_TC_YES ? 0 : p->fp32);
    case GP_PREC_INT8:
        return on_tc ? p->int8 : 0;
    default:
        return 0;
    }
}

int64_t gp_whatif_matmul_ns(const gp_peaks *p, int64_t t_ns, gp_precision from, gp_precision to)
{
    gp_tc from_tc = from == GP_PREC_FP32 || from == GP_PREC_FP64 ? GP_TC_NO : GP_TC_YES;
    gp_tc to_tc = to == GP_PREC_FP32 || to == GP_PREC_FP64 ? GP_TC_NO : GP_TC_YES;
    double a = gp_peaks_rate(p, from, from_tc), b = gp_peaks_rate(p, to, to_tc);
    double t;

    if (t_ns <= 0 || a <= 0 || b <= 0)
        return t_ns;
    t = (double)t_ns * a / b;
    if (t >= 9.2e18)
        return INT64_MAX;
    return (int64_t)llround(t);
}
