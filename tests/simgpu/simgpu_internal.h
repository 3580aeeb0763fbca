/* simgpu_internal.h: the contract between the simulated GPU's fake driver
 * (libcuda.so.1, fakecuda*.c) and its fake CUPTI (fakecupti*.c). Nothing
 * outside tests/simgpu/ includes this.
 *
 * The two are separate shared objects in one process, as the real driver
 * and libcupti are. The fake CUPTI does not link the driver: the first time
 * a client asks it for something that needs the driver (subscribe, enable
 * an activity kind), it takes the libcuda.so.1 already loaded
 * (dlopen RTLD_NOLOAD, else a plain dlopen as real CUPTI does) and calls
 * that library's one internal export, simgpu_driver_attach(), handing over
 * its tracer and receiving the driver's queries. A real libcuda.so.1 has no
 * such symbol; the fake CUPTI then fails the way real CUPTI does without a
 * driver (CUPTI_ERROR_UNKNOWN).
 *
 * Usage, for one driver API call (the driver side):
 *
 *     cuLaunchKernel_params p = { f, gx, ... };   // generated_cuda_meta.h
 *     simgpu_call c;
 *     sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, "cuLaunchKernel", &p);
 *         -> tracer->api_enter(&c): sets correlation_id, calls the subscriber
 *     ... GPU records carry c.correlation_id, through tracer->emit() ...
 *     return sg_call_end(&c, result);
 *         -> tracer->api_exit(&c): the subscriber at EXIT, the API record
 *
 * The fake runtime (libcudart.so.13, fakecudart*.c) reaches the driver by
 * a second export, simgpu_runtime_entries(): the driver's work without a
 * DRIVER_API callback or DRIVER record, as the real runtime calls the
 * driver through internal entry points. A runtime API call is traced by
 * the same tracer, in the RUNTIME_API domain, and the GPU records of the
 * work it issues carry its correlation id:
 *
 *     cudaLaunchKernel_v7000_params p = { func, grid, ... };
 *     simgpu_call c;
 *     rt->call_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000,
 *                    "cudaLaunchKernel", &p, kernel_name);
 *     r = rt->launch(&c, f, grid, block, shmem, stream);  // no driver callback
 *     rt->call_end(&c, cuda_error);
 *
 * Clocks: the driver's times are CLOCK_MONOTONIC ns ("mono"); emit() takes
 * records stamped in mono and the tracer maps them onto its record clock.
 *
 * Locks: the driver calls api_enter, api_exit, resource and synchronized
 * with no driver lock held (they run the client's subscriber, which may
 * call the driver). It calls wants() and emit() with its lock held: those
 * only touch the tracer's record queue (a leaf lock) and never call out.
 */
#ifndef GP_SIMGPU_INTERNAL_H
#define GP_SIMGPU_INTERNAL_H

#include <cuda.h>
#include <cupti.h>
#include <stddef.h>
#include <stdint.h>

#define SIMGPU_ABI_VERSION 2

/* One driver or runtime API call in flight, on the calling thread's stack. */
typedef struct simgpu_call {
    /* Set by the driver before api_enter. */
    CUpti_CallbackDomain domain;  /* CUPTI_CB_DOMAIN_DRIVER_API or _RUNTIME_API */
    CUpti_CallbackId cbid;        /* CUPTI_DRIVER_TRACE_CBID_* or CUPTI_RUNTIME_TRACE_CBID_* */
    const char *name;             /* "cuLaunchKernel", "cudaLaunchKernel": the exported symbol */
    const void *params;           /* the <name>_params struct; NULL if none */
    const char *symbol;           /* kernel name for launches, else NULL */
    CUcontext ctx;                /* current context at entry (may be NULL) */
    uint32_t ctx_uid;             /* its id, 0 if none */
    CUresult result;              /* set before api_exit; a cudaError_t for runtime calls */
    /* Set by the tracer in api_enter. */
    uint32_t correlation_id;      /* 0: the call is not traced */
    uint64_t correlation_data;    /* the subscriber's slot, ENTER to EXIT */
    uint64_t start_ts;            /* record clock at entry */
    /* Private to sg_call_begin/end. */
    const void *tracer;
} simgpu_call;

typedef struct simgpu_tracer {
    int abi_version;              /* SIMGPU_ABI_VERSION */
    /* API entry and exit (see usage above). */
    void (*api_enter)(simgpu_call *call);
    void (*api_exit)(simgpu_call *call);
    /* RESOURCE domain: descriptor is NULL or CUpti_ModuleResourceData. */
    void (*resource)(CUpti_CallbackIdResource cbid, CUcontext ctx, CUstream stream,
                     void *descriptor);
    /* SYNCHRONIZE domain, after a stream or context synchronize. */
    void (*synchronized)(CUpti_CallbackIdSync cbid, CUcontext ctx, CUstream stream);
    /* Nonzero if records of kind are wanted (CONCURRENT_KERNEL stands for
     * both kernel kinds). Cheap; called with the driver lock held. */
    int (*wants)(CUpti_ActivityKind kind);
    /* Queues a copy of record (size bytes, times in mono), complete once
     * mono time passes complete_ns. Called with the driver lock held. */
    void (*emit)(const CUpti_Activity *record, size_t size, uint64_t complete_ns);
} simgpu_tracer;

typedef struct simgpu_driver {
    int abi_version;              /* SIMGPU_ABI_VERSION */
    /* ctx NULL: the calling thread's current context. Return
     * CUDA_ERROR_INVALID_CONTEXT when there is none or it is not live. */
    CUresult (*context_ids)(CUcontext ctx, uint32_t *context_id, uint32_t *device_id);
    /* stream NULL or CU_STREAM_LEGACY: the legacy default stream of ctx (or
     * of the current context). CUDA_ERROR_INVALID_HANDLE if stream is not
     * live or ctx is given and does not own it. */
    CUresult (*stream_id)(CUcontext ctx, CUstream stream, uint32_t *stream_id);
    CUresult (*graph_id)(CUgraph graph, uint32_t *graph_id);
    uint64_t (*now_ns)(void);     /* mono */
} simgpu_driver;

/* The driver's work for the fake runtime, reached without driver-domain
 * tracing. Functions taking a simgpu_call do GPU work (or a host wait)
 * whose records carry c->correlation_id (c begun with call_begin); the
 * others are bookkeeping. All return the CUresult the driver function of
 * the same name would. Thread-safe; the current context is the calling
 * thread's, as for the driver API. */
typedef struct simgpu_runtime {
    int abi_version;              /* SIMGPU_ABI_VERSION */
    /* A runtime API call: ENTER callback (symbol: kernel name or NULL). */
    void (*call_begin)(simgpu_call *c, CUpti_CallbackId cbid, const char *name,
                       const void *params, const char *symbol);
    /* EXIT callback and RUNTIME record; returns result (a cudaError_t). */
    int (*call_end)(simgpu_call *c, int result);
    CUresult (*init)(void);                                   /* cuInit(0) */
    CUresult (*device_count)(int *count);
    CUresult (*primary_retain)(CUdevice dev, CUcontext *ctx); /* cuDevicePrimaryCtxRetain */
    CUresult (*set_current)(CUcontext ctx);
    CUresult (*get_current)(CUcontext *ctx);
    CUresult (*ctx_synchronize)(simgpu_call *c);              /* current context */
    CUresult (*module_load)(CUmodule *mod, const void *image);
    CUresult (*module_function)(CUfunction *f, CUmodule mod, const char *name);
    const char *(*function_name)(CUfunction f);               /* NULL if not live */
    CUresult (*launch)(simgpu_call *c, CUfunction f, const unsigned grid[3],
                       const unsigned block[3], unsigned shmem_bytes, CUstream stream);
    /* kind: CUPTI_ACTIVITY_MEMCPY_KIND_HTOD, _DTOH or _DTOD. */
    CUresult (*copy)(simgpu_call *c, int kind, void *dst, const void *src, size_t bytes,
                     CUstream stream, int async);
    CUresult (*fill)(simgpu_call *c, void *dst, unsigned char value, size_t bytes,
                     CUstream stream, int async);
    int (*is_device_memory)(const void *p, size_t bytes);
    CUresult (*mem_alloc)(void **p, size_t bytes, int pinned_host);
    CUresult (*mem_free)(void *p, int pinned_host);
    CUresult (*stream_create)(CUstream *s, unsigned flags, int priority);
    CUresult (*stream_destroy)(CUstream s);
    CUresult (*stream_synchronize)(simgpu_call *c, CUstream s);
    CUresult (*stream_is_capturing)(CUstream s, CUstreamCaptureStatus *status);
    CUresult (*begin_capture)(CUstream s, CUstreamCaptureMode mode);
    CUresult (*end_capture)(CUstream s, CUgraph *graph);
    CUresult (*graph_instantiate)(CUgraphExec *exec, CUgraph graph);
    CUresult (*graph_launch)(simgpu_call *c, CUgraphExec exec, CUstream s);
    CUresult (*graph_destroy)(CUgraph graph);
    CUresult (*graph_exec_destroy)(CUgraphExec exec);
} simgpu_runtime;

/* Exported by the fake driver for the fake runtime: its entries, or NULL if
 * abi_version is not the driver's. */
const simgpu_runtime *simgpu_runtime_entries(int abi_version);

/* Exported by the fake driver. Installs tracer (NULL detaches) and returns
 * the driver's queries. Thread-safe; calls in flight may still use the
 * previous tracer, whose code stays loaded. */
const simgpu_driver *simgpu_driver_attach(const simgpu_tracer *tracer);

#endif
