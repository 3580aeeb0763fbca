/* fakecupti_callback.c: the fake CUPTI's callback API and its tracer (the
 * calls the fake driver makes at each API call, simgpu_internal.h).
 *
 * One subscriber per process, as in CUPTI 13.0: a second cuptiSubscribe(_v2)
 * fails with CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED and _v2 writes
 * the first subscriber's name ("CUPTI for <name>") to oldSubscriberName.
 * Callbacks: DRIVER_API and RUNTIME_API (ENTER and EXIT with a
 * CUpti_CallbackData whose functionParams is the call's real
 * <function>_params struct from generated_cuda_meta.h or
 * generated_cuda_runtime_api_meta.h, NULL for functions without
 * parameters; functionReturnValue points to the CUresult or cudaError_t,
 * set at EXIT), RESOURCE (CU_INIT_FINISHED, CONTEXT_CREATED,
 * CONTEXT_DESTROY_STARTING, STREAM_CREATED, STREAM_DESTROY_STARTING,
 * MODULE_LOADED, MODULE_UNLOAD_STARTING; no graph resources), SYNCHRONIZE
 * (stream and context) and NVTX. STATE callbacks can be enabled but never
 * come. The runtime's calls into the driver are not driver API calls here
 * (no DRIVER_API callback, no DRIVER record), as with the real pair. Calls
 * the subscriber makes from inside a callback are neither called back nor
 * recorded. cuptiGetCallbackName knows the functions of the fake driver
 * ("cuLaunchKernel") and of the fake runtime, by CUPTI's versioned names
 * ("cudaLaunchKernel_v7000"). */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/simgpu/fakecupti_internal.h"

struct CUpti_Subscriber_st {
    CUpti_CallbackFunc fn;
    void *userdata;
    char name[64];
};

static pthread_mutex_t sub_mu = PTHREAD_MUTEX_INITIALIZER;
static struct CUpti_Subscriber_st the_subscriber;
static struct CUpti_Subscriber_st *_Atomic subscriber;
static atomic_uint next_correlation = 1;
static atomic_uchar on_driver[CUPTI_DRIVER_TRACE_CBID_SIZE];
static atomic_uchar on_runtime[CUPTI_RUNTIME_TRACE_CBID_SIZE];
static atomic_uchar on_resource[CUPTI_CBID_RESOURCE_SIZE];
static atomic_uchar on_sync[CUPTI_CBID_SYNCHRONIZE_SIZE];
static atomic_uchar on_nvtx[CUPTI_CBID_NVTX_SIZE];

/* The functions the fake driver exports, by callback id. */
static const struct {
    CUpti_CallbackId cbid;
    const char *name;
} driver_names[] = {
#define F(fn) { CUPTI_DRIVER_TRACE_CBID_##fn, #fn }
    F(cuInit), F(cuDriverGetVersion), F(cuDeviceGet), F(cuDeviceGetCount), F(cuDeviceGetName),
    F(cuDeviceGetAttribute), F(cuDeviceTotalMem_v2), F(cuDeviceGetPCIBusId), F(cuDeviceGetUuid),
    F(cuDeviceGetUuid_v2), F(cuGetErrorString), F(cuGetErrorName), F(cuCtxCreate_v2),
    F(cuCtxCreate_v4), F(cuCtxDestroy_v2), F(cuCtxSetCurrent), F(cuCtxGetCurrent),
    F(cuCtxGetDevice), F(cuCtxSynchronize), F(cuDevicePrimaryCtxRetain),
    F(cuDevicePrimaryCtxRelease), F(cuDevicePrimaryCtxRelease_v2), F(cuStreamCreate),
    F(cuStreamCreateWithPriority), F(cuStreamDestroy_v2), F(cuStreamSynchronize),
    F(cuStreamQuery), F(cuStreamWaitEvent), F(cuStreamGetPriority), F(cuStreamGetFlags),
    F(cuEventCreate), F(cuEventRecord), F(cuEventQuery), F(cuEventSynchronize),
    F(cuEventDestroy_v2), F(cuEventElapsedTime), F(cuEventElapsedTime_v2), F(cuMemAlloc_v2),
    F(cuMemFree_v2), F(cuMemAllocHost_v2), F(cuMemFreeHost), F(cuMemcpyHtoD_v2),
    F(cuMemcpyDtoH_v2), F(cuMemcpyDtoD_v2), F(cuMemcpyHtoDAsync_v2), F(cuMemcpyDtoHAsync_v2),
    F(cuMemcpyDtoDAsync_v2), F(cuMemsetD8_v2), F(cuMemsetD32_v2), F(cuMemsetD8Async),
    F(cuMemsetD32Async), F(cuModuleLoadData), F(cuModuleUnload), F(cuModuleGetFunction),
    F(cuLaunchKernel), F(cuStreamBeginCapture_v2), F(cuStreamEndCapture),
    F(cuGraphInstantiateWithFlags), F(cuGraphLaunch), F(cuGraphDestroy), F(cuGraphExecDestroy),
    F(cuCtxSynchronize_v2), F(cuStreamIsCapturing),
#undef F
};

/* The functions the fake runtime exports (fakecudart*.c), by callback id;
 * the name is CUPTI's enum name without its prefix. */
static const struct {
    CUpti_CallbackId cbid;
    const char *name;
} runtime_names[] = {
#define F(fn) { CUPTI_RUNTIME_TRACE_CBID_##fn, #fn }
    F(cudaGetDeviceCount_v3020), F(cudaGetDevice_v3020), F(cudaSetDevice_v3020),
    F(cudaGetLastError_v3020), F(cudaGetErrorString_v3020), F(cudaGetErrorName_v6050),
    F(cudaDeviceSynchronize_v3020), F(cudaMalloc_v3020), F(cudaFree_v3020),
    F(cudaMallocHost_v3020), F(cudaFreeHost_v3020), F(cudaMemcpy_v3020),
    F(cudaMemcpyAsync_v3020), F(cudaMemset_v3020), F(cudaMemsetAsync_v3020),
    F(cudaStreamCreateWithFlags_v5000), F(cudaStreamDestroy_v5050),
    F(cudaStreamSynchronize_v3020), F(cudaStreamIsCapturing_v10000),
    F(cudaStreamBeginCapture_v10000), F(cudaStreamEndCapture_v10000),
    F(cudaGraphInstantiate_v12000), F(cudaGraphLaunch_v10000), F(cudaGraphDestroy_v10000),
    F(cudaGraphExecDestroy_v10000), F(cudaLaunchKernel_v7000), F(cudaLaunchKernelExC_v11060),
    F(cudaGetFuncBySymbol_v11000), F(__cudaGetKernel_v13000), F(__cudaLaunchKernel_v13000),
#undef F
};

CUptiResult CUPTIAPI cuptiGetCallbackName(CUpti_CallbackDomain domain, uint32_t cbid,
                                          const char **name)
{
    int rt = domain == CUPTI_CB_DOMAIN_RUNTIME_API;
    size_t n = rt ? sizeof runtime_names / sizeof runtime_names[0]
                  : sizeof driver_names / sizeof driver_names[0];

    if (!name || (domain != CUPTI_CB_DOMAIN_DRIVER_API && !rt))
        return CUPTI_ERROR_INVALID_PARAMETER;
    if (cbid == 0) { /* CUPTI_{DRIVER,RUNTIME}_TRACE_CBID_INVALID */
        *name = "INVALID"; /* as real CUPTI */
        return CUPTI_SUCCESS;
    }
    for (size_t i = 0; i < n; i++) {
        if ((rt ? runtime_names[i].cbid : driver_names[i].cbid) == cbid) {
            *name = rt ? runtime_names[i].name : driver_names[i].name;
            return CUPTI_SUCCESS;
        }
    }
    return CUPTI_ERROR_INVALID_PARAMETER;
}

/* The enable table of domain (and its size), or NULL for a domain that
 * exists but never calls back here (STATE). *valid is set to 0 for
 * domains that do not exist. */
static atomic_uchar *domain_table(CUpti_CallbackDomain domain, size_t *n, int *valid)
{
    *valid = 1;
    switch (domain) {
    case CUPTI_CB_DOMAIN_DRIVER_API: *n = CUPTI_DRIVER_TRACE_CBID_SIZE; return on_driver;
    case CUPTI_CB_DOMAIN_RESOURCE: *n = CUPTI_CBID_RESOURCE_SIZE; return on_resource;
    case CUPTI_CB_DOMAIN_SYNCHRONIZE: *n = CUPTI_CBID_SYNCHRONIZE_SIZE; return on_sync;
    case CUPTI_CB_DOMAIN_NVTX: *n = CUPTI_CBID_NVTX_SIZE; return on_nvtx;
    case CUPTI_CB_DOMAIN_RUNTIME_API: *n = CUPTI_RUNTIME_TRACE_CBID_SIZE; return on_runtime;
    case CUPTI_CB_DOMAIN_STATE: *n = CUPTI_CBID_STATE_SIZE; return NULL;
    default: *n = 0; *valid = 0; return NULL;
    }
}

static void clear_all(void)
{
    static const CUpti_CallbackDomain d[] = {
        CUPTI_CB_DOMAIN_DRIVER_API, CUPTI_CB_DOMAIN_RUNTIME_API, CUPTI_CB_DOMAIN_RESOURCE,
        CUPTI_CB_DOMAIN_SYNCHRONIZE, CUPTI_CB_DOMAIN_NVTX
    };
    for (size_t k = 0; k < sizeof d / sizeof d[0]; k++) {
        size_t n;
        int valid;
        atomic_uchar *t = domain_table(d[k], &n, &valid);
        for (size_t i = 0; i < n; i++)
            atomic_store_explicit(&t[i], 0, memory_order_relaxed);
    }
}

static CUptiResult subscribe(CUpti_SubscriberHandle *out, CUpti_CallbackFunc fn, void *userdata,
                             const char *name, char *old_name, size_t old_size)
{
    CUptiResult r = CUPTI_SUCCESS;

    if (!out)
        return CUPTI_ERROR_INVALID_PARAMETER;
    if (!sc_driver() || sc_too_new_for_driver())
        return CUPTI_ERROR_UNKNOWN;
    pthread_mutex_lock(&sub_mu);
    if (atomic_load(&subscriber)) {
        if (old_name && old_size)
            snprintf(old_name, old_size, "%s", the_subscriber.name);
        r = CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED;
    } else {
        clear_all();
        the_subscriber.fn = fn;
        the_subscriber.userdata = userdata;
        snprintf(the_subscriber.name, sizeof the_subscriber.name, "CUPTI for %.*s",
                 CUPTI_SUBSCRIBER_NAME_MAX_LEN, name ? name : "(unnamed)");
        atomic_store(&subscriber, &the_subscriber);
        *out = &the_subscriber;
    }
    pthread_mutex_unlock(&sub_mu);
    return r;
}

CUptiResult CUPTIAPI cuptiSubscribe(CUpti_SubscriberHandle *subscriber_out, CUpti_CallbackFunc callback,
                                    void *userdata)
{
    return subscribe(subscriber_out, callback, userdata, NULL, NULL, 0);
}

CUptiResult CUPTIAPI cuptiSubscribe_v2(CUpti_SubscriberHandle *subscriber_out, CUpti_CallbackFunc callback,
                                       void *userdata, CUpti_SubscriberParams *pParams)
{
    if (!pParams)
        return subscribe(subscriber_out, callback, userdata, NULL, NULL, 0);
    if (pParams->structSize < CUpti_SubscriberParams_STRUCT_SIZE)
        return CUPTI_ERROR_INVALID_PARAMETER;
    return subscribe(subscriber_out, callback, userdata, pParams->subscriberName,
                     pParams->oldSubscriberName, pParams->oldSubscriberSize);
}

/* Nonzero if sub is the live subscriber. */
static int is_subscriber(CUpti_SubscriberHandle sub)
{
    return sub && sub == atomic_load(&subscriber);
}

CUptiResult CUPTIAPI cuptiUnsubscribe(CUpti_SubscriberHandle sub)
{
    CUptiResult r = CUPTI_SUCCESS;

    pthread_mutex_lock(&sub_mu);
    if (is_subscriber(sub)) {
        clear_all();
        atomic_store(&subscriber, NULL);
    } else {
        r = CUPTI_ERROR_INVALID_PARAMETER;
    }
    pthread_mutex_unlock(&sub_mu);
    return r;
}

CUptiResult CUPTIAPI cuptiEnableCallback(uint32_t enable, CUpti_SubscriberHandle sub,
                                         CUpti_CallbackDomain domain, CUpti_CallbackId cbid)
{
    size_t n;
    int valid;
    atomic_uchar *t = domain_table(domain, &n, &valid);

    if (!is_subscriber(sub) || !valid || cbid == 0 || cbid >= n)
        return CUPTI_ERROR_INVALID_PARAMETER;
    if (t)
        atomic_store(&t[cbid], enable ? 1 : 0);
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiEnableDomain(uint32_t enable, CUpti_SubscriberHandle sub,
                                       CUpti_CallbackDomain domain)
{
    size_t n;
    int valid;
    atomic_uchar *t = domain_table(domain, &n, &valid);

    if (!is_subscriber(sub) || !valid)
        return CUPTI_ERROR_INVALID_PARAMETER;
    for (size_t i = 1; t && i < n; i++)
        atomic_store_explicit(&t[i], enable ? 1 : 0, memory_order_relaxed);
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiEnableAllDomains(uint32_t enable, CUpti_SubscriberHandle sub)
{
    for (int d = CUPTI_CB_DOMAIN_DRIVER_API; d < CUPTI_CB_DOMAIN_SIZE; d++) {
        CUptiResult r = cuptiEnableDomain(enable, sub, (CUpti_CallbackDomain)d);
        if (r != CUPTI_SUCCESS)
            return r;
    }
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiGetCallbackState(uint32_t *enable, CUpti_SubscriberHandle sub,
                                           CUpti_CallbackDomain domain, CUpti_CallbackId cbid)
{
    size_t n;
    int valid;
    atomic_uchar *t = domain_table(domain, &n, &valid);

    if (!enable || !is_subscriber(sub) || !valid || cbid == 0 || cbid >= n)
        return CUPTI_ERROR_INVALID_PARAMETER;
    *enable = t ? atomic_load(&t[cbid]) : 0;
    return CUPTI_SUCCESS;
}

/* The subscriber if it enabled cbid in table t (of n), else NULL. */
static struct CUpti_Subscriber_st *wanted(atomic_uchar *t, size_t n, CUpti_CallbackId cbid)
{
    struct CUpti_Subscriber_st *s = atomic_load_explicit(&subscriber, memory_order_acquire);

    if (!s || cbid >= n || !atomic_load_explicit(&t[cbid], memory_order_relaxed))
        return NULL;
    return s;
}

/* The subscriber's callback for a driver or runtime call at site. */
static void call_api_cb(simgpu_call *c, CUpti_ApiCallbackSite site)
{
    int rt = c->domain == CUPTI_CB_DOMAIN_RUNTIME_API;
    struct CUpti_Subscriber_st *s =
        rt ? wanted(on_runtime, CUPTI_RUNTIME_TRACE_CBID_SIZE, c->cbid)
           : wanted(on_driver, CUPTI_DRIVER_TRACE_CBID_SIZE, c->cbid);
    CUpti_CallbackData d;

    if (!s || !s->fn)
        return;
    d.callbackSite = site;
    d.functionName = c->name;
    d.functionParams = c->params;
    d.functionReturnValue = &c->result;
    d.symbolName = c->symbol;
    d.context = c->ctx;
    d.contextUid = c->ctx_uid;
    d.correlationData = &c->correlation_data;
    d.correlationId = c->correlation_id;
    s->fn(s->userdata, rt ? CUPTI_CB_DOMAIN_RUNTIME_API : CUPTI_CB_DOMAIN_DRIVER_API, c->cbid, &d);
}

static void api_enter(simgpu_call *c)
{
    c->correlation_id = atomic_fetch_add(&next_correlation, 1);
    call_api_cb(c, CUPTI_API_ENTER);
    c->start_ts = sc_now(); /* after the ENTER callback: the API's own time */
}

static void api_exit(simgpu_call *c)
{
    uint64_t end = sc_now(); /* before the EXIT callback */
    int rt = c->domain == CUPTI_CB_DOMAIN_RUNTIME_API;

    if (rt ? sc_runtime_api_on(c->cbid) : sc_driver_api_on(c->cbid)) {
        CUpti_ActivityAPI a;
        memset(&a, 0, sizeof a);
        a.kind = rt ? CUPTI_ACTIVITY_KIND_RUNTIME : CUPTI_ACTIVITY_KIND_DRIVER;
        a.cbid = c->cbid;
        a.start = c->start_ts;
        a.end = end;
        a.processId = sc_process_id();
        a.threadId = sc_thread_id();
        a.correlationId = c->correlation_id;
        a.returnValue = (uint32_t)c->result;
        sc_queue(&a, sizeof a, 0);
    }
    call_api_cb(c, CUPTI_API_EXIT);
}

static void resource(CUpti_CallbackIdResource cbid, CUcontext ctx, CUstream stream, void *descriptor)
{
    struct CUpti_Subscriber_st *s = wanted(on_resource, CUPTI_CBID_RESOURCE_SIZE, cbid);
    CUpti_ResourceData d;

    if (!s || !s->fn)
        return;
    d.context = ctx;
    d.resourceHandle.stream = stream;
    d.resourceDescriptor = descriptor;
    sc_lock(); /* held around the client's callback, as CUPTI holds its own */
    s->fn(s->userdata, CUPTI_CB_DOMAIN_RESOURCE, cbid, &d);
    sc_unlock();
}

static void synchronized(CUpti_CallbackIdSync cbid, CUcontext ctx, CUstream stream)
{
    struct CUpti_Subscriber_st *s = wanted(on_sync, CUPTI_CBID_SYNCHRONIZE_SIZE, cbid);
    CUpti_SynchronizeData d;

    if (!s || !s->fn)
        return;
    d.context = ctx;
    d.stream = stream;
    s->fn(s->userdata, CUPTI_CB_DOMAIN_SYNCHRONIZE, cbid, &d);
}

void sc_nvtx_callback(CUpti_CallbackId cbid, const char *name, const void *params)
{
    struct CUpti_Subscriber_st *s = wanted(on_nvtx, CUPTI_CBID_NVTX_SIZE, cbid);
    CUpti_NvtxData d;

    if (!s || !s->fn)
        return;
    d.functionName = name;
    d.functionParams = params;
    d.functionReturnValue = NULL;
    s->fn(s->userdata, CUPTI_CB_DOMAIN_NVTX, cbid, &d);
}

void sc_callback_finalize(void)
{
    pthread_mutex_lock(&sub_mu);
    clear_all();
    atomic_store(&subscriber, NULL);
    pthread_mutex_unlock(&sub_mu);
}

const simgpu_tracer sc_tracer = {
    SIMGPU_ABI_VERSION,
    api_enter,
    api_exit,
    resource,
    synchronized,
    sc_tracer_wants,
    sc_tracer_emit,
};
