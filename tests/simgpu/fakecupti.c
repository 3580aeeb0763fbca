/* fakecupti.c: the simulated GPU's fake CUPTI: finding the fake driver,
 * the record clock, thread ids, version, result strings, object ids and
 * cuptiFinalize. A test fixture exporting the real CUPTI 13.0 names and
 * signatures (from the toolkit's headers); see simgpu.h.
 *
 * Clock: records are stamped with the callback registered through
 * cuptiActivityRegisterTimestampCallback, else with CLOCK_REALTIME, as
 * real CUPTI does on Linux. GPU times (the driver's, monotonic) are mapped
 * with a fixed offset measured when the callback is registered (a callback
 * that agrees with CLOCK_MONOTONIC gets offset 0 exactly), else when first
 * needed.
 *
 * Version: SIMGPU_CUPTI_VERSION (a CUPTI API version: 28 is 12.9 Update 1,
 * 130001 is 13.0 Update 1), else by the name this copy was loaded under
 * (a copy named libcupti.so.12 plays CUPTI 12.9 Update 1, as PyTorch's
 * cu12x wheels bring), else 13.0 Update 1. A CUPTI whose major version is
 * newer than the driver's (SIMGPU_DRIVER_VERSION, as the fake driver
 * reports it) fails to subscribe and enable with CUPTI_ERROR_UNKNOWN, as
 * with no usable driver. */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "tests/simgpu/fakecupti_internal.h"
#include "tests/simgpu/strtab.h"

static pthread_mutex_t attach_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t cupti_mu = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static const simgpu_driver *_Atomic driver;
static const simgpu_driver *(*attach_fn)(const simgpu_tracer *); /* under attach_mu */
static CUpti_TimestampCallbackFunc _Atomic ts_callback;
static _Atomic int64_t ts_offset;
static atomic_int ts_offset_set;  /* 0: measure CLOCK_REALTIME's on first use */
static atomic_int thread_id_type = CUPTI_ACTIVITY_THREAD_ID_TYPE_DEFAULT;
static sg_strtab names = SG_STRTAB_INIT;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
/* Ids cached as a real CUPTI does (no system call per record); a forked
 * child clears them. */
static _Atomic uint32_t my_pid;
static __thread uint32_t my_tid;

static void register_atfork(void);

const simgpu_driver *sc_driver(void)
{
    const simgpu_driver *d = atomic_load(&driver);
    void *h;

    if (d)
        return d;
    pthread_once(&atfork_once, register_atfork);
    pthread_mutex_lock(&attach_mu);
    d = atomic_load(&driver);
    if (!d) {
        if (!attach_fn) { /* the handle is never dlclose'd, like CUPTI's own */
            h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD);
            if (!h)
                h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
            if (h)
                *(void **)&attach_fn = dlsym(h, "simgpu_driver_attach");
        }
        if (attach_fn)
            d = attach_fn(&sc_tracer);
        atomic_store(&driver, d);
    }
    pthread_mutex_unlock(&attach_mu);
    return d;
}

void sc_lock(void)
{
    pthread_mutex_lock(&cupti_mu);
}

void sc_unlock(void)
{
    pthread_mutex_unlock(&cupti_mu);
}

uint64_t sc_mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t realtime(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t sc_now(void)
{
    CUpti_TimestampCallbackFunc f = atomic_load_explicit(&ts_callback, memory_order_acquire);

    return f ? f() : realtime();
}

/* The offset of the record clock over CLOCK_MONOTONIC: the tightest of a
 * few brackets of now() between two monotonic reads. */
static int64_t measure_offset(uint64_t (*now)(void))
{
    uint64_t best_gap = UINT64_MAX, m1b = 0, m2b = 0, cb = 0;

    for (int i = 0; i < 8; i++) {
        uint64_t m1 = sc_mono(), c = now(), m2 = sc_mono();
        if (m2 - m1 < best_gap) {
            best_gap = m2 - m1;
            m1b = m1, m2b = m2, cb = c;
        }
    }
    if (cb >= m1b && cb <= m2b)
        return 0;
    return (int64_t)(cb - (m1b + (m2b - m1b) / 2));
}

uint64_t sc_from_mono(uint64_t mono_ns)
{
    if (!atomic_load_explicit(&ts_offset_set, memory_order_acquire)) {
        int64_t off = measure_offset(realtime);
        int expect = 0;
        if (atomic_compare_exchange_strong(&ts_offset_set, &expect, 2))
            atomic_store(&ts_offset, off);
    }
    return mono_ns ? mono_ns + (uint64_t)atomic_load_explicit(&ts_offset, memory_order_relaxed) : 0;
}

uint32_t sc_version(void)
{
    static _Atomic uint32_t v;
    uint32_t x = atomic_load(&v);
    const char *env = getenv("SIMGPU_CUPTI_VERSION");
    Dl_info self;

    if (x)
        return x;
    if (env && *env) {
        x = (uint32_t)strtoul(env, NULL, 10);
    } else if (dladdr((void *)cuptiGetVersion, &self) && self.dli_fname &&
               strstr(self.dli_fname, "libcupti.so.12")) {
        x = 28; /* CUPTI 12.9 Update 1 */
    } else {
        x = CUPTI_API_VERSION;
    }
    atomic_store(&v, x);
    return x;
}

int sc_too_new_for_driver(void)
{
    const char *env = getenv("SIMGPU_DRIVER_VERSION");
    uint32_t v = sc_version();
    int driver_major = env && *env ? atoi(env) / 1000 : 13;
    int cupti_major = v >= 100000 ? (int)(v / 10000) : 12;

    return cupti_major > driver_major;
}

int sc_zero_ts_every(void)
{
    static atomic_int every = -1;
    int e = atomic_load(&every);
    uint32_t v = sc_version();
    const char *env;

    if (e >= 0)
        return atomic_load(&ts_callback) ? e : 0;
    /* CUPTI 12.6 Update 2 to 13.0 (release notes of 13.1) */
    if ((v >= 24 && v <= 28) || (v >= 130000 && v < 130100)) {
        env = getenv("SIMGPU_CUPTI_ZERO_TS_EVERY");
        e = env && *env ? atoi(env) : 4;
        if (e < 0)
            e = 0;
    } else {
        e = 0;
    }
    atomic_store(&every, e);
    return atomic_load(&ts_callback) ? e : 0;
}

uint32_t sc_thread_id(void)
{
    if (atomic_load_explicit(&thread_id_type, memory_order_relaxed) == CUPTI_ACTIVITY_THREAD_ID_TYPE_SYSTEM) {
        if (!my_tid)
            my_tid = (uint32_t)syscall(SYS_gettid);
        return my_tid;
    }
    return (uint32_t)(uintptr_t)pthread_self();
}

uint32_t sc_process_id(void)
{
    uint32_t p = atomic_load_explicit(&my_pid, memory_order_relaxed);

    if (!p) {
        pthread_once(&atfork_once, register_atfork);
        p = (uint32_t)getpid();
        atomic_store_explicit(&my_pid, p, memory_order_relaxed);
    }
    return p;
}

const char *sc_intern(const char *s)
{
    return sg_strtab_intern(&names, s);
}

static void after_fork_child(void)
{
    atomic_store(&my_pid, 0);
    my_tid = 0; /* the forking thread's; other threads do not exist here */
    pthread_mutex_init(&attach_mu, NULL);
    {
        pthread_mutexattr_t a;
        pthread_mutexattr_init(&a);
        pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
        pthread_mutex_init(&cupti_mu, &a);
        pthread_mutexattr_destroy(&a);
    }
    sg_strtab_after_fork(&names);
}

static void register_atfork(void)
{
    pthread_atfork(NULL, NULL, after_fork_child);
}

CUptiResult CUPTIAPI cuptiActivityRegisterTimestampCallback(CUpti_TimestampCallbackFunc funcTimestamp)
{
    if (!funcTimestamp)
        return CUPTI_ERROR_INVALID_PARAMETER;
    atomic_store(&ts_offset, measure_offset(funcTimestamp));
    atomic_store(&ts_offset_set, 1);
    atomic_store_explicit(&ts_callback, funcTimestamp, memory_order_release);
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiGetTimestamp(uint64_t *timestamp)
{
    if (!timestamp)
        return CUPTI_ERROR_INVALID_PARAMETER;
    *timestamp = sc_now();
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiSetThreadIdType(CUpti_ActivityThreadIdType type)
{
    if (type != CUPTI_ACTIVITY_THREAD_ID_TYPE_DEFAULT && type != CUPTI_ACTIVITY_THREAD_ID_TYPE_SYSTEM)
        return CUPTI_ERROR_NOT_SUPPORTED;
    atomic_store(&thread_id_type, (int)type);
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiGetThreadIdType(CUpti_ActivityThreadIdType *type)
{
    if (!type)
        return CUPTI_ERROR_INVALID_PARAMETER;
    *type = (CUpti_ActivityThreadIdType)atomic_load(&thread_id_type);
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiGetVersion(uint32_t *version)
{
    if (!version)
        return CUPTI_ERROR_INVALID_PARAMETER;
    *version = sc_version();
    return CUPTI_SUCCESS;
}

static const struct {
    CUptiResult code;
    const char *name;
} results[] = {
#define R(c) { c, #c }
    R(CUPTI_SUCCESS), R(CUPTI_ERROR_INVALID_PARAMETER), R(CUPTI_ERROR_INVALID_DEVICE),
    R(CUPTI_ERROR_INVALID_CONTEXT), R(CUPTI_ERROR_INVALID_EVENT_DOMAIN_ID),
    R(CUPTI_ERROR_INVALID_EVENT_ID), R(CUPTI_ERROR_INVALID_EVENT_NAME),
    R(CUPTI_ERROR_INVALID_OPERATION), R(CUPTI_ERROR_OUT_OF_MEMORY), R(CUPTI_ERROR_HARDWARE),
    R(CUPTI_ERROR_PARAMETER_SIZE_NOT_SUFFICIENT), R(CUPTI_ERROR_API_NOT_IMPLEMENTED),
    R(CUPTI_ERROR_MAX_LIMIT_REACHED), R(CUPTI_ERROR_NOT_READY), R(CUPTI_ERROR_NOT_COMPATIBLE),
    R(CUPTI_ERROR_NOT_INITIALIZED), R(CUPTI_ERROR_INVALID_METRIC_ID),
    R(CUPTI_ERROR_INVALID_METRIC_NAME), R(CUPTI_ERROR_QUEUE_EMPTY), R(CUPTI_ERROR_INVALID_HANDLE),
    R(CUPTI_ERROR_INVALID_STREAM), R(CUPTI_ERROR_INVALID_KIND), R(CUPTI_ERROR_INVALID_EVENT_VALUE),
    R(CUPTI_ERROR_DISABLED), R(CUPTI_ERROR_INVALID_MODULE), R(CUPTI_ERROR_INVALID_METRIC_VALUE),
    R(CUPTI_ERROR_HARDWARE_BUSY), R(CUPTI_ERROR_NOT_SUPPORTED),
    R(CUPTI_ERROR_UM_PROFILING_NOT_SUPPORTED), R(CUPTI_ERROR_UM_PROFILING_NOT_SUPPORTED_ON_DEVICE),
    R(CUPTI_ERROR_UM_PROFILING_NOT_SUPPORTED_ON_NON_P2P_DEVICES),
    R(CUPTI_ERROR_UM_PROFILING_NOT_SUPPORTED_WITH_MPS), R(CUPTI_ERROR_CDP_TRACING_NOT_SUPPORTED),
    R(CUPTI_ERROR_VIRTUALIZED_DEVICE_NOT_SUPPORTED), R(CUPTI_ERROR_CUDA_COMPILER_NOT_COMPATIBLE),
    R(CUPTI_ERROR_INSUFFICIENT_PRIVILEGES), R(CUPTI_ERROR_LEGACY_PROFILER_NOT_SUPPORTED),
    R(CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED),
    R(CUPTI_ERROR_VIRTUALIZED_DEVICE_INSUFFICIENT_PRIVILEGES),
    R(CUPTI_ERROR_CONFIDENTIAL_COMPUTING_NOT_SUPPORTED), R(CUPTI_ERROR_CMP_DEVICE_NOT_SUPPORTED),
    R(CUPTI_ERROR_MIG_DEVICE_NOT_SUPPORTED), R(CUPTI_ERROR_SLI_DEVICE_NOT_SUPPORTED),
    R(CUPTI_ERROR_WSL_DEVICE_NOT_SUPPORTED), R(CUPTI_ERROR_INVALID_CHIP_NAME),
    R(CUPTI_ERROR_UNKNOWN),
#undef R
};

CUptiResult CUPTIAPI cuptiGetResultString(CUptiResult result, const char **str)
{
    if (!str)
        return CUPTI_ERROR_INVALID_PARAMETER;
    for (size_t i = 0; i < sizeof results / sizeof results[0]; i++) {
        if (results[i].code == result) {
            *str = results[i].name;
            return CUPTI_SUCCESS;
        }
    }
    return CUPTI_ERROR_INVALID_PARAMETER;
}

CUptiResult CUPTIAPI cuptiGetContextId(CUcontext context, uint32_t *contextId)
{
    const simgpu_driver *d = sc_driver();

    if (!d)
        return CUPTI_ERROR_NOT_INITIALIZED;
    if (!contextId)
        return CUPTI_ERROR_INVALID_PARAMETER;
    sc_lock();
    if (!context || d->context_ids(context, contextId, NULL) != CUDA_SUCCESS) {
        sc_unlock();
        return CUPTI_ERROR_INVALID_CONTEXT;
    }
    sc_unlock();
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiGetDeviceId(CUcontext context, uint32_t *deviceId)
{
    const simgpu_driver *d = sc_driver();

    if (!d)
        return CUPTI_ERROR_NOT_INITIALIZED;
    if (!deviceId)
        return CUPTI_ERROR_INVALID_PARAMETER;
    sc_lock();
    if (d->context_ids(context, NULL, deviceId) != CUDA_SUCCESS) {
        sc_unlock();
        return CUPTI_ERROR_INVALID_DEVICE;
    }
    sc_unlock();
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiGetStreamIdEx(CUcontext context, CUstream stream, uint8_t perThreadStream,
                                        uint32_t *streamId)
{
    const simgpu_driver *d = sc_driver();

    if (!d)
        return CUPTI_ERROR_NOT_INITIALIZED;
    if (!streamId)
        return CUPTI_ERROR_INVALID_PARAMETER;
    if (perThreadStream) /* per-thread default streams are not simulated */
        return CUPTI_ERROR_INVALID_STREAM;
    sc_lock();
    if (d->stream_id(context, stream, streamId) != CUDA_SUCCESS) {
        sc_unlock();
        return CUPTI_ERROR_INVALID_STREAM;
    }
    sc_unlock();
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiGetGraphId(CUgraph graph, uint32_t *pId)
{
    const simgpu_driver *d = sc_driver();

    if (!d)
        return CUPTI_ERROR_NOT_INITIALIZED;
    if (!graph || !pId || d->graph_id(graph, pId) != CUDA_SUCCESS)
        return CUPTI_ERROR_INVALID_PARAMETER;
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiFinalize(void)
{
    sc_activity_finalize();
    sc_callback_finalize();
    pthread_mutex_lock(&attach_mu);
    if (atomic_load(&driver) && attach_fn)
        attach_fn(NULL);
    atomic_store(&driver, NULL);
    pthread_mutex_unlock(&attach_mu);
    atomic_store(&ts_callback, NULL);
    atomic_store(&ts_offset, 0);
    atomic_store(&ts_offset_set, 0);
    return CUPTI_SUCCESS;
}
