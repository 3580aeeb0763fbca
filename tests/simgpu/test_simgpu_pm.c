/* test_simgpu_pm.c: the fake CUPTI's PM sampling against the rules of
 * cupti_pmsampling.h, cupti_profiler_host.h and cupti_profiler_target.h and
 * the simulated sampler's own (tests/simgpu/README.md): every function
 * collector/pm/ resolves is exported; errors where the headers name them;
 * and samples that follow the simulated GPU's timeline on the record clock.
 * Expected values come from the work this test runs (kernel durations,
 * copy sizes) and the README's rules, not from the sampler. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector/pm/internal.h"
#include "tests/simgpu/harness.h"
#include "tests/simgpu/simgpu.h"
#include "tests/tap.h"

#define CHIP "SIMGPU0" /* the simulated GPU's chip (README) */
#define SM "sm__cycles_active.avg.pct_of_peak_sustained_elapsed"
#define TENSOR "sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_elapsed"
#define DRAM "dram__throughput.avg.pct_of_peak_sustained_elapsed"
#define DRAM_PEAK_BYTES_PER_NS 2.0 /* README: 2000 GB/s is 100 % */
#define MS 1000000ull
#define KEEP_LATEST CUPTI_PM_SAMPLING_HARDWARE_BUFFER_APPEND_MODE_KEEP_LATEST
#define KEEP_OLDEST CUPTI_PM_SAMPLING_HARDWARE_BUFFER_APPEND_MODE_KEEP_OLDEST

/* A failing CUDA call is a failed test, not an exit. */
#define CK_SIM(call)                                                              \
    do {                                                                          \
        CUresult r_ = (call);                                                     \
        if (r_ != CUDA_SUCCESS)                                                   \
            ok(0, "%s failed (%d)", #call, (int)r_);                              \
    } while (0)

static pm_api a;
static const char *metrics3[] = { SM, TENSOR, DRAM };

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* A host object for names, added one call (one_call) or one call each. */
static CUpti_Profiler_Host_Object *host(const char **names, size_t n, int one_call)
{
    CUpti_Profiler_Host_Initialize_Params ip = {
        .structSize = CUpti_Profiler_Host_Initialize_Params_STRUCT_SIZE,
        .profilerType = CUPTI_PROFILER_TYPE_PM_SAMPLING, .pChipName = CHIP,
    };

    if (a.HostInitialize(&ip) != CUPTI_SUCCESS)
        return NULL;
    for (size_t i = 0; i < (one_call ? 1 : n); i++) {
        CUpti_Profiler_Host_ConfigAddMetrics_Params ap = {
            .structSize = CUpti_Profiler_Host_ConfigAddMetrics_Params_STRUCT_SIZE,
            .pHostObject = ip.pHostObject, .ppMetricNames = names + i,
            .numMetrics = one_call ? n : 1,
        };
        if (a.HostConfigAddMetrics(&ap) != CUPTI_SUCCESS)
            return NULL;
    }
    return ip.pHostObject;
}

static void host_free(CUpti_Profiler_Host_Object *h)
{
    CUpti_Profiler_Host_Deinitialize_Params p = {
        .structSize = CUpti_Profiler_Host_Deinitialize_Params_STRUCT_SIZE, .pHostObject = h,
    };

    a.HostDeinitialize(&p);
}

/* h's config image (malloc'd) and its pass count. */
static uint8_t *config(CUpti_Profiler_Host_Object *h, size_t *size, size_t *passes)
{
    CUpti_Profiler_Host_GetConfigImageSize_Params sp = {
        .structSize = CUpti_Profiler_Host_GetConfigImageSize_Params_STRUCT_SIZE, .pHostObject = h,
    };
    uint8_t *img;

    if (a.HostGetConfigImageSize(&sp) != CUPTI_SUCCESS || !(img = malloc(sp.configImageSize)))
        return NULL;
    CUpti_Profiler_Host_GetConfigImage_Params gp = {
        .structSize = CUpti_Profiler_Host_GetConfigImage_Params_STRUCT_SIZE, .pHostObject = h,
        .configImageSize = sp.configImageSize, .pConfigImage = img,
    };
    CUpti_Profiler_Host_GetNumOfPasses_Params np = {
        .structSize = CUpti_Profiler_Host_GetNumOfPasses_Params_STRUCT_SIZE,
        .configImageSize = sp.configImageSize, .pConfigImage = img,
    };
    if (a.HostGetConfigImage(&gp) != CUPTI_SUCCESS || a.HostGetNumOfPasses(&np) != CUPTI_SUCCESS) {
        free(img);
        return NULL;
    }
    *size = sp.configImageSize;
    *passes = np.numOfPasses;
    return img;
}

static void test_host(void)
{
    const char *bad[] = { SM, "sm__pipe_fp16_cycles_active.avg" };
    CUpti_Profiler_Host_Initialize_Params ip = {
        .structSize = CUpti_Profiler_Host_Initialize_Params_STRUCT_SIZE,
        .profilerType = CUPTI_PROFILER_TYPE_PM_SAMPLING, .pChipName = "GH100",
    };
    CUpti_Profiler_Host_Object *h;
    size_t size = 0, passes = 0;
    uint8_t *img;
    char why[256];

    is_int(a.HostInitialize(&ip), CUPTI_ERROR_INVALID_CHIP_NAME,
           "host API: a chip it does not know");
    ip.pChipName = CHIP;
    ip.structSize = 0;
    is_int(a.HostInitialize(&ip), CUPTI_ERROR_INVALID_PARAMETER, "host API: structSize 0 refused");
    h = host(metrics3, 3, 1);
    img = h ? config(h, &size, &passes) : NULL;
    ok(img && passes == 1, "the default set added in one call: one pass");
    free(img);
    host_free(h);
    h = host(metrics3, 3, 0);
    img = h ? config(h, &size, &passes) : NULL;
    ok(img && passes == 3, "added one call each: a pass per call, as measured on GH100 (%zu)",
       passes);
    free(img);
    host_free(h);
    ok(host(bad, 2, 1) == NULL, "a metric the chip does not know: ConfigAddMetrics refuses");
#ifdef __SANITIZE_ADDRESS__
    /* collector/pm refuses CUPTI's host API under AddressSanitizer (host.c) */
    is_int(gp_pm_host_passes(shc.lib, CHIP, NULL, 0, why, sizeof why), -1,
           "under AddressSanitizer collector/pm refuses the host API");
#else
    is_int(gp_pm_host_passes(shc.lib, CHIP, NULL, 0, why, sizeof why), 1,
           "collector/pm plans gpupack's default set as one pass on the simulated chip");
#endif
}

static CUpti_PmSampling_Object *enable(size_t dev, CUptiResult *r)
{
    CUpti_PmSampling_Enable_Params p = {
        .structSize = CUpti_PmSampling_Enable_Params_STRUCT_SIZE, .deviceIndex = dev,
    };

    *r = a.Enable(&p);
    return *r == CUPTI_SUCCESS ? p.pPmSamplingObject : NULL;
}

static void disable(CUpti_PmSampling_Object *o)
{
    CUpti_PmSampling_Disable_Params p = {
        .structSize = CUpti_PmSampling_Disable_Params_STRUCT_SIZE, .pPmSamplingObject = o,
    };

    a.Disable(&p);
}

static CUptiResult set_config(CUpti_PmSampling_Object *o, const uint8_t *img, size_t size,
                              size_t hw_bytes, uint64_t interval_ns,
                              CUpti_PmSampling_HardwareBuffer_AppendMode mode)
{
    CUpti_PmSampling_SetConfig_Params p = {
        .structSize = CUpti_PmSampling_SetConfig_Params_STRUCT_SIZE, .pPmSamplingObject = o,
        .configSize = size, .pConfig = img, .hardwareBufferSize = hw_bytes,
        .samplingInterval = interval_ns,
        .triggerMode = CUPTI_PM_SAMPLING_TRIGGER_MODE_GPU_TIME_INTERVAL,
        .hwBufferAppendMode = mode,
    };

    return a.SetConfig(&p);
}

/* A counter-data image of o for max samples of the default set (malloc'd). */
static uint8_t *image(CUpti_PmSampling_Object *o, uint32_t max, size_t *size)
{
    CUpti_PmSampling_GetCounterDataSize_Params zp = {
        .structSize = CUpti_PmSampling_GetCounterDataSize_Params_STRUCT_SIZE,
        .pPmSamplingObject = o, .pMetricNames = metrics3, .numMetrics = 3, .maxSamples = max,
    };
    uint8_t *img;

    if (a.GetCounterDataSize(&zp) != CUPTI_SUCCESS || !(img = malloc(zp.counterDataSize)))
        return NULL;
    CUpti_PmSampling_CounterDataImage_Initialize_Params ip = {
        .structSize = CUpti_PmSampling_CounterDataImage_Initialize_Params_STRUCT_SIZE,
        .pPmSamplingObject = o, .counterDataSize = zp.counterDataSize, .pCounterData = img,
    };
    if (a.CounterDataImageInitialize(&ip) != CUPTI_SUCCESS) {
        free(img);
        return NULL;
    }
    *size = zp.counterDataSize;
    return img;
}

static CUptiResult start_stop(CUpti_PmSampling_Object *o, int start)
{
    CUpti_PmSampling_Start_Params sp = {
        .structSize = CUpti_PmSampling_Start_Params_STRUCT_SIZE, .pPmSamplingObject = o,
    };
    CUpti_PmSampling_Stop_Params tp = {
        .structSize = CUpti_PmSampling_Stop_Params_STRUCT_SIZE, .pPmSamplingObject = o,
    };

    return start ? a.Start(&sp) : a.Stop(&tp);
}

static CUptiResult decode(CUpti_PmSampling_Object *o, uint8_t *img, size_t size,
                          CUpti_PmSampling_DecodeData_Params *dp, size_t *completed)
{
    CUpti_PmSampling_GetCounterDataInfo_Params ip = {
        .structSize = CUpti_PmSampling_GetCounterDataInfo_Params_STRUCT_SIZE,
        .pCounterDataImage = img, .counterDataImageSize = size,
    };
    CUptiResult r;

    *dp = (CUpti_PmSampling_DecodeData_Params){
        .structSize = CUpti_PmSampling_DecodeData_Params_STRUCT_SIZE, .pPmSamplingObject = o,
        .pCounterDataImage = img, .counterDataImageSize = size,
    };
    r = a.DecodeData(dp);
    *completed = 0;
    if (r == CUPTI_SUCCESS && a.GetCounterDataInfo(&ip) == CUPTI_SUCCESS)
        *completed = ip.numCompletedSamples;
    return r;
}

/* Sample i's times (record clock) and the values of names through h. */
static int sample(CUpti_PmSampling_Object *o, CUpti_Profiler_Host_Object *h, uint8_t *img,
                  size_t size, size_t i, const char **names, size_t n, uint64_t *t0, uint64_t *t1,
                  double *v)
{
    CUpti_PmSampling_CounterData_GetSampleInfo_Params sp = {
        .structSize = CUpti_PmSampling_CounterData_GetSampleInfo_Params_STRUCT_SIZE,
        .pPmSamplingObject = o, .pCounterDataImage = img, .counterDataImageSize = size,
        .sampleIndex = i,
    };
    CUpti_Profiler_Host_EvaluateToGpuValues_Params ep = {
        .structSize = CUpti_Profiler_Host_EvaluateToGpuValues_Params_STRUCT_SIZE,
        .pHostObject = h, .pCounterDataImage = img, .counterDataImageSize = size,
        .rangeIndex = i, .ppMetricNames = names, .numMetrics = n, .pMetricValues = v,
    };
    CUptiResult r = a.CounterDataGetSampleInfo(&sp);

    if (r == CUPTI_SUCCESS)
        r = a.HostEvaluateToGpuValues(&ep);
    *t0 = sp.startTimestamp;
    *t1 = sp.endTimestamp;
    return (int)r;
}

static void test_errors(uint8_t *cfg, size_t cfg_size)
{
    CUpti_Profiler_Initialize_Params ip = {
        .structSize = CUpti_Profiler_Initialize_Params_STRUCT_SIZE,
    };
    CUpti_PmSampling_GetCounterAvailability_Params av = {
        .structSize = CUpti_PmSampling_GetCounterAvailability_Params_STRUCT_SIZE,
    };
    CUpti_Device_GetChipName_Params cp = {
        .structSize = CUpti_Device_GetChipName_Params_STRUCT_SIZE,
    };
    CUpti_Profiler_DeviceSupported_Params dp = {
        .structSize = CUpti_Profiler_DeviceSupported_Params_STRUCT_SIZE, .cuDevice = 0,
        .api = CUPTI_PROFILER_PM_SAMPLING,
    };
    CUpti_Profiler_Host_Object *h3 = host(metrics3, 3, 0);
    size_t size3 = 0, passes3 = 0;
    uint8_t *cfg3 = h3 ? config(h3, &size3, &passes3) : NULL;
    CUpti_PmSampling_Object *o;
    CUptiResult r;

    unsetenv("SIMGPU_PROFILING_RESTRICTED");
    o = enable(0, &r);
    is_int(r, CUPTI_ERROR_NOT_INITIALIZED, "Enable before cuptiProfilerInitialize");
    is_int(a.ProfilerInitialize(&ip), CUPTI_SUCCESS, "cuptiProfilerInitialize");
    is_int(a.DeviceGetChipName(&cp), CUPTI_SUCCESS, "cuptiDeviceGetChipName");
    is_str(cp.pChipName, CHIP, "the simulated GPU's chip");
    is_int(a.ProfilerDeviceSupported(&dp), CUPTI_SUCCESS, "cuptiProfilerDeviceSupported");
    is_int(dp.isSupported, CUPTI_PROFILER_CONFIGURATION_SUPPORTED, "PM sampling supported");
    is_int(a.GetCounterAvailability(&av), CUPTI_ERROR_INSUFFICIENT_PRIVILEGES,
           "profiling restricted to admins by default: counter availability refused (35)");
    o = enable(0, &r);
    is_int(r, CUPTI_ERROR_INSUFFICIENT_PRIVILEGES, "and Enable refused (35)");
    setenv("SIMGPU_PROFILING_RESTRICTED", "0", 1);
    r = a.GetCounterAvailability(&av);
    ok(r == CUPTI_SUCCESS && av.counterAvailabilityImageSize > 0,
       "allowed: counter availability size (%zu)", av.counterAvailabilityImageSize);
    (void)enable(1, &r);
    is_int(r, CUPTI_ERROR_INVALID_PARAMETER, "Enable of a device that does not exist");
    o = enable(0, &r);
    ok(o != NULL, "Enable device 0");
    (void)enable(0, &r);
    is_int(r, CUPTI_ERROR_INVALID_OPERATION,
           "Enable again on the same device (header: already enabled)");
    is_int(start_stop(o, 1), CUPTI_ERROR_INVALID_OPERATION, "Start before SetConfig");
    ok(cfg3 && passes3 == 3 &&
       set_config(o, cfg3, size3, 64 << 20, 5 * MS, KEEP_LATEST) == CUPTI_ERROR_NOT_SUPPORTED,
       "SetConfig of a 3-pass config: CUPTI_ERROR_NOT_SUPPORTED (header)");
    is_int(set_config(o, cfg, cfg_size, 64 << 20, 0,
                      KEEP_LATEST),
           CUPTI_ERROR_INVALID_PARAMETER, "SetConfig with interval 0");
    is_int(start_stop(o, 0), CUPTI_ERROR_INVALID_OPERATION, "Stop while not started");
    disable(o);
    free(cfg3);
    host_free(h3);
}

static void test_sampling(CUstream s, CUfunction f, uint8_t *cfg, size_t cfg_size)
{
    const size_t copy_bytes = 16u << 20;
    CUpti_Profiler_Host_Object *h = host(metrics3, 3, 1);
    CUpti_PmSampling_DecodeData_Params dp;
    CUpti_PmSampling_Object *o;
    CUdeviceptr src, dst;
    uint64_t before, after, prev_end = 0, ks = 0, ke = 0;
    size_t size = 0, n = 0, bad_time = 0, bad_busy = 0, tensor_nonzero = 0;
    double v[3], busy_ns = 0, dram_bytes = 0;
    uint8_t *img;
    CUptiResult r;

    o = enable(0, &r);
    ok(o && set_config(o, cfg, cfg_size, 64 << 20, 5 * MS,
                       KEEP_LATEST) == CUPTI_SUCCESS,
       "enabled and configured: 5 ms samples");
    img = o ? image(o, 256, &size) : NULL;
    ok(img != NULL, "counter-data image for 256 samples");
    if (!img || !h)
        return;
    sh_clear();
    before = sh_mono();
    is_int(start_stop(o, 1), CUPTI_SUCCESS, "Start");
    after = sh_mono();
    sleep_ms(12);
    CK_SIM(cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, s, NULL, NULL));
    CK_SIM(cuMemAlloc_v2(&src, copy_bytes));
    CK_SIM(cuMemAlloc_v2(&dst, copy_bytes));
    CK_SIM(cuMemcpyDtoD_v2(dst, src, copy_bytes));
    CK_SIM(cuStreamSynchronize(s));
    sleep_ms(30);
    is_int(start_stop(o, 0), CUPTI_SUCCESS, "Stop");
    sh_flush(1);
    is_int(decode(o, img, size, &dp, &n), CUPTI_SUCCESS, "DecodeData");
    ok(n >= 10 && dp.overflow == 0 &&
       dp.decodeStopReason == CUPTI_PM_SAMPLING_DECODE_STOP_REASON_END_OF_RECORDS,
       "%zu samples, no overflow, all records decoded", n);
    for (size_t i = 0; i < sh_count(); i++)
        if (sh_get(i)->u.any.kind == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL)
            ks = sh_get(i)->u.k.start, ke = sh_get(i)->u.k.end;
    ok(ke - ks == 20 * MS, "the kernel's record says it ran 20 ms");
    for (size_t i = 0; i < n; i++) {
        uint64_t t0, t1, ov_s, ov_e;
        double want;

        if (sample(o, h, img, size, i, metrics3, 3, &t0, &t1, v) != CUPTI_SUCCESS) {
            bad_time++;
            continue;
        }
        /* the harness registered a CLOCK_MONOTONIC timestamp callback: the
         * record clock is mono, and sample 0 starts at Start */
        bad_time += t1 - t0 != 5 * MS || (i == 0 ? t0 < before || t0 > after : t0 != prev_end);
        prev_end = t1;
        ov_s = ks > t0 ? ks : t0;
        ov_e = ke < t1 ? ke : t1;
        want = ov_e > ov_s ? 100.0 * (double)(ov_e - ov_s) / (double)(t1 - t0) : 0;
        bad_busy += fabs(v[0] - want) > 1e-9;
        tensor_nonzero += v[1] != 0;
        busy_ns += v[0] / 100 * (double)(t1 - t0);
        dram_bytes += v[2] / 100 * (double)(t1 - t0) * DRAM_PEAK_BYTES_PER_NS;
    }
    is_int(bad_time, 0, "samples are 5 ms, back to back from Start, on the record clock");
    is_int(bad_busy, 0, "each sample's SM active %% is the share of it the kernel's record covers");
    ok(fabs(busy_ns - 20e6) < 1, "SM active adds up to the kernel's 20 ms (%.0f ns)", busy_ns);
    is_int(tensor_nonzero, 0, "tensor pipe 0 throughout");
    ok(fabs(dram_bytes - 2.0 * copy_bytes) < 64, "DRAM: the device-to-device copy read and wrote "
       "its %zu bytes (%.0f)", copy_bytes, dram_bytes);
    {
        const char *tensor_only[] = { TENSOR };
        const char *sm_only[] = { SM };
        CUpti_Profiler_Host_Object *hs = host(sm_only, 1, 1);
        uint64_t t0, t1;
        is_int(hs ? sample(o, hs, img, size, 0, tensor_only, 1, &t0, &t1, v) : -1,
               CUPTI_ERROR_INVALID_METRIC_NAME, "evaluating a metric its host object lacks");
        is_int(sample(o, h, img, size, n, metrics3, 3, &t0, &t1, v), CUPTI_ERROR_INVALID_PARAMETER,
               "a sample index past the completed ones");
        host_free(hs);
    }
    CK_SIM(cuMemFree_v2(src));
    CK_SIM(cuMemFree_v2(dst));
    free(img);
    disable(o);
    host_free(h);
}

/* KEEP_LATEST overwrites, KEEP_OLDEST fails, a full image stops the decode. */
static void test_limits(uint8_t *cfg, size_t cfg_size)
{
    CUpti_PmSampling_DecodeData_Params dp;
    CUpti_PmSampling_Object *o;
    size_t size = 0, n = 0;
    uint8_t *img;
    CUptiResult r;

    o = enable(0, &r);
    if (!o || set_config(o, cfg, cfg_size, 2048, MS, KEEP_LATEST) != CUPTI_SUCCESS ||
        !(img = image(o, 64, &size))) {
        ok(0, "a sampler with a 2 KiB hardware buffer");
        return;
    }
    start_stop(o, 1);
    sleep_ms(30);
    start_stop(o, 0);
    r = decode(o, img, size, &dp, &n);
    ok(r == CUPTI_SUCCESS && dp.overflow == 1 && n == 2048 / 256,
       "KEEP_LATEST, 30 ms of 1 ms samples in a buffer of 8: overflow, the latest 8 kept (%zu)", n);
    start_stop(o, 1);
    is_int(set_config(o, cfg, cfg_size, 2048, MS,
                      KEEP_OLDEST),
           CUPTI_ERROR_INVALID_OPERATION, "SetConfig while sampling");
    start_stop(o, 0);
    set_config(o, cfg, cfg_size, 2048, MS, KEEP_OLDEST);
    free(img);
    img = image(o, 4, &size);
    start_stop(o, 1);
    sleep_ms(30);
    start_stop(o, 0);
    is_int(img ? decode(o, img, size, &dp, &n) : CUPTI_ERROR_UNKNOWN, CUPTI_ERROR_OUT_OF_MEMORY,
           "KEEP_OLDEST with a full hardware buffer: CUPTI_ERROR_OUT_OF_MEMORY (header)");
    set_config(o, cfg, cfg_size, 64 << 20, MS, KEEP_LATEST);
    free(img);
    img = image(o, 4, &size);
    start_stop(o, 1);
    sleep_ms(12);
    start_stop(o, 0);
    r = img ? decode(o, img, size, &dp, &n) : CUPTI_ERROR_UNKNOWN;
    ok(r == CUPTI_SUCCESS && n == 4 &&
       dp.decodeStopReason == CUPTI_PM_SAMPLING_DECODE_STOP_REASON_COUNTER_DATA_FULL,
       "an image of 4 samples fills: decode stops with COUNTER_DATA_FULL");
    free(img);
    disable(o);
}

int main(void)
{
    const char *path = getenv("GPUPACK_CUPTI_PATH");
    CUpti_Profiler_Host_Object *h;
    CUpti_Profiler_DeInitialize_Params dp = {
        .structSize = CUpti_Profiler_DeInitialize_Params_STRUCT_SIZE,
    };
    size_t cfg_size = 0, passes = 0;
    uint8_t *cfg;
    char why[512] = "";
    CUcontext ctx;
    CUdevice dev;
    CUstream s;
    CUmodule mod;
    CUfunction f;

    if (!path || !*path)
        path = SIMGPU_CUPTI_PATH;
    unsetenv("CUDA_INJECTION64_PATH");
    unsetenv("SIMGPU_SHARED");
    unsetenv("SIMGPU_DEVICES");
    if (sh_load(path, why, sizeof why) != 0) {
        ok(0, "load the fake CUPTI: %s", why);
        return done_testing();
    }
    is_int(pm_api_load(&a, shc.lib, 1, why, sizeof why), 0,
           "every function collector/pm resolves is exported (%s)", why);
    test_host();
    is_int(sh_start(SH_KINDS_ALL), CUPTI_SUCCESS,
           "tracing with a CLOCK_MONOTONIC timestamp callback");
    CK_SIM(cuInit(0));
    CK_SIM(cuDeviceGet(&dev, 0));
    CK_SIM(cuCtxCreate_v4(&ctx, NULL, 0, dev));
    CK_SIM(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
    CK_SIM(cuModuleLoadData(&mod, "test_simgpu_pm"));
    CK_SIM(cuModuleGetFunction(&f, mod, "pmK"));
    CK_SIM(simgpuFuncSetDuration(f, 20 * MS));
    h = host(metrics3, 3, 1);
    cfg = h ? config(h, &cfg_size, &passes) : NULL;
    ok(cfg && passes == 1, "config image of the default set");
    if (cfg) {
        test_errors(cfg, cfg_size);
        test_sampling(s, f, cfg, cfg_size);
        test_limits(cfg, cfg_size);
    }
    is_int(a.ProfilerDeInitialize(&dp), CUPTI_SUCCESS, "cuptiProfilerDeInitialize");
    free(cfg);
    host_free(h);
    CK_SIM(cuModuleUnload(mod));
    CK_SIM(cuStreamDestroy_v2(s));
    CK_SIM(cuCtxDestroy_v2(ctx));
    sh_free();
    return done_testing();
}
