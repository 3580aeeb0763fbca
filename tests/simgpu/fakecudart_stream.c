/* fakecudart_stream.c: the fake runtime's memory, copies, memsets, streams,
 * stream capture, graphs and synchronization (fakecudart_internal.h). Each
 * is the driver's work (fakecuda*.c, simgpu.h's rules) reached without a
 * driver API call; cudaMemcpy* directions are the driver's copy kinds, with
 * cudaMemcpyDefault told apart by the pointers; host-to-host copies are not
 * simulated (cudaErrorNotSupported). Stream, graph and capture handles and
 * enums are the driver's (cudaStream_t is a CUstream, the capture modes and
 * statuses have the driver's values). */
#include "config.h"

#include "tests/simgpu/fakecudart_internal.h"

/* --- memory ------------------------------------------------------------------ */

cudaError_t CUDARTAPI cudaMalloc(void **devPtr, size_t size)
{
    cudaMalloc_v3020_params p = { devPtr, size };
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaMalloc_v3020, "cudaMalloc", &p, NULL,
                             1);

    if (e == cudaSuccess)
        e = sr_error(sr_drv->mem_alloc(devPtr, size, 0));
    return sr_end(&c, e);
}

/* cudaFree(NULL) does nothing (and initializes the runtime). */
cudaError_t CUDARTAPI cudaFree(void *devPtr)
{
    cudaFree_v3020_params p = { devPtr };
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaFree_v3020, "cudaFree", &p, NULL, 1);

    if (e == cudaSuccess && devPtr)
        e = sr_error(sr_drv->mem_free(devPtr, 0));
    return sr_end(&c, e);
}

cudaError_t CUDARTAPI cudaMallocHost(void **ptr, size_t size)
{
    cudaMallocHost_v3020_params p = { ptr, size };
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaMallocHost_v3020,
                             "cudaMallocHost", &p, NULL, 1);

    if (e == cudaSuccess)
        e = sr_error(sr_drv->mem_alloc(ptr, size, 1));
    return sr_end(&c, e);
}

cudaError_t CUDARTAPI cudaFreeHost(void *ptr)
{
    cudaFreeHost_v3020_params p = { ptr };
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaFreeHost_v3020, "cudaFreeHost", &p,
                             NULL, 1);

    if (e == cudaSuccess && ptr)
        e = sr_error(sr_drv->mem_free(ptr, 1));
    return sr_end(&c, e);
}

/* --- copies and memsets ---------------------------------------------------------- */

/* The driver's copy kind for a runtime direction, or 0 (not simulated). */
static int copy_kind(enum cudaMemcpyKind kind, void *dst, const void *src, size_t n)
{
    if (kind == cudaMemcpyDefault) {
        int d = sr_drv->is_device_memory(dst, n), s = sr_drv->is_device_memory(src, n);
        return d && s ? CUPTI_ACTIVITY_MEMCPY_KIND_DTOD
               : d    ? CUPTI_ACTIVITY_MEMCPY_KIND_HTOD
               : s    ? CUPTI_ACTIVITY_MEMCPY_KIND_DTOH : 0;
    }
    return kind == cudaMemcpyHostToDevice   ? CUPTI_ACTIVITY_MEMCPY_KIND_HTOD
           : kind == cudaMemcpyDeviceToHost ? CUPTI_ACTIVITY_MEMCPY_KIND_DTOH
           : kind == cudaMemcpyDeviceToDevice ? CUPTI_ACTIVITY_MEMCPY_KIND_DTOD
                                              : 0;
}

static cudaError_t copy(simgpu_call *c, void *dst, const void *src, size_t count,
                        enum cudaMemcpyKind kind, cudaStream_t stream, int async)
{
    int k;

    if ((unsigned)kind > cudaMemcpyDefault)
        return cudaErrorInvalidMemcpyDirection;
    k = copy_kind(kind, dst, src, count);
    if (!k)
        return cudaErrorNotSupported;
    return sr_error(sr_drv->copy(c, k, dst, src, count, (CUstream)stream, async));
}

cudaError_t CUDARTAPI cudaMemcpy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind)
{
    cudaMemcpy_v3020_params p = { dst, src, count, kind };
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaMemcpy_v3020, "cudaMemcpy", &p, NULL,
                             1);

    if (e == cudaSuccess)
        e = copy(&c, dst, src, count, kind, NULL, 0);
    return sr_end(&c, e);
}

cudaError_t CUDARTAPI cudaMemcpyAsync(void *dst, const void *src, size_t count,
                                      enum cudaMemcpyKind kind, cudaStream_t stream)
{
    cudaMemcpyAsync_v3020_params p = { dst, src, count, kind, stream };
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaMemcpyAsync_v3020, "cudaMemcpyAsync",
                             &p, NULL, 1);

    if (e == cudaSuccess)
        e = copy(&c, dst, src, count, kind, stream, 1);
    return sr_end(&c, e);
}

cudaError_t CUDARTAPI cudaMemset(void *devPtr, int value, size_t count)
{
    cudaMemset_v3020_params p = { devPtr, value, count };
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaMemset_v3020, "cudaMemset", &p, NULL,
                             1);

    if (e == cudaSuccess)
        e = sr_error(sr_drv->fill(&c, devPtr, (unsigned char)value, count, NULL, 0));
    return sr_end(&c, e);
}

cudaError_t CUDARTAPI cudaMemsetAsync(void *devPtr, int value, size_t count, cudaStream_t stream)
{
    cudaMemsetAsync_v3020_params p = { devPtr, value, count, stream };
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaMemsetAsync_v3020, "cudaMemsetAsync",
                             &p, NULL, 1);

    if (e == cudaSuccess)
        e = sr_error(sr_drv->fill(&c, devPtr, (unsigned char)value, count, (CUstream)stream, 1));
    return sr_end(&c, e);
}

/* --- streams and synchronization ---------------------------------------------------- */

cudaError_t CUDARTAPI cudaStreamCreateWithFlags(cudaStream_t *pStream, unsigned int flags)
{
    cudaStreamCreateWithFlags_v5000_params p = { pStream, flags };
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaStreamCreateWithFlags_v5000,
                             "cudaStreamCreateWithFlags", &p, NULL, 1);

    if (e == cudaSuccess)
        e = sr_error(sr_drv->stream_create((CUstream *)pStream, flags, 0));
    return sr_end(&c, e);
}

cudaError_t CUDARTAPI cudaStreamDestroy(cudaStream_t stream)
{
    cudaStreamDestroy_v5050_params p = { stream };
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaStreamDestroy_v5050,
                             "cudaStreamDestroy", &p, NULL, 1);

    if (e == cudaSuccess)
        e = sr_error(sr_drv->stream_destroy((CUstream)stream));
    return sr_end(&c, e);
}

cudaError_t CUDARTAPI cudaStreamSynchronize(cudaStream_t stream)
{
    cudaStreamSynchronize_v3020_params p = { stream };
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaStreamSynchronize_v3020,
                             "cudaStreamSynchronize", &p, NULL, 1);

    if (e == cudaSuccess)
        e = sr_error(sr_drv->stream_synchronize(&c, (CUstream)stream));
    return sr_end(&c, e);
}

/* The driver's cuCtxSynchronize on the current context (refused while a
 * stream capture forbids it). */
cudaError_t CUDARTAPI cudaDeviceSynchronize(void)
{
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaDeviceSynchronize_v3020,
                             "cudaDeviceSynchronize", NULL, NULL, 1);

    if (e == cudaSuccess)
        e = sr_error(sr_drv->ctx_synchronize(&c));
    return sr_end(&c, e);
}

/* --- stream capture and graphs ------------------------------------------------------ */

cudaError_t CUDARTAPI cudaStreamBeginCapture(cudaStream_t stream, enum cudaStreamCaptureMode mode)
{
    cudaStreamBeginCapture_v10000_params p = { stream, mode };
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaStreamBeginCapture_v10000,
                             "cudaStreamBeginCapture", &p, NULL, 1);

    if (e == cudaSuccess)
        e = sr_error(sr_drv->begin_capture((CUstream)stream, (CUstreamCaptureMode)mode));
    return sr_end(&c, e);
}

cudaError_t CUDARTAPI cudaStreamEndCapture(cudaStream_t stream, cudaGraph_t *pGraph)
{
    cudaStreamEndCapture_v10000_params p = { stream, pGraph };
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaStreamEndCapture_v10000,
                             "cudaStreamEndCapture", &p, NULL, 1);

    if (e == cudaSuccess)
        e = sr_error(sr_drv->end_capture((CUstream)stream, pGraph));
    return sr_end(&c, e);
}

cudaError_t CUDARTAPI cudaStreamIsCapturing(cudaStream_t stream,
                                            enum cudaStreamCaptureStatus *pCaptureStatus)
{
    cudaStreamIsCapturing_v10000_params p = { stream, pCaptureStatus };
    simgpu_call c;
    CUstreamCaptureStatus st = CU_STREAM_CAPTURE_STATUS_NONE;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaStreamIsCapturing_v10000,
                             "cudaStreamIsCapturing", &p, NULL, 1);

    if (e == cudaSuccess && !pCaptureStatus)
        e = cudaErrorInvalidValue;
    if (e == cudaSuccess)
        e = sr_error(sr_drv->stream_is_capturing((CUstream)stream, &st));
    if (e == cudaSuccess)
        *pCaptureStatus = (enum cudaStreamCaptureStatus)st;
    return sr_end(&c, e);
}

cudaError_t CUDARTAPI cudaGraphInstantiate(cudaGraphExec_t *pGraphExec, cudaGraph_t graph,
                                           unsigned long long flags)
{
    cudaGraphInstantiate_v12000_params p = { pGraphExec, graph, flags };
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaGraphInstantiate_v12000,
                             "cudaGraphInstantiate", &p, NULL, 1);

    if (e == cudaSuccess)
        e = sr_error(sr_drv->graph_instantiate(pGraphExec, graph));
    return sr_end(&c, e);
}

cudaError_t CUDARTAPI cudaGraphLaunch(cudaGraphExec_t graphExec, cudaStream_t stream)
{
    cudaGraphLaunch_v10000_params p = { graphExec, stream };
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaGraphLaunch_v10000, "cudaGraphLaunch",
                             &p, NULL, 1);

    if (e == cudaSuccess)
        e = sr_error(sr_drv->graph_launch(&c, graphExec, (CUstream)stream));
    return sr_end(&c, e);
}

cudaError_t CUDARTAPI cudaGraphDestroy(cudaGraph_t graph)
{
    cudaGraphDestroy_v10000_params p = { graph };
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaGraphDestroy_v10000,
                             "cudaGraphDestroy", &p, NULL, 1);

    if (e == cudaSuccess)
        e = sr_error(sr_drv->graph_destroy(graph));
    return sr_end(&c, e);
}

cudaError_t CUDARTAPI cudaGraphExecDestroy(cudaGraphExec_t graphExec)
{
    cudaGraphExecDestroy_v10000_params p = { graphExec };
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaGraphExecDestroy_v10000,
                             "cudaGraphExecDestroy", &p, NULL, 1);

    if (e == cudaSuccess)
        e = sr_error(sr_drv->graph_exec_destroy(graphExec));
    return sr_end(&c, e);
}
