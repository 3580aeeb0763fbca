/* fakecupti_pm_host.c: the fake CUPTI's profiler host API (cupti_profiler_host.h)
 * for PM sampling on the simulated GPU's chip (SC_PM_CHIP), and what it
 * shares with the device side (fakecupti_pm.c): the metrics the chip knows,
 * the config image and the counter-data image.
 *
 * Like the real host API it needs no driver. It knows one chip and, for PM
 * sampling only, the three metrics of gpupack's default set; every other
 * metric name is CUPTI_ERROR_INVALID_METRIC_NAME, every other chip
 * CUPTI_ERROR_INVALID_CHIP_NAME (what the real one answers for a chip it
 * does not know), and the range profiler CUPTI_ERROR_NOT_SUPPORTED. Each
 * cuptiProfilerHostConfigAddMetrics call that adds a metric schedules a
 * pass of its own, as measured with the real host API on GH100; all three
 * metrics fit one pass when added in one call.
 *
 * Values (cuptiProfilerHostEvaluateToGpuValues), over one sample of
 * interval T on the device:
 *   sm__cycles_active.avg.pct_of_peak_sustained_elapsed   100 * (time with a
 *       kernel running) / T: a running kernel counts as occupying every SM,
 *       whatever its grid (on a real GPU the average is over SMs);
 *   sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_elapsed   0: the
 *       simulated kernels run no tensor instructions;
 *   dram__throughput.avg.pct_of_peak_sustained_elapsed   100 * (bytes copies
 *       and memsets read and wrote in device memory during the sample, each
 *       spread evenly over its duration) / (T * SC_PM_DRAM_PEAK_BYTES_PER_NS);
 *       kernels move no memory here. */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cupti_profiler_host.h>

#include "tests/simgpu/fakecupti_internal.h"

/* A device-to-device copy (1000 GB/s in the simulation) reads and writes
 * every byte: 2000 GB/s of device memory traffic is 100 %. */
#define SC_PM_DRAM_PEAK_BYTES_PER_NS 2.0

static const struct {
    const char *name, *description, *hw_unit, *dim_unit;
    CUpti_MetricType type;
} metrics[] = {
    { "sm__cycles_active.avg.pct_of_peak_sustained_elapsed",
      "time a kernel ran on the simulated GPU, per cent of the sample", "sm", "%",
      CUPTI_METRIC_TYPE_COUNTER },
    { "sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_elapsed",
      "tensor pipe activity on the simulated GPU: always 0", "sm", "%",
      CUPTI_METRIC_TYPE_COUNTER },
    { "dram__throughput.avg.pct_of_peak_sustained_elapsed",
      "device memory moved by copies and memsets on the simulated GPU, per cent of its peak",
      "dram", "%", CUPTI_METRIC_TYPE_THROUGHPUT },
};
#define N_METRICS ((int)(sizeof metrics / sizeof metrics[0]))
enum { M_SM, M_TENSOR, M_DRAM };

int sc_pm_metric(const char *name)
{
    for (int i = 0; name && i < N_METRICS; i++)
        if (strcmp(name, metrics[i].name) == 0)
            return i;
    return -1;
}

double sc_pm_value(int m, const sc_pm_raw *raw)
{
    double t = (double)raw->interval_ns;

    if (t <= 0)
        return 0;
    switch (m) {
    case M_SM: return 100.0 * (double)raw->busy_ns / t;
    case M_DRAM: return 100.0 * (double)raw->dram_bytes / (t * SC_PM_DRAM_PEAK_BYTES_PER_NS);
    default: return 0;
    }
}

const uint8_t sc_pm_avail[32] = "SGPMAVL\0" SC_PM_CHIP;

const sc_pm_config *sc_pm_config_check(const uint8_t *img, size_t size)
{
    const sc_pm_config *c = (const sc_pm_config *)img;

    if (!img || size < sizeof *c || ((uintptr_t)img & 7) || memcmp(c->magic, "SGPMCFG", 8) ||
        strncmp(c->chip, SC_PM_CHIP, sizeof c->chip) || c->n == 0 || c->n > SC_PM_MAX_METRICS)
        return NULL;
    for (uint32_t i = 0; i < c->n; i++)
        if (c->metric[i] < 0 || c->metric[i] >= N_METRICS)
            return NULL;
    return c;
}

const sc_pm_image *sc_pm_image_check(const uint8_t *img, size_t size)
{
    const sc_pm_image *im = (const sc_pm_image *)img;

    if (!img || size < sizeof *im || ((uintptr_t)img & 7) || memcmp(im->magic, "SGPMDAT", 8) ||
        im->max_samples > (size - sizeof *im) / sizeof(sc_pm_raw) ||
        im->completed > im->max_samples || im->n > SC_PM_MAX_METRICS)
        return NULL;
    return im;
}

const sc_pm_raw *sc_pm_image_sample(const sc_pm_image *im, size_t i)
{
    return (const sc_pm_raw *)(im + 1) + i;
}

int sc_live_add(sc_live *s, void *p)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 8;
        void **v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = p;
    return 0;
}

int sc_live_has(const sc_live *s, const void *p)
{
    for (size_t i = 0; p && i < s->n; i++)
        if (s->v[i] == p)
            return 1;
    return 0;
}

int sc_live_remove(sc_live *s, const void *p)
{
    for (size_t i = 0; p && i < s->n; i++) {
        if (s->v[i] == p) {
            s->v[i] = s->v[--s->n];
            return 1;
        }
    }
    return 0;
}

/* --- host objects ----------------------------------------------------------------- */

struct CUpti_Profiler_Host_Object {
    sc_pm_config cfg; /* metrics added, passes so far */
};

static pthread_mutex_t host_mu = PTHREAD_MUTEX_INITIALIZER;
static sc_live live; /* under host_mu */

/* p is a parameter struct whose structSize covers up to its last field. */
#define BAD_PARAMS(p, type) (!(p) || (p)->structSize < type##_STRUCT_SIZE)

/* o if it is a live host object (host_mu held), else NULL. */
static struct CUpti_Profiler_Host_Object *host_find(struct CUpti_Profiler_Host_Object *o)
{
    return sc_live_has(&live, o) ? o : NULL;
}

CUptiResult CUPTIAPI cuptiProfilerHostInitialize(CUpti_Profiler_Host_Initialize_Params *p)
{
    struct CUpti_Profiler_Host_Object *o;

    if (BAD_PARAMS(p, CUpti_Profiler_Host_Initialize_Params) || !p->pChipName)
        return CUPTI_ERROR_INVALID_PARAMETER;
    if (p->profilerType == CUPTI_PROFILER_TYPE_RANGE_PROFILER)
        return CUPTI_ERROR_NOT_SUPPORTED; /* the fake has no range profiler */
    if (p->profilerType != CUPTI_PROFILER_TYPE_PM_SAMPLING)
        return CUPTI_ERROR_INVALID_PARAMETER;
    if (strcmp(p->pChipName, SC_PM_CHIP) != 0)
        return CUPTI_ERROR_INVALID_CHIP_NAME;
    if (p->pCounterAvailabilityImage &&
        memcmp(p->pCounterAvailabilityImage, sc_pm_avail, sizeof sc_pm_avail) != 0)
        return CUPTI_ERROR_INVALID_PARAMETER;
    o = calloc(1, sizeof *o);
    if (!o)
        return CUPTI_ERROR_OUT_OF_MEMORY;
    memcpy(o->cfg.magic, "SGPMCFG", 8);
    snprintf(o->cfg.chip, sizeof o->cfg.chip, "%s", SC_PM_CHIP);
    pthread_mutex_lock(&host_mu);
    if (sc_live_add(&live, o) < 0) {
        pthread_mutex_unlock(&host_mu);
        free(o);
        return CUPTI_ERROR_OUT_OF_MEMORY;
    }
    pthread_mutex_unlock(&host_mu);
    p->pHostObject = o;
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiProfilerHostDeinitialize(CUpti_Profiler_Host_Deinitialize_Params *p)
{
    int was;

    if (BAD_PARAMS(p, CUpti_Profiler_Host_Deinitialize_Params))
        return CUPTI_ERROR_INVALID_PARAMETER;
    pthread_mutex_lock(&host_mu);
    was = sc_live_remove(&live, p->pHostObject);
    pthread_mutex_unlock(&host_mu);
    if (!was)
        return CUPTI_ERROR_INVALID_PARAMETER;
    free(p->pHostObject);
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI
cuptiProfilerHostConfigAddMetrics(CUpti_Profiler_Host_ConfigAddMetrics_Params *p)
{
    struct CUpti_Profiler_Host_Object *o;
    int idx[SC_PM_MAX_METRICS], added = 0;

    if (BAD_PARAMS(p, CUpti_Profiler_Host_ConfigAddMetrics_Params) || !p->ppMetricNames ||
        p->numMetrics == 0 || p->numMetrics > SC_PM_MAX_METRICS)
        return CUPTI_ERROR_INVALID_PARAMETER;
    for (size_t i = 0; i < p->numMetrics; i++)
        if ((idx[i] = sc_pm_metric(p->ppMetricNames[i])) < 0)
            return CUPTI_ERROR_INVALID_METRIC_NAME; /* nothing added */
    pthread_mutex_lock(&host_mu);
    o = host_find(p->pHostObject);
    for (size_t i = 0; o && i < p->numMetrics; i++) {
        int dup = 0;
        for (uint32_t j = 0; j < o->cfg.n; j++)
            dup |= o->cfg.metric[j] == idx[i];
        if (!dup && o->cfg.n < SC_PM_MAX_METRICS) {
            o->cfg.metric[o->cfg.n++] = idx[i];
            added = 1;
        }
    }
    if (o && added)
        o->cfg.passes++; /* each call is a pass of its own */
    pthread_mutex_unlock(&host_mu);
    return o ? CUPTI_SUCCESS : CUPTI_ERROR_INVALID_PARAMETER;
}

CUptiResult CUPTIAPI
cuptiProfilerHostGetConfigImageSize(CUpti_Profiler_Host_GetConfigImageSize_Params *p)
{
    struct CUpti_Profiler_Host_Object *o;

    if (BAD_PARAMS(p, CUpti_Profiler_Host_GetConfigImageSize_Params))
        return CUPTI_ERROR_INVALID_PARAMETER;
    pthread_mutex_lock(&host_mu);
    o = host_find(p->pHostObject);
    if (o && o->cfg.n)
        p->configImageSize = sizeof o->cfg;
    pthread_mutex_unlock(&host_mu);
    return o && o->cfg.n ? CUPTI_SUCCESS : CUPTI_ERROR_INVALID_PARAMETER;
}

CUptiResult CUPTIAPI cuptiProfilerHostGetConfigImage(CUpti_Profiler_Host_GetConfigImage_Params *p)
{
    struct CUpti_Profiler_Host_Object *o;
    CUptiResult r = CUPTI_ERROR_INVALID_PARAMETER;

    if (BAD_PARAMS(p, CUpti_Profiler_Host_GetConfigImage_Params) || !p->pConfigImage)
        return CUPTI_ERROR_INVALID_PARAMETER;
    pthread_mutex_lock(&host_mu);
    o = host_find(p->pHostObject);
    if (o && o->cfg.n && p->configImageSize >= sizeof o->cfg) {
        memcpy(p->pConfigImage, &o->cfg, sizeof o->cfg);
        r = CUPTI_SUCCESS;
    }
    pthread_mutex_unlock(&host_mu);
    return r;
}

CUptiResult CUPTIAPI cuptiProfilerHostGetNumOfPasses(CUpti_Profiler_Host_GetNumOfPasses_Params *p)
{
    const sc_pm_config *c;

    if (BAD_PARAMS(p, CUpti_Profiler_Host_GetNumOfPasses_Params))
        return CUPTI_ERROR_INVALID_PARAMETER;
    c = sc_pm_config_check(p->pConfigImage, p->configImageSize);
    if (!c)
        return CUPTI_ERROR_INVALID_PARAMETER;
    p->numOfPasses = c->passes;
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI
cuptiProfilerHostGetMetricProperties(CUpti_Profiler_Host_GetMetricProperties_Params *p)
{
    int m;
    int known;

    if (BAD_PARAMS(p, CUpti_Profiler_Host_GetMetricProperties_Params) || !p->pMetricName)
        return CUPTI_ERROR_INVALID_PARAMETER;
    pthread_mutex_lock(&host_mu);
    known = host_find(p->pHostObject) != NULL;
    pthread_mutex_unlock(&host_mu);
    if (!known)
        return CUPTI_ERROR_INVALID_PARAMETER;
    m = sc_pm_metric(p->pMetricName);
    if (m < 0)
        return CUPTI_ERROR_INVALID_METRIC_NAME;
    p->pDescription = metrics[m].description;
    p->pHwUnit = metrics[m].hw_unit;
    p->pDimUnit = metrics[m].dim_unit;
    p->metricType = metrics[m].type;
    return CUPTI_SUCCESS;
}

/* 1 if metric m is among the n in list. */
static int has_metric(const int32_t *list, uint32_t n, int m)
{
    for (uint32_t i = 0; i < n; i++)
        if (list[i] == m)
            return 1;
    return 0;
}

CUptiResult CUPTIAPI
cuptiProfilerHostEvaluateToGpuValues(CUpti_Profiler_Host_EvaluateToGpuValues_Params *p)
{
    struct CUpti_Profiler_Host_Object *o;
    const sc_pm_image *im;
    sc_pm_config cfg;
    int idx[SC_PM_MAX_METRICS];

    if (BAD_PARAMS(p, CUpti_Profiler_Host_EvaluateToGpuValues_Params) || !p->ppMetricNames ||
        !p->pMetricValues || p->numMetrics == 0 || p->numMetrics > SC_PM_MAX_METRICS)
        return CUPTI_ERROR_INVALID_PARAMETER;
    pthread_mutex_lock(&host_mu);
    o = host_find(p->pHostObject);
    if (o)
        cfg = o->cfg;
    pthread_mutex_unlock(&host_mu);
    im = sc_pm_image_check(p->pCounterDataImage, p->counterDataImageSize);
    if (!o || !im || p->rangeIndex >= im->completed)
        return CUPTI_ERROR_INVALID_PARAMETER;
    for (size_t i = 0; i < p->numMetrics; i++) {
        idx[i] = sc_pm_metric(p->ppMetricNames[i]);
        if (idx[i] < 0 || !has_metric(cfg.metric, cfg.n, idx[i]) ||
            !has_metric(im->metric, im->n, idx[i]))
            return CUPTI_ERROR_INVALID_METRIC_NAME;
    }
    for (size_t i = 0; i < p->numMetrics; i++)
        p->pMetricValues[i] = sc_pm_value(idx[i], sc_pm_image_sample(im, p->rangeIndex));
    return CUPTI_SUCCESS;
}
