/* sampling.c: the device half of PM sampling: start, decode, rotate, stop.
 *
 * Call sequence (docs/cupti-notes.md section 4; Kineto's CuptiPMSamplingApi
 * does the same):
 *   cuptiProfilerInitialize -> [cuptiProfilerDeviceSupported] -> cuptiDeviceGetChipName
 *   -> cuptiPmSamplingGetCounterAvailability x2 -> host objects and config images
 *   (host.c, one per one-pass config) -> cuptiPmSamplingEnable -> SetConfig
 *   -> GetCounterDataSize -> CounterDataImageInitialize -> Start
 *   poll: DecodeData -> GetCounterDataInfo -> per completed sample GetSampleInfo +
 *         cuptiProfilerHostEvaluateToGpuValues -> CounterDataImageInitialize
 *         (repeated while the decode stopped because the image was full)
 *   rotate: Stop -> drain -> SetConfig(next) -> image for next -> Start
 *   stop: Stop -> drain -> Disable -> host objects -> cuptiProfilerDeInitialize
 *
 * Before any of it the driver must be in the process and the device must
 * exist: cuptiDeviceGetChipName segfaults without a driver.
 *
 * UNVERIFIED ON HARDWARE (written against the CUDA 13.0U1 headers with no GPU):
 *  - the whole device path above, including that SetConfig may be called
 *    again after Stop to rotate configs;
 *  - the timestamp mapping. ASSUMED: CUPTI stamps PM samples on the clock it
 *    stamps activity records with: the callback registered with
 *    cuptiActivityRegisterTimestampCallback if there is one, else its own
 *    (CLOCK_REALTIME on Linux). Source: Kineto, whose PM sampling profiler
 *    refuses to run before its activity profiler registered the timestamp
 *    callback and converts sample start/end with convertCuptiTimestamp, as
 *    it does activity records ("PM sampling and activity profiling share the
 *    same timestamp callbacks", libkineto/src/CuptiPMSamplingProfiler.cpp);
 *    the CUPTI headers say nothing about the clock. So samples go through the
 *    caller's converter (gp_pm_start's to_mono), the one its activity
 *    records use. A guard stays: a sample whose mapped times fall outside
 *    [sampling start - 1 s, decode time + 1 s] cannot be right; it is left
 *    out and counted (stats.bad_times), never moved.
 *  - SYSCLK-triggered devices (Turing, GA100): the interval is given in
 *    cycles, taken as ns at an assumed 1 GHz SYSCLK, so their sample period
 *    is approximate;
 *  - the 64 MiB hardware buffer (Kineto's size) and KEEP_LATEST append mode.
 */
#include "config.h"

#include <cuda.h>
#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector/pm/internal.h"
#include "collector/pm/sampling.h"

#define PM_HW_BUFFER_BYTES ((size_t)64 << 20)
#define PM_MAX_DECODES_PER_POLL 16
#define PM_ROTATE_MIN_NS 1000000000LL

struct gp_pm {
    pthread_mutex_t lock;
    pm_api api;
    int device;
    gp_pm_emit_fn emit;
    void *ud;
    pm_trigger trig;
    uint32_t max_samples;

    pm_plan plan;
    pm_host hosts[PM_MAX_CONFIGS]; /* one per config, kept for evaluation */
    int cur;                       /* config in use */
    int rotate;                    /* rotate through the configs */
    int64_t rotate_ns, config_since_ns;

    int profiler_ref;              /* holds one cuptiProfilerInitialize */
    uint8_t *avail;                /* counter availability image */
    CUpti_PmSampling_Object *obj;  /* after cuptiPmSamplingEnable */
    uint8_t *image;                /* counter-data image */
    size_t image_size, image_cap;
    int started;                   /* between Start and Stop */

    pm_clock clock;
    int64_t start_ns;              /* CLOCK_MONOTONIC at the first Start */
    double values[PM_MAX_METRICS];
    gp_pm_stats st;
};

static int64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* --- the driver, only ever looked up -------------------------------------------- */

static const char *cu_err(void *cuda, CUresult r)
{
    static __thread char buf[64];
    __typeof__(cuGetErrorName) *name;
    const char *s = NULL;

    *(void **)&name = dlsym(cuda, "cuGetErrorName");

    if (!name || name(r, &s) != CUDA_SUCCESS || !s)
        s = "CUDA error";
    snprintf(buf, sizeof buf, "%s (%d)", s, (int)r);
    return buf;
}

/* Checks that the driver is loaded and `device` exists; gets its handle and
 * compute capability. This gate keeps cuptiDeviceGetChipName (which
 * segfaults with no driver) from ever running on a machine without a GPU. */
static int device_check(int device, CUdevice *dev, int *major, int *minor, char *why,
                        size_t why_len)
{
    /* Only if already loaded; never dlclose'd (the job's own driver). */
    void *cuda = dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD);
    __typeof__(cuDeviceGetCount) *get_count;
    __typeof__(cuDeviceGet) *get;
    __typeof__(cuDeviceGetAttribute) *attr;
    CUresult r;
    int count = 0;

    if (!cuda) {
        snprintf(why, why_len,
                 "no CUDA driver in this process (libcuda.so.1 not loaded): hardware counters "
                 "are read only inside a CUDA job on a GPU");
        return -1;
    }
    *(void **)&get_count = dlsym(cuda, "cuDeviceGetCount");
    *(void **)&get = dlsym(cuda, "cuDeviceGet");
    *(void **)&attr = dlsym(cuda, "cuDeviceGetAttribute");
    if (!get_count || !get || !attr) {
        snprintf(why, why_len, "the loaded libcuda.so.1 lacks cuDeviceGetCount/cuDeviceGet/"
                 "cuDeviceGetAttribute: not a usable CUDA driver");
        return -1;
    }
    r = get_count(&count);
    if (r != CUDA_SUCCESS) {
        snprintf(why, why_len, "cannot count CUDA devices (%s)%s", cu_err(cuda, r),
                 r == CUDA_ERROR_STUB_LIBRARY ? ": the toolkit's stub libcuda is loaded, "
                 "not a real driver" : r == CUDA_ERROR_NOT_INITIALIZED ?
                 ": CUDA is not initialized in this process" : "");
        return -1;
    }
    if (device < 0 || device >= count) {
        snprintf(why, why_len, "no CUDA device %d in this process (it sees %d)", device, count);
        return -1;
    }
    r = get(dev, device);
    if (r == CUDA_SUCCESS)
        r = attr(major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, *dev);
    if (r == CUDA_SUCCESS)
        r = attr(minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, *dev);
    if (r != CUDA_SUCCESS) {
        snprintf(why, why_len, "cannot query CUDA device %d (%s)", device, cu_err(cuda, r));
        return -1;
    }
    return 0;
}

/* --- process-wide profiler initialization ---------------------------------------- */

/* cuptiProfilerInitialize/DeInitialize are process-wide; samplers on several
 * devices share one initialization, released by the last one. */
static pthread_mutex_t pm_global_lock = PTHREAD_MUTEX_INITIALIZER;
static int pm_profiler_refs;

static int profiler_ref(gp_pm *pm, char *why, size_t why_len)
{
    CUptiResult r = CUPTI_SUCCESS;

    pthread_mutex_lock(&pm_global_lock);
    if (pm_profiler_refs == 0) {
        CUpti_Profiler_Initialize_Params p = {
            .structSize = CUpti_Profiler_Initialize_Params_STRUCT_SIZE,
        };
        r = pm->api.ProfilerInitialize(&p);
    }
    if (r == CUPTI_SUCCESS) {
        pm_profiler_refs++;
        pm->profiler_ref = 1;
    }
    pthread_mutex_unlock(&pm_global_lock);
    if (r != CUPTI_SUCCESS)
        snprintf(why, why_len, "cuptiProfilerInitialize failed (%s)", pm_err(&pm->api, r));
    return r == CUPTI_SUCCESS ? 0 : -1;
}

static void profiler_unref(gp_pm *pm)
{
    if (!pm->profiler_ref)
        return;
    pthread_mutex_lock(&pm_global_lock);
    if (pm_profiler_refs > 0 && --pm_profiler_refs == 0) {
        CUpti_Profiler_DeInitialize_Params p = {
            .structSize = CUpti_Profiler_DeInitialize_Params_STRUCT_SIZE,
        };
        (void)pm->api.ProfilerDeInitialize(&p); /* nothing left to undo if it fails */
    }
    pthread_mutex_unlock(&pm_global_lock);
    pm->profiler_ref = 0;
}

/* --- start ------------------------------------------------------------------------- */

static const char *support_name(CUpti_Profiler_Support_Level l)
{
    return l == CUPTI_PROFILER_CONFIGURATION_DISABLED ? "disabled" : "unsupported";
}

/* Asks CUPTI whether PM sampling works on this device and configuration.
 * Informational when the query itself fails: later calls then give the reason. */
static int device_supported(gp_pm *pm, CUdevice dev, char *why, size_t why_len)
{
    CUpti_Profiler_DeviceSupported_Params p = {
        .structSize = CUpti_Profiler_DeviceSupported_Params_STRUCT_SIZE,
        .cuDevice = dev,
        .api = CUPTI_PROFILER_PM_SAMPLING,
    };
    static const char *const what[] = { "the architecture", "SLI", "this vGPU",
                                         "confidential computing", "this CMP device", "WSL" };
    CUpti_Profiler_Support_Level lv[6];

    if (!pm->api.ProfilerDeviceSupported || pm->api.ProfilerDeviceSupported(&p) != CUPTI_SUCCESS ||
        p.isSupported == CUPTI_PROFILER_CONFIGURATION_SUPPORTED ||
        p.isSupported == CUPTI_PROFILER_CONFIGURATION_UNKNOWN)
        return 0;
    lv[0] = p.architecture;
    lv[1] = p.sli;
    lv[2] = p.vGpu;
    lv[3] = p.confidentialCompute;
    lv[4] = p.cmp;
    lv[5] = p.wsl;
    for (int i = 0; i < 6; i++) {
        if (lv[i] == CUPTI_PROFILER_CONFIGURATION_UNSUPPORTED ||
            lv[i] == CUPTI_PROFILER_CONFIGURATION_DISABLED) {
            snprintf(why, why_len, "PM sampling is %s on GPU %d because of %s",
                     support_name(lv[i]), pm->device, what[i]);
            return -1;
        }
    }
    snprintf(why, why_len, "CUPTI reports PM sampling %s on GPU %d",
             support_name(p.isSupported), pm->device);
    return -1;
}

static void privileges_reason(int device, const char *call, char *why, size_t why_len)
{
    snprintf(why, why_len,
             "hardware counters on GPU %d need admin rights: run as root (or with "
             "CAP_SYS_ADMIN) or load the driver with NVreg_RestrictProfilingToAdminUsers=0 "
             "(%s: CUPTI_ERROR_INSUFFICIENT_PRIVILEGES, 35); tracing still works", device, call);
}

static int chip_and_availability(gp_pm *pm, char *why, size_t why_len)
{
    CUpti_Device_GetChipName_Params cp = {
        .structSize = CUpti_Device_GetChipName_Params_STRUCT_SIZE,
        .deviceIndex = (size_t)pm->device,
    };
    CUpti_PmSampling_GetCounterAvailability_Params ap = {
        .structSize = CUpti_PmSampling_GetCounterAvailability_Params_STRUCT_SIZE,
        .deviceIndex = (size_t)pm->device,
    };
    CUptiResult r = pm->api.DeviceGetChipName(&cp); /* device_check ran first */

    if (r != CUPTI_SUCCESS || !cp.pChipName || !*cp.pChipName) {
        snprintf(why, why_len, "cuptiDeviceGetChipName for GPU %d failed (%s)", pm->device,
                 pm_err(&pm->api, r));
        return -1;
    }
    snprintf(pm->st.chip, sizeof pm->st.chip, "%s", cp.pChipName);
    for (int pass = 0; pass < 2; pass++) { /* size, then the image */
        if (pass == 1) {
            pm->avail = calloc(1, ap.counterAvailabilityImageSize ? ap.counterAvailabilityImageSize : 1);
            if (!pm->avail) {
                snprintf(why, why_len, "out of memory for the counter availability image");
                return -1;
            }
            ap.pCounterAvailabilityImage = pm->avail;
        }
        r = pm->api.GetCounterAvailability(&ap);
        if (r == CUPTI_ERROR_INSUFFICIENT_PRIVILEGES) {
            privileges_reason(pm->device, "cuptiPmSamplingGetCounterAvailability", why, why_len);
            return -1;
        }
        if (r != CUPTI_SUCCESS || ap.counterAvailabilityImageSize == 0) {
            snprintf(why, why_len,
                     "cannot read which counters GPU %d (%s) offers (%s): another profiler "
                     "(Nsight Systems/Compute, DCGM profiling metrics) may be using them",
                     pm->device, pm->st.chip, pm_err(&pm->api, r));
            return -1;
        }
    }
    return 0;
}

/* Splits the metrics into one-pass configs and builds their host objects. */
static int build_configs(gp_pm *pm, char *why, size_t why_len)
{
    int rc = -1;

    /* CUPTI's host API is not documented as thread-safe: one planner at a time. */
    pthread_mutex_lock(&pm_global_lock);
    if (pm_plan_configs(&pm->api, pm->st.chip, pm->avail, &pm->plan, why, why_len) < 0)
        goto out;
    for (int c = 0; c < pm->plan.n_configs; c++) {
        const struct pm_plan_config *cfg = &pm->plan.configs[c];

        if (pm_host_build(&pm->api, pm->st.chip, pm->avail, &pm->plan, cfg->idx, cfg->n,
                          &pm->hosts[c], why, why_len) < 0)
            goto out;
        if (pm->hosts[c].passes != 1) { /* pm_plan_configs just said 1 */
            snprintf(why, why_len, "config %d needs %zu passes on %s", c,
                     pm->hosts[c].passes, pm->st.chip);
            goto out;
        }
    }
    pm->st.n_configs = pm->plan.n_configs;
    rc = 0;
out:
    pthread_mutex_unlock(&pm_global_lock);
    return rc;
}

static int enable(gp_pm *pm, char *why, size_t why_len)
{
    CUpti_PmSampling_Enable_Params p = {
        .structSize = CUpti_PmSampling_Enable_Params_STRUCT_SIZE,
        .deviceIndex = (size_t)pm->device,
    };
    CUptiResult r = pm->api.Enable(&p);

    if (r == CUPTI_SUCCESS && p.pPmSamplingObject) {
        pm->obj = p.pPmSamplingObject;
        return 0;
    }
    if (r == CUPTI_ERROR_INSUFFICIENT_PRIVILEGES)
        privileges_reason(pm->device, "cuptiPmSamplingEnable", why, why_len);
    else if (r == CUPTI_ERROR_INVALID_OPERATION)
        snprintf(why, why_len, "PM sampling is already enabled on GPU %d (another sampler or "
                 "profiler in this process holds it) (%s)", pm->device, pm_err(&pm->api, r));
    else
        snprintf(why, why_len, "cuptiPmSamplingEnable on GPU %d failed (%s)", pm->device,
                 pm_err(&pm->api, r));
    return -1;
}

static int image_reset(gp_pm *pm, char *why, size_t why_len)
{
    CUpti_PmSampling_CounterDataImage_Initialize_Params p = {
        .structSize = CUpti_PmSampling_CounterDataImage_Initialize_Params_STRUCT_SIZE,
        .pPmSamplingObject = pm->obj,
        .counterDataSize = pm->image_size,
        .pCounterData = pm->image,
    };
    CUptiResult r = pm->api.CounterDataImageInitialize(&p);

    if (r != CUPTI_SUCCESS)
        snprintf(why, why_len, "cuptiPmSamplingCounterDataImageInitialize failed (%s)",
                 pm_err(&pm->api, r));
    return r == CUPTI_SUCCESS ? 0 : -1;
}

/* Sets config c on the sampling object and sizes the counter-data image for
 * it. The image only grows: at most one per config, bounded by max_samples. */
static int apply_config(gp_pm *pm, int c, char *why, size_t why_len)
{
    pm_host *h = &pm->hosts[c];
    CUpti_PmSampling_SetConfig_Params sp = {
        .structSize = CUpti_PmSampling_SetConfig_Params_STRUCT_SIZE,
        .pPmSamplingObject = pm->obj,
        .configSize = h->config_size,
        .pConfig = h->config,
        .hardwareBufferSize = PM_HW_BUFFER_BYTES,
        .samplingInterval = pm->trig.interval,
        .triggerMode = pm->trig.mode,
        .hwBufferAppendMode = pm->trig.append,
    };
    CUpti_PmSampling_GetCounterDataSize_Params zp = {
        .structSize = CUpti_PmSampling_GetCounterDataSize_Params_STRUCT_SIZE,
        .pPmSamplingObject = pm->obj,
        .pMetricNames = h->names,
        .numMetrics = (size_t)h->n,
        .maxSamples = pm->max_samples,
    };
    CUptiResult r = pm->api.SetConfig(&sp);

    if (r != CUPTI_SUCCESS) {
        snprintf(why, why_len, "cuptiPmSamplingSetConfig on GPU %d failed (%s)", pm->device,
                 pm_err(&pm->api, r));
        return -1;
    }
    r = pm->api.GetCounterDataSize(&zp);
    if (r != CUPTI_SUCCESS || zp.counterDataSize == 0) {
        snprintf(why, why_len, "cuptiPmSamplingGetCounterDataSize failed (%s)",
                 pm_err(&pm->api, r));
        return -1;
    }
    if (zp.counterDataSize > pm->image_cap) {
        uint8_t *img = realloc(pm->image, zp.counterDataSize);

        if (!img) {
            snprintf(why, why_len, "out of memory for a %zu-byte counter-data image",
                     zp.counterDataSize);
            return -1;
        }
        pm->image = img;
        pm->image_cap = zp.counterDataSize;
    }
    pm->image_size = zp.counterDataSize;
    pm->cur = c;
    return image_reset(pm, why, why_len);
}

static int start_stop(gp_pm *pm, int start, char *why, size_t why_len)
{
    CUptiResult r;

    if (start) {
        CUpti_PmSampling_Start_Params p = {
            .structSize = CUpti_PmSampling_Start_Params_STRUCT_SIZE,
            .pPmSamplingObject = pm->obj,
        };
        r = pm->api.Start(&p);
    } else {
        CUpti_PmSampling_Stop_Params p = {
            .structSize = CUpti_PmSampling_Stop_Params_STRUCT_SIZE,
            .pPmSamplingObject = pm->obj,
        };
        r = pm->api.Stop(&p);
    }
    if (r != CUPTI_SUCCESS) {
        snprintf(why, why_len, "cuptiPmSampling%s on GPU %d failed (%s)",
                 start ? "Start" : "Stop", pm->device, pm_err(&pm->api, r));
        return -1;
    }
    pm->started = start;
    if (start)
        pm->config_since_ns = mono_ns();
    return 0;
}

/* Releases whatever gp_pm_start got, in reverse order. */
static void teardown(gp_pm *pm)
{
    if (pm->obj) {
        CUpti_PmSampling_Disable_Params p = {
            .structSize = CUpti_PmSampling_Disable_Params_STRUCT_SIZE,
            .pPmSamplingObject = pm->obj,
        };
        (void)pm->api.Disable(&p); /* nothing more to try if it fails */
        pm->obj = NULL;
    }
    for (int c = 0; c < PM_MAX_CONFIGS; c++)
        if (pm->hosts[c].obj)
            pm_host_free(&pm->api, &pm->hosts[c]);
    profiler_unref(pm);
    free(pm->image);
    free(pm->avail);
    pm->image = pm->avail = NULL;
}

static int start_device(gp_pm *pm, int64_t interval_ns, char *why, size_t why_len)
{
    CUdevice dev = 0;
    int major = 0, minor = 0;

    if (device_check(pm->device, &dev, &major, &minor, why, why_len) < 0 ||
        pm_trigger_for(major, minor, interval_ns, &pm->trig, why, why_len) < 0 ||
        profiler_ref(pm, why, why_len) < 0 || device_supported(pm, dev, why, why_len) < 0 ||
        chip_and_availability(pm, why, why_len) < 0 || build_configs(pm, why, why_len) < 0 ||
        enable(pm, why, why_len) < 0 || apply_config(pm, 0, why, why_len) < 0)
        return -1;
    pm->start_ns = mono_ns();
    return start_stop(pm, 1, why, why_len);
}

gp_pm *gp_pm_start(void *cupti_lib, int device, int64_t interval_ns, const char *const *metrics,
                   int n_metrics, gp_pm_to_mono_fn to_mono, void *to_mono_ud, gp_pm_emit_fn emit,
                   void *ud, char *why, size_t why_len)
{
    char scratch[256];
    gp_pm *pm;

    if (!why || !why_len) {
        why = scratch;
        why_len = sizeof scratch;
    }
    why[0] = '\0';
    if (!emit) {
        snprintf(why, why_len, "no emit callback given");
        return NULL;
    }
    pm = calloc(1, sizeof *pm);
    if (!pm) {
        snprintf(why, why_len, "out of memory");
        return NULL;
    }
    if (pthread_mutex_init(&pm->lock, NULL) != 0) {
        snprintf(why, why_len, "cannot create a mutex");
        free(pm);
        return NULL;
    }
    pm->device = device;
    pm->emit = emit;
    pm->ud = ud;
    pm_clock_init(&pm->clock, to_mono, to_mono_ud);
    pm->max_samples = pm_max_samples(interval_ns);
    pm->rotate = 1;
    pm->rotate_ns = 20 * pm_interval(interval_ns);
    if (pm->rotate_ns < PM_ROTATE_MIN_NS)
        pm->rotate_ns = PM_ROTATE_MIN_NS;
    /* Names first (no CUPTI call), then the driver gate, then the device. */
    if (pm_plan_metrics(&pm->plan, metrics, n_metrics, why, why_len) < 0 ||
        pm_api_load(&pm->api, cupti_lib, 1, why, why_len) < 0 ||
        start_device(pm, interval_ns, why, why_len) < 0) {
        teardown(pm);
        pthread_mutex_destroy(&pm->lock);
        free(pm);
        return NULL;
    }
    return pm;
}

/* --- decode ---------------------------------------------------------------------- */

static void fail(gp_pm *pm)
{
    pm->st.failed = 1;
}

/* Emits the `completed` samples the image holds, decoded at now (CLOCK_MONOTONIC);
 * returns how many. */
static int emit_samples(gp_pm *pm, size_t completed, int64_t now)
{
    pm_host *h = &pm->hosts[pm->cur];
    const struct pm_plan_config *cfg = &pm->plan.configs[pm->cur];
    int emitted = 0;

    for (size_t i = 0; i < completed; i++) {
        CUpti_PmSampling_CounterData_GetSampleInfo_Params sp = {
            .structSize = CUpti_PmSampling_CounterData_GetSampleInfo_Params_STRUCT_SIZE,
            .pPmSamplingObject = pm->obj,
            .pCounterDataImage = pm->image,
            .counterDataImageSize = pm->image_size,
            .sampleIndex = i,
        };
        CUpti_Profiler_Host_EvaluateToGpuValues_Params ep = {
            .structSize = CUpti_Profiler_Host_EvaluateToGpuValues_Params_STRUCT_SIZE,
            .pHostObject = h->obj,
            .pCounterDataImage = pm->image,
            .counterDataImageSize = pm->image_size,
            .rangeIndex = i,
            .ppMetricNames = h->names,
            .numMetrics = (size_t)h->n,
            .pMetricValues = pm->values,
        };
        int64_t t0, t1;

        pm->st.samples++;
        if (pm->api.CounterDataGetSampleInfo(&sp) != CUPTI_SUCCESS ||
            pm->api.HostEvaluateToGpuValues(&ep) != CUPTI_SUCCESS ||
            pm_clock_map(&pm->clock, sp.startTimestamp, &t0) < 0 ||
            pm_clock_map(&pm->clock, sp.endTimestamp, &t1) < 0) {
            pm->st.sample_errors++;
            continue;
        }
        if (!pm_clock_plausible(t0, t1, pm->start_ns, now)) {
            pm->st.bad_times++;
            continue;
        }
        for (int j = 0; j < h->n; j++) {
            if (!isfinite(pm->values[j])) {
                pm->st.bad_values++;
                continue;
            }
            pm->emit(pm->ud, pm->device, pm->plan.metrics[cfg->idx[j]].name, t0, t1,
                     pm->values[j]);
            pm->st.values++;
        }
        emitted++;
    }
    return emitted;
}

/* Decodes until the hardware buffer is empty (bounded), emitting as it goes.
 * Returns samples emitted, or -1 after marking the sampler failed. */
static int drain(gp_pm *pm)
{
    char *why = pm->st.last_error;
    size_t why_len = sizeof pm->st.last_error;
    int total = 0;

    for (int k = 0; k < PM_MAX_DECODES_PER_POLL; k++) {
        CUpti_PmSampling_DecodeData_Params dp = {
            .structSize = CUpti_PmSampling_DecodeData_Params_STRUCT_SIZE,
            .pPmSamplingObject = pm->obj,
            .pCounterDataImage = pm->image,
            .counterDataImageSize = pm->image_size,
        };
        CUpti_PmSampling_GetCounterDataInfo_Params ip = {
            .structSize = CUpti_PmSampling_GetCounterDataInfo_Params_STRUCT_SIZE,
            .pCounterDataImage = pm->image,
            .counterDataImageSize = pm->image_size,
        };
        CUptiResult r = pm->api.DecodeData(&dp);

        if (r == CUPTI_ERROR_OUT_OF_MEMORY) {
            /* KEEP_OLDEST (Turing): the hardware buffer filled up; what it
             * held is lost. A running session is restarted to empty it; a
             * stopped one (final drain) is left stopped. */
            int was_started = pm->started;

            pm->st.overflows++;
            snprintf(why, why_len, "hardware buffer of GPU %d overflowed; samples were lost",
                     pm->device);
            if ((was_started && start_stop(pm, 0, why, why_len) < 0) ||
                image_reset(pm, why, why_len) < 0 ||
                (was_started && start_stop(pm, 1, why, why_len) < 0)) {
                fail(pm);
                return -1;
            }
            return total;
        }
        if (r != CUPTI_SUCCESS) {
            snprintf(why, why_len, "cuptiPmSamplingDecodeData on GPU %d failed (%s)",
                     pm->device, pm_err(&pm->api, r));
            fail(pm);
            return -1;
        }
        if (dp.overflow)
            pm->st.overflows++; /* KEEP_LATEST: the oldest samples were overwritten */
        r = pm->api.GetCounterDataInfo(&ip);
        if (r != CUPTI_SUCCESS) {
            snprintf(why, why_len, "cuptiPmSamplingGetCounterDataInfo failed (%s)",
                     pm_err(&pm->api, r));
            fail(pm);
            return -1;
        }
        total += emit_samples(pm, ip.numCompletedSamples, mono_ns());
        if (image_reset(pm, why, why_len) < 0) {
            fail(pm);
            return -1;
        }
        if (dp.decodeStopReason != CUPTI_PM_SAMPLING_DECODE_STOP_REASON_COUNTER_DATA_FULL)
            break;
    }
    return total;
}

/* Switches to the next config when the current one has run rotate_ns.
 * Returns samples emitted while draining, or -1 (failed). If the switch
 * fails, goes back to the config it had and stops rotating. */
static int maybe_rotate(gp_pm *pm)
{
    char why[180]; /* fits in last_error with the context added */
    char *err = pm->st.last_error;
    size_t err_len = sizeof pm->st.last_error;
    int prev = pm->cur, next, got;

    if (!pm->rotate || pm->plan.n_configs < 2 || mono_ns() - pm->config_since_ns < pm->rotate_ns)
        return 0;
    next = (prev + 1) % pm->plan.n_configs;
    if (start_stop(pm, 0, err, err_len) < 0) {
        fail(pm);
        return -1;
    }
    got = drain(pm);
    if (got < 0)
        return -1;
    if (apply_config(pm, next, why, sizeof why) == 0 && start_stop(pm, 1, why, sizeof why) == 0) {
        pm->st.rotations++;
        return got;
    }
    snprintf(err, err_len, "switching to counter config %d failed, staying on config %d: %s",
             next, prev, why);
    pm->rotate = 0;
    if (apply_config(pm, prev, why, sizeof why) < 0 || start_stop(pm, 1, why, sizeof why) < 0) {
        snprintf(err, err_len, "cannot restart counter config %d after a failed switch: %s",
                 prev, why);
        fail(pm);
        return -1;
    }
    return got;
}

int gp_pm_poll(gp_pm *pm)
{
    int got, more;

    if (!pm)
        return -1;
    pthread_mutex_lock(&pm->lock);
    if (pm->st.failed || !pm->started) {
        pthread_mutex_unlock(&pm->lock);
        return -1;
    }
    got = drain(pm);
    if (got >= 0) {
        more = maybe_rotate(pm);
        got = more < 0 ? -1 : got + more;
    }
    pthread_mutex_unlock(&pm->lock);
    return got;
}

void gp_pm_stop(gp_pm *pm, gp_pm_stats *final)
{
    char why[256];

    if (!pm) {
        if (final)
            memset(final, 0, sizeof *final);
        return;
    }
    pthread_mutex_lock(&pm->lock);
    if (pm->started && start_stop(pm, 0, why, sizeof why) == 0 && !pm->st.failed)
        (void)drain(pm);
    teardown(pm);
    if (final)
        *final = pm->st;
    pthread_mutex_unlock(&pm->lock);
    pthread_mutex_destroy(&pm->lock);
    free(pm);
}

void gp_pm_get_stats(gp_pm *pm, gp_pm_stats *st)
{
    if (!pm) {
        memset(st, 0, sizeof *st);
        return;
    }
    pthread_mutex_lock(&pm->lock);
    *st = pm->st;
    pthread_mutex_unlock(&pm->lock);
}
