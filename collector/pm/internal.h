/* internal.h: what sampling.c and host.c share, and what the tests
 * reach below the public API (sampling.h). Not part of the collector's API.
 *
 * Needs -I collector/pm/cshim: cupti_profiler_host.h includes <string> and
 * collector/pm/cshim/string is an empty stand-in so it compiles as C.
 */
#ifndef GP_PM_INTERNAL_H
#define GP_PM_INTERNAL_H

#include <cupti.h>
#include <cupti_pmsampling.h>
#include <cupti_profiler_host.h>
#include <cupti_profiler_target.h>
#include <cupti_target.h>
#include <stddef.h>
#include <stdint.h>

#include "collector/pm/sampling.h"

/* --- CUPTI functions, resolved with dlsym from the caller's handle ------------ */
typedef struct pm_api {
    __typeof__(cuptiGetResultString) *GetResultString;
    /* host (chip-level, no GPU needed) */
    __typeof__(cuptiProfilerHostInitialize) *HostInitialize;
    __typeof__(cuptiProfilerHostDeinitialize) *HostDeinitialize;
    __typeof__(cuptiProfilerHostConfigAddMetrics) *HostConfigAddMetrics;
    __typeof__(cuptiProfilerHostGetConfigImageSize) *HostGetConfigImageSize;
    __typeof__(cuptiProfilerHostGetConfigImage) *HostGetConfigImage;
    __typeof__(cuptiProfilerHostGetNumOfPasses) *HostGetNumOfPasses;
    __typeof__(cuptiProfilerHostGetMetricProperties) *HostGetMetricProperties;
    __typeof__(cuptiProfilerHostEvaluateToGpuValues) *HostEvaluateToGpuValues;
    /* device (need a driver and a GPU) */
    __typeof__(cuptiProfilerInitialize) *ProfilerInitialize;
    __typeof__(cuptiProfilerDeInitialize) *ProfilerDeInitialize;
    __typeof__(cuptiProfilerDeviceSupported) *ProfilerDeviceSupported; /* optional */
    __typeof__(cuptiDeviceGetChipName) *DeviceGetChipName; /* SEGFAULTS with no driver */
    __typeof__(cuptiPmSamplingGetCounterAvailability) *GetCounterAvailability;
    __typeof__(cuptiPmSamplingEnable) *Enable;
    __typeof__(cuptiPmSamplingDisable) *Disable;
    __typeof__(cuptiPmSamplingSetConfig) *SetConfig;
    __typeof__(cuptiPmSamplingStart) *Start;
    __typeof__(cuptiPmSamplingStop) *Stop;
    __typeof__(cuptiPmSamplingDecodeData) *DecodeData;
    __typeof__(cuptiPmSamplingGetCounterDataSize) *GetCounterDataSize;
    __typeof__(cuptiPmSamplingCounterDataImageInitialize) *CounterDataImageInitialize;
    __typeof__(cuptiPmSamplingGetCounterDataInfo) *GetCounterDataInfo;
    __typeof__(cuptiPmSamplingCounterDataGetSampleInfo) *CounterDataGetSampleInfo;
} pm_api;

/* Resolves the host functions, and with device != 0 the device ones too.
 * Returns 0, or -1 with why naming the first missing function. */
int pm_api_load(pm_api *a, void *cupti_lib, int device, char *why, size_t why_len);
/* "CUPTI_ERROR_X (n)" for r; the text lives until the next call on this thread. */
const char *pm_err(const pm_api *a, CUptiResult r);

/* --- metrics and their split into one-pass configs ------------------------------ */
#define PM_MAX_METRICS 32
#define PM_MAX_CONFIGS 8
#define PM_CUPTI_NAME_MAX 128

typedef struct pm_metric {
    char cupti[PM_CUPTI_NAME_MAX];    /* the CUPTI metric */
    char name[PM_CUPTI_NAME_MAX + 4]; /* the emitted name */
} pm_metric;

typedef struct pm_plan {
    int n_metrics;
    pm_metric metrics[PM_MAX_METRICS];
    int n_configs;
    struct pm_plan_config {
        int n;
        int idx[PM_MAX_METRICS]; /* into metrics[] */
    } configs[PM_MAX_CONFIGS];
} pm_plan;

/* Fills plan->metrics from the requested names (NULL/0: the default set);
 * duplicates are dropped. Returns 0, or -1 with why. No CUPTI call. */
int pm_plan_metrics(pm_plan *plan, const char *const *names, int n, char *why, size_t why_len);

/* A CUPTI host object holding one metric set, added in ONE ConfigAddMetrics
 * call (each call is scheduled as its own pass: adding 4 metrics one call at
 * a time reports 4 passes, measured offline on GH100), and its config image. */
typedef struct pm_host {
    CUpti_Profiler_Host_Object *obj;
    uint8_t *config;
    size_t config_size;
    size_t passes;
    const char *names[PM_MAX_METRICS]; /* CUPTI names, pointing into the plan */
    int n;
} pm_host;

/* Builds h for the metrics idx[0..n) of plan on chip, with the counter
 * availability image avail (NULL offline). Returns 0, or -1 with why (unknown
 * chip; the first invalid metric by name). On failure h holds nothing. */
int pm_host_build(const pm_api *a, const char *chip, const uint8_t *avail, const pm_plan *plan,
                  const int *idx, int n, pm_host *h, char *why, size_t why_len);
void pm_host_free(const pm_api *a, pm_host *h);

/* Splits plan->metrics into one-pass configs, first fit in the order asked.
 * Returns the number of configs, or -1 with why (a metric that is invalid or
 * needs several passes even alone; more than PM_MAX_CONFIGS configs). */
int pm_plan_configs(const pm_api *a, const char *chip, const uint8_t *avail, pm_plan *plan,
                    char *why, size_t why_len);

/* --- device-path choices that need no device -------------------------------- */
typedef struct pm_trigger {
    CUpti_PmSampling_TriggerMode mode;
    CUpti_PmSampling_HardwareBuffer_AppendMode append;
    uint64_t interval; /* ns for GPU_TIME_INTERVAL, SYSCLK cycles otherwise */
} pm_trigger;

/* Trigger for a device of compute capability major.minor. Returns 0, or -1
 * with why when PM sampling cannot run there (CC < 7.5). */
int pm_trigger_for(int major, int minor, int64_t interval_ns, pm_trigger *t, char *why,
                   size_t why_len);
/* interval_ns clamped to [GP_PM_MIN_INTERVAL_NS, GP_PM_MAX_INTERVAL_NS]; <= 0: default. */
int64_t pm_interval(int64_t interval_ns);
/* Samples the counter-data image holds: enough for ~0.4 s of sampling, so a
 * 100 ms poll rarely fills it, bounded to [16, 2048]. */
uint32_t pm_max_samples(int64_t interval_ns);

/* A sample time (CUPTI's record clock) -> CLOCK_MONOTONIC ns: through the
 * caller's converter, or with no converter as CLOCK_REALTIME:
 * mono = ts - offset_ns. */
typedef struct pm_clock {
    gp_pm_to_mono_fn to_mono; /* NULL: CLOCK_REALTIME and offset_ns */
    void *ud;
    int64_t offset_ns;        /* CLOCK_REALTIME - CLOCK_MONOTONIC, read at init */
} pm_clock;
/* Takes the converter; without one, reads the offset back to back. */
void pm_clock_init(pm_clock *c, gp_pm_to_mono_fn to_mono, void *ud);
/* Maps ts; returns 0, or -1 for 0 (CUPTI_TIMESTAMP_UNKNOWN), a time beyond
 * int64, or one the converter cannot place (it said <= 0). */
int pm_clock_map(const pm_clock *c, uint64_t ts, int64_t *mono_ns);
/* 1 if a sample [t0_ns, t1_ns] can belong to a sampler that started at
 * start_ns and was decoded at now_ns (1 s of slack each way). */
int pm_clock_plausible(int64_t t0_ns, int64_t t1_ns, int64_t start_ns, int64_t now_ns);

#endif
