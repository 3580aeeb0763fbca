/* fakecupti_pm.c: the fake CUPTI's PM sampling (cupti_pmsampling.h) and the
 * profiler target calls it needs (cuptiProfilerInitialize/DeInitialize,
 * cuptiProfilerDeviceSupported, cuptiDeviceGetChipName), sampling the
 * simulated GPU's own timeline.
 *
 * Timeline: every kernel, copy and memset record the driver hands the fake
 * CUPTI (sc_tracer_emit) is noted here per device with its CLOCK_MONOTONIC
 * times, whether or not the client traces that kind. The driver builds
 * those records while the client traces the kind or a sampler is enabled,
 * so without tracing a sampler sees the work launched after
 * cuptiPmSamplingEnable. Notes older than what a sampler still has to
 * decode (or than 1 s, with no sampler) are dropped.
 *
 * Sampling: cuptiPmSamplingStart begins a run at mono time t0; sample k
 * covers [t0 + k*I, t0 + (k+1)*I] (I: the interval in ns; SYSCLK intervals
 * are cycles of a 1 GHz clock). A sample exists once its end has passed
 * and the run has not stopped before it: the partial sample at Stop is
 * dropped, and Start drops what the previous run left undecoded. Its start
 * and end are reported on the record clock, exactly as activity records
 * are (sc_from_mono: the registered timestamp callback's clock, else
 * CLOCK_REALTIME). Its values are computed when it is decoded from the
 * timeline (fakecupti_pm_host.c says how). The hardware buffer holds
 * hardwareBufferSize / SC_PM_HW_RECORD_BYTES samples: beyond that
 * KEEP_LATEST overwrites the oldest (DecodeData reports overflow) and
 * KEEP_OLDEST loses the rest (DecodeData fails with
 * CUPTI_ERROR_OUT_OF_MEMORY). Every decoded sample is complete.
 *
 * Rules for errors: PM sampling calls need cuptiProfilerInitialize
 * (CUPTI_ERROR_NOT_INITIALIZED) and the fake driver (CUPTI_ERROR_UNKNOWN,
 * as without a usable driver); one sampler per device
 * (CUPTI_ERROR_INVALID_OPERATION). SIMGPU_PROFILING_RESTRICTED (default 1)
 * plays the driver's default NVreg_RestrictProfilingToAdminUsers=1 for a
 * user without admin rights, whoever runs the process:
 * cuptiPmSamplingGetCounterAvailability and cuptiPmSamplingEnable then fail
 * with CUPTI_ERROR_INSUFFICIENT_PRIVILEGES; 0 plays a driver that allows
 * profiling. Where the real cuptiDeviceGetChipName crashes without a
 * driver, this one returns CUPTI_ERROR_UNKNOWN.
 *
 * Locks: pm_mu, a leaf: sc_pm_note takes it under the driver's lock and
 * nothing here calls out while holding it. */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cupti_pmsampling.h>
#include <cupti_profiler_target.h>
#include <cupti_target.h>

#include "tests/simgpu/fakecupti_internal.h"
#include "tests/simgpu/simgpu.h"

#define SC_PM_HW_RECORD_BYTES 256     /* hardware buffer bytes per sample */
#define SC_PM_KEEP_NS 1000000000ull   /* notes kept with no sampler */
#define SC_PM_SPANS_MAX (1u << 20)    /* notes kept per device at most */

/* A kernel (bytes 0) or a copy/memset on a device's timeline, mono ns. */
typedef struct span {
    uint64_t start, end, bytes;
    int kernel;
} span;

static struct timeline {
    span *v;
    size_t head, n, cap;              /* live notes are v[head..n) */
} tl[SIMGPU_MAX_DEVICES];

struct CUpti_PmSampling_Object {
    uint64_t serial;
    int device;
    int have_config, started;
    sc_pm_config cfg;
    uint64_t interval_ns, capacity;
    int keep_latest;
    uint64_t t0, stop;                /* this run, mono; stop 0 while it runs */
    uint64_t next_k;                  /* its next sample to decode */
};

static pthread_mutex_t pm_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static int profiler_inits;                /* Initialize - DeInitialize calls */
static atomic_int n_enabled;              /* samplers enabled, any device */
static sc_live objects;                   /* enabled here, or in a parent (device -1) */
static struct CUpti_PmSampling_Object *enabled_on[SIMGPU_MAX_DEVICES];
static uint64_t serials;
static uint64_t *scratch;                 /* busy intervals of one sample */
static size_t scratch_cap;

#define BAD_PARAMS(p, type) (!(p) || (p)->structSize < type##_STRUCT_SIZE)

/* Devices, as the fake driver counts them at cuInit (SIMGPU_DEVICES). */
static size_t sim_devices(void)
{
    const char *env = getenv("SIMGPU_DEVICES");
    int n = env && *env ? atoi(env) : 1;

    return n <= 0 ? 0 : n > SIMGPU_MAX_DEVICES ? SIMGPU_MAX_DEVICES : (size_t)n;
}

static int restricted(void)
{
    const char *env = getenv("SIMGPU_PROFILING_RESTRICTED");

    return !(env && strcmp(env, "0") == 0);
}

/* o if it is a live sampling object of this process (pm_mu held), else NULL. */
static struct CUpti_PmSampling_Object *find(struct CUpti_PmSampling_Object *o)
{
    return sc_live_has(&objects, o) && o->device >= 0 ? o : NULL;
}

/* --- the timeline ---------------------------------------------------------------- */

int sc_pm_wants(CUpti_ActivityKind kind)
{
    return atomic_load_explicit(&n_enabled, memory_order_relaxed) > 0 &&
           (kind == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL || kind == CUPTI_ACTIVITY_KIND_MEMCPY ||
            kind == CUPTI_ACTIVITY_KIND_MEMSET);
}

/* Mono time up to which device d's sampler has decoded (pm_mu held); notes
 * ending before it are no longer needed. */
static uint64_t horizon(int d, uint64_t now)
{
    const struct CUpti_PmSampling_Object *o = enabled_on[d];

    if (!o)
        return now > SC_PM_KEEP_NS ? now - SC_PM_KEEP_NS : 0;
    if (!o->started && !o->stop)
        return now;
    return o->t0 + o->next_k * o->interval_ns;
}

/* Drops the notes of t that end before h: from the front, or all through
 * when full. */
static void prune(struct timeline *t, uint64_t h, int all)
{
    size_t w = 0;

    while (t->head < t->n && t->v[t->head].end < h)
        t->head++;
    if (!all)
        return;
    for (size_t i = t->head; i < t->n; i++)
        if (t->v[i].end >= h)
            t->v[w++] = t->v[i];
    t->head = 0;
    t->n = w;
}

static void add_span(int d, span s)
{
    struct timeline *t = &tl[d];
    span *last = t->n > t->head ? &t->v[t->n - 1] : NULL;

    /* back-to-back kernels become one busy span */
    if (s.kernel && last && last->kernel && s.start <= last->end && s.end >= last->start) {
        last->start = s.start < last->start ? s.start : last->start;
        last->end = s.end > last->end ? s.end : last->end;
        return;
    }
    prune(t, horizon(d, sc_mono()), 0);
    if (t->n == t->cap) {
        prune(t, horizon(d, sc_mono()), 1);
        if (t->n == t->cap && t->cap < SC_PM_SPANS_MAX) {
            size_t cap = t->cap ? 2 * t->cap : 256;
            span *v = realloc(t->v, cap * sizeof *v);
            if (v) {
                t->v = v;
                t->cap = cap;
            }
        }
        if (t->n == t->cap) { /* no room: the oldest half goes (the sampler undercounts) */
            memmove(t->v, t->v + t->cap / 2, (t->n - t->cap / 2) * sizeof *t->v);
            t->n -= t->cap / 2;
        }
    }
    t->v[t->n++] = s;
}

void sc_pm_note(const CUpti_Activity *record, size_t size)
{
    span s = { 0, 0, 0, 0 };
    uint32_t dev;

    CUpti_ActivityKind kind = record->kind;

    if (kind == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL && size == sizeof(CUpti_ActivityKernel10)) {
        const CUpti_ActivityKernel10 *k = (const void *)record;
        s = (span){ k->start, k->end, 0, 1 };
        dev = k->deviceId;
    } else if (kind == CUPTI_ACTIVITY_KIND_MEMCPY && size == sizeof(CUpti_ActivityMemcpy6)) {
        const CUpti_ActivityMemcpy6 *c = (const void *)record;
        /* device memory traffic: a device-to-device copy reads and writes */
        uint64_t bytes = c->copyKind == CUPTI_ACTIVITY_MEMCPY_KIND_DTOD ? 2 * c->bytes
                       : c->copyKind == CUPTI_ACTIVITY_MEMCPY_KIND_HTOH ? 0 : c->bytes;
        s = (span){ c->start, c->end, bytes, 0 };
        dev = c->deviceId;
    } else if (kind == CUPTI_ACTIVITY_KIND_MEMSET && size == sizeof(CUpti_ActivityMemset4)) {
        const CUpti_ActivityMemset4 *m = (const void *)record;
        s = (span){ m->start, m->end, m->bytes, 0 };
        dev = m->deviceId;
    } else {
        return;
    }
    if (dev >= SIMGPU_MAX_DEVICES || s.end < s.start || (!s.kernel && !s.bytes))
        return;
    pthread_mutex_lock(&pm_mu);
    add_span((int)dev, s);
    pthread_mutex_unlock(&pm_mu);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Fills raw's counters for device d over [s, e] mono (pm_mu held). */
static void count(int d, uint64_t s, uint64_t e, sc_pm_raw *raw)
{
    const struct timeline *t = &tl[d];
    size_t n = 0;
    double bytes = 0;
    uint64_t busy = 0, cur_s = 0, cur_e = 0;

    for (size_t i = t->head; i < t->n; i++) {
        const span *x = &t->v[i];
        uint64_t a = x->start > s ? x->start : s, b = x->end < e ? x->end : e;

        if (!x->kernel) {
            if (x->end == x->start)
                bytes += x->start >= s && x->start < e ? (double)x->bytes : 0;
            else if (b > a)
                bytes += (double)x->bytes * (double)(b - a) / (double)(x->end - x->start);
            continue;
        }
        if (b <= a)
            continue;
        if (2 * (n + 1) > scratch_cap) {
            size_t cap = scratch_cap ? 2 * scratch_cap : 64;
            uint64_t *v = realloc(scratch, cap * sizeof *v);
            if (!v)
                break; /* out of memory: this sample undercounts */
            scratch = v;
            scratch_cap = cap;
        }
        scratch[2 * n] = a;
        scratch[2 * n + 1] = b;
        n++;
    }
    /* the union of the busy intervals: sorted by start (pairs), merged */
    if (n)
        qsort(scratch, n, 2 * sizeof *scratch, cmp_u64);
    for (size_t i = 0; i < n; i++) {
        uint64_t a = scratch[2 * i], b = scratch[2 * i + 1];
        if (i == 0 || a > cur_e) {
            busy += cur_e - cur_s;
            cur_s = a;
            cur_e = b;
        } else if (b > cur_e) {
            cur_e = b;
        }
    }
    busy += cur_e - cur_s;
    raw->start = sc_from_mono(s);
    raw->end = sc_from_mono(e);
    raw->interval_ns = e - s;
    raw->busy_ns = busy;
    raw->dram_bytes = (uint64_t)(bytes + 0.5);
}

/* --- profiler target calls ---------------------------------------------------------- */

/* A forked child has no sampler: its parent's belong to the parent. */
static void after_fork_child(void)
{
    pthread_mutex_init(&pm_mu, NULL);
    for (size_t i = 0; i < objects.n; i++) /* dead: only Disable (which frees them) takes them */
        ((struct CUpti_PmSampling_Object *)objects.v[i])->device = -1;
    memset(enabled_on, 0, sizeof enabled_on);
    atomic_store(&n_enabled, 0);
}

static void register_atfork(void)
{
    pthread_atfork(NULL, NULL, after_fork_child);
}

/* CUPTI_SUCCESS if the fake driver is usable for profiling. */
static CUptiResult need_driver(void)
{
    return sc_driver() && !sc_too_new_for_driver() ? CUPTI_SUCCESS : CUPTI_ERROR_UNKNOWN;
}

CUptiResult CUPTIAPI cuptiProfilerInitialize(CUpti_Profiler_Initialize_Params *p)
{
    CUptiResult r;

    if (BAD_PARAMS(p, CUpti_Profiler_Initialize_Params))
        return CUPTI_ERROR_INVALID_PARAMETER;
    if ((r = need_driver()) != CUPTI_SUCCESS)
        return r;
    pthread_once(&atfork_once, register_atfork);
    pthread_mutex_lock(&pm_mu);
    profiler_inits++;
    pthread_mutex_unlock(&pm_mu);
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiProfilerDeInitialize(CUpti_Profiler_DeInitialize_Params *p)
{
    if (BAD_PARAMS(p, CUpti_Profiler_DeInitialize_Params))
        return CUPTI_ERROR_INVALID_PARAMETER;
    pthread_mutex_lock(&pm_mu);
    if (profiler_inits > 0)
        profiler_inits--;
    pthread_mutex_unlock(&pm_mu);
    return CUPTI_SUCCESS;
}

/* PM sampling is supported on every simulated device; the fake has no
 * other profiler (range profiling, PC sampling, SASS metrics). */
CUptiResult CUPTIAPI cuptiProfilerDeviceSupported(CUpti_Profiler_DeviceSupported_Params *p)
{
    CUpti_Profiler_Support_Level arch;

    if (BAD_PARAMS(p, CUpti_Profiler_DeviceSupported_Params))
        return CUPTI_ERROR_INVALID_PARAMETER;
    if (need_driver() != CUPTI_SUCCESS)
        return CUPTI_ERROR_UNKNOWN;
    if (p->cuDevice < 0 || (size_t)p->cuDevice >= sim_devices())
        return CUPTI_ERROR_INVALID_DEVICE;
    arch = p->api == CUPTI_PROFILER_PM_SAMPLING ? CUPTI_PROFILER_CONFIGURATION_SUPPORTED
                                                : CUPTI_PROFILER_CONFIGURATION_UNSUPPORTED;
    p->isSupported = arch;
    p->architecture = arch;
    p->sli = p->vGpu = p->confidentialCompute = p->cmp = p->wsl =
        CUPTI_PROFILER_CONFIGURATION_SUPPORTED;
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiDeviceGetChipName(CUpti_Device_GetChipName_Params *p)
{
    if (BAD_PARAMS(p, CUpti_Device_GetChipName_Params))
        return CUPTI_ERROR_INVALID_PARAMETER;
    if (need_driver() != CUPTI_SUCCESS)
        return CUPTI_ERROR_UNKNOWN; /* the real one segfaults here */
    if (p->deviceIndex >= sim_devices())
        return CUPTI_ERROR_INVALID_DEVICE;
    p->pChipName = SC_PM_CHIP;
    return CUPTI_SUCCESS;
}

/* --- PM sampling --------------------------------------------------------------------- */

/* The checks every device-level PM call starts with (pm_mu not held);
 * with rights, also whether the profiling restriction lets this user in. */
static CUptiResult pm_ready(size_t device, int rights)
{
    int inited;
    CUptiResult r = need_driver();

    if (r != CUPTI_SUCCESS)
        return r;
    pthread_mutex_lock(&pm_mu);
    inited = profiler_inits > 0;
    pthread_mutex_unlock(&pm_mu);
    if (!inited)
        return CUPTI_ERROR_NOT_INITIALIZED;
    if (device >= sim_devices())
        return CUPTI_ERROR_INVALID_PARAMETER;
    return rights && restricted() ? CUPTI_ERROR_INSUFFICIENT_PRIVILEGES : CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI
cuptiPmSamplingGetCounterAvailability(CUpti_PmSampling_GetCounterAvailability_Params *p)
{
    CUptiResult r;
    int busy;

    if (BAD_PARAMS(p, CUpti_PmSampling_GetCounterAvailability_Params))
        return CUPTI_ERROR_INVALID_PARAMETER;
    if ((r = pm_ready(p->deviceIndex, 1)) != CUPTI_SUCCESS)
        return r;
    if (!p->pCounterAvailabilityImage) {
        p->counterAvailabilityImageSize = sizeof sc_pm_avail;
        return CUPTI_SUCCESS;
    }
    if (p->counterAvailabilityImageSize < sizeof sc_pm_avail)
        return CUPTI_ERROR_INVALID_PARAMETER;
    pthread_mutex_lock(&pm_mu);
    busy = enabled_on[p->deviceIndex] != NULL; /* "may fail" while sampling (header) */
    pthread_mutex_unlock(&pm_mu);
    if (busy)
        return CUPTI_ERROR_HARDWARE_BUSY;
    memcpy(p->pCounterAvailabilityImage, sc_pm_avail, sizeof sc_pm_avail);
    p->counterAvailabilityImageSize = sizeof sc_pm_avail;
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiPmSamplingEnable(CUpti_PmSampling_Enable_Params *p)
{
    struct CUpti_PmSampling_Object *o;
    CUptiResult r;

    if (BAD_PARAMS(p, CUpti_PmSampling_Enable_Params))
        return CUPTI_ERROR_INVALID_PARAMETER;
    if ((r = pm_ready(p->deviceIndex, 1)) != CUPTI_SUCCESS)
        return r;
    o = calloc(1, sizeof *o);
    if (!o)
        return CUPTI_ERROR_OUT_OF_MEMORY;
    pthread_mutex_lock(&pm_mu);
    r = enabled_on[p->deviceIndex] ? CUPTI_ERROR_INVALID_OPERATION
      : sc_live_add(&objects, o) < 0 ? CUPTI_ERROR_OUT_OF_MEMORY : CUPTI_SUCCESS;
    if (r == CUPTI_SUCCESS) {
        o->serial = ++serials;
        o->device = (int)p->deviceIndex;
        enabled_on[o->device] = o;
        atomic_fetch_add(&n_enabled, 1);
        p->pPmSamplingObject = o;
    }
    pthread_mutex_unlock(&pm_mu);
    if (r != CUPTI_SUCCESS)
        free(o);
    return r;
}

CUptiResult CUPTIAPI cuptiPmSamplingDisable(CUpti_PmSampling_Disable_Params *p)
{
    struct CUpti_PmSampling_Object *o;
    int was;

    if (BAD_PARAMS(p, CUpti_PmSampling_Disable_Params))
        return CUPTI_ERROR_INVALID_PARAMETER;
    o = p->pPmSamplingObject;
    pthread_mutex_lock(&pm_mu);
    was = sc_live_remove(&objects, o);
    if (was && o->device >= 0) {
        enabled_on[o->device] = NULL;
        atomic_fetch_sub(&n_enabled, 1);
    }
    pthread_mutex_unlock(&pm_mu);
    if (!was)
        return CUPTI_ERROR_INVALID_PARAMETER;
    free(o);
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiPmSamplingSetConfig(CUpti_PmSampling_SetConfig_Params *p)
{
    struct CUpti_PmSampling_Object *o;
    const sc_pm_config *c;
    CUptiResult r = CUPTI_SUCCESS;

    if (BAD_PARAMS(p, CUpti_PmSampling_SetConfig_Params) || p->samplingInterval == 0 ||
        p->hardwareBufferSize / SC_PM_HW_RECORD_BYTES == 0 ||
        (p->triggerMode != CUPTI_PM_SAMPLING_TRIGGER_MODE_GPU_SYSCLK_INTERVAL &&
         p->triggerMode != CUPTI_PM_SAMPLING_TRIGGER_MODE_GPU_TIME_INTERVAL) ||
        (p->hwBufferAppendMode != CUPTI_PM_SAMPLING_HARDWARE_BUFFER_APPEND_MODE_KEEP_OLDEST &&
         p->hwBufferAppendMode != CUPTI_PM_SAMPLING_HARDWARE_BUFFER_APPEND_MODE_KEEP_LATEST))
        return CUPTI_ERROR_INVALID_PARAMETER;
    c = sc_pm_config_check(p->pConfig, p->configSize);
    if (!c)
        return CUPTI_ERROR_INVALID_PARAMETER;
    if (c->passes != 1)
        return CUPTI_ERROR_NOT_SUPPORTED; /* PM sampling takes one-pass configs only */
    pthread_mutex_lock(&pm_mu);
    o = find(p->pPmSamplingObject);
    if (!o) {
        r = CUPTI_ERROR_INVALID_PARAMETER;
    } else if (o->started) {
        r = CUPTI_ERROR_INVALID_OPERATION;
    } else {
        o->cfg = *c;
        o->have_config = 1;
        /* SYSCLK: cycles of a 1 GHz clock, i.e. ns */
        o->interval_ns = p->samplingInterval;
        o->capacity = p->hardwareBufferSize / SC_PM_HW_RECORD_BYTES;
        o->keep_latest =
            p->hwBufferAppendMode == CUPTI_PM_SAMPLING_HARDWARE_BUFFER_APPEND_MODE_KEEP_LATEST;
    }
    pthread_mutex_unlock(&pm_mu);
    return r;
}

/* Start (start != 0) or stop the sampler in params of either kind. */
static CUptiResult start_stop(CUpti_PmSampling_Object *obj, int start)
{
    struct CUpti_PmSampling_Object *o;
    CUptiResult r = CUPTI_SUCCESS;
    uint64_t now = sc_mono();

    pthread_mutex_lock(&pm_mu);
    o = find(obj);
    if (!o)
        r = CUPTI_ERROR_INVALID_PARAMETER;
    else if (!o->have_config || o->started == start)
        r = CUPTI_ERROR_INVALID_OPERATION;
    else if (start)
        o->t0 = now, o->stop = 0, o->next_k = 0, o->started = 1;
    else
        o->stop = now, o->started = 0;
    pthread_mutex_unlock(&pm_mu);
    return r;
}

CUptiResult CUPTIAPI cuptiPmSamplingStart(CUpti_PmSampling_Start_Params *p)
{
    if (BAD_PARAMS(p, CUpti_PmSampling_Start_Params))
        return CUPTI_ERROR_INVALID_PARAMETER;
    return start_stop(p->pPmSamplingObject, 1);
}

CUptiResult CUPTIAPI cuptiPmSamplingStop(CUpti_PmSampling_Stop_Params *p)
{
    if (BAD_PARAMS(p, CUpti_PmSampling_Stop_Params))
        return CUPTI_ERROR_INVALID_PARAMETER;
    return start_stop(p->pPmSamplingObject, 0);
}

CUptiResult CUPTIAPI
cuptiPmSamplingGetCounterDataSize(CUpti_PmSampling_GetCounterDataSize_Params *p)
{
    int live;

    if (BAD_PARAMS(p, CUpti_PmSampling_GetCounterDataSize_Params) || !p->pMetricNames ||
        p->numMetrics == 0 || p->numMetrics > SC_PM_MAX_METRICS || p->maxSamples == 0)
        return CUPTI_ERROR_INVALID_PARAMETER;
    pthread_mutex_lock(&pm_mu);
    live = find(p->pPmSamplingObject) != NULL;
    pthread_mutex_unlock(&pm_mu);
    if (!live)
        return CUPTI_ERROR_INVALID_OPERATION; /* not enabled */
    for (size_t i = 0; i < p->numMetrics; i++)
        if (sc_pm_metric(p->pMetricNames[i]) < 0)
            return CUPTI_ERROR_INVALID_METRIC_NAME;
    p->counterDataSize = sizeof(sc_pm_image) + (size_t)p->maxSamples * sizeof(sc_pm_raw);
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiPmSamplingCounterDataImageInitialize(
    CUpti_PmSampling_CounterDataImage_Initialize_Params *p)
{
    struct CUpti_PmSampling_Object *o;
    sc_pm_image *im;
    CUptiResult r = CUPTI_SUCCESS;

    if (BAD_PARAMS(p, CUpti_PmSampling_CounterDataImage_Initialize_Params) || !p->pCounterData ||
        ((uintptr_t)p->pCounterData & 7) || p->counterDataSize < sizeof *im + sizeof(sc_pm_raw) ||
        (p->counterDataSize - sizeof *im) % sizeof(sc_pm_raw) != 0)
        return CUPTI_ERROR_INVALID_PARAMETER;
    im = (sc_pm_image *)p->pCounterData;
    pthread_mutex_lock(&pm_mu);
    o = find(p->pPmSamplingObject);
    if (!o || !o->have_config) {
        r = CUPTI_ERROR_INVALID_OPERATION;
    } else {
        memset(im, 0, sizeof *im);
        memcpy(im->magic, "SGPMDAT", 8);
        im->owner = o->serial;
        im->max_samples = (uint32_t)((p->counterDataSize - sizeof *im) / sizeof(sc_pm_raw));
        im->n = o->cfg.n;
        memcpy(im->metric, o->cfg.metric, sizeof im->metric);
    }
    pthread_mutex_unlock(&pm_mu);
    return r;
}

/* Decodes o's complete samples into im (pm_mu held). */
static CUptiResult decode(struct CUpti_PmSampling_Object *o, sc_pm_image *im,
                          CUpti_PmSampling_DecodeData_Params *p)
{
    uint64_t until = o->started ? sc_mono() : o->stop, total = 0, pending, room, k;
    sc_pm_raw *out = (sc_pm_raw *)(im + 1);

    p->overflow = 0;
    if (o->interval_ns && until > o->t0)
        total = (until - o->t0) / o->interval_ns;
    pending = total > o->next_k ? total - o->next_k : 0;
    if (pending > o->capacity) {
        if (!o->keep_latest) {
            o->next_k = total; /* KEEP_OLDEST: the buffer filled and what came after is lost */
            return CUPTI_ERROR_OUT_OF_MEMORY;
        }
        o->next_k = total - o->capacity; /* KEEP_LATEST: the oldest were overwritten */
        pending = o->capacity;
        p->overflow = 1;
    }
    room = im->max_samples - im->completed;
    for (k = 0; k < pending && k < room; k++) {
        uint64_t s = o->t0 + o->next_k * o->interval_ns;
        count(o->device, s, s + o->interval_ns, &out[im->completed++]);
        o->next_k++;
    }
    p->decodeStopReason = pending > room ? CUPTI_PM_SAMPLING_DECODE_STOP_REASON_COUNTER_DATA_FULL
                                         : CUPTI_PM_SAMPLING_DECODE_STOP_REASON_END_OF_RECORDS;
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiPmSamplingDecodeData(CUpti_PmSampling_DecodeData_Params *p)
{
    struct CUpti_PmSampling_Object *o;
    const sc_pm_image *im;
    CUptiResult r;

    if (BAD_PARAMS(p, CUpti_PmSampling_DecodeData_Params))
        return CUPTI_ERROR_INVALID_PARAMETER;
    im = sc_pm_image_check(p->pCounterDataImage, p->counterDataImageSize);
    pthread_mutex_lock(&pm_mu);
    o = find(p->pPmSamplingObject);
    if (!o)
        r = CUPTI_ERROR_INVALID_OPERATION;
    else if (!im || im->owner != o->serial || !o->have_config)
        r = CUPTI_ERROR_INVALID_PARAMETER;
    else
        r = decode(o, (sc_pm_image *)im, p);
    pthread_mutex_unlock(&pm_mu);
    return r;
}

CUptiResult CUPTIAPI
cuptiPmSamplingGetCounterDataInfo(CUpti_PmSampling_GetCounterDataInfo_Params *p)
{
    const sc_pm_image *im;

    if (BAD_PARAMS(p, CUpti_PmSampling_GetCounterDataInfo_Params))
        return CUPTI_ERROR_INVALID_PARAMETER;
    im = sc_pm_image_check(p->pCounterDataImage, p->counterDataImageSize);
    if (!im)
        return CUPTI_ERROR_INVALID_PARAMETER;
    p->numTotalSamples = im->max_samples;
    p->numPopulatedSamples = im->completed;
    p->numCompletedSamples = im->completed;
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiPmSamplingCounterDataGetSampleInfo(
    CUpti_PmSampling_CounterData_GetSampleInfo_Params *p)
{
    const sc_pm_image *im;
    const sc_pm_raw *raw;
    int mine;

    if (BAD_PARAMS(p, CUpti_PmSampling_CounterData_GetSampleInfo_Params))
        return CUPTI_ERROR_INVALID_PARAMETER;
    im = sc_pm_image_check(p->pCounterDataImage, p->counterDataImageSize);
    if (!im || p->sampleIndex >= im->completed)
        return CUPTI_ERROR_INVALID_PARAMETER;
    pthread_mutex_lock(&pm_mu);
    mine = find(p->pPmSamplingObject) && im->owner == p->pPmSamplingObject->serial;
    pthread_mutex_unlock(&pm_mu);
    if (!mine)
        return CUPTI_ERROR_INVALID_PARAMETER;
    raw = sc_pm_image_sample(im, p->sampleIndex);
    p->startTimestamp = raw->start;
    p->endTimestamp = raw->end;
    return CUPTI_SUCCESS;
}
