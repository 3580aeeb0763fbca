/* fakecuda_ctx.c: contexts: created, primary, current per thread,
 * synchronize (refused, invalidating the capture, while a stream capture
 * forbids it: sg_capture_forbids), destroy.
 *
 * Simplification: each thread has one current context, not a stack;
 * cuCtxCreate makes the new context current and destroying the current
 * context leaves the thread with none. */
#include "config.h"

#include <stdlib.h>

#include "tests/simgpu/fakecuda_internal.h"

static __thread struct CUctx_st *current;
static struct CUctx_st *all_contexts;   /* never freed; see fakecuda_internal.h */
static struct CUctx_st *primary[SIMGPU_MAX_DEVICES];
static int primary_refs[SIMGPU_MAX_DEVICES];

int sg_ctx_live(const struct CUctx_st *ctx)
{
    return ctx && sg_handle_is(ctx, SG_CTX);
}

struct CUctx_st *sg_ctx_current_unlocked(void)
{
    return current;
}

struct CUctx_st *sg_ctx_current(CUresult *err)
{
    if (!current) {
        *err = CUDA_ERROR_INVALID_CONTEXT;
        return NULL;
    }
    if (!sg_ctx_live(current)) {
        *err = CUDA_ERROR_CONTEXT_IS_DESTROYED;
        return NULL;
    }
    *err = CUDA_SUCCESS;
    return current;
}

/* A new live context on dev (lock held), or NULL (out of memory). */
static struct CUctx_st *ctx_new(int dev, unsigned flags, int is_primary)
{
    struct CUctx_st *ctx = calloc(1, sizeof *ctx);

    if (!ctx)
        return NULL;
    if (sg_handle_add(ctx) != 0) {
        free(ctx);
        return NULL;
    }
    ctx->kind = SG_CTX;
    ctx->owner = ctx;
    ctx->id = sg_next_id();
    ctx->dev = dev;
    ctx->flags = flags;
    ctx->primary = is_primary;
    ctx->legacy.kind = SG_STREAM;
    ctx->legacy.owner = ctx;
    ctx->legacy.id = sg_next_id();
    ctx->next_all = all_contexts;
    all_contexts = ctx;
    return ctx;
}

/* Frees what ctx owns and marks it dead (lock held). */
static void ctx_teardown(struct CUctx_st *ctx)
{
    sg_ctx_free_exec(ctx);
    sg_ctx_free_streams(ctx);
    sg_ctx_free_memory(ctx);
    sg_handle_del(ctx);
    ctx->kind = SG_DEAD_CTX;
}

static CUresult ctx_create(CUcontext *pctx, unsigned flags, CUdevice dev)
{
    struct CUctx_st *ctx;
    CUresult r = sg_ready();

    if (r != CUDA_SUCCESS)
        return r;
    if (!pctx)
        return CUDA_ERROR_INVALID_VALUE;
    if (dev < 0 || dev >= sg_device_count())
        return CUDA_ERROR_INVALID_DEVICE;
    sg_lock();
    ctx = ctx_new(dev, flags, 0);
    sg_unlock();
    if (!ctx)
        return CUDA_ERROR_OUT_OF_MEMORY;
    current = ctx;
    *pctx = ctx;
    sg_resource(CUPTI_CBID_RESOURCE_CONTEXT_CREATED, ctx, NULL, NULL);
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuCtxCreate_v2(CUcontext *pctx, unsigned int flags, CUdevice dev);

CUresult CUDAAPI cuCtxCreate_v2(CUcontext *pctx, unsigned int flags, CUdevice dev)
{
    cuCtxCreate_v2_params p = { pctx, flags, dev };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuCtxCreate_v2, "cuCtxCreate_v2", &p);
    return sg_call_end(&c, ctx_create(pctx, flags, dev));
}

CUresult CUDAAPI cuCtxCreate_v4(CUcontext *pctx, CUctxCreateParams *ctxCreateParams,
                                unsigned int flags, CUdevice dev)
{
    cuCtxCreate_v4_params p = { pctx, ctxCreateParams, flags, dev };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuCtxCreate_v4, "cuCtxCreate_v4", &p);
    if (ctxCreateParams) /* execution affinity and CIG are not simulated */
        return sg_call_end(&c, CUDA_ERROR_NOT_SUPPORTED);
    return sg_call_end(&c, ctx_create(pctx, flags, dev));
}

CUresult CUDAAPI cuCtxDestroy_v2(CUcontext ctx)
{
    cuCtxDestroy_v2_params p = { ctx };
    simgpu_call c;
    CUresult r = sg_ready();

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuCtxDestroy_v2, "cuCtxDestroy_v2", &p);
    if (r != CUDA_SUCCESS)
        return sg_call_end(&c, r);
    sg_lock();
    r = sg_ctx_live(ctx) && !ctx->primary ? CUDA_SUCCESS : CUDA_ERROR_INVALID_CONTEXT;
    sg_unlock();
    if (r != CUDA_SUCCESS)
        return sg_call_end(&c, r);
    sg_resource(CUPTI_CBID_RESOURCE_CONTEXT_DESTROY_STARTING, ctx, NULL, NULL);
    sg_lock();
    if (sg_ctx_live(ctx))
        ctx_teardown(ctx);
    else
        r = CUDA_ERROR_INVALID_CONTEXT; /* destroyed meanwhile by another thread */
    sg_unlock();
    if (current == ctx)
        current = NULL;
    return sg_call_end(&c, r);
}

CUresult sg_set_current(CUcontext ctx)
{
    CUresult r = sg_ready();

    if (r == CUDA_SUCCESS && ctx) {
        sg_lock();
        if (!sg_ctx_live(ctx))
            r = CUDA_ERROR_INVALID_CONTEXT;
        sg_unlock();
    }
    if (r == CUDA_SUCCESS)
        current = ctx;
    return r;
}

CUresult CUDAAPI cuCtxSetCurrent(CUcontext ctx)
{
    cuCtxSetCurrent_params p = { ctx };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuCtxSetCurrent, "cuCtxSetCurrent", &p);
    return sg_call_end(&c, sg_set_current(ctx));
}

CUresult CUDAAPI cuCtxGetCurrent(CUcontext *pctx)
{
    cuCtxGetCurrent_params p = { pctx };
    simgpu_call c;
    CUresult r = sg_ready();

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuCtxGetCurrent, "cuCtxGetCurrent", &p);
    if (r == CUDA_SUCCESS && !pctx)
        r = CUDA_ERROR_INVALID_VALUE;
    if (r == CUDA_SUCCESS)
        *pctx = current;
    return sg_call_end(&c, r);
}

CUresult CUDAAPI cuCtxGetDevice(CUdevice *device)
{
    cuCtxGetDevice_params p = { device };
    simgpu_call c;
    struct CUctx_st *ctx;
    CUresult r = sg_ready();

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuCtxGetDevice, "cuCtxGetDevice", &p);
    if (r == CUDA_SUCCESS && !device)
        r = CUDA_ERROR_INVALID_VALUE;
    if (r == CUDA_SUCCESS) {
        sg_lock();
        ctx = sg_ctx_current(&r);
        if (ctx)
            *device = ctx->dev;
        sg_unlock();
    }
    return sg_call_end(&c, r);
}

struct CUctx_st *sg_ctx_all(void)
{
    return all_contexts;
}

CUresult sg_ctx_sync(simgpu_call *c, CUcontext want)
{
    struct CUctx_st *ctx = NULL;
    uint64_t t0 = sg_now(), target = 0;
    CUresult r = sg_ready();

    if (r != CUDA_SUCCESS)
        return r;
    sg_lock();
    if (!want)
        ctx = sg_ctx_current(&r);
    else if (sg_ctx_live(want))
        ctx = want;
    else
        r = CUDA_ERROR_INVALID_CONTEXT;
    if (ctx && sg_capture_forbids())
        r = CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    if (r == CUDA_SUCCESS)
        target = sg_ctx_idle_at(ctx);
    sg_unlock();
    if (r != CUDA_SUCCESS)
        return r;
    sg_sleep_until(target);
    sg_lock();
    sg_emit_sync(CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_CONTEXT_SYNCHRONIZE, ctx->id,
                 CUPTI_SYNCHRONIZATION_INVALID_VALUE, CUPTI_SYNCHRONIZATION_INVALID_VALUE,
                 CUPTI_SYNCHRONIZATION_INVALID_VALUE, t0, sg_now(), c->correlation_id);
    sg_unlock();
    sg_synchronized(CUPTI_CBID_SYNCHRONIZE_CONTEXT_SYNCHRONIZED, ctx, NULL);
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuCtxSynchronize(void)
{
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuCtxSynchronize, "cuCtxSynchronize", NULL);
    return sg_call_end(&c, sg_ctx_sync(&c, NULL));
}

CUresult CUDAAPI cuCtxSynchronize_v2(CUcontext ctx)
{
    cuCtxSynchronize_v2_params p = { ctx };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuCtxSynchronize_v2, "cuCtxSynchronize_v2", &p);
    return sg_call_end(&c, sg_ctx_sync(&c, ctx));
}

CUresult sg_primary_retain(CUdevice dev, CUcontext *pctx)
{
    struct CUctx_st *made = NULL;
    CUresult r = sg_ready();

    if (r == CUDA_SUCCESS && !pctx)
        r = CUDA_ERROR_INVALID_VALUE;
    if (r == CUDA_SUCCESS && (dev < 0 || dev >= sg_device_count()))
        r = CUDA_ERROR_INVALID_DEVICE;
    if (r != CUDA_SUCCESS)
        return r;
    sg_lock();
    if (!primary[dev])
        primary[dev] = made = ctx_new(dev, 0, 1);
    if (primary[dev]) {
        primary_refs[dev]++;
        *pctx = primary[dev];
    } else {
        r = CUDA_ERROR_OUT_OF_MEMORY;
    }
    sg_unlock();
    if (made)
        sg_resource(CUPTI_CBID_RESOURCE_CONTEXT_CREATED, made, NULL, NULL);
    return r;
}

CUresult CUDAAPI cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev)
{
    cuDevicePrimaryCtxRetain_params p = { pctx, dev };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuDevicePrimaryCtxRetain,
                  "cuDevicePrimaryCtxRetain", &p);
    return sg_call_end(&c, sg_primary_retain(dev, pctx));
}

/* Drops one reference; the last one destroys the primary context (a later
 * retain makes a new one, with a new id). */
static CUresult primary_release(CUdevice dev)
{
    struct CUctx_st *ctx = NULL;
    CUresult r = sg_ready();

    if (r != CUDA_SUCCESS)
        return r;
    if (dev < 0 || dev >= sg_device_count())
        return CUDA_ERROR_INVALID_DEVICE;
    sg_lock();
    if (!primary[dev] || primary_refs[dev] == 0)
        r = CUDA_ERROR_INVALID_CONTEXT;
    else if (--primary_refs[dev] == 0)
        ctx = primary[dev];
    sg_unlock();
    if (!ctx)
        return r;
    sg_resource(CUPTI_CBID_RESOURCE_CONTEXT_DESTROY_STARTING, ctx, NULL, NULL);
    sg_lock();
    if (primary[dev] == ctx && primary_refs[dev] == 0) {
        ctx_teardown(ctx);
        primary[dev] = NULL;
    }
    sg_unlock();
    if (current == ctx)
        current = NULL;
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuDevicePrimaryCtxRelease_v2(CUdevice dev)
{
    cuDevicePrimaryCtxRelease_v2_params p = { dev };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuDevicePrimaryCtxRelease_v2,
                  "cuDevicePrimaryCtxRelease_v2", &p);
    return sg_call_end(&c, primary_release(dev));
}

#undef cuDevicePrimaryCtxRelease
CUresult CUDAAPI cuDevicePrimaryCtxRelease(CUdevice dev);

CUresult CUDAAPI cuDevicePrimaryCtxRelease(CUdevice dev)
{
    cuDevicePrimaryCtxRelease_params p = { dev };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuDevicePrimaryCtxRelease,
                  "cuDevicePrimaryCtxRelease", &p);
    return sg_call_end(&c, primary_release(dev));
}

CUresult sg_query_context_ids(CUcontext ctx, uint32_t *context_id, uint32_t *device_id)
{
    CUresult r = CUDA_SUCCESS;

    sg_lock();
    if (!ctx)
        ctx = sg_ctx_current(&r);
    else if (!sg_ctx_live(ctx))
        r = CUDA_ERROR_INVALID_CONTEXT;
    if (r == CUDA_SUCCESS) {
        if (context_id)
            *context_id = ctx->id;
        if (device_id)
            *device_id = (uint32_t)ctx->dev;
    }
    sg_unlock();
    return r == CUDA_SUCCESS ? r : CUDA_ERROR_INVALID_CONTEXT;
}
