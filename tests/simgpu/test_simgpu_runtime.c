/* test_simgpu_runtime.c: the simulated GPU's fake CUDA runtime seen as the
 * collector sees it: this test loads the fake CUPTI, subscribes to the
 * driver and runtime domains, drives the fake runtime (libcudart.so.13)
 * in-process and checks what CUPTI says against how the real pair behaves
 * (cupti_*.h, cuda.h, cuda_runtime_api.h): runtime calls come as
 * RUNTIME_API callbacks with their cudaXxx_vNNNN_params and RUNTIME
 * records, the driver calls the runtime makes internally come as neither
 * callbacks nor DRIVER records, and a runtime call and the GPU work it
 * issues share one correlation id. Also stream capture through the
 * runtime: a context synchronize during a global-mode capture is refused
 * and invalidates it (not a relaxed-mode one, nor another thread's
 * thread-local one). */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "tests/simgpu/harness.h"
#include "tests/simgpu/simcudart.h"
#include "tests/simgpu/simgpu.h"
#include "tests/tap.h"

#define MS 1000000ull
/* The last RUNTIME record of function fn (its CUPTI name), or NULL. */
#define LAST_RT(fn) sh_last_api(CUPTI_ACTIVITY_KIND_RUNTIME, CUPTI_RUNTIME_TRACE_CBID_##fn)

static struct {
    unsigned rt_enter, rt_exit, drv, bad_pairs, bad_names, bad_exit;
    unsigned launches, bad_launch;
    uint32_t launch_corr[8];
} cb;

/* Host stubs of the test's kernels (only their addresses are used). */
static void kern_a(void)
{
}
static void kern_b(void)
{
}

static void CUPTIAPI on_callback(void *ud, CUpti_CallbackDomain dom, CUpti_CallbackId cbid,
                                 const void *data)
{
    const CUpti_CallbackData *d = data;

    (void)ud;
    if (dom == CUPTI_CB_DOMAIN_DRIVER_API) {
        cb.drv++;
        return;
    }
    if (dom != CUPTI_CB_DOMAIN_RUNTIME_API)
        return;
    if (d->callbackSite == CUPTI_API_ENTER) {
        const char *name = NULL;
        cb.rt_enter++;
        *d->correlationData = d->correlationId * 3ull + 5;
        shc.GetCallbackName(CUPTI_CB_DOMAIN_RUNTIME_API, cbid, &name);
        /* functionName is the exported symbol, the callback name CUPTI's versioned one */
        cb.bad_names += !name || !d->functionName ||
                        strncmp(name, d->functionName, strlen(d->functionName)) != 0;
        if (cbid == CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000) {
            const cudaLaunchKernel_v7000_params *p = d->functionParams;
            if (cb.launches < 8)
                cb.launch_corr[cb.launches] = d->correlationId;
            cb.launches++;
            cb.bad_launch += !p || p->func != (const void *)kern_a || p->gridDim.x != 4 ||
                             p->blockDim.x != 64 || !d->symbolName ||
                             strcmp(d->symbolName, "kern_a") != 0;
        }
    } else {
        cb.rt_exit++;
        cb.bad_pairs += *d->correlationData != d->correlationId * 3ull + 5;
        cb.bad_exit += !d->functionReturnValue;
    }
}

static void test_names(void)
{
    void *rt = dlopen("libcudart.so.13", RTLD_NOW | RTLD_NOLOAD);
    int named = 0, bad = 0;
    const char *s = NULL;

    ok(rt != NULL, "the fake runtime is loaded as libcudart.so.13");
    for (uint32_t cbid = 1; cbid < CUPTI_RUNTIME_TRACE_CBID_SIZE; cbid++) {
        char sym[128];
        const char *v;
        if (shc.GetCallbackName(CUPTI_CB_DOMAIN_RUNTIME_API, cbid, &s) != CUPTI_SUCCESS)
            continue;
        named++;
        v = strstr(s, "_v"); /* CUPTI's name is the symbol and its version, _vNNNN */
        snprintf(sym, sizeof sym, "%.*s", v ? (int)(v - s) : (int)strlen(s), s);
        bad += !rt || !dlsym(rt, sym);
    }
    ok(named >= 30 && bad == 0, "cuptiGetCallbackName names %d runtime functions, all exported",
       named);
    shc.GetCallbackName(CUPTI_CB_DOMAIN_RUNTIME_API,
                        CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000, &s);
    is_str(s, "cudaLaunchKernel_v7000", "callback name of cudaLaunchKernel: CUPTI's versioned one");
    shc.GetCallbackName(CUPTI_CB_DOMAIN_RUNTIME_API,
                        CUPTI_RUNTIME_TRACE_CBID___cudaLaunchKernel_v13000, &s);
    is_str(s, "__cudaLaunchKernel_v13000", "and of CUDA 13's __cudaLaunchKernel");
    is_int(shc.GetCallbackName(CUPTI_CB_DOMAIN_RUNTIME_API,
                               CUPTI_RUNTIME_TRACE_CBID_cudaMallocManaged_v6000, &s),
           CUPTI_ERROR_INVALID_PARAMETER, "no callback name for a function the runtime lacks");
    ok(rt && !dlsym(rt, "cuLaunchKernel") && !dlsym(rt, "sr_begin"),
       "the fake runtime exports no driver function and nothing private");
    if (rt)
        dlclose(rt);
}

/* Runtime calls: callbacks, records, correlation, no driver-domain trace. */
static void test_calls(cudaStream_t s)
{
    dim3 grid = { 4, 1, 1 }, block = { 64, 1, 1 };
    cudaLaunchConfig_t cfg;
    cudaKernel_t kb = NULL;
    unsigned drv0 = cb.drv, enter0 = cb.rt_enter;
    const CUpti_ActivityAPI *a;
    const sh_rec *k;
    size_t driver_records = sh_count_kind(CUPTI_ACTIVITY_KIND_DRIVER);
    char host[256];
    void *dev = NULL;
    int bad = 0;

    memset(&cfg, 0, sizeof cfg);
    cfg.gridDim = grid;
    cfg.blockDim = block;
    cfg.stream = s;
    memset(host, 7, sizeof host);
    is_int(cudaMalloc(&dev, sizeof host), cudaSuccess, "cudaMalloc");
    is_int(cudaLaunchKernel((const void *)kern_a, grid, block, NULL, 0, s), cudaSuccess,
           "cudaLaunchKernel");
    is_int(__cudaGetKernel(&kb, (const void *)kern_b), cudaSuccess, "__cudaGetKernel");
    is_int(__cudaLaunchKernel(kb, grid, block, NULL, 0, s), cudaSuccess, "__cudaLaunchKernel");
    is_int(cudaLaunchKernelExC(&cfg, (const void *)kern_a, NULL), cudaSuccess,
           "cudaLaunchKernelExC");
    is_int(cudaMemcpyAsync(dev, host, sizeof host, cudaMemcpyHostToDevice, s), cudaSuccess,
           "cudaMemcpyAsync");
    is_int(cudaMemsetAsync(dev, 0, sizeof host, s), cudaSuccess, "cudaMemsetAsync");
    is_int(cudaMemcpy(host, dev, sizeof host, cudaMemcpyDefault), cudaSuccess,
           "cudaMemcpy (cudaMemcpyDefault: device to host, by the pointers)");
    is_int(host[0] == 0 && host[255] == 0, 1, "and the memset's zeros came back");
    is_int(cudaStreamSynchronize(s), cudaSuccess, "cudaStreamSynchronize");
    is_int(cudaDeviceSynchronize(), cudaSuccess, "cudaDeviceSynchronize");
    is_int(cudaFree(dev), cudaSuccess, "cudaFree");
    is_int(cb.drv, drv0, "no driver-domain callback for the driver calls the runtime makes");
    ok(cb.rt_enter - enter0 == 11 && cb.rt_enter == cb.rt_exit,
       "every runtime call is called back at ENTER and EXIT (%u)", cb.rt_enter - enter0);
    is_int(cb.bad_pairs + cb.bad_exit, 0,
           "correlationData is kept from ENTER to EXIT; EXIT has a result");
    is_int(cb.bad_names, 0, "functionName is the symbol, the callback name its CUPTI name");
    ok(cb.launches == 1 && cb.bad_launch == 0,
       "cudaLaunchKernel callbacks carry cudaLaunchKernel_v7000_params and symbolName");
    sh_flush(1);
    is_int(sh_count_kind(CUPTI_ACTIVITY_KIND_DRIVER), driver_records,
           "no DRIVER record for the driver calls the runtime makes");
    a = LAST_RT(cudaLaunchKernel_v7000);
    k = a ? sh_find(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, a->correlationId) : NULL;
    ok(a && k && strcmp(k->u.k.name, "kern_a") == 0 && a->correlationId == cb.launch_corr[0] &&
       a->start <= k->u.k.start,
       "a cudaLaunchKernel record and its kernel share one correlation id");
    a = LAST_RT(__cudaLaunchKernel_v13000);
    k = a ? sh_find(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, a->correlationId) : NULL;
    ok(k && strcmp(k->u.k.name, "kern_b") == 0, "so do __cudaLaunchKernel's");
    a = LAST_RT(cudaLaunchKernelExC_v11060);
    ok(a && sh_find(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, a->correlationId),
       "and cudaLaunchKernelExC's");
    a = LAST_RT(cudaMemcpyAsync_v3020);
    k = a ? sh_find(CUPTI_ACTIVITY_KIND_MEMCPY, a->correlationId) : NULL;
    ok(k && k->u.c.copyKind == CUPTI_ACTIVITY_MEMCPY_KIND_HTOD &&
       (k->u.c.flags & CUPTI_ACTIVITY_FLAG_MEMCPY_ASYNC),
       "cudaMemcpyAsync: an async HtoD copy record");
    a = LAST_RT(cudaMemcpy_v3020);
    k = a ? sh_find(CUPTI_ACTIVITY_KIND_MEMCPY, a->correlationId) : NULL;
    ok(k && k->u.c.copyKind == CUPTI_ACTIVITY_MEMCPY_KIND_DTOH && !k->u.c.flags,
       "cudaMemcpy: a synchronous DtoH copy record");
    a = LAST_RT(cudaMemsetAsync_v3020);
    ok(a && sh_find(CUPTI_ACTIVITY_KIND_MEMSET, a->correlationId),
       "cudaMemsetAsync: its memset record");
    a = LAST_RT(cudaStreamSynchronize_v3020);
    k = a ? sh_find(CUPTI_ACTIVITY_KIND_SYNCHRONIZATION, a->correlationId) : NULL;
    ok(k && k->u.y.type == CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_SYNCHRONIZE,
       "cudaStreamSynchronize: its synchronization record");
    a = LAST_RT(cudaDeviceSynchronize_v3020);
    k = a ? sh_find(CUPTI_ACTIVITY_KIND_SYNCHRONIZATION, a->correlationId) : NULL;
    ok(k && k->u.y.type == CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_CONTEXT_SYNCHRONIZE,
       "cudaDeviceSynchronize: a context synchronization record");
    for (size_t i = 0; i < sh_count(); i++) {
        const sh_rec *r = sh_get(i);
        bad += r->u.any.kind == CUPTI_ACTIVITY_KIND_RUNTIME &&
               (r->u.a.start > r->u.a.end || r->u.a.processId == 0 || r->u.a.correlationId == 0);
    }
    is_int(bad, 0, "RUNTIME records span their calls, with process and correlation ids");

    is_int(cudaLaunchKernel((const void *)test_calls, grid, block, NULL, 0, s),
           cudaErrorInvalidDeviceFunction, "an unregistered host function is refused");
    is_int(cudaGetLastError(), cudaErrorInvalidDeviceFunction, "and is the thread's last error");
    is_int(cudaGetLastError(), cudaSuccess, "which cudaGetLastError resets");
    sh_flush(1);
    a = LAST_RT(cudaLaunchKernel_v7000);
    ok(a && a->returnValue == cudaErrorInvalidDeviceFunction,
       "a failed call's RUNTIME record holds its cudaError_t");
}

static void *sync_elsewhere(void *arg)
{
    *(cudaError_t *)arg = cudaDeviceSynchronize();
    return NULL;
}

/* Capture through the runtime, and what a context synchronize does to it. */
static void test_capture(cudaStream_t cap, cudaStream_t side)
{
    dim3 one = { 1, 1, 1 };
    enum cudaStreamCaptureStatus st = cudaStreamCaptureStatusNone;
    cudaGraph_t graph = NULL;
    cudaGraphExec_t exec = NULL;
    cudaError_t other = cudaErrorUnknown;
    const CUpti_ActivityAPI *a;
    pthread_t t;
    int n = 0;

    is_int(cudaStreamBeginCapture(cap, cudaStreamCaptureModeGlobal), cudaSuccess,
           "cudaStreamBeginCapture (global mode)");
    cudaLaunchKernel((const void *)kern_a, one, one, NULL, 0, cap);
    cudaLaunchKernel((const void *)kern_b, one, one, NULL, 0, side);
    cudaStreamIsCapturing(cap, &st);
    is_int(st, cudaStreamCaptureStatusActive, "the stream captures");
    cudaStreamIsCapturing(side, &st);
    is_int(st, cudaStreamCaptureStatusNone, "the other stream does not");
    is_int(cudaStreamEndCapture(cap, &graph), cudaSuccess, "cudaStreamEndCapture");
    is_int(cudaGraphInstantiate(&exec, graph, 0), cudaSuccess, "cudaGraphInstantiate");
    is_int(cudaGraphLaunch(exec, cap), cudaSuccess, "cudaGraphLaunch");
    cudaStreamSynchronize(cap);
    cudaStreamSynchronize(side);
    sh_flush(0);
    a = LAST_RT(cudaGraphLaunch_v10000);
    for (size_t i = 0; a && i < sh_count(); i++) {
        const sh_rec *r = sh_get(i);
        n += r->u.any.kind == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL &&
             r->u.k.correlationId == a->correlationId && r->u.k.graphId != 0;
    }
    is_int(n, 1, "the graph's kernel carries cudaGraphLaunch's correlation id and a graph id");
    cudaGraphExecDestroy(exec);
    cudaGraphDestroy(graph);

    cudaStreamBeginCapture(cap, cudaStreamCaptureModeGlobal);
    is_int(cudaDeviceSynchronize(), cudaErrorStreamCaptureUnsupported,
           "cudaDeviceSynchronize during a global-mode capture is refused");
    cudaStreamIsCapturing(cap, &st);
    is_int(st, cudaStreamCaptureStatusInvalidated, "and invalidates the capture");
    is_int(cudaLaunchKernel((const void *)kern_a, one, one, NULL, 0, cap),
           cudaErrorStreamCaptureInvalidated, "launches into it then fail");
    graph = (cudaGraph_t)(uintptr_t)1;
    is_int(cudaStreamEndCapture(cap, &graph), cudaErrorStreamCaptureInvalidated,
           "cudaStreamEndCapture says so");
    ok(graph == NULL, "and gives no graph");
    cudaStreamIsCapturing(cap, &st);
    is_int(st, cudaStreamCaptureStatusNone, "the capture has ended");

    cudaStreamBeginCapture(cap, cudaStreamCaptureModeGlobal);
    pthread_create(&t, NULL, sync_elsewhere, &other);
    pthread_join(t, NULL);
    is_int(other, cudaErrorStreamCaptureUnsupported,
           "another thread's context synchronize is refused too (global mode)");
    cudaStreamIsCapturing(cap, &st);
    is_int(st, cudaStreamCaptureStatusInvalidated, "and invalidates it");
    cudaStreamEndCapture(cap, &graph);

    cudaStreamBeginCapture(cap, cudaStreamCaptureModeThreadLocal);
    pthread_create(&t, NULL, sync_elsewhere, &other);
    pthread_join(t, NULL);
    is_int(other, cudaSuccess, "another thread may synchronize during a thread-local capture");
    is_int(cudaDeviceSynchronize(), cudaErrorStreamCaptureUnsupported,
           "the capturing thread may not");
    cudaStreamEndCapture(cap, &graph);

    cudaStreamBeginCapture(cap, cudaStreamCaptureModeRelaxed);
    is_int(cudaDeviceSynchronize(), cudaSuccess, "a relaxed-mode capture allows it");
    cudaLaunchKernel((const void *)kern_a, one, one, NULL, 0, cap);
    is_int(cudaStreamEndCapture(cap, &graph), cudaSuccess, "and stays valid");
    cudaGraphDestroy(graph);

    cuStreamBeginCapture_v2((CUstream)cap, CU_STREAM_CAPTURE_MODE_GLOBAL);
    is_int(cuCtxSynchronize(), CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED,
           "the driver's cuCtxSynchronize is refused the same way");
    is_int(cuStreamEndCapture((CUstream)cap, (CUgraph *)&graph),
           CUDA_ERROR_STREAM_CAPTURE_INVALIDATED, "and its capture is invalidated");
}

int main(void)
{
    const char *path = getenv("GPUPACK_CUPTI_PATH");
    CUpti_SubscriberHandle sub;
    CUpti_SubscriberParams sp = { CUpti_SubscriberParams_STRUCT_SIZE, "test_simgpu_runtime", NULL,
                                  0 };
    cudaStream_t s, side;
    cudaFunction_t f;
    char why[512];
    void **fb;
    int n = 0;

    setenv("SIMGPU_DEVICES", "1", 1);
    unsetenv("CUDA_INJECTION64_PATH");
    unsetenv("SIMGPU_SHARED");
    if (sh_load(path && *path ? path : SIMGPU_CUPTI_PATH, why, sizeof why) != 0) {
        ok(0, "load the fake CUPTI: %s", why);
        return done_testing();
    }
    fb = __cudaRegisterFatBinary((void *)"test_simgpu_runtime");
    __cudaRegisterFunction(fb, (const char *)kern_a, (char *)"kern_a", "kern_a", -1, NULL, NULL,
                           NULL, NULL, NULL);
    __cudaRegisterFunction(fb, (const char *)kern_b, (char *)"kern_b", "kern_b", -1, NULL, NULL,
                           NULL, NULL, NULL);
    __cudaRegisterFatBinaryEnd(fb);
    is_int(cudaGetDeviceCount(&n), cudaSuccess, "the runtime initializes the driver itself");
    is_int(n, 1, "one simulated device");
    is_int(sh_start(SH_KINDS_ALL), CUPTI_SUCCESS, "register buffers and clock, enable kinds");
    is_int(shc.ActivityEnable(CUPTI_ACTIVITY_KIND_RUNTIME), CUPTI_SUCCESS, "RUNTIME records");
    is_int(shc.Subscribe_v2(&sub, on_callback, NULL, &sp), CUPTI_SUCCESS, "subscribe");
    shc.EnableDomain(1, sub, CUPTI_CB_DOMAIN_DRIVER_API);
    shc.EnableDomain(1, sub, CUPTI_CB_DOMAIN_RUNTIME_API);
    test_names();
    cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);
    cudaStreamCreateWithFlags(&side, cudaStreamNonBlocking);
    is_int(cudaGetFuncBySymbol(&f, (const void *)kern_a), cudaSuccess,
           "cudaGetFuncBySymbol: the driver's function");
    is_int(simgpuFuncSetDuration(f, 1 * MS), CUDA_SUCCESS, "which the simulation extras accept");
    test_calls(s);
    test_capture(s, side);
    cudaStreamDestroy(s);
    cudaStreamDestroy(side);
    __cudaUnregisterFatBinary(fb);
    shc.Unsubscribe(sub);
    sh_flush(1);
    shc.Finalize();
    sh_free();
    return done_testing();
}
