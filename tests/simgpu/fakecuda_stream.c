/* fakecuda_stream.c: streams, events and the host waits on them.
 *
 * Rules (see simgpu.h): work on a stream runs in order; the legacy NULL
 * stream waits for every blocking stream of its context and they wait for
 * it (CU_STREAM_NON_BLOCKING streams do neither). An event records when the
 * work queued before it on its stream completes; cuStreamWaitEvent makes
 * later work on a stream start no earlier than that. cuStreamSynchronize of
 * the NULL stream waits for the NULL stream and every blocking stream.
 * CU_STREAM_PER_THREAD is not simulated (CUDA_ERROR_NOT_SUPPORTED). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tests/simgpu/fakecuda_internal.h"

CUresult sg_stream_get(CUstream h, struct CUstream_st **out)
{
    struct CUctx_st *ctx;
    CUresult r;

    if (!h || h == CU_STREAM_LEGACY) {
        ctx = sg_ctx_current(&r);
        if (!ctx)
            return r;
        *out = &ctx->legacy;
        return CUDA_SUCCESS;
    }
    if (h == CU_STREAM_PER_THREAD)
        return CUDA_ERROR_NOT_SUPPORTED;
    if (!sg_handle_is(h, SG_STREAM))
        return CUDA_ERROR_INVALID_HANDLE;
    *out = h;
    return CUDA_SUCCESS;
}

void sg_emit_sync(CUpti_ActivitySynchronizationType type, uint32_t ctx_id, uint32_t stream_id,
                  uint32_t event_id, uint64_t sync_id, uint64_t t0, uint64_t t1,
                  uint32_t correlation_id)
{
    CUpti_ActivitySynchronization2 r;

    if (!sg_wants(CUPTI_ACTIVITY_KIND_SYNCHRONIZATION))
        return;
    memset(&r, 0, sizeof r);
    r.kind = CUPTI_ACTIVITY_KIND_SYNCHRONIZATION;
    r.type = type;
    r.start = t0;
    r.end = t1;
    r.correlationId = correlation_id;
    r.contextId = ctx_id;
    r.streamId = stream_id;
    r.cudaEventId = event_id;
    r.cudaEventSyncId = sync_id;
    r.returnValue = CUDA_SUCCESS;
    sg_emit(&r, sizeof r, t1);
}

/* When a host wait on s ends (lock held). */
static uint64_t stream_wait_target(const struct CUstream_st *s)
{
    return s == &s->owner->legacy ? sg_stream_ready(s, 0) : s->busy_until;
}

static void stream_free(void *obj)
{
    struct CUstream_st *s = obj, **pp;

    for (pp = &s->owner->streams; *pp && *pp != s; pp = &(*pp)->next)
        ;
    if (*pp)
        *pp = s->next;
    sg_handle_del(s);
    free(s);
}

static void event_free(void *obj)
{
    sg_handle_del(obj);
    free(obj);
}

void sg_ctx_free_streams(struct CUctx_st *ctx)
{
    while (ctx->streams)
        stream_free(ctx->streams);
    sg_handle_sweep(SG_EVENT, ctx, event_free);
}

CUresult sg_stream_create(CUstream *ph, unsigned flags, int priority)
{
    struct CUstream_st *s = NULL;
    struct CUctx_st *ctx;
    CUresult r = sg_ready();

    if (r != CUDA_SUCCESS)
        return r;
    if (!ph || (flags & ~(unsigned)CU_STREAM_NON_BLOCKING))
        return CUDA_ERROR_INVALID_VALUE;
    sg_lock();
    ctx = sg_ctx_current(&r);
    if (ctx) {
        s = calloc(1, sizeof *s);
        if (s && sg_handle_add(s) != 0) {
            free(s);
            s = NULL;
        }
        if (!s) {
            r = CUDA_ERROR_OUT_OF_MEMORY;
        } else {
            s->kind = SG_STREAM;
            s->owner = ctx;
            s->id = sg_next_id();
            s->flags = flags;
            s->priority = priority < -5 ? -5 : priority > 0 ? 0 : priority;
            s->next = ctx->streams;
            ctx->streams = s;
            *ph = s;
        }
    }
    sg_unlock();
    if (s)
        sg_resource(CUPTI_CBID_RESOURCE_STREAM_CREATED, ctx, s, NULL);
    return r;
}

CUresult CUDAAPI cuStreamCreate(CUstream *phStream, unsigned int Flags)
{
    cuStreamCreate_params p = { phStream, Flags };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuStreamCreate, "cuStreamCreate", &p);
    return sg_call_end(&c, sg_stream_create(phStream, Flags, 0));
}

CUresult CUDAAPI cuStreamCreateWithPriority(CUstream *phStream, unsigned int flags, int priority)
{
    cuStreamCreateWithPriority_params p = { phStream, flags, priority };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuStreamCreateWithPriority,
                  "cuStreamCreateWithPriority", &p);
    return sg_call_end(&c, sg_stream_create(phStream, flags, priority));
}

CUresult sg_stream_destroy(CUstream hStream)
{
    struct CUctx_st *ctx = NULL;
    CUresult r = sg_ready();

    if (r != CUDA_SUCCESS)
        return r;
    sg_lock();
    if (sg_handle_is(hStream, SG_STREAM))
        ctx = hStream->owner;
    sg_unlock();
    if (!ctx)
        return CUDA_ERROR_INVALID_HANDLE;
    sg_resource(CUPTI_CBID_RESOURCE_STREAM_DESTROY_STARTING, ctx, hStream, NULL);
    sg_lock();
    if (sg_handle_is(hStream, SG_STREAM)) {
        sg_capture_drop(hStream);
        stream_free(hStream); /* queued work still completes on the timeline */
    } else {
        r = CUDA_ERROR_INVALID_HANDLE;
    }
    sg_unlock();
    return r;
}

CUresult CUDAAPI cuStreamDestroy_v2(CUstream hStream)
{
    cuStreamDestroy_v2_params p = { hStream };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuStreamDestroy_v2, "cuStreamDestroy_v2", &p);
    return sg_call_end(&c, sg_stream_destroy(hStream));
}

CUresult CUDAAPI cuStreamSynchronize(CUstream hStream)
{
    cuStreamSynchronize_params p = { hStream };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuStreamSynchronize, "cuStreamSynchronize", &p);
    return sg_call_end(&c, sg_stream_sync(&c, hStream));
}

CUresult sg_stream_sync(simgpu_call *c, CUstream hStream)
{
    struct CUstream_st *s = NULL;
    struct CUctx_st *ctx = NULL;
    uint64_t t0 = sg_now(), target = 0;
    uint32_t sid = 0;
    CUresult r = sg_ready();

    if (r == CUDA_SUCCESS) {
        sg_lock();
        r = sg_stream_get(hStream, &s);
        if (r == CUDA_SUCCESS && s->capture)
            r = CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
        if (r == CUDA_SUCCESS) {
            target = stream_wait_target(s);
            ctx = s->owner;
            sid = s->id;
        }
        sg_unlock();
    }
    if (r != CUDA_SUCCESS)
        return r;
    sg_sleep_until(target);
    sg_lock();
    sg_emit_sync(CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_SYNCHRONIZE, ctx->id, sid,
                 CUPTI_SYNCHRONIZATION_INVALID_VALUE, CUPTI_SYNCHRONIZATION_INVALID_VALUE, t0,
                 sg_now(), c->correlation_id);
    sg_unlock();
    sg_synchronized(CUPTI_CBID_SYNCHRONIZE_STREAM_SYNCHRONIZED, ctx, hStream);
    return CUDA_SUCCESS;
}

/* The legacy stream reports CUDA_ERROR_STREAM_CAPTURE_IMPLICIT while a
 * blocking stream of its context captures (cudaStreamIsCapturing's
 * documentation in cuda_runtime_api.h); the capture stays valid. */
CUresult sg_stream_is_capturing(CUstream hStream, CUstreamCaptureStatus *status)
{
    struct CUstream_st *s;
    CUresult r = sg_ready();

    if (r != CUDA_SUCCESS)
        return r;
    if (!status)
        return CUDA_ERROR_INVALID_VALUE;
    sg_lock();
    r = sg_stream_get(hStream, &s);
    if (r == CUDA_SUCCESS && s == &s->owner->legacy) {
        for (const struct CUstream_st *x = s->owner->streams; x; x = x->next)
            if (x->capture && !(x->flags & CU_STREAM_NON_BLOCKING))
                r = CUDA_ERROR_STREAM_CAPTURE_IMPLICIT;
    }
    if (r == CUDA_SUCCESS)
        *status = !s->capture ? CU_STREAM_CAPTURE_STATUS_NONE
                  : s->capture_invalid ? CU_STREAM_CAPTURE_STATUS_INVALIDATED
                                       : CU_STREAM_CAPTURE_STATUS_ACTIVE;
    sg_unlock();
    return r;
}

CUresult CUDAAPI cuStreamIsCapturing(CUstream hStream, CUstreamCaptureStatus *captureStatus)
{
    cuStreamIsCapturing_params p = { hStream, captureStatus };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuStreamIsCapturing, "cuStreamIsCapturing", &p);
    return sg_call_end(&c, sg_stream_is_capturing(hStream, captureStatus));
}

CUresult CUDAAPI cuStreamQuery(CUstream hStream)
{
    cuStreamQuery_params p = { hStream };
    simgpu_call c;
    struct CUstream_st *s;
    CUresult r = sg_ready();

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuStreamQuery, "cuStreamQuery", &p);
    if (r == CUDA_SUCCESS) {
        sg_lock();
        r = sg_stream_get(hStream, &s);
        if (r == CUDA_SUCCESS && stream_wait_target(s) > sg_now())
            r = CUDA_ERROR_NOT_READY;
        sg_unlock();
    }
    return sg_call_end(&c, r);
}

CUresult CUDAAPI cuStreamWaitEvent(CUstream hStream, CUevent hEvent, unsigned int Flags)
{
    cuStreamWaitEvent_params p = { hStream, hEvent, Flags };
    simgpu_call c;
    struct CUstream_st *s;
    uint64_t t0 = sg_now();
    CUresult r = sg_ready();

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuStreamWaitEvent, "cuStreamWaitEvent", &p);
    if (r == CUDA_SUCCESS && Flags > CU_EVENT_WAIT_EXTERNAL)
        r = CUDA_ERROR_INVALID_VALUE;
    if (r != CUDA_SUCCESS)
        return sg_call_end(&c, r);
    sg_lock();
    r = sg_stream_get(hStream, &s);
    if (r == CUDA_SUCCESS && !sg_handle_is(hEvent, SG_EVENT))
        r = CUDA_ERROR_INVALID_HANDLE;
    if (r == CUDA_SUCCESS && s->capture)
        r = CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    if (r == CUDA_SUCCESS && hEvent->recorded) {
        if (hEvent->time > s->busy_until)
            s->busy_until = hEvent->time;
        sg_emit_sync(CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_WAIT_EVENT, hEvent->owner->id,
                     s->id, hEvent->id, hEvent->sync_id, t0, sg_now(), c.correlation_id);
    }
    sg_unlock();
    return sg_call_end(&c, r);
}

CUresult CUDAAPI cuStreamGetPriority(CUstream hStream, int *priority)
{
    cuStreamGetPriority_params p = { hStream, priority };
    simgpu_call c;
    struct CUstream_st *s;
    CUresult r = sg_ready();

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuStreamGetPriority, "cuStreamGetPriority", &p);
    if (r == CUDA_SUCCESS && !priority)
        r = CUDA_ERROR_INVALID_VALUE;
    if (r == CUDA_SUCCESS) {
        sg_lock();
        r = sg_stream_get(hStream, &s);
        if (r == CUDA_SUCCESS)
            *priority = s->priority;
        sg_unlock();
    }
    return sg_call_end(&c, r);
}

CUresult CUDAAPI cuStreamGetFlags(CUstream hStream, unsigned int *flags)
{
    cuStreamGetFlags_params p = { hStream, flags };
    simgpu_call c;
    struct CUstream_st *s;
    CUresult r = sg_ready();

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuStreamGetFlags, "cuStreamGetFlags", &p);
    if (r == CUDA_SUCCESS && !flags)
        r = CUDA_ERROR_INVALID_VALUE;
    if (r == CUDA_SUCCESS) {
        sg_lock();
        r = sg_stream_get(hStream, &s);
        if (r == CUDA_SUCCESS)
            *flags = s->flags;
        sg_unlock();
    }
    return sg_call_end(&c, r);
}

CUresult CUDAAPI cuEventCreate(CUevent *phEvent, unsigned int Flags)
{
    cuEventCreate_params p = { phEvent, Flags };
    simgpu_call c;
    const unsigned known = CU_EVENT_BLOCKING_SYNC | CU_EVENT_DISABLE_TIMING | CU_EVENT_INTERPROCESS;
    struct CUevent_st *e;
    struct CUctx_st *ctx;
    CUresult r = sg_ready();

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuEventCreate, "cuEventCreate", &p);
    if (r == CUDA_SUCCESS && (!phEvent || (Flags & ~known) ||
                              ((Flags & CU_EVENT_INTERPROCESS) && !(Flags & CU_EVENT_DISABLE_TIMING))))
        r = CUDA_ERROR_INVALID_VALUE;
    if (r != CUDA_SUCCESS)
        return sg_call_end(&c, r);
    sg_lock();
    ctx = sg_ctx_current(&r);
    if (ctx) {
        e = calloc(1, sizeof *e);
        if (e && sg_handle_add(e) != 0) {
            free(e);
            e = NULL;
        }
        if (e) {
            e->kind = SG_EVENT;
            e->owner = ctx;
            e->id = sg_next_id();
            e->flags = Flags;
            *phEvent = e;
        } else {
            r = CUDA_ERROR_OUT_OF_MEMORY;
        }
    }
    sg_unlock();
    return sg_call_end(&c, r);
}

CUresult CUDAAPI cuEventRecord(CUevent hEvent, CUstream hStream)
{
    cuEventRecord_params p = { hEvent, hStream };
    simgpu_call c;
    struct CUstream_st *s;
    CUresult r = sg_ready();

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuEventRecord, "cuEventRecord", &p);
    if (r != CUDA_SUCCESS)
        return sg_call_end(&c, r);
    sg_lock();
    r = sg_stream_get(hStream, &s);
    if (r == CUDA_SUCCESS && (!sg_handle_is(hEvent, SG_EVENT) || hEvent->owner != s->owner))
        r = CUDA_ERROR_INVALID_HANDLE;
    if (r == CUDA_SUCCESS && s->capture)
        r = CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    if (r == CUDA_SUCCESS) {
        hEvent->time = sg_stream_ready(s, sg_now());
        hEvent->recorded = 1;
        hEvent->sync_id = sg_next_id64();
    }
    sg_unlock();
    return sg_call_end(&c, r);
}

CUresult CUDAAPI cuEventQuery(CUevent hEvent)
{
    cuEventQuery_params p = { hEvent };
    simgpu_call c;
    CUresult r = sg_ready();

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuEventQuery, "cuEventQuery", &p);
    if (r == CUDA_SUCCESS) {
        sg_lock();
        if (!sg_handle_is(hEvent, SG_EVENT))
            r = CUDA_ERROR_INVALID_HANDLE;
        else if (hEvent->recorded && hEvent->time > sg_now())
            r = CUDA_ERROR_NOT_READY;
        sg_unlock();
    }
    return sg_call_end(&c, r);
}

CUresult CUDAAPI cuEventSynchronize(CUevent hEvent)
{
    cuEventSynchronize_params p = { hEvent };
    simgpu_call c;
    uint64_t t0 = sg_now(), target = 0;
    CUresult r = sg_ready();

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuEventSynchronize, "cuEventSynchronize", &p);
    if (r == CUDA_SUCCESS) {
        sg_lock();
        if (!sg_handle_is(hEvent, SG_EVENT))
            r = CUDA_ERROR_INVALID_HANDLE;
        else if (hEvent->recorded)
            target = hEvent->time;
        sg_unlock();
    }
    if (r != CUDA_SUCCESS)
        return sg_call_end(&c, r);
    sg_sleep_until(target);
    sg_lock();
    if (sg_handle_is(hEvent, SG_EVENT))
        sg_emit_sync(CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_EVENT_SYNCHRONIZE, hEvent->owner->id,
                     CUPTI_SYNCHRONIZATION_INVALID_VALUE, hEvent->id, hEvent->sync_id, t0,
                     sg_now(), c.correlation_id);
    sg_unlock();
    return sg_call_end(&c, CUDA_SUCCESS);
}

CUresult CUDAAPI cuEventDestroy_v2(CUevent hEvent)
{
    cuEventDestroy_v2_params p = { hEvent };
    simgpu_call c;
    CUresult r = sg_ready();

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuEventDestroy_v2, "cuEventDestroy_v2", &p);
    if (r == CUDA_SUCCESS) {
        sg_lock();
        if (sg_handle_is(hEvent, SG_EVENT))
            event_free(hEvent);
        else
            r = CUDA_ERROR_INVALID_HANDLE;
        sg_unlock();
    }
    return sg_call_end(&c, r);
}

static CUresult elapsed(float *ms, CUevent a, CUevent b)
{
    CUresult r = sg_ready();

    if (r != CUDA_SUCCESS)
        return r;
    if (!ms)
        return CUDA_ERROR_INVALID_VALUE;
    sg_lock();
    if (!sg_handle_is(a, SG_EVENT) || !sg_handle_is(b, SG_EVENT) || !a->recorded || !b->recorded ||
        ((a->flags | b->flags) & CU_EVENT_DISABLE_TIMING))
        r = CUDA_ERROR_INVALID_HANDLE;
    else if (a->time > sg_now() || b->time > sg_now())
        r = CUDA_ERROR_NOT_READY;
    else
        *ms = (float)((double)((int64_t)(b->time - a->time)) / 1e6);
    sg_unlock();
    return r;
}

CUresult CUDAAPI cuEventElapsedTime_v2(float *pMilliseconds, CUevent hStart, CUevent hEnd)
{
    cuEventElapsedTime_v2_params p = { pMilliseconds, hStart, hEnd };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuEventElapsedTime_v2, "cuEventElapsedTime_v2", &p);
    return sg_call_end(&c, elapsed(pMilliseconds, hStart, hEnd));
}

#undef cuEventElapsedTime
CUresult CUDAAPI cuEventElapsedTime(float *pMilliseconds, CUevent hStart, CUevent hEnd);

CUresult CUDAAPI cuEventElapsedTime(float *pMilliseconds, CUevent hStart, CUevent hEnd)
{
    cuEventElapsedTime_params p = { pMilliseconds, hStart, hEnd };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuEventElapsedTime, "cuEventElapsedTime", &p);
    return sg_call_end(&c, elapsed(pMilliseconds, hStart, hEnd));
}

CUresult sg_query_stream_id(CUcontext ctx, CUstream stream, uint32_t *stream_id)
{
    CUresult r = CUDA_SUCCESS;
    struct CUstream_st *s = NULL;

    sg_lock();
    if (ctx && !sg_ctx_live(ctx))
        r = CUDA_ERROR_INVALID_CONTEXT;
    else if (ctx && (!stream || stream == CU_STREAM_LEGACY))
        s = &ctx->legacy;
    else
        r = sg_stream_get(stream, &s);
    if (r == CUDA_SUCCESS && ctx && s->owner != ctx)
        r = CUDA_ERROR_INVALID_HANDLE;
    if (r == CUDA_SUCCESS)
        *stream_id = s->id;
    sg_unlock();
    return r;
}

CUresult simgpuStreamBusyUntil(CUstream stream, uint64_t *ns)
{
    struct CUstream_st *s;
    CUresult r = sg_ready();

    if (r != CUDA_SUCCESS)
        return r;
    if (!ns)
        return CUDA_ERROR_INVALID_VALUE;
    sg_lock();
    r = sg_stream_get(stream, &s);
    if (r == CUDA_SUCCESS)
        *ns = stream_wait_target(s);
    sg_unlock();
    return r;
}
