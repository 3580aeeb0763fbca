/* test_pmsampling.c: the PM sampling module against the toolkit's real
 * libcupti, with no GPU: metric names, one-pass configs and pass counts on
 * GH100 through CUPTI's host API, timing choices, and gp_pm_start failing
 * cleanly where there is no driver. Expected values come from
 * docs/cupti-notes.md section 4 and the CUPTI headers, and pass counts are also
 * recounted here with CUPTI directly, not through the module.
 *
 * With GPUPACK_TEST_GPU=1 on a machine with a GPU it also samples GPU 0 for
 * real (skipped otherwise).
 */
#include "config.h"

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collector/pm/internal.h"
#include "collector/pm/sampling.h"
#include "collector/timebase.h"
#include "tests/tap.h"

#define SM "sm__cycles_active.avg.pct_of_peak_sustained_elapsed"
#define TENSOR "sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_elapsed"
#define DRAM "dram__throughput.avg.pct_of_peak_sustained_elapsed"
#define FMA "sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_elapsed"
#define FP64 "sm__pipe_fp64_cycles_active.avg.pct_of_peak_sustained_elapsed"
#define FP16 "sm__pipe_fp16_cycles_active.avg" /* invalid on GH100 (notes s4) */

static int64_t now_ns(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* --- CUPTI called directly, to recount passes independently of the module ------- */

static int raw_passes(void *lib, const char *chip, const char **names, size_t n)
{
    __typeof__(cuptiProfilerHostInitialize) *init;
    __typeof__(cuptiProfilerHostDeinitialize) *deinit;
    __typeof__(cuptiProfilerHostConfigAddMetrics) *add;
    __typeof__(cuptiProfilerHostGetConfigImageSize) *size;
    __typeof__(cuptiProfilerHostGetConfigImage) *image;
    __typeof__(cuptiProfilerHostGetNumOfPasses) *passes;
    CUpti_Profiler_Host_Initialize_Params ip = {
        .structSize = CUpti_Profiler_Host_Initialize_Params_STRUCT_SIZE,
        .profilerType = CUPTI_PROFILER_TYPE_PM_SAMPLING,
        .pChipName = chip,
    };
    int result = -1;

    *(void **)&init = dlsym(lib, "cuptiProfilerHostInitialize");
    *(void **)&deinit = dlsym(lib, "cuptiProfilerHostDeinitialize");
    *(void **)&add = dlsym(lib, "cuptiProfilerHostConfigAddMetrics");
    *(void **)&size = dlsym(lib, "cuptiProfilerHostGetConfigImageSize");
    *(void **)&image = dlsym(lib, "cuptiProfilerHostGetConfigImage");
    *(void **)&passes = dlsym(lib, "cuptiProfilerHostGetNumOfPasses");
    if (!init || !deinit || !add || !size || !image || !passes || init(&ip) != CUPTI_SUCCESS)
        return -1;
    CUpti_Profiler_Host_ConfigAddMetrics_Params ap = {
        .structSize = CUpti_Profiler_Host_ConfigAddMetrics_Params_STRUCT_SIZE,
        .pHostObject = ip.pHostObject, .ppMetricNames = names, .numMetrics = n,
    };
    CUpti_Profiler_Host_GetConfigImageSize_Params sp = {
        .structSize = CUpti_Profiler_Host_GetConfigImageSize_Params_STRUCT_SIZE,
        .pHostObject = ip.pHostObject,
    };
    if (add(&ap) == CUPTI_SUCCESS && size(&sp) == CUPTI_SUCCESS) {
        uint8_t *img = malloc(sp.configImageSize);
        CUpti_Profiler_Host_GetConfigImage_Params gp = {
            .structSize = CUpti_Profiler_Host_GetConfigImage_Params_STRUCT_SIZE,
            .pHostObject = ip.pHostObject, .configImageSize = sp.configImageSize,
            .pConfigImage = img,
        };
        CUpti_Profiler_Host_GetNumOfPasses_Params np = {
            .structSize = CUpti_Profiler_Host_GetNumOfPasses_Params_STRUCT_SIZE,
            .configImageSize = sp.configImageSize, .pConfigImage = img,
        };
        if (img && image(&gp) == CUPTI_SUCCESS && passes(&np) == CUPTI_SUCCESS)
            result = (int)np.numOfPasses;
        free(img);
    }
    CUpti_Profiler_Host_Deinitialize_Params dp = {
        .structSize = CUpti_Profiler_Host_Deinitialize_Params_STRUCT_SIZE,
        .pHostObject = ip.pHostObject,
    };
    deinit(&dp);
    return result;
}

/* --- no CUPTI needed ------------------------------------------------------------- */

static void test_names(void)
{
    pm_plan *plan = malloc(sizeof *plan);
    const char *cupti = NULL;
    char why[512];
    const char *three[] = { "pm.fma_active_pct", FP64, "pm.fma_active_pct" };
    const char *bad[] = { "pm.sm_active_pct", "sm_activity" };
    const char *many[PM_MAX_METRICS + 1];
    char names[PM_MAX_METRICS + 1][48];

    is_int(pm_plan_metrics(plan, NULL, 0, why, sizeof why), 0, "no names: the default set");
    is_int(plan->n_metrics, 3, "default set has 3 metrics");
    is_str(plan->metrics[0].cupti, SM, "default 1 is SM active %% (docs/cupti-notes.md section 4)");
    is_str(plan->metrics[0].name, "pm.sm_active_pct", "emitted as pm.sm_active_pct");
    is_str(plan->metrics[1].cupti, TENSOR, "default 2 is tensor pipe active %%");
    is_str(plan->metrics[1].name, "pm.tensor_active_pct", "emitted as pm.tensor_active_pct");
    is_str(plan->metrics[2].cupti, DRAM, "default 3 is DRAM throughput %%");
    is_str(plan->metrics[2].name, "pm.dram_throughput_pct", "emitted as pm.dram_throughput_pct");

    is_str(gp_pm_metric(3, &cupti), "pm.fma_active_pct", "gp_pm_metric(3) is fma");
    is_str(cupti, FMA, "its CUPTI name");
    ok(gp_pm_metric(-1, NULL) == NULL && gp_pm_metric(1000, NULL) == NULL,
       "gp_pm_metric out of range: NULL");

    is_int(pm_plan_metrics(plan, three, 3, why, sizeof why), 0, "gpupack and CUPTI names mix");
    is_int(plan->n_metrics, 2, "a repeated name counts once");
    is_str(plan->metrics[1].name, "pm." FP64, "a CUPTI name is emitted as pm.<name>");

    is_int(pm_plan_metrics(plan, bad, 2, why, sizeof why), -1, "unknown name refused");
    like(why, "'sm_activity'", "the reason names it");
    for (int i = 0; i <= PM_MAX_METRICS; i++) {
        snprintf(names[i], sizeof names[i], "sm__m%d.sum", i);
        many[i] = names[i];
    }
    is_int(pm_plan_metrics(plan, many, PM_MAX_METRICS + 1, why, sizeof why), -1,
           "more than PM_MAX_METRICS refused");
    like(why, "too many", "with a reason");
    free(plan);
}

static void test_timing(void)
{
    pm_trigger t;
    char why[256];

    is_int(pm_interval(0), GP_PM_DEFAULT_INTERVAL_NS, "interval 0: default");
    is_int(pm_interval(1), GP_PM_MIN_INTERVAL_NS, "interval clamped up");
    is_int(pm_interval(INT64_MAX), GP_PM_MAX_INTERVAL_NS, "interval clamped down");
    is_int(pm_max_samples(GP_PM_MIN_INTERVAL_NS), 2048, "image size bounded above");
    is_int(pm_max_samples(GP_PM_MAX_INTERVAL_NS), 16, "and below");
    is_int(pm_max_samples(1000000), 400, "1 ms: 0.4 s of samples");

    /* Header: GPU_TIME_INTERVAL not on Turing (7.5) nor GA100 (8.0);
     * KEEP_LATEST not on Turing. */
    is_int(pm_trigger_for(9, 0, 5000000, &t, why, sizeof why), 0, "H100 (9.0) supported");
    ok(t.mode == CUPTI_PM_SAMPLING_TRIGGER_MODE_GPU_TIME_INTERVAL && t.interval == 5000000 &&
       t.append == CUPTI_PM_SAMPLING_HARDWARE_BUFFER_APPEND_MODE_KEEP_LATEST,
       "9.0: time trigger in ns, keep latest");
    pm_trigger_for(8, 6, 0, &t, why, sizeof why);
    ok(t.mode == CUPTI_PM_SAMPLING_TRIGGER_MODE_GPU_TIME_INTERVAL, "8.6: time trigger");
    pm_trigger_for(8, 0, 0, &t, why, sizeof why);
    ok(t.mode == CUPTI_PM_SAMPLING_TRIGGER_MODE_GPU_SYSCLK_INTERVAL &&
       t.append == CUPTI_PM_SAMPLING_HARDWARE_BUFFER_APPEND_MODE_KEEP_LATEST,
       "GA100 (8.0): SYSCLK trigger, keep latest");
    pm_trigger_for(7, 5, 0, &t, why, sizeof why);
    ok(t.mode == CUPTI_PM_SAMPLING_TRIGGER_MODE_GPU_SYSCLK_INTERVAL &&
       t.append == CUPTI_PM_SAMPLING_HARDWARE_BUFFER_APPEND_MODE_KEEP_OLDEST,
       "Turing (7.5): SYSCLK trigger, keep oldest");
    is_int(pm_trigger_for(7, 0, 0, &t, why, sizeof why), -1, "Volta (7.0) refused");
    like(why, "7.5", "reason gives the minimum compute capability");

}

/* --- sample times through a converter ------------------------------------------- */

/* A converter that records what it was asked: ud is a struct conv. */
struct conv {
    int calls;
    uint64_t last_ts;
    int64_t offset_ns; /* mono = ts - offset_ns */
    int64_t fixed;     /* != 0: answer this instead */
};

static int64_t conv_fn(void *ud, uint64_t ts)
{
    struct conv *c = ud;

    c->calls++;
    c->last_ts = ts;
    return c->fixed ? c->fixed : (int64_t)ts - c->offset_ns;
}

/* The collector's own converter (collector/timebase.h), as counters.c hands it. */
static int64_t tb_fn(void *ud, uint64_t ts)
{
    return gp_tb_to_mono(ud, ts);
}

static void test_clock(void)
{
    struct conv cv = { 0 };
    gp_timebase tb;
    pm_clock c;
    int64_t m, rt, mono, got, start;

    /* No converter: no timestamp callback in the process, CUPTI's own clock,
     * CLOCK_REALTIME on Linux. */
    pm_clock_init(&c, NULL, NULL);
    m = now_ns(CLOCK_MONOTONIC);
    rt = now_ns(CLOCK_REALTIME);
    ok(llabs(c.offset_ns - (rt - m)) < 5000000, "no converter: offset is REALTIME - MONOTONIC");
    ok(pm_clock_map(&c, (uint64_t)rt, &mono) == 0 && llabs(mono - m) < 5000000,
       "no converter: a CLOCK_REALTIME stamp maps to CLOCK_MONOTONIC");
    ok(pm_clock_map(&c, UINT64_MAX, &got) == -1, "no converter: a stamp beyond int64 is refused");
    ok(pm_clock_map(&c, 0, &got) == -1, "no converter: 0 (CUPTI_TIMESTAMP_UNKNOWN) is refused");

    /* A converter: every time goes through it, with its ud, unchanged. */
    cv.offset_ns = 1000;
    pm_clock_init(&c, conv_fn, &cv);
    ok(pm_clock_map(&c, 123456789000ULL, &got) == 0 && got == 123456788000LL,
       "a converter's answer is the mapped time");
    ok(cv.calls == 1 && cv.last_ts == 123456789000ULL, "it got the sample's stamp as is");
    cv.fixed = -5;
    is_int(pm_clock_map(&c, 42, &got), -1, "a converter that cannot place a time (< 0): refused");
    cv.fixed = 0;
    cv.offset_ns = 42;
    is_int(pm_clock_map(&c, 42, &got), -1, "a converter that answers 0: refused");
    cv.calls = 0;
    ok(pm_clock_map(&c, 0, &got) == -1 && pm_clock_map(&c, UINT64_MAX, &got) == -1 &&
       cv.calls == 0, "0 and stamps beyond int64 are refused before the converter is asked");

    /* The collector's converter in callback mode: CUPTI stamps with our
     * CLOCK_MONOTONIC callback, so a sample time is already ours. The old
     * assumption (CLOCK_REALTIME) puts such a time ~epoch away, which the
     * guard calls implausible. */
    start = now_ns(CLOCK_MONOTONIC);
    gp_tb_init(&tb, GP_TB_CALLBACK);
    pm_clock_init(&c, tb_fn, &tb);
    m = now_ns(CLOCK_MONOTONIC);
    ok(pm_clock_map(&c, (uint64_t)m, &got) == 0 && got == m,
       "callback mode: a CLOCK_MONOTONIC stamp passes through unchanged");
    ok(pm_clock_plausible(got, got, start, now_ns(CLOCK_MONOTONIC)), "and is plausible");
    pm_clock_init(&c, NULL, NULL);
    ok(pm_clock_map(&c, (uint64_t)m, &got) != 0 ||
       !pm_clock_plausible(got, got, start, now_ns(CLOCK_MONOTONIC)),
       "the same stamp taken for CLOCK_REALTIME is implausible: the guard would leave it out");

    /* Offset mode: CUPTI's own clock, sampled against ours. */
    gp_tb_init(&tb, GP_TB_OFFSET);
    gp_tb_add(&tb, 5000000000ULL, 2000000000LL); /* CUPTI 5 s = mono 2 s */
    pm_clock_init(&c, tb_fn, &tb);
    ok(pm_clock_map(&c, 5250000000ULL, &got) == 0 && got == 2250000000LL,
       "offset mode: a CUPTI time maps by the sampled offset");
    gp_tb_add(&tb, 6000000000ULL, 2900000000LL); /* CUPTI's clock stepped 100 ms ahead */
    ok(pm_clock_map(&c, 6500000000ULL, &got) == 0 && got == 3400000000LL,
       "offset mode: a time after a step takes the later offset");
    ok(pm_clock_map(&c, 5500000000ULL, &got) == 0 && got == 2500000000LL,
       "offset mode: a time before it keeps the earlier one");
    gp_tb_init(&tb, GP_TB_OFFSET);
    is_int(pm_clock_map(&c, 5250000000ULL, &got), -1,
           "offset mode with no clock sample yet: refused, not guessed");

    ok(pm_clock_plausible(m, m, m - 10, m + 10) && !pm_clock_plausible(m, m + 3000000000LL, m, m),
       "plausibility window is 1 s after the decode");
    ok(!pm_clock_plausible(m - 3000000000LL, m, m, m) &&
       pm_clock_plausible(m - 900000000LL, m, m, m),
       "and 1 s before the start");
    ok(!pm_clock_plausible(m + 10, m, m, m + 20), "a sample that ends before it starts is not");
}

/* --- CUPTI's host API, no GPU ------------------------------------------------------ */

static void test_host(void *lib)
{
    const char *dflt[] = { SM, TENSOR, DRAM };
    const char *with_fma[] = { SM, TENSOR, DRAM, FMA };
    const char *by_name[] = { "pm.sm_active_pct", "pm.tensor_active_pct",
                              "pm.dram_throughput_pct", "pm.fma_active_pct" };
    const char *invalid[] = { SM, FP16 };
    const char *fp64[] = { FP64 };
    const char *known[16], *cupti;
    int n_known = 0;
    pm_api api;
    pm_plan *plan = malloc(sizeof *plan);
    char why[512];
    int seen[4] = { 0 };

#ifdef __SANITIZE_ADDRESS__
    /* CUPTI dlopens libnvperf_host.so with RTLD_DEEPBIND, which the ASan
     * runtime answers by killing the process: the module must refuse. */
    is_int(gp_pm_host_passes(lib, "GH100", NULL, 0, why, sizeof why), -1,
           "under AddressSanitizer the host API is refused, not called");
    like(why, "AddressSanitizer", "the reason says why");
    skip("CUPTI host API checks: they cannot run under AddressSanitizer");
    free(plan);
    return;
#endif
    is_int(raw_passes(lib, "GH100", dflt, 3), 1, "CUPTI itself: default set is 1 pass on GH100");
    is_int(raw_passes(lib, "GH100", with_fma, 4), 2, "CUPTI itself: + fma is 2 passes");

    is_int(gp_pm_host_passes(lib, "GH100", NULL, 0, why, sizeof why), 1,
           "gp_pm_host_passes: default set on GH100 is 1 pass");
    is_int(gp_pm_host_passes(lib, "GH100", dflt, 3, why, sizeof why), 1,
           "same set by CUPTI names: 1 pass");
    is_int(gp_pm_host_passes(lib, "GH100", by_name, 4, why, sizeof why), 2,
           "adding fma makes it 2 passes (docs/cupti-notes.md section 4)");

    is_int(gp_pm_host_passes(lib, "GH100", invalid, 2, why, sizeof why), -1,
           "fp16 pipe metric refused on GH100");
    like(why, FP16, "the reason names the metric");
    like(why, "GH100", "and the chip");
    is_int(gp_pm_host_passes(lib, "GX999", NULL, 0, why, sizeof why), -1, "unknown chip refused");
    like(why, "'GX999'", "the reason names the chip");
    like(why, "not supported", "and says it is not supported");

    for (int i = 0; gp_pm_metric(i, &cupti) && n_known < 16; i++)
        if (strcmp(cupti, FMA) != 0) /* the notes' 1-pass list has no fma */
            known[n_known++] = cupti;
    ok(n_known >= 3, "gpupack knows metrics besides fma (%d)", n_known);
    is_int(raw_passes(lib, "GH100", known, (size_t)n_known), 1,
           "all known metrics but fma fit one pass on GH100 (notes' 1-pass list)");

    /* The split the module would rotate through. */
    is_int(pm_api_load(&api, lib, 0, why, sizeof why), 0, "host functions resolve");
    pm_plan_metrics(plan, by_name, 4, why, sizeof why);
    is_int(pm_plan_configs(&api, "GH100", NULL, plan, why, sizeof why), 2,
           "default + fma split into 2 one-pass configs");
    for (int c = 0; c < plan->n_configs; c++) {
        const char *names[PM_MAX_METRICS];

        for (int i = 0; i < plan->configs[c].n; i++) {
            names[i] = plan->metrics[plan->configs[c].idx[i]].cupti;
            seen[plan->configs[c].idx[i]]++;
        }
        is_int(raw_passes(lib, "GH100", names, (size_t)plan->configs[c].n), 1,
               "config %d is 1 pass by CUPTI's own count", c);
    }
    ok(seen[0] == 1 && seen[1] == 1 && seen[2] == 1 && seen[3] == 1,
       "each metric is in exactly one config");

    pm_plan_metrics(plan, fp64, 1, why, sizeof why);
    is_int(pm_plan_configs(&api, "GH100", NULL, plan, why, sizeof why), -1,
           "fp64 pipe alone needs 2 passes: refused (notes s4)");
    like(why, "needs 2 passes", "the reason gives the pass count");
    free(plan);
}

/* --- gp_pm_start with no usable driver ------------------------------------------------ */

static void emit_nothing(void *ud, int device, const char *metric, int64_t t0, int64_t t1,
                         double v)
{
    (void)device, (void)metric, (void)t0, (void)t1, (void)v;
    ++*(int *)ud;
}

static void test_no_driver(void *lib)
{
    const char *unknown[] = { "pm.nonsense_pct" };
    gp_pm_stats st;
    char why[512];
    int calls = 0;
    void *loaded = dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD);

    ok(gp_pm_start(lib, 0, 0, NULL, 0, NULL, NULL, NULL, NULL, why, sizeof why) == NULL,
       "no emit: NULL");
    like(why, "emit", "reason says so");
    ok(gp_pm_start(NULL, 0, 0, NULL, 0, NULL, NULL, emit_nothing, &calls, why, sizeof why) == NULL,
       "no CUPTI handle: NULL");
    ok(gp_pm_start(lib, 0, 0, unknown, 1, NULL, NULL, emit_nothing, &calls, why, sizeof why) ==
       NULL,
       "unknown counter: NULL before touching the device");
    like(why, "pm.nonsense_pct", "reason names the counter");

    why[0] = '\0';
    ok(gp_pm_start(lib, 0, 0, NULL, 0, NULL, NULL, emit_nothing, &calls, why, sizeof why) == NULL,
       "no driver: gp_pm_start returns NULL and does not crash");
    ok(why[0] != '\0', "with a reason: %s", why);
    if (!loaded)
        like(why, "libcuda.so.1", "the reason names the missing driver");
    else
        skip("a libcuda.so.1 is loaded in this process");
    ok(gp_pm_start(lib, 0, 0, NULL, 0, NULL, NULL, emit_nothing, &calls, NULL, 0) == NULL,
       "a NULL why buffer is fine");
    is_int(calls, 0, "nothing emitted");

    memset(&st, 0xff, sizeof st);
    gp_pm_stop(NULL, &st);
    ok(st.samples == 0 && st.bad_times == 0, "gp_pm_stop(NULL) is a no-op with zero stats");
    is_int(gp_pm_poll(NULL), -1, "gp_pm_poll(NULL) is -1");
    memset(&st, 0xff, sizeof st);
    gp_pm_get_stats(NULL, &st);
    ok(st.samples == 0 && st.failed == 0 && st.chip[0] == '\0', "stats of NULL are zero");
}

/* The toolkit's stub libcuda.so (SONAME libcuda.so.1) answers every call with
 * CUDA_ERROR_STUB_LIBRARY: the module must stop at the driver gate. Run last:
 * it leaves the stub loaded. */
static void test_stub_driver(void *lib)
{
    char path[512], why[512];
    int calls = 0;
    void *stub;

    snprintf(path, sizeof path, "%s/lib64/stubs/libcuda.so", GP_CUDA_DIR);
    if (dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD) || access(path, R_OK) != 0) {
        skip("no toolkit stub libcuda, or a driver is already loaded");
        skip("no toolkit stub libcuda, or a driver is already loaded");
        return;
    }
    stub = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
    ok(stub && dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD), "stub driver loaded as libcuda.so.1");
    ok(gp_pm_start(lib, 0, 0, NULL, 0, NULL, NULL, emit_nothing, &calls, why, sizeof why) == NULL &&
       strstr(why, "CUDA devices"), "stub driver: NULL at the device count (%s)", why);
}

/* --- optional: a real GPU (GPUPACK_TEST_GPU=1) ------------------------------------- */

struct acc {
    int values, bad_pct, bad_time, fma;
    int64_t lo, hi;
};

static void collect(void *ud, int device, const char *metric, int64_t t0, int64_t t1, double v)
{
    struct acc *a = ud;

    (void)device;
    a->values++;
    if (strstr(metric, "_pct") && (v < -0.01 || v > 100.01))
        a->bad_pct++;
    if (t0 < a->lo || t1 > a->hi || t1 < t0)
        a->bad_time++;
    if (strcmp(metric, "pm.fma_active_pct") == 0)
        a->fma++;
}

static void test_gpu(void *lib)
{
    const char *four[] = { "pm.sm_active_pct", "pm.tensor_active_pct", "pm.dram_throughput_pct",
                           "pm.fma_active_pct" };
    const char *env = getenv("GPUPACK_TEST_GPU");
    CUresult (*init)(unsigned), (*get)(CUdevice *, int), (*retain)(CUcontext *, CUdevice);
    CUresult (*set)(CUcontext);
    struct acc a = { 0 };
    gp_pm_stats st;
    CUcontext ctx;
    CUdevice dev;
    char why[512];
    void *cuda;
    gp_pm *pm;

    if (!env || strcmp(env, "1") != 0 || !(cuda = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL))) {
        skip("live GPU sampling: set GPUPACK_TEST_GPU=1 on a machine with a GPU");
        return;
    }
    *(void **)&init = dlsym(cuda, "cuInit");
    *(void **)&get = dlsym(cuda, "cuDeviceGet");
    *(void **)&retain = dlsym(cuda, "cuDevicePrimaryCtxRetain");
    *(void **)&set = dlsym(cuda, "cuCtxSetCurrent");
    if (!init || init(0) || get(&dev, 0) || retain(&ctx, dev) || set(ctx)) {
        ok(0, "CUDA context on GPU 0");
        return;
    }
    a.lo = now_ns(CLOCK_MONOTONIC) - 1000000000LL;
    pm = gp_pm_start(lib, 0, 1000000, four, 4, NULL, NULL, collect, &a, why, sizeof why);
    if (!pm && strstr(why, "admin rights")) {
        skip(why);
        return;
    }
    ok(pm != NULL, "gp_pm_start on GPU 0 (%s)", pm ? "ok" : why);
    if (!pm)
        return;
    for (int i = 0; i < 30; i++) { /* 3 s: rotates at least twice */
        usleep(100000);
        if (gp_pm_poll(pm) < 0)
            break;
    }
    a.hi = now_ns(CLOCK_MONOTONIC) + 1000000000LL;
    gp_pm_stop(pm, &st);
    diag("chip %s: %llu samples, %d values, %llu rotations, %llu overflows, bad times %llu, "
         "errors %llu, last error '%s'", st.chip, (unsigned long long)st.samples, a.values,
         (unsigned long long)st.rotations, (unsigned long long)st.overflows,
         (unsigned long long)st.bad_times,
         (unsigned long long)st.sample_errors, st.last_error);
    ok(!st.failed && a.values > 0, "samples were emitted");
    is_int(a.bad_pct, 0, "every percentage is within [0, 100]");
    is_int(a.bad_time, 0, "every sample lies within the run on CLOCK_MONOTONIC");
    ok(st.n_configs == 2 && st.rotations >= 1 && a.fma > 0, "configs rotated: fma was sampled");
}

int main(void)
{
    char lib_path[600], host_path[600];
    void *lib;

    test_names();
    test_timing();
    test_clock();
#ifdef GP_CUPTI_LIBDIR
    snprintf(lib_path, sizeof lib_path, "%s/libcupti.so", GP_CUPTI_LIBDIR);
    snprintf(host_path, sizeof host_path, "%s/libnvperf_host.so", GP_CUPTI_LIBDIR);
#else
    lib_path[0] = host_path[0] = '\0';
#endif
    if (!*lib_path || access(lib_path, R_OK) != 0 || access(host_path, R_OK) != 0) {
        skip("no toolkit libcupti.so + libnvperf_host.so found at configure time");
        return done_testing();
    }
    /* never dlclose'd (docs/cupti-notes.md section 3) */
    lib = dlopen(lib_path, RTLD_NOW | RTLD_GLOBAL);
    ok(lib != NULL, "dlopen %s", lib_path);
    if (!lib)
        return done_testing();
    test_host(lib);
    test_no_driver(lib);
    test_gpu(lib);
    test_stub_driver(lib);
    return done_testing();
}
