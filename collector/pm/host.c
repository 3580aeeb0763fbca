/* host.c: the chip-level half of PM sampling, which needs no GPU: CUPTI
 * function lookup, metric names, host objects, config images, pass counts
 * and the split of a metric list into one-pass configs. */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/pm/internal.h"
#include "collector/pm/sampling.h"

/* --- CUPTI functions ------------------------------------------------------------ */

#define PM_SYM(field, name, required)                                                   \
    do {                                                                                \
        *(void **)&a->field = dlsym(lib, name);                                         \
        if (!a->field && (required)) {                                                  \
            missing = name;                                                             \
            goto fail;                                                                  \
        }                                                                               \
    } while (0)

int pm_api_load(pm_api *a, void *lib, int device, char *why, size_t why_len)
{
    const char *missing = NULL;

    memset(a, 0, sizeof *a);
    if (!lib) {
        snprintf(why, why_len, "no CUPTI library handle given");
        return -1;
    }
    PM_SYM(GetResultString, "cuptiGetResultString", 1);
    PM_SYM(HostInitialize, "cuptiProfilerHostInitialize", 1);
    PM_SYM(HostDeinitialize, "cuptiProfilerHostDeinitialize", 1);
    PM_SYM(HostConfigAddMetrics, "cuptiProfilerHostConfigAddMetrics", 1);
    PM_SYM(HostGetConfigImageSize, "cuptiProfilerHostGetConfigImageSize", 1);
    PM_SYM(HostGetConfigImage, "cuptiProfilerHostGetConfigImage", 1);
    PM_SYM(HostGetNumOfPasses, "cuptiProfilerHostGetNumOfPasses", 1);
    PM_SYM(HostGetMetricProperties, "cuptiProfilerHostGetMetricProperties", 1);
    PM_SYM(HostEvaluateToGpuValues, "cuptiProfilerHostEvaluateToGpuValues", 1);
    if (!device)
        return 0;
    PM_SYM(ProfilerInitialize, "cuptiProfilerInitialize", 1);
    PM_SYM(ProfilerDeInitialize, "cuptiProfilerDeInitialize", 1);
    PM_SYM(ProfilerDeviceSupported, "cuptiProfilerDeviceSupported", 0);
    PM_SYM(DeviceGetChipName, "cuptiDeviceGetChipName", 1);
    PM_SYM(GetCounterAvailability, "cuptiPmSamplingGetCounterAvailability", 1);
    PM_SYM(Enable, "cuptiPmSamplingEnable", 1);
    PM_SYM(Disable, "cuptiPmSamplingDisable", 1);
    PM_SYM(SetConfig, "cuptiPmSamplingSetConfig", 1);
    PM_SYM(Start, "cuptiPmSamplingStart", 1);
    PM_SYM(Stop, "cuptiPmSamplingStop", 1);
    PM_SYM(DecodeData, "cuptiPmSamplingDecodeData", 1);
    PM_SYM(GetCounterDataSize, "cuptiPmSamplingGetCounterDataSize", 1);
    PM_SYM(CounterDataImageInitialize, "cuptiPmSamplingCounterDataImageInitialize", 1);
    PM_SYM(GetCounterDataInfo, "cuptiPmSamplingGetCounterDataInfo", 1);
    PM_SYM(CounterDataGetSampleInfo, "cuptiPmSamplingCounterDataGetSampleInfo", 1);
    return 0;
fail:
    snprintf(why, why_len,
             "the CUPTI loaded lacks %s: hardware counters need CUPTI 12.6 or newer "
             "(PM sampling and the profiler host API)", missing);
    memset(a, 0, sizeof *a);
    return -1;
}

const char *pm_err(const pm_api *a, CUptiResult r)
{
    static __thread char buf[96];
    const char *s = NULL;

    if (!a->GetResultString || a->GetResultString(r, &s) != CUPTI_SUCCESS || !s)
        s = "CUPTI error";
    snprintf(buf, sizeof buf, "%s (%d)", s, (int)r);
    return buf;
}

/* --- metric names ---------------------------------------------------------------- */

/* The metrics gpupack names. All were checked offline with the GH100 host
 * API: valid for PM sampling, and the whole table fits one pass except
 * fma, which needs a pass of its own next to sm/tensor (docs/cupti-notes.md section 4).
 * The first PM_N_DEFAULT are the default set. Units are in the names. */
static const struct {
    const char *name;
    const char *cupti;
} pm_known[] = {
    { "pm.sm_active_pct", "sm__cycles_active.avg.pct_of_peak_sustained_elapsed" },
    { "pm.tensor_active_pct", "sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_elapsed" },
    { "pm.dram_throughput_pct", "dram__throughput.avg.pct_of_peak_sustained_elapsed" },
    { "pm.fma_active_pct", "sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_elapsed" },
    { "pm.gr_active_pct", "gr__cycles_active.avg.pct_of_peak_sustained_elapsed" },
    { "pm.warps_active_pct", "sm__warps_active.avg.pct_of_peak_sustained_active" },
    { "pm.pcie_read_bytes_per_s", "pcie__read_bytes.sum.per_second" },
    { "pm.pcie_write_bytes_per_s", "pcie__write_bytes.sum.per_second" },
    { "pm.nvlink_rx_bytes_per_s", "nvlrx__bytes.sum.per_second" },
    { "pm.nvlink_tx_bytes_per_s", "nvltx__bytes.sum.per_second" },
};
#define PM_N_KNOWN ((int)(sizeof pm_known / sizeof pm_known[0]))
#define PM_N_DEFAULT 3

const char *gp_pm_metric(int i, const char **cupti_name)
{
    if (i < 0 || i >= PM_N_KNOWN)
        return NULL;
    if (cupti_name)
        *cupti_name = pm_known[i].cupti;
    return pm_known[i].name;
}

/* A CUPTI metric name: lower-case unit, "__", then [a-z0-9_.]. */
static int looks_like_cupti(const char *s)
{
    if (!strstr(s, "__") || s[0] == '_')
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '.'))
            return 0;
    return 1;
}

static int resolve(const char *req, pm_metric *m, char *why, size_t why_len)
{
    for (int i = 0; i < PM_N_KNOWN; i++) {
        if (strcmp(req, pm_known[i].name) == 0) {
            snprintf(m->cupti, sizeof m->cupti, "%s", pm_known[i].cupti);
            snprintf(m->name, sizeof m->name, "%s", pm_known[i].name);
            return 0;
        }
    }
    if (looks_like_cupti(req) && strlen(req) < sizeof m->cupti) {
        snprintf(m->cupti, sizeof m->cupti, "%s", req);
        snprintf(m->name, sizeof m->name, "pm.%s", req);
        return 0;
    }
    snprintf(why, why_len,
             "unknown counter '%s': use a gpupack name (pm.sm_active_pct, pm.tensor_active_pct, "
             "pm.dram_throughput_pct, pm.fma_active_pct, ...) or a CUPTI metric name such as "
             "sm__cycles_active.avg", req);
    return -1;
}

int pm_plan_metrics(pm_plan *plan, const char *const *names, int n, char *why, size_t why_len)
{
    memset(plan, 0, sizeof *plan);
    if (!names || n <= 0) {
        for (int i = 0; i < PM_N_DEFAULT; i++) {
            snprintf(plan->metrics[i].cupti, sizeof plan->metrics[i].cupti, "%s",
                     pm_known[i].cupti);
            snprintf(plan->metrics[i].name, sizeof plan->metrics[i].name, "%s",
                     pm_known[i].name);
        }
        plan->n_metrics = PM_N_DEFAULT;
        return 0;
    }
    for (int i = 0; i < n; i++) {
        pm_metric m;
        int dup = 0;

        if (!names[i] || !*names[i]) {
            snprintf(why, why_len, "empty counter name (position %d)", i + 1);
            return -1;
        }
        if (resolve(names[i], &m, why, why_len) < 0)
            return -1;
        for (int j = 0; j < plan->n_metrics; j++)
            dup |= strcmp(plan->metrics[j].cupti, m.cupti) == 0;
        if (dup)
            continue;
        if (plan->n_metrics == PM_MAX_METRICS) {
            snprintf(why, why_len, "too many counters: at most %d", PM_MAX_METRICS);
            return -1;
        }
        plan->metrics[plan->n_metrics++] = m;
    }
    return 0;
}

/* --- host objects -------------------------------------------------------------- */

void pm_host_free(const pm_api *a, pm_host *h)
{
    if (h->obj) {
        CUpti_Profiler_Host_Deinitialize_Params p = {
            .structSize = CUpti_Profiler_Host_Deinitialize_Params_STRUCT_SIZE,
            .pHostObject = h->obj,
        };
        (void)a->HostDeinitialize(&p); /* nothing to do if it fails */
    }
    free(h->config);
    memset(h, 0, sizeof *h);
}

/* After ConfigAddMetrics failed: names the first metric CUPTI does not know
 * on this chip (GetMetricProperties says INVALID_METRIC_NAME for those). */
static void explain_add_failure(const pm_api *a, const char *chip, pm_host *h, CUptiResult r,
                                char *why, size_t why_len)
{
    for (int i = 0; i < h->n; i++) {
        CUpti_Profiler_Host_GetMetricProperties_Params p = {
            .structSize = CUpti_Profiler_Host_GetMetricProperties_Params_STRUCT_SIZE,
            .pHostObject = h->obj,
            .pMetricName = h->names[i],
        };
        CUptiResult pr = a->HostGetMetricProperties(&p);

        if (pr != CUPTI_SUCCESS) {
            snprintf(why, why_len,
                     "metric '%s' is not available for PM sampling on %s (%s); "
                     "'ncu --query-metrics-collection pmsampling --chip %s' lists those that are",
                     h->names[i], chip, pm_err(a, pr), chip);
            return;
        }
    }
    snprintf(why, why_len, "CUPTI refused the metric set on %s (%s)", chip, pm_err(a, r));
}

static int host_config_image(const pm_api *a, pm_host *h, char *why, size_t why_len)
{
    CUpti_Profiler_Host_GetConfigImageSize_Params sz = {
        .structSize = CUpti_Profiler_Host_GetConfigImageSize_Params_STRUCT_SIZE,
        .pHostObject = h->obj,
    };
    CUptiResult r = a->HostGetConfigImageSize(&sz);

    if (r != CUPTI_SUCCESS || sz.configImageSize == 0) {
        snprintf(why, why_len, "cuptiProfilerHostGetConfigImageSize failed (%s)", pm_err(a, r));
        return -1;
    }
    h->config = malloc(sz.configImageSize);
    if (!h->config) {
        snprintf(why, why_len, "out of memory for a %zu-byte config image", sz.configImageSize);
        return -1;
    }
    h->config_size = sz.configImageSize;
    CUpti_Profiler_Host_GetConfigImage_Params img = {
        .structSize = CUpti_Profiler_Host_GetConfigImage_Params_STRUCT_SIZE,
        .pHostObject = h->obj,
        .configImageSize = h->config_size,
        .pConfigImage = h->config,
    };
    r = a->HostGetConfigImage(&img);
    if (r != CUPTI_SUCCESS) {
        snprintf(why, why_len, "cuptiProfilerHostGetConfigImage failed (%s)", pm_err(a, r));
        return -1;
    }
    CUpti_Profiler_Host_GetNumOfPasses_Params np = {
        .structSize = CUpti_Profiler_Host_GetNumOfPasses_Params_STRUCT_SIZE,
        .configImageSize = h->config_size,
        .pConfigImage = h->config,
    };
    r = a->HostGetNumOfPasses(&np);
    if (r != CUPTI_SUCCESS) {
        snprintf(why, why_len, "cuptiProfilerHostGetNumOfPasses failed (%s)", pm_err(a, r));
        return -1;
    }
    h->passes = np.numOfPasses;
    return 0;
}

/* CUPTI's host API dlopens libnvperf_host.so with RTLD_DEEPBIND, and the
 * AddressSanitizer runtime kills the process on such a dlopen (measured
 * with GCC 12's libasan): never call it inside a sanitized process. */
static int asan_present(void)
{
    return dlsym(RTLD_DEFAULT, "__asan_init") != NULL;
}

int pm_host_build(const pm_api *a, const char *chip, const uint8_t *avail, const pm_plan *plan,
                  const int *idx, int n, pm_host *h, char *why, size_t why_len)
{
    CUpti_Profiler_Host_Initialize_Params ip = {
        .structSize = CUpti_Profiler_Host_Initialize_Params_STRUCT_SIZE,
        .profilerType = CUPTI_PROFILER_TYPE_PM_SAMPLING,
        .pChipName = chip,
        .pCounterAvailabilityImage = avail,
    };
    CUptiResult r;

    memset(h, 0, sizeof *h);
    if (!chip || !*chip || n <= 0 || n > PM_MAX_METRICS) {
        snprintf(why, why_len, "no chip name or no metrics to configure");
        return -1;
    }
    if (asan_present()) {
        snprintf(why, why_len,
                 "this process runs under AddressSanitizer, which aborts when CUPTI loads "
                 "libnvperf_host.so (RTLD_DEEPBIND): no hardware counters here");
        return -1;
    }
    for (int i = 0; i < n; i++)
        h->names[i] = plan->metrics[idx[i]].cupti;
    h->n = n;
    r = a->HostInitialize(&ip);
    if (r == CUPTI_ERROR_INVALID_CHIP_NAME) {
        snprintf(why, why_len,
                 "chip '%s' is not supported by this CUPTI (%s): a newer CUDA toolkit may know it",
                 chip, pm_err(a, r));
        goto fail;
    }
    if (r != CUPTI_SUCCESS || !ip.pHostObject) {
        snprintf(why, why_len, "cuptiProfilerHostInitialize for chip '%s' failed (%s)", chip,
                 pm_err(a, r));
        goto fail;
    }
    h->obj = ip.pHostObject;
    /* All metrics in one call: each call is scheduled as a pass of its own. */
    CUpti_Profiler_Host_ConfigAddMetrics_Params ap = {
        .structSize = CUpti_Profiler_Host_ConfigAddMetrics_Params_STRUCT_SIZE,
        .pHostObject = h->obj,
        .ppMetricNames = h->names,
        .numMetrics = (size_t)n,
    };
    r = a->HostConfigAddMetrics(&ap);
    if (r != CUPTI_SUCCESS) {
        explain_add_failure(a, chip, h, r, why, why_len);
        goto fail;
    }
    if (host_config_image(a, h, why, why_len) < 0)
        goto fail;
    return 0;
fail:
    pm_host_free(a, h);
    return -1;
}

/* --- one-pass configs -------------------------------------------------------------- */

/* Passes needed by the metrics idx[0..n); -1 with why if CUPTI refuses them. */
static int passes_of(const pm_api *a, const char *chip, const uint8_t *avail,
                     const pm_plan *plan, const int *idx, int n, char *why, size_t why_len)
{
    pm_host h;
    int passes;

    if (pm_host_build(a, chip, avail, plan, idx, n, &h, why, why_len) < 0)
        return -1;
    passes = (int)h.passes;
    pm_host_free(a, &h);
    return passes;
}

int pm_plan_configs(const pm_api *a, const char *chip, const uint8_t *avail, pm_plan *plan,
                    char *why, size_t why_len)
{
    int all[PM_MAX_METRICS];
    int passes;

    plan->n_configs = 0;
    if (plan->n_metrics <= 0) {
        snprintf(why, why_len, "no metrics to configure");
        return -1;
    }
    /* Fast path: everything in one pass (the default set on GH100). */
    for (int i = 0; i < plan->n_metrics; i++)
        all[i] = i;
    passes = passes_of(a, chip, avail, plan, all, plan->n_metrics, why, why_len);
    if (passes < 0)
        return -1;
    if (passes == 1) {
        plan->configs[0].n = plan->n_metrics;
        memcpy(plan->configs[0].idx, all, sizeof all[0] * (size_t)plan->n_metrics);
        plan->n_configs = 1;
        return 1;
    }
    /* First fit: each metric joins the first config it keeps at one pass. */
    for (int m = 0; m < plan->n_metrics; m++) {
        int placed = 0;

        for (int c = 0; c < plan->n_configs && !placed; c++) {
            struct pm_plan_config *cfg = &plan->configs[c];

            cfg->idx[cfg->n] = m;
            passes = passes_of(a, chip, avail, plan, cfg->idx, cfg->n + 1, why, why_len);
            if (passes < 0)
                return -1;
            if (passes == 1) {
                cfg->n++;
                placed = 1;
            }
        }
        if (placed)
            continue;
        passes = passes_of(a, chip, avail, plan, &m, 1, why, why_len);
        if (passes < 0)
            return -1;
        if (passes != 1) {
            snprintf(why, why_len,
                     "metric '%s' needs %d passes on %s even alone: PM sampling collects "
                     "only one-pass sets; leave it out", plan->metrics[m].cupti, passes, chip);
            return -1;
        }
        if (plan->n_configs == PM_MAX_CONFIGS) {
            snprintf(why, why_len, "the counters need more than %d one-pass configs on %s; "
                     "ask for fewer", PM_MAX_CONFIGS, chip);
            return -1;
        }
        plan->configs[plan->n_configs].n = 1;
        plan->configs[plan->n_configs].idx[0] = m;
        plan->n_configs++;
    }
    return plan->n_configs;
}

int gp_pm_host_passes(void *cupti_lib, const char *chip, const char *const *metrics, int n,
                      char *why, size_t why_len)
{
    pm_api a;
    pm_plan *plan;
    int all[PM_MAX_METRICS];
    int passes;

    if (!chip || !*chip) {
        snprintf(why, why_len, "no chip name given");
        return -1;
    }
    if (pm_api_load(&a, cupti_lib, 0, why, why_len) < 0)
        return -1;
    plan = malloc(sizeof *plan);
    if (!plan) {
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    passes = pm_plan_metrics(plan, metrics, n, why, why_len);
    if (passes == 0) {
        for (int i = 0; i < plan->n_metrics; i++)
            all[i] = i;
        passes = passes_of(&a, chip, NULL, plan, all, plan->n_metrics, why, why_len);
    }
    free(plan);
    return passes;
}
