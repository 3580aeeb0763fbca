/* nullcupti.c: a CUPTI client that does nothing with what it asks for, for
 * the launch-overhead benchmark (bench/bench_launch.sh): loaded through
 * CUDA_INJECTION64_PATH like the collector, it configures the fake CUPTI
 * as the collector does (its activity kinds; callbacks on the launch,
 * copy and memset functions of both API domains; no API records for
 * cudaGetDevice and cuCtxGetCurrent) and frees every buffer unread. What a
 * launch costs under it is the simulated CUPTI's own cost; the collector's
 * is what it adds on top. A test fixture: never a measurement of a GPU. */
#include "config.h"

#include <cupti.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

EXPORT int InitializeInjection(void);

static struct {
    __typeof__(cuptiSubscribe) *Subscribe;
    __typeof__(cuptiEnableCallback) *EnableCallback;
    __typeof__(cuptiGetCallbackName) *GetCallbackName;
    __typeof__(cuptiActivityRegisterCallbacks) *RegisterCallbacks;
    __typeof__(cuptiActivityEnable) *Enable;
    __typeof__(cuptiActivityEnableRuntimeApi) *EnableRuntimeApi;
    __typeof__(cuptiActivityEnableDriverApi) *EnableDriverApi;
    __typeof__(cuptiActivityFlushAll) *FlushAll;
} C;

static void CUPTIAPI on_callback(void *ud, CUpti_CallbackDomain dom, CUpti_CallbackId cbid,
                                 const void *data)
{
    (void)ud, (void)dom, (void)cbid, (void)data;
}

static void CUPTIAPI request(uint8_t **buf, size_t *size, size_t *max)
{
    *size = 4 << 20;
    *buf = aligned_alloc(8, *size);
    *max = 0;
}

static void CUPTIAPI complete(CUcontext ctx, uint32_t stream, uint8_t *buf, size_t size,
                              size_t valid)
{
    (void)ctx, (void)stream, (void)size, (void)valid;
    free(buf);
}

static int launch_like(const char *n)
{
    if (strncmp(n, "__", 2) == 0)
        n += 2;
    return strncmp(n, "cuLaunch", 8) == 0 || strncmp(n, "cudaLaunch", 10) == 0 ||
           strncmp(n, "cuMemcpy", 8) == 0 || strncmp(n, "cudaMemcpy", 10) == 0 ||
           strncmp(n, "cuMemset", 8) == 0 || strncmp(n, "cudaMemset", 10) == 0;
}

static void at_exit(void)
{
    if (C.FlushAll)
        C.FlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
}

int InitializeInjection(void)
{
    static const CUpti_ActivityKind kinds[] = {
        CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, CUPTI_ACTIVITY_KIND_MEMCPY,
        CUPTI_ACTIVITY_KIND_MEMCPY2, CUPTI_ACTIVITY_KIND_MEMSET,
        CUPTI_ACTIVITY_KIND_SYNCHRONIZATION, CUPTI_ACTIVITY_KIND_RUNTIME,
        CUPTI_ACTIVITY_KIND_DRIVER, CUPTI_ACTIVITY_KIND_OVERHEAD,
        CUPTI_ACTIVITY_KIND_MARKER, CUPTI_ACTIVITY_KIND_MARKER_DATA,
    };
    const char *path = getenv("GPUPACK_CUPTI_PATH");
    void *h = path ? dlopen(path, RTLD_NOW | RTLD_GLOBAL) : NULL;
    CUpti_SubscriberHandle sub;

    if (!h)
        return 1;
    *(void **)&C.Subscribe = dlsym(h, "cuptiSubscribe");
    *(void **)&C.EnableCallback = dlsym(h, "cuptiEnableCallback");
    *(void **)&C.GetCallbackName = dlsym(h, "cuptiGetCallbackName");
    *(void **)&C.RegisterCallbacks = dlsym(h, "cuptiActivityRegisterCallbacks");
    *(void **)&C.Enable = dlsym(h, "cuptiActivityEnable");
    *(void **)&C.EnableRuntimeApi = dlsym(h, "cuptiActivityEnableRuntimeApi");
    *(void **)&C.EnableDriverApi = dlsym(h, "cuptiActivityEnableDriverApi");
    *(void **)&C.FlushAll = dlsym(h, "cuptiActivityFlushAll");
    if (!C.Subscribe || !C.EnableCallback || !C.GetCallbackName || !C.RegisterCallbacks ||
        !C.Enable || !C.EnableRuntimeApi || !C.EnableDriverApi || !C.FlushAll ||
        C.Subscribe(&sub, on_callback, NULL) != CUPTI_SUCCESS ||
        C.RegisterCallbacks(request, complete) != CUPTI_SUCCESS)
        return 1;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        C.Enable(kinds[i]);
    C.EnableRuntimeApi(CUPTI_RUNTIME_TRACE_CBID_cudaGetDevice_v3020, 0);
    C.EnableDriverApi(CUPTI_DRIVER_TRACE_CBID_cuCtxGetCurrent, 0);
    for (int d = 0; d < 2; d++) {
        CUpti_CallbackDomain dom = d ? CUPTI_CB_DOMAIN_RUNTIME_API : CUPTI_CB_DOMAIN_DRIVER_API;
        for (CUpti_CallbackId cbid = 1; cbid < 2048; cbid++) {
            const char *name = NULL;
            if (C.GetCallbackName(dom, cbid, &name) == CUPTI_SUCCESS && name && launch_like(name))
                C.EnableCallback(1, sub, dom, cbid);
        }
    }
    atexit(at_exit);
    return 1;
}
