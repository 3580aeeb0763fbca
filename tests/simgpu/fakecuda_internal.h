/* fakecuda_internal.h: what the fake driver's files share (fakecuda*.c).
 *
 * One mutex (sg_lock) guards every object and the virtual timeline. Object
 * handles given to the program are pointers to the structs below; every
 * live one is in a registry (sg_handle_*), so a stale or foreign handle is
 * refused with CUDA_ERROR_INVALID_HANDLE instead of being dereferenced.
 * Contexts are never freed (a thread's current context may outlive it);
 * destroyed ones stay allocated as SG_DEAD_CTX.
 */
#ifndef GP_FAKECUDA_INTERNAL_H
#define GP_FAKECUDA_INTERNAL_H

#include <cuda.h>
#include <cupti.h> /* also the <fn>_params structs (generated_cuda_meta.h) */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/simgpu/simgpu.h"
#include "tests/simgpu/simgpu_internal.h"

/* Handle kinds, the first field of every object struct. */
typedef enum sg_kind {
    SG_CTX = 0x5c7a1, SG_DEAD_CTX, SG_STREAM, SG_EVENT, SG_MODULE, SG_FUNCTION,
    SG_GRAPH, SG_GRAPH_EXEC
} sg_kind;

/* The head of every handle struct: kind, then the owning context (a
 * context's own owner is itself). */
#define SG_OBJ_HEAD sg_kind kind; struct CUctx_st *owner

/* Copy engines per device. */
enum { SG_ENGINE_H2D, SG_ENGINE_D2H, SG_ENGINE_D2D, SG_ENGINES };

struct CUstream_st {
    SG_OBJ_HEAD;
    struct CUstream_st *next;     /* in ctx->streams */
    uint32_t id;
    unsigned flags;               /* CU_STREAM_DEFAULT or CU_STREAM_NON_BLOCKING */
    int priority;
    uint64_t busy_until;          /* mono: end of the last work queued */
    struct CUgraph_st *capture;   /* graph being captured, or NULL */
    CUstreamCaptureMode capture_mode;
    pthread_t capture_thread;     /* the thread that began the capture */
    int capture_invalid;          /* invalidated: launches fail, EndCapture gives no graph */
};

struct CUctx_st {
    SG_OBJ_HEAD;
    uint32_t id;
    int dev;
    unsigned flags;
    int primary;
    struct CUstream_st legacy;    /* the NULL stream; not in the registry */
    struct CUstream_st *streams;  /* created streams */
    struct CUctx_st *next_all;    /* every context ever made */
    size_t mem_bytes;             /* device memory allocated */
};

struct CUevent_st {
    SG_OBJ_HEAD;
    uint32_t id;
    unsigned flags;
    int recorded;
    uint64_t time;                /* mono: when the recorded work completes */
    uint64_t sync_id;             /* changes at each record */
};

struct CUfunc_st {
    SG_OBJ_HEAD;
    struct CUmod_st *mod;
    struct CUfunc_st *next;       /* in mod->funcs */
    const char *name;             /* interned: lives as long as the process */
    uint64_t duration_ns;
};

struct CUmod_st {
    SG_OBJ_HEAD;
    uint32_t id;
    size_t image_bytes;
    struct CUfunc_st *funcs;
};

typedef struct sg_node {
    const char *name;             /* interned */
    uint64_t duration_ns;
    unsigned grid[3], block[3], shmem;
    uint64_t node_id;
} sg_node;

struct CUgraph_st {
    SG_OBJ_HEAD;
    uint32_t id;
    int capturing;                /* begin..end capture */
    sg_node *nodes;
    size_t n, cap;
};

struct CUgraphExec_st {
    SG_OBJ_HEAD;
    uint32_t id;                  /* CUPTI graphId: the source graph's id */
    sg_node *nodes;
    size_t n;
};

/* --- fakecuda_core.c: lock, handles, calls, tracer, ids, strings ------- */
void sg_lock(void);
void sg_unlock(void);
/* In a child forked while other threads may have held the driver's locks:
 * makes them usable again (the child's only thread goes on alone). */
void sg_after_fork_child(void);
/* Adds/removes/looks up a live handle. add returns 0 or -1 (no memory). */
int sg_handle_add(void *obj);
void sg_handle_del(void *obj);
int sg_handle_is(const void *obj, sg_kind kind);
/* Frees (with free_fn, which must sg_handle_del) every live handle of kind
 * owned by ctx. */
void sg_handle_sweep(sg_kind kind, const struct CUctx_st *ctx, void (*free_fn)(void *obj));
uint32_t sg_next_id(void);        /* process-unique ids for CUPTI, from 1 */
uint64_t sg_next_id64(void);
/* Interns s (bounded table); returns a pointer valid for the process life.
 * Over the bound: a shared "(name table full)" string. */
const char *sg_intern(const char *s);
/* API call tracing, see simgpu_internal.h. Calls made by the tracer's own
 * code (the subscriber's callbacks) on the same thread are not traced. */
void sg_call_begin(simgpu_call *c, CUpti_CallbackId cbid, const char *name, const void *params);
void sg_call_begin_sym(simgpu_call *c, CUpti_CallbackId cbid, const char *name,
                       const void *params, const char *symbol);
CUresult sg_call_end(simgpu_call *c, CUresult result);
/* The same for a call of the fake runtime (RUNTIME_API domain); result is
 * a cudaError_t. */
void sg_call_begin_runtime(simgpu_call *c, CUpti_CallbackId cbid, const char *name,
                           const void *params, const char *symbol);
int sg_call_end_runtime(simgpu_call *c, int result);
/* Tracer access; wants/emit with the lock held. */
int sg_wants(CUpti_ActivityKind kind);
void sg_emit(const void *record, size_t size, uint64_t complete_ns);
void sg_resource(CUpti_CallbackIdResource cbid, CUcontext ctx, CUstream stream, void *desc);
void sg_synchronized(CUpti_CallbackIdSync cbid, CUcontext ctx, CUstream stream);

/* The driver's answers to the fake CUPTI (simgpu_driver), one per file. */
CUresult sg_query_context_ids(CUcontext ctx, uint32_t *context_id, uint32_t *device_id);
CUresult sg_query_stream_id(CUcontext ctx, CUstream stream, uint32_t *stream_id);
CUresult sg_query_graph_id(CUgraph graph, uint32_t *graph_id);

/* --- fakecuda.c: init and devices --------------------------------------- */
/* cuInit's work (loads CUDA_INJECTION64_PATH once). */
CUresult sg_init(unsigned flags);
/* CUDA_SUCCESS once cuInit succeeded (or while its injection runs), else
 * CUDA_ERROR_NOT_INITIALIZED or cuInit's failure. */
CUresult sg_ready(void);
int sg_device_count(void);
size_t sg_device_total_mem(int dev);

/* --- fakecuda_ctx.c: contexts -------------------------------------------- */
/* The calling thread's current context if live (lock held), else NULL with
 * *err set to CUDA_ERROR_INVALID_CONTEXT or CUDA_ERROR_CONTEXT_IS_DESTROYED. */
struct CUctx_st *sg_ctx_current(CUresult *err);
struct CUctx_st *sg_ctx_current_unlocked(void); /* as is, may be dead */
int sg_ctx_live(const struct CUctx_st *ctx);
/* Every context ever made, newest first, through next_all (lock held). */
struct CUctx_st *sg_ctx_all(void);
/* cuCtxSynchronize's work for ctx (NULL: the current context): fails with
 * CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, invalidating the captures that
 * forbid it, while sg_capture_forbids() says so. */
CUresult sg_ctx_sync(simgpu_call *c, CUcontext ctx);
CUresult sg_primary_retain(CUdevice dev, CUcontext *pctx);
CUresult sg_set_current(CUcontext ctx);

/* --- fakecuda_time.c: the virtual timeline ------------------------------- */
uint64_t sg_now(void);                    /* CLOCK_MONOTONIC ns */
void sg_sleep_until(uint64_t mono_ns);    /* returns at or after it */
/* Earliest time work may start on s at or after t: its own work, and the
 * legacy-stream rule (the NULL stream waits for every blocking stream of
 * its context; blocking streams wait for the NULL stream). Lock held. */
uint64_t sg_stream_ready(const struct CUstream_st *s, uint64_t t);
/* When all work queued in ctx completes. Lock held. */
uint64_t sg_ctx_idle_at(const struct CUctx_st *ctx);
/* Places compute work (kernel, memset) of dur ns over blocks thread blocks
 * on device dev, starting no earlier than t; under SIMGPU_SHARED applies
 * the sharing between processes (fakecuda_share.h), which may start it
 * later and stretch it. Returns the start and sets *end. Lock held. */
uint64_t sg_compute_place(int dev, uint64_t t, uint64_t dur, uint64_t blocks, uint64_t *end);
/* Places a copy on an engine; returns the start. Lock held. */
uint64_t sg_engine_place(int dev, int engine, uint64_t t, uint64_t dur);

/* --- fakecuda_stream.c ---------------------------------------------------- */
/* Resolves a stream handle (NULL/CU_STREAM_LEGACY: the current context's
 * legacy stream). Lock held. CUDA_SUCCESS, CUDA_ERROR_INVALID_CONTEXT,
 * CUDA_ERROR_CONTEXT_IS_DESTROYED, CUDA_ERROR_INVALID_HANDLE or
 * CUDA_ERROR_NOT_SUPPORTED (CU_STREAM_PER_THREAD). */
CUresult sg_stream_get(CUstream h, struct CUstream_st **out);
CUresult sg_stream_create(CUstream *ph, unsigned flags, int priority);
CUresult sg_stream_destroy(CUstream h);
/* cuStreamSynchronize's work. */
CUresult sg_stream_sync(simgpu_call *c, CUstream h);
CUresult sg_stream_is_capturing(CUstream h, CUstreamCaptureStatus *status);
/* Frees every stream and event of ctx (lock held). */
void sg_ctx_free_streams(struct CUctx_st *ctx);
/* Emits a CUpti_ActivitySynchronization2 if wanted (lock held); t0..t1 are
 * the host wait in mono. */
void sg_emit_sync(CUpti_ActivitySynchronizationType type, uint32_t ctx_id, uint32_t stream_id,
                  uint32_t event_id, uint64_t sync_id, uint64_t t0, uint64_t t1,
                  uint32_t correlation_id);

/* --- fakecuda_exec.c ------------------------------------------------------ */
/* Frees ctx's modules, functions, graphs and executable graphs (lock held). */
void sg_ctx_free_exec(struct CUctx_st *ctx);
/* Whether an ongoing stream capture forbids a potentially unsafe call (a
 * context synchronize) on the calling thread: one this thread began in a
 * mode other than CU_STREAM_CAPTURE_MODE_RELAXED, or one any thread began
 * in CU_STREAM_CAPTURE_MODE_GLOBAL (cuda.h, cuThreadExchangeStreamCaptureMode;
 * every thread is in the default GLOBAL mode here). If so, invalidates
 * those captures and returns 1. Lock held. */
int sg_capture_forbids(void);
/* Ends s's capture without a graph (stream destroyed). Lock held. */
void sg_capture_drop(struct CUstream_st *s);
CUresult sg_module_load(CUmodule *module, const void *image);
CUresult sg_module_function(CUfunction *hfunc, CUmodule hmod, const char *name);
const char *sg_function_name(CUfunction f);
CUresult sg_launch(simgpu_call *c, CUfunction f, const unsigned grid[3], const unsigned block[3],
                   unsigned shmem, CUstream h);
CUresult sg_begin_capture(CUstream h, CUstreamCaptureMode mode);
CUresult sg_end_capture(CUstream h, CUgraph *phGraph);
CUresult sg_graph_instantiate(CUgraphExec *phGraphExec, CUgraph hGraph);
CUresult sg_graph_launch(simgpu_call *c, CUgraphExec hGraphExec, CUstream h);
CUresult sg_graph_destroy(CUgraph hGraph);
CUresult sg_graph_exec_destroy(CUgraphExec hGraphExec);

/* --- fakecuda_mem.c ------------------------------------------------------- */
/* Frees ctx's device memory (lock held). */
void sg_ctx_free_memory(struct CUctx_st *ctx);
/* A copy or memset (see the file's rules); kind is a CUpti_ActivityMemcpyKind
 * (HTOD, DTOH, DTOD), elem 1 or 4 bytes. */
CUresult sg_copy(simgpu_call *c, CUpti_ActivityMemcpyKind kind, void *dst, const void *src,
                 size_t n, CUstream h, int async);
CUresult sg_fill(simgpu_call *c, CUdeviceptr d, uint32_t value, size_t elem, size_t count,
                 CUstream h, int async);
/* Allocation for the current context: device memory, or pinned host memory. */
CUresult sg_mem_alloc(void **out, size_t bytes, int pinned_host);
CUresult sg_mem_free(void *p, int pinned_host);
/* 1 if [p, p+bytes) is device memory. Takes the lock. */
int sg_mem_is_device(const void *p, size_t bytes);

#endif
