/* test_simgpu_cupti.c: the fake CUPTI's own contract: exported names, the
 * one-subscriber rule, record walking, flush and drop accounting, the worker
 * thread, fine-grained API records, NVTX markers, and cuptiFinalize.
 * Expected values come from CUPTI's documented behaviour (cupti_*.h and
 * docs/cupti-notes.md). */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <generated_nvtx_meta.h> /* nvtx3/nvToolsExt.h and the nvtx*_params */
#include <stdio.h>

#include "tests/simgpu/harness.h"
#include "tests/simgpu/simgpu.h"
#include "tests/tap.h"

/* Every name collector/cupti_api.h resolves, CUPTI's then the driver's. */
static const char *const cupti_names[] = {
    "cuptiGetVersion", "cuptiGetResultString", "cuptiGetTimestamp", "cuptiSubscribe_v2",
    "cuptiSubscribe", "cuptiUnsubscribe", "cuptiEnableCallback", "cuptiEnableDomain",
    "cuptiGetCallbackName", "cuptiActivityRegisterCallbacks",
    "cuptiActivityRegisterTimestampCallback", "cuptiActivityEnable", "cuptiActivityDisable",
    "cuptiActivityFlushAll", "cuptiActivityFlushPeriod", "cuptiActivityGetNextRecord",
    "cuptiActivityGetNumDroppedRecords", "cuptiActivitySetAttribute",
    "cuptiActivityEnableLatencyTimestamps", "cuptiActivityEnableDriverApi",
    "cuptiActivityEnableRuntimeApi", "cuptiSetThreadIdType", "cuptiGetDeviceId",
    "cuptiGetContextId", "cuptiGetStreamIdEx", "cuptiFinalize", "InitializeInjectionNvtx2",
};
static const char *const driver_names[] = {
    "cuDeviceGetAttribute", "cuDeviceGetName", "cuDeviceTotalMem_v2", "cuDeviceGetPCIBusId",
    "cuDeviceGetUuid", "cuDeviceGet", "cuDriverGetVersion", "cuStreamGetPriority", "cuStreamGetFlags",
};

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    nanosleep(&ts, NULL);
}

static void CUPTIAPI quiet_callback(void *ud, CUpti_CallbackDomain d, CUpti_CallbackId id, const void *p)
{
    (void)ud, (void)d, (void)id, (void)p;
}

static void test_exports(void)
{
    void *drv = dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD);
    int missing = 0, named = 0, bad = 0;
    const char *s;

    for (size_t i = 0; i < sizeof cupti_names / sizeof cupti_names[0]; i++)
        missing += dlsym(shc.lib, cupti_names[i]) == NULL;
    is_int(missing, 0, "the fake CUPTI exports every function the collector resolves");
    ok(drv != NULL, "the fake driver is loaded as libcuda.so.1");
    missing = 0;
    for (size_t i = 0; drv && i < sizeof driver_names / sizeof driver_names[0]; i++)
        missing += dlsym(drv, driver_names[i]) == NULL;
    is_int(missing, 0, "the fake driver exports every function the collector resolves");
    ok(drv && !dlsym(drv, "cuMemAllocManaged") && !dlsym(drv, "sg_lock"),
       "the fake driver exports nothing it does not implement");
    for (uint32_t cbid = 1; cbid < CUPTI_DRIVER_TRACE_CBID_SIZE; cbid++) {
        if (shc.GetCallbackName(CUPTI_CB_DOMAIN_DRIVER_API, cbid, &s) != CUPTI_SUCCESS)
            continue;
        named++;
        bad += !drv || !dlsym(drv, s);
    }
    ok(named > 50 && bad == 0, "cuptiGetCallbackName names %d driver functions, all exported", named);
    shc.GetCallbackName(CUPTI_CB_DOMAIN_DRIVER_API, CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, &s);
    is_str(s, "cuLaunchKernel", "callback name of cuLaunchKernel");
    is_int(shc.GetCallbackName(CUPTI_CB_DOMAIN_DRIVER_API, CUPTI_DRIVER_TRACE_CBID_cuMemAllocManaged, &s),
           CUPTI_ERROR_INVALID_PARAMETER, "no callback name for a function the driver lacks");
    if (drv)
        dlclose(drv);
}

static void test_basics(void)
{
    uint32_t v = 0;
    uint64_t t0, ts = 0, t1;
    const char *s = NULL;
    size_t sz = sizeof(size_t), big = 1 << 20;
    uint8_t tiny = 0;

    shc.GetVersion(&v);
    is_int(v, 130001, "cuptiGetVersion is CUPTI 13.0 Update 1");
    shc.GetResultString(CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED, &s);
    is_str(s, "CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED", "cuptiGetResultString");
    is_int(shc.GetResultString((CUptiResult)12345, &s), CUPTI_ERROR_INVALID_PARAMETER, "no string for a bad code");
    t0 = sh_mono();
    shc.GetTimestamp(&ts);
    t1 = sh_mono();
    ok(ts >= t0 && ts <= t1, "cuptiGetTimestamp follows the registered CLOCK_MONOTONIC callback");
    is_int(shc.ActivityEnable(CUPTI_ACTIVITY_KIND_PCIE), CUPTI_ERROR_NOT_COMPATIBLE, "an unsimulated kind");
    is_int(shc.ActivityEnable(CUPTI_ACTIVITY_KIND_SOURCE_LOCATOR), CUPTI_ERROR_LEGACY_PROFILER_NOT_SUPPORTED,
           "a legacy profiler kind");
    is_int(shc.ActivitySetAttribute(CUPTI_ACTIVITY_ATTR_DEVICE_BUFFER_SIZE, &sz, &big), CUPTI_SUCCESS,
           "set DEVICE_BUFFER_SIZE");
    sz = 1;
    is_int(shc.ActivitySetAttribute(CUPTI_ACTIVITY_ATTR_DEVICE_BUFFER_SIZE, &sz, &big),
           CUPTI_ERROR_PARAMETER_SIZE_NOT_SUFFICIENT, "a too small attribute value");
    is_int(shc.ActivitySetAttribute((CUpti_ActivityAttribute)999, &sz, &tiny), CUPTI_ERROR_INVALID_PARAMETER,
           "an unknown attribute");
}

static void test_subscribers(void)
{
    CUpti_SubscriberHandle a = NULL, b = NULL;
    char old[CUPTI_OLD_SUBSCRIBER_NAME_MIN_LEN] = "";
    CUpti_SubscriberParams pa = { CUpti_SubscriberParams_STRUCT_SIZE, "first-tool", NULL, 0 };
    CUpti_SubscriberParams pb = { CUpti_SubscriberParams_STRUCT_SIZE, "second-tool", old, sizeof old };

    is_int(shc.Subscribe_v2(&a, quiet_callback, NULL, &pa), CUPTI_SUCCESS, "first subscriber");
    is_int(shc.Subscribe_v2(&b, quiet_callback, NULL, &pb), CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED,
           "a second subscriber gets error 39");
    like(old, "first-tool", "and the first subscriber's name");
    is_int(shc.Subscribe(&b, quiet_callback, NULL), CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED,
           "cuptiSubscribe too");
    is_int(shc.EnableCallback(1, (CUpti_SubscriberHandle)old, CUPTI_CB_DOMAIN_DRIVER_API, 1),
           CUPTI_ERROR_INVALID_PARAMETER, "enabling through a handle that is not the subscriber");
    is_int(shc.EnableDomain(1, a, (CUpti_CallbackDomain)77), CUPTI_ERROR_INVALID_PARAMETER, "a bad domain");
    is_int(shc.Unsubscribe(a), CUPTI_SUCCESS, "unsubscribe");
    is_int(shc.Subscribe(&b, quiet_callback, NULL), CUPTI_SUCCESS, "then another may subscribe");
    shc.Unsubscribe(b);
}

static void test_next_record(void)
{
    union {
        uint64_t align;
        uint8_t b[1024];
    } buf;
    CUpti_ActivityAPI a;
    CUpti_ActivityKernel10 k;
    CUpti_Activity *r = NULL;

    memset(&buf, 0, sizeof buf);
    memset(&a, 0, sizeof a);
    memset(&k, 0, sizeof k);
    a.kind = CUPTI_ACTIVITY_KIND_DRIVER;
    a.correlationId = 7;
    k.kind = CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL;
    k.correlationId = 7;
    memcpy(buf.b, &a, sizeof a);
    memcpy(buf.b + sizeof a, &k, sizeof k);
    is_int(shc.ActivityGetNextRecord(buf.b, sizeof a + sizeof k, &r), CUPTI_SUCCESS, "first record");
    ok(r && r->kind == CUPTI_ACTIVITY_KIND_DRIVER, "is the API record");
    is_int(shc.ActivityGetNextRecord(buf.b, sizeof a + sizeof k, &r), CUPTI_SUCCESS, "second record");
    ok(r && r->kind == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, "is the kernel");
    is_int(shc.ActivityGetNextRecord(buf.b, sizeof a + sizeof k, &r), CUPTI_ERROR_MAX_LIMIT_REACHED, "then the end");
    r = NULL;
    is_int(shc.ActivityGetNextRecord(buf.b, 0, &r), CUPTI_ERROR_MAX_LIMIT_REACHED, "an empty buffer");
    r = NULL;
    is_int(shc.ActivityGetNextRecord(buf.b + 512, 64, &r), CUPTI_ERROR_INVALID_KIND, "garbage (kind 0)");
    r = NULL;
    is_int(shc.ActivityGetNextRecord(buf.b + sizeof a, sizeof k - 8, &r), CUPTI_ERROR_INVALID_KIND,
           "a truncated record");
    is_int(shc.ActivityGetNextRecord(NULL, 8, &r), CUPTI_ERROR_INVALID_PARAMETER, "no buffer");
}

static void marks(int n)
{
    for (int i = 0; i < n; i++)
        nvtxMarkA("tick");
}

static void test_delivery(CUcontext ctx)
{
    CUmodule mod;
    CUfunction f;
    size_t dropped = 99;
    int waited;

    shc.ActivityEnable(CUPTI_ACTIVITY_KIND_MARKER);
    sh_clear();
    sh_set_buffer_size(0);
    marks(7);
    sh_flush(1);
    shc.ActivityGetNumDroppedRecords(NULL, 0, &dropped);
    is_int(dropped, 7, "req() without a buffer: 7 records dropped and counted");
    shc.ActivityGetNumDroppedRecords(NULL, 0, &dropped);
    is_int(dropped, 0, "reading the count resets it");
    is_int(sh_count(), 0, "nothing delivered");

    sh_set_buffer_size(2 * sizeof(CUpti_ActivityMarker2) + 8);
    marks(5);
    sh_flush(0);
    ok(sh_count() == 5 && sh_done_calls() == 3, "small buffers: 5 records in 3 buffers (%zu, %zu)",
       sh_count(), sh_done_calls());
    sh_set_buffer_size(64 << 10);

    setenv("SIMGPU_CUPTI_QUEUE_MAX", "10", 1);
    sh_start(SH_KINDS_NONE); /* the bound is read when buffers are registered */
    sh_clear();
    marks(15);
    sh_flush(1);
    shc.ActivityGetNumDroppedRecords(NULL, 0, &dropped);
    ok(sh_count() == 10 && dropped == 5, "a full queue (10) drops and counts the rest (%zu, %zu)",
       sh_count(), dropped);
    unsetenv("SIMGPU_CUPTI_QUEUE_MAX");
    sh_start(SH_KINDS_NONE);

    /* complete records only, unless forced */
    shc.ActivityEnable(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL);
    shc.ActivityEnable(CUPTI_ACTIVITY_KIND_DRIVER);
    cuCtxSetCurrent(ctx);
    cuModuleLoadData(&mod, "image");
    cuModuleGetFunction(&f, mod, "kernLong");
    simgpuFuncSetDuration(f, 1000 * 1000000ull); /* 1 s: still running at the flush */
    sh_clear();
    cuLaunchKernel(f, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL);
    sh_flush(0);
    ok(sh_count_kind(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL) == 0 && sh_count_kind(CUPTI_ACTIVITY_KIND_DRIVER) >= 2,
       "FlushAll(0) keeps a running kernel, delivers the finished API records");
    sh_flush(1);
    is_int(sh_count_kind(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL), 1, "FlushAll(FORCED) delivers it");
    cuCtxSynchronize();

    /* fine-grained API records */
    shc.ActivityEnableDriverApi(CUPTI_DRIVER_TRACE_CBID_cuCtxGetCurrent, 0);
    sh_flush(1);
    sh_clear();
    {
        CUcontext c;
        int n;
        cuCtxGetCurrent(&c);
        cuDeviceGetCount(&n);
    }
    sh_flush(0);
    ok(sh_count_kind(CUPTI_ACTIVITY_KIND_DRIVER) == 1 && sh_get(0)->u.a.cbid == CUPTI_DRIVER_TRACE_CBID_cuDeviceGetCount,
       "cuptiActivityEnableDriverApi(cbid, 0) mutes one function");
    shc.ActivityDisable(CUPTI_ACTIVITY_KIND_DRIVER);
    shc.ActivityDisable(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL);

    shc.ActivityEnable(CUPTI_ACTIVITY_KIND_KERNEL);
    sh_clear();
    simgpuFuncSetDuration(f, 1000);
    cuLaunchKernel(f, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL);
    cuCtxSynchronize();
    sh_flush(0);
    is_int(sh_count_kind(CUPTI_ACTIVITY_KIND_KERNEL), 1, "KERNEL alone gives records of kind KERNEL");
    shc.ActivityDisable(CUPTI_ACTIVITY_KIND_KERNEL);
    cuModuleUnload(mod);

    /* the worker delivers by itself, on its own thread */
    sh_clear();
    marks(9000);
    for (waited = 0; sh_done_calls_elsewhere() == 0 && waited < 5000; waited += 20)
        sleep_ms(20);
    ok(sh_done_calls_elsewhere() > 0, "many pending records: the worker delivers them (%zu records)", sh_count());
    sh_flush(1);
    sh_clear();
    shc.ActivityFlushPeriod(20);
    marks(3);
    for (waited = 0; sh_count() < 3 && waited < 5000; waited += 20)
        sleep_ms(20);
    ok(sh_count() == 3 && sh_done_calls_elsewhere() > 0, "cuptiActivityFlushPeriod: delivered without a flush");
    shc.ActivityFlushPeriod(0);
    shc.ActivityDisable(CUPTI_ACTIVITY_KIND_MARKER);
}

/* --- NVTX ------------------------------------------------------------------ */

static const CUpti_ActivityMarker2 *marker(size_t i)
{
    const sh_rec *r = sh_get(i);

    return r && r->u.any.kind == CUPTI_ACTIVITY_KIND_MARKER ? &r->u.m : NULL;
}

static const CUpti_ActivityMarkerData2 *marker_data(uint32_t id)
{
    for (size_t i = 0; i < sh_count(); i++) {
        const sh_rec *r = sh_get(i);
        if (r->u.any.kind == CUPTI_ACTIVITY_KIND_MARKER_DATA && r->u.d.id == id)
            return &r->u.d;
    }
    return NULL;
}

static struct {
    int calls;
    char name[32], message[32];
} nvtx_cb;

static void CUPTIAPI on_nvtx(void *ud, CUpti_CallbackDomain d, CUpti_CallbackId id, const void *p)
{
    const CUpti_NvtxData *n = p;

    (void)ud;
    if (d != CUPTI_CB_DOMAIN_NVTX || id != CUPTI_CBID_NVTX_nvtxRangePushA)
        return;
    nvtx_cb.calls++;
    snprintf(nvtx_cb.name, sizeof nvtx_cb.name, "%s", n->functionName);
    snprintf(nvtx_cb.message, sizeof nvtx_cb.message, "%s",
             ((const nvtxRangePushA_params *)n->functionParams)->message);
}

static void test_nvtx_callbacks(void)
{
    CUpti_SubscriberHandle sub;

    shc.Subscribe(&sub, on_nvtx, NULL);
    shc.EnableCallback(1, sub, CUPTI_CB_DOMAIN_NVTX, CUPTI_CBID_NVTX_nvtxRangePushA);
    nvtxRangePushA("called back");
    nvtxRangePop();
    nvtxMarkA("not enabled");
    shc.Unsubscribe(sub);
    nvtxRangePushA("unsubscribed");
    nvtxRangePop();
    is_int(nvtx_cb.calls, 1, "NVTX domain: one callback for the one enabled function");
    is_str(nvtx_cb.name, "nvtxRangePushA", "with its function name");
    is_str(nvtx_cb.message, "called back", "and its nvtxRangePushA_params");
}

static void *nvtx_thread(void *arg)
{
    *(uint32_t *)arg = (uint32_t)syscall(SYS_gettid);
    nvtxRangePushA("worker");
    nvtxRangePop();
    return NULL;
}

static void test_nvtx(void)
{
    nvtxEventAttributes_t attr;
    nvtxDomainHandle_t dom;
    const CUpti_ActivityMarker2 *m[32];
    const CUpti_ActivityMarkerData2 *d;
    nvtxRangeId_t rid;
    pthread_t th;
    uint32_t other_tid = 0;
    size_t n = 0;
    int lv[4], bad = 0;

    shc.ActivityEnable(CUPTI_ACTIVITY_KIND_MARKER);
    shc.ActivityEnable(CUPTI_ACTIVITY_KIND_MARKER_DATA);
    memset(&attr, 0, sizeof attr);
    attr.version = NVTX_VERSION;
    attr.size = NVTX_EVENT_ATTRIB_STRUCT_SIZE;
    attr.colorType = NVTX_COLOR_ARGB;
    attr.color = 0xff00ff00u;
    attr.category = 3;
    attr.payloadType = NVTX_PAYLOAD_TYPE_INT64;
    attr.payload.llValue = -42;
    attr.messageType = NVTX_MESSAGE_TYPE_ASCII;
    attr.message.ascii = "inner";
    sh_clear();
    lv[0] = nvtxRangePushA("outer");                    /* 0: START outer */
    lv[1] = nvtxRangePushEx(&attr);                     /* 1: START inner (+ data) */
    lv[2] = nvtxRangePop();                             /* 2: END inner */
    lv[3] = nvtxRangePop();                             /* 3: END outer */
    is_int(nvtxRangePop(), -1, "popping an empty stack fails");
    nvtxMarkA("mark");                                  /* 4: INSTANTANEOUS */
    rid = nvtxRangeStartA("span");                      /* 5: START span */
    nvtxRangeEnd(rid);                                  /* 6: END span */
    dom = nvtxDomainCreateA("simdomain");
    nvtxDomainRangePushEx(dom, &attr);                  /* 7: START in domain (+ data) */
    nvtxDomainRangePop(dom);                            /* 8: END in domain */
    pthread_create(&th, NULL, nvtx_thread, &other_tid); /* 9, 10 */
    pthread_join(th, NULL);
    sh_flush(0);
    ok(lv[0] == 0 && lv[1] == 1 && lv[2] == 1 && lv[3] == 0, "push/pop return the nesting levels");
    for (size_t i = 0; i < sh_count() && n < 32; i++)
        if (marker(i))
            m[n++] = marker(i);
    is_int(n, 11, "eleven marker records");
    if (n != 11)
        return;
    ok(m[0]->flags == CUPTI_ACTIVITY_FLAG_MARKER_START && m[3]->flags == CUPTI_ACTIVITY_FLAG_MARKER_END &&
       m[0]->id == m[3]->id && m[1]->id == m[2]->id && m[0]->id != m[1]->id,
       "push/pop: START and END records paired by id, nested");
    is_str(m[0]->name, "outer", "START carries the name");
    ok(m[3]->name == NULL, "END has no name");
    is_str(m[1]->name, "inner", "an Ex range takes its name from the attributes");
    ok(m[4]->flags == CUPTI_ACTIVITY_FLAG_MARKER_INSTANTANEOUS && strcmp(m[4]->name, "mark") == 0,
       "a mark is INSTANTANEOUS");
    ok(m[5]->id == (uint32_t)rid && m[6]->id == (uint32_t)rid && m[6]->flags == CUPTI_ACTIVITY_FLAG_MARKER_END,
       "start/end ranges pair by the returned id");
    ok(m[0]->domain == NULL && m[7]->domain && strcmp(m[7]->domain, "simdomain") == 0 && m[7]->id == m[8]->id,
       "domain NULL by default, the domain's name in a domain");
    for (size_t i = 0; i < 9; i++)
        bad |= m[i]->objectKind != CUPTI_ACTIVITY_OBJECT_THREAD || m[i]->objectId.pt.processId != (uint32_t)getpid() ||
               m[i]->objectId.pt.threadId != (uint32_t)syscall(SYS_gettid);
    ok(!bad, "objectKind THREAD with this process and thread");
    ok(m[9]->objectId.pt.threadId == other_tid && m[9]->id == m[10]->id, "another thread's range has its tid");
    ok(m[0]->timestamp <= m[1]->timestamp && m[2]->timestamp <= m[3]->timestamp, "timestamps in order");
    d = marker_data(m[1]->id);
    ok(d && d->color == 0xff00ff00u && d->category == 3 && d->payloadKind == CUPTI_METRIC_VALUE_KIND_INT64 &&
       d->payload.metricValueInt64 == -42 && (d->flags & CUPTI_ACTIVITY_FLAG_MARKER_COLOR_ARGB),
       "MARKER_DATA for the Ex range: color, category, payload, same id");
    ok(marker_data(m[7]->id) && !marker_data(m[0]->id), "MARKER_DATA for Ex calls only");
    shc.ActivityDisable(CUPTI_ACTIVITY_KIND_MARKER);
    shc.ActivityDisable(CUPTI_ACTIVITY_KIND_MARKER_DATA);
}

/* A child forked after tracing began (worker running, records queued). */
static void test_fork(CUcontext ctx)
{
    int st = 0;
    pid_t pid;

    shc.ActivityEnable(CUPTI_ACTIVITY_KIND_MARKER);
    sh_flush(1);
    sh_clear();
    marks(4); /* the parent's, still queued at the fork */
    pid = fork();
    if (pid == 0) {
        CUmodule mod;
        CUfunction f;
        int bad;
        sh_clear();
        marks(3);
        sh_flush(1);
        bad = sh_count() != 3;
        bad |= cuCtxSetCurrent(ctx) || cuModuleLoadData(&mod, "x") || cuModuleGetFunction(&f, mod, "k") ||
               cuLaunchKernel(f, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL) || cuCtxSynchronize();
        _exit(bad);
    }
    waitpid(pid, &st, 0);
    ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
       "a child forked while tracing gets only its own records and runs kernels");
    sh_flush(1);
    is_int(sh_count(), 4, "the parent keeps its own records");
    shc.ActivityDisable(CUPTI_ACTIVITY_KIND_MARKER);
}

int main(void)
{
    const char *path = getenv("GPUPACK_CUPTI_PATH");
    CUpti_SubscriberHandle sub;
    CUcontext ctx;
    char why[512];

    if (!path || !*path)
        path = SIMGPU_CUPTI_PATH;
    unsetenv("CUDA_INJECTION64_PATH");
    unsetenv("SIMGPU_SHARED");
    unsetenv("SIMGPU_DEVICES");
    setenv("NVTX_INJECTION64_PATH", path, 1);
    if (sh_load(path, why, sizeof why) != 0) {
        ok(0, "load the fake CUPTI: %s", why);
        return done_testing();
    }
    is_int(shc.ActivityFlushAll(0), CUPTI_ERROR_INVALID_OPERATION, "FlushAll before RegisterCallbacks");
    is_int(sh_start(SH_KINDS_NONE), CUPTI_SUCCESS, "register buffers and clock");
    test_exports();
    test_basics();
    test_subscribers();
    test_next_record();
    cuInit(0);
    cuCtxCreate_v4(&ctx, NULL, 0, 0);
    test_delivery(ctx);
    test_nvtx();
    test_nvtx_callbacks();
    test_fork(ctx);

    is_int(shc.Finalize(), CUPTI_SUCCESS, "cuptiFinalize");
    is_int(shc.Subscribe(&sub, quiet_callback, NULL), CUPTI_SUCCESS, "after cuptiFinalize, a new session may start");
    is_int(sh_start(SH_KINDS_ALL), CUPTI_SUCCESS, "and enable kinds again");
    shc.Unsubscribe(sub);
    shc.Finalize();
    cuCtxDestroy_v2(ctx);
    sh_free();
    return done_testing();
}
