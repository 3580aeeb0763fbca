/* fakecuda_rt.c: the fake driver's private entry for the fake runtime
 * (simgpu_runtime_entries, simgpu_internal.h). Each entry is the driver
 * function's work without its DRIVER_API callback or DRIVER record, as the
 * real runtime reaches the driver through internal entry points that CUPTI
 * does not report in the driver domain. */
#include "config.h"

#include "tests/simgpu/fakecuda_internal.h"

static CUresult init(void)
{
    return sg_init(0);
}

static CUresult device_count(int *count)
{
    CUresult r = sg_ready();

    if (r == CUDA_SUCCESS && !count)
        r = CUDA_ERROR_INVALID_VALUE;
    if (r == CUDA_SUCCESS)
        *count = sg_device_count();
    return r;
}

static CUresult get_current(CUcontext *ctx)
{
    CUresult r = sg_ready();

    if (r == CUDA_SUCCESS && !ctx)
        r = CUDA_ERROR_INVALID_VALUE;
    if (r == CUDA_SUCCESS)
        *ctx = sg_ctx_current_unlocked();
    return r;
}

static CUresult ctx_synchronize(simgpu_call *c)
{
    return sg_ctx_sync(c, NULL);
}

static CUresult copy(simgpu_call *c, int kind, void *dst, const void *src, size_t bytes,
                     CUstream stream, int async)
{
    if (kind != CUPTI_ACTIVITY_MEMCPY_KIND_HTOD && kind != CUPTI_ACTIVITY_MEMCPY_KIND_DTOH &&
        kind != CUPTI_ACTIVITY_MEMCPY_KIND_DTOD)
        return CUDA_ERROR_INVALID_VALUE;
    return sg_copy(c, (CUpti_ActivityMemcpyKind)kind, dst, src, bytes, stream, async);
}

static CUresult fill(simgpu_call *c, void *dst, unsigned char value, size_t bytes, CUstream stream,
                     int async)
{
    return sg_fill(c, (CUdeviceptr)(uintptr_t)dst, value, 1, bytes, stream, async);
}

static const simgpu_runtime entries = {
    .abi_version = SIMGPU_ABI_VERSION,
    .call_begin = sg_call_begin_runtime,
    .call_end = sg_call_end_runtime,
    .init = init,
    .device_count = device_count,
    .primary_retain = sg_primary_retain,
    .set_current = sg_set_current,
    .get_current = get_current,
    .ctx_synchronize = ctx_synchronize,
    .module_load = sg_module_load,
    .module_function = sg_module_function,
    .function_name = sg_function_name,
    .launch = sg_launch,
    .copy = copy,
    .fill = fill,
    .is_device_memory = sg_mem_is_device,
    .mem_alloc = sg_mem_alloc,
    .mem_free = sg_mem_free,
    .stream_create = sg_stream_create,
    .stream_destroy = sg_stream_destroy,
    .stream_synchronize = sg_stream_sync,
    .stream_is_capturing = sg_stream_is_capturing,
    .begin_capture = sg_begin_capture,
    .end_capture = sg_end_capture,
    .graph_instantiate = sg_graph_instantiate,
    .graph_launch = sg_graph_launch,
    .graph_destroy = sg_graph_destroy,
    .graph_exec_destroy = sg_graph_exec_destroy,
};

const simgpu_runtime *simgpu_runtime_entries(int abi_version)
{
    return abi_version == SIMGPU_ABI_VERSION ? &entries : NULL;
}
