/* fakecuda_mem.c: device and pinned host memory, copies and memsets.
 *
 * Device memory is ordinary host memory (256-byte aligned): device pointers
 * are its addresses, so copies really copy and programs can check data.
 * The data moves when the API is called; the virtual timeline says when
 * the GPU would have done it.
 *
 * Timing (see simgpu.h): a copy takes 2 us + bytes over 25 GB/s from or to
 * pinned memory, 8 GB/s pageable, 1000 GB/s device to device, on its
 * direction's copy engine, after the stream's earlier work. Host blocking
 * follows CUDA's documented API synchronization behaviour: synchronous
 * copies run on the legacy stream and block until done, except device to
 * device; async copies from or to pageable memory block too; memsets of
 * device memory never block. A memset occupies the compute engine like a
 * kernel (1 us + bytes over 1000 GB/s). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tests/simgpu/fakecuda_internal.h"

typedef struct range {
    uintptr_t base;
    size_t len;
    struct CUctx_st *ctx;
} range;

typedef struct rangeset {
    range *v;                     /* sorted by base, disjoint */
    size_t n, cap;
} rangeset;

static rangeset device_mem, pinned_mem;
static size_t dev_used_bytes[SIMGPU_MAX_DEVICES];

/* Index of the range containing [p, p+len), or -1. O(log n). */
static long range_find(const rangeset *rs, uintptr_t p, size_t len)
{
    size_t lo = 0, hi = rs->n;

    while (lo < hi) { /* first range with base > p */
        size_t mid = (lo + hi) / 2;
        if (rs->v[mid].base <= p)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return -1;
    lo--;
    if (p - rs->v[lo].base > rs->v[lo].len || len > rs->v[lo].len - (p - rs->v[lo].base))
        return -1;
    return (long)lo;
}

static int range_add(rangeset *rs, uintptr_t base, size_t len, struct CUctx_st *ctx)
{
    size_t i;

    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? 2 * rs->cap : 64;
        range *v = realloc(rs->v, cap * sizeof *v);
        if (!v)
            return -1;
        rs->v = v;
        rs->cap = cap;
    }
    for (i = rs->n; i > 0 && rs->v[i - 1].base > base; i--)
        rs->v[i] = rs->v[i - 1];
    rs->v[i] = (range){ base, len, ctx };
    rs->n++;
    return 0;
}

static void range_del(rangeset *rs, size_t i)
{
    memmove(&rs->v[i], &rs->v[i + 1], (rs->n - i - 1) * sizeof rs->v[0]);
    rs->n--;
}

void sg_ctx_free_memory(struct CUctx_st *ctx)
{
    for (size_t i = device_mem.n; i-- > 0;) {
        if (device_mem.v[i].ctx == ctx) {
            dev_used_bytes[ctx->dev] -= device_mem.v[i].len;
            free((void *)device_mem.v[i].base);
            range_del(&device_mem, i);
        }
    }
    for (size_t i = pinned_mem.n; i-- > 0;) {
        if (pinned_mem.v[i].ctx == ctx) {
            free((void *)pinned_mem.v[i].base);
            range_del(&pinned_mem, i);
        }
    }
}

/* Allocates bytes for the current context into set (lock taken here). */
static CUresult alloc(rangeset *set, void **out, size_t bytes)
{
    struct CUctx_st *ctx;
    void *p = NULL;
    CUresult r = sg_ready();

    if (r != CUDA_SUCCESS)
        return r;
    if (!out || bytes == 0)
        return CUDA_ERROR_INVALID_VALUE;
    sg_lock();
    ctx = sg_ctx_current(&r);
    if (ctx && set == &device_mem && bytes > sg_device_total_mem(ctx->dev) - dev_used_bytes[ctx->dev])
        r = CUDA_ERROR_OUT_OF_MEMORY;
    if (r == CUDA_SUCCESS && posix_memalign(&p, 256, bytes) != 0)
        r = CUDA_ERROR_OUT_OF_MEMORY;
    if (r == CUDA_SUCCESS && range_add(set, (uintptr_t)p, bytes, ctx) != 0) {
        free(p);
        r = CUDA_ERROR_OUT_OF_MEMORY;
    }
    if (r == CUDA_SUCCESS) {
        if (set == &device_mem)
            dev_used_bytes[ctx->dev] += bytes;
        *out = p;
    }
    sg_unlock();
    return r;
}

static CUresult release(rangeset *set, uintptr_t p)
{
    long i;
    CUresult r = sg_ready();

    if (r != CUDA_SUCCESS)
        return r;
    sg_lock();
    i = range_find(set, p, 0);
    if (i < 0 || set->v[i].base != p) {
        r = CUDA_ERROR_INVALID_VALUE;
    } else {
        if (set == &device_mem)
            dev_used_bytes[set->v[i].ctx->dev] -= set->v[i].len;
        free((void *)p);
        range_del(set, (size_t)i);
    }
    sg_unlock();
    return r;
}

CUresult sg_mem_alloc(void **out, size_t bytes, int pinned_host)
{
    return alloc(pinned_host ? &pinned_mem : &device_mem, out, bytes);
}

CUresult sg_mem_free(void *p, int pinned_host)
{
    return release(pinned_host ? &pinned_mem : &device_mem, (uintptr_t)p);
}

int sg_mem_is_device(const void *p, size_t bytes)
{
    int yes;

    sg_lock();
    yes = range_find(&device_mem, (uintptr_t)p, bytes) >= 0;
    sg_unlock();
    return yes;
}

CUresult CUDAAPI cuMemAlloc_v2(CUdeviceptr *dptr, size_t bytesize)
{
    cuMemAlloc_v2_params p = { dptr, bytesize };
    simgpu_call c;
    void *mem = NULL;
    CUresult r;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuMemAlloc_v2, "cuMemAlloc_v2", &p);
    r = alloc(&device_mem, dptr ? &mem : NULL, bytesize);
    if (r == CUDA_SUCCESS)
        *dptr = (CUdeviceptr)(uintptr_t)mem;
    return sg_call_end(&c, r);
}

CUresult CUDAAPI cuMemFree_v2(CUdeviceptr dptr)
{
    cuMemFree_v2_params p = { dptr };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuMemFree_v2, "cuMemFree_v2", &p);
    return sg_call_end(&c, release(&device_mem, (uintptr_t)dptr));
}

CUresult CUDAAPI cuMemAllocHost_v2(void **pp, size_t bytesize)
{
    cuMemAllocHost_v2_params p = { pp, bytesize };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuMemAllocHost_v2, "cuMemAllocHost_v2", &p);
    return sg_call_end(&c, alloc(&pinned_mem, pp, bytesize));
}

CUresult CUDAAPI cuMemFreeHost(void *ptr)
{
    cuMemFreeHost_params p = { ptr };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuMemFreeHost, "cuMemFreeHost", &p);
    return sg_call_end(&c, release(&pinned_mem, (uintptr_t)ptr));
}

/* --- copies --------------------------------------------------------------- */

enum { PINNED_BYTES_PER_NS = 25, PAGEABLE_BYTES_PER_NS = 8, D2D_BYTES_PER_NS = 1000 };

CUresult sg_copy(simgpu_call *c, CUpti_ActivityMemcpyKind kind, void *dst, const void *src,
                 size_t n, CUstream h, int async)
{
    const void *host = kind == CUPTI_ACTIVITY_MEMCPY_KIND_HTOD ? src : dst;
    int engine = kind == CUPTI_ACTIVITY_MEMCPY_KIND_HTOD ? SG_ENGINE_H2D
               : kind == CUPTI_ACTIVITY_MEMCPY_KIND_DTOH ? SG_ENGINE_D2H : SG_ENGINE_D2D;
    uint8_t host_kind = CUPTI_ACTIVITY_MEMORY_KIND_DEVICE;
    struct CUstream_st *s;
    uint64_t start = 0, end = 0, dur;
    int block = 0;
    CUresult r = sg_ready();

    if (r != CUDA_SUCCESS)
        return r;
    if (!dst || !src)
        return CUDA_ERROR_INVALID_VALUE;
    sg_lock();
    r = sg_stream_get(async ? h : NULL, &s);
    if (r == CUDA_SUCCESS && s->capture)
        r = CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    if (r == CUDA_SUCCESS && kind != CUPTI_ACTIVITY_MEMCPY_KIND_HTOD &&
        range_find(&device_mem, (uintptr_t)src, n) < 0)
        r = CUDA_ERROR_INVALID_VALUE;
    if (r == CUDA_SUCCESS && kind != CUPTI_ACTIVITY_MEMCPY_KIND_DTOH &&
        range_find(&device_mem, (uintptr_t)dst, n) < 0)
        r = CUDA_ERROR_INVALID_VALUE;
    if (r != CUDA_SUCCESS || n == 0) {
        sg_unlock();
        return r;
    }
    if (kind != CUPTI_ACTIVITY_MEMCPY_KIND_DTOD)
        host_kind = range_find(&pinned_mem, (uintptr_t)host, n) >= 0
                        ? CUPTI_ACTIVITY_MEMORY_KIND_PINNED : CUPTI_ACTIVITY_MEMORY_KIND_PAGEABLE;
    dur = 2000 + n / (host_kind == CUPTI_ACTIVITY_MEMORY_KIND_PINNED ? PINNED_BYTES_PER_NS
                      : host_kind == CUPTI_ACTIVITY_MEMORY_KIND_PAGEABLE ? PAGEABLE_BYTES_PER_NS
                      : D2D_BYTES_PER_NS);
    start = sg_engine_place(s->owner->dev, engine, sg_stream_ready(s, sg_now()), dur);
    end = start + dur;
    s->busy_until = end;
    memmove(dst, src, n);
    if (sg_wants(CUPTI_ACTIVITY_KIND_MEMCPY)) {
        CUpti_ActivityMemcpy6 m;
        memset(&m, 0, sizeof m);
        m.kind = CUPTI_ACTIVITY_KIND_MEMCPY;
        m.copyKind = (uint8_t)kind;
        m.srcKind = kind == CUPTI_ACTIVITY_MEMCPY_KIND_HTOD ? host_kind : CUPTI_ACTIVITY_MEMORY_KIND_DEVICE;
        m.dstKind = kind == CUPTI_ACTIVITY_MEMCPY_KIND_DTOH ? host_kind : CUPTI_ACTIVITY_MEMORY_KIND_DEVICE;
        m.flags = async ? CUPTI_ACTIVITY_FLAG_MEMCPY_ASYNC : 0;
        m.bytes = n;
        m.start = start;
        m.end = end;
        m.deviceId = (uint32_t)s->owner->dev;
        m.contextId = s->owner->id;
        m.streamId = s->id;
        m.correlationId = c->correlation_id;
        m.channelID = (uint32_t)engine;
        m.channelType = CUPTI_CHANNEL_TYPE_ASYNC_MEMCPY;
        m.copyCount = 1;
        sg_emit(&m, sizeof m, end);
    }
    if (async)
        block = host_kind == CUPTI_ACTIVITY_MEMORY_KIND_PAGEABLE;
    else
        block = kind != CUPTI_ACTIVITY_MEMCPY_KIND_DTOD;
    sg_unlock();
    if (block)
        sg_sleep_until(end);
    return CUDA_SUCCESS;
}

#define DEVPTR(d) ((void *)(uintptr_t)(d))

CUresult CUDAAPI cuMemcpyHtoD_v2(CUdeviceptr dstDevice, const void *srcHost, size_t ByteCount)
{
    cuMemcpyHtoD_v2_params p = { dstDevice, srcHost, ByteCount };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuMemcpyHtoD_v2, "cuMemcpyHtoD_v2", &p);
    return sg_call_end(&c, sg_copy(&c, CUPTI_ACTIVITY_MEMCPY_KIND_HTOD, DEVPTR(dstDevice), srcHost,
                                   ByteCount, NULL, 0));
}

CUresult CUDAAPI cuMemcpyDtoH_v2(void *dstHost, CUdeviceptr srcDevice, size_t ByteCount)
{
    cuMemcpyDtoH_v2_params p = { dstHost, srcDevice, ByteCount };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuMemcpyDtoH_v2, "cuMemcpyDtoH_v2", &p);
    return sg_call_end(&c, sg_copy(&c, CUPTI_ACTIVITY_MEMCPY_KIND_DTOH, dstHost, DEVPTR(srcDevice),
                                   ByteCount, NULL, 0));
}

CUresult CUDAAPI cuMemcpyDtoD_v2(CUdeviceptr dstDevice, CUdeviceptr srcDevice, size_t ByteCount)
{
    cuMemcpyDtoD_v2_params p = { dstDevice, srcDevice, ByteCount };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuMemcpyDtoD_v2, "cuMemcpyDtoD_v2", &p);
    return sg_call_end(&c, sg_copy(&c, CUPTI_ACTIVITY_MEMCPY_KIND_DTOD, DEVPTR(dstDevice),
                                   DEVPTR(srcDevice), ByteCount, NULL, 0));
}

CUresult CUDAAPI cuMemcpyHtoDAsync_v2(CUdeviceptr dstDevice, const void *srcHost, size_t ByteCount,
                                      CUstream hStream)
{
    cuMemcpyHtoDAsync_v2_params p = { dstDevice, srcHost, ByteCount, hStream };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuMemcpyHtoDAsync_v2, "cuMemcpyHtoDAsync_v2", &p);
    return sg_call_end(&c, sg_copy(&c, CUPTI_ACTIVITY_MEMCPY_KIND_HTOD, DEVPTR(dstDevice), srcHost,
                                   ByteCount, hStream, 1));
}

CUresult CUDAAPI cuMemcpyDtoHAsync_v2(void *dstHost, CUdeviceptr srcDevice, size_t ByteCount,
                                      CUstream hStream)
{
    cuMemcpyDtoHAsync_v2_params p = { dstHost, srcDevice, ByteCount, hStream };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuMemcpyDtoHAsync_v2, "cuMemcpyDtoHAsync_v2", &p);
    return sg_call_end(&c, sg_copy(&c, CUPTI_ACTIVITY_MEMCPY_KIND_DTOH, dstHost, DEVPTR(srcDevice),
                                   ByteCount, hStream, 1));
}

CUresult CUDAAPI cuMemcpyDtoDAsync_v2(CUdeviceptr dstDevice, CUdeviceptr srcDevice,
                                      size_t ByteCount, CUstream hStream)
{
    cuMemcpyDtoDAsync_v2_params p = { dstDevice, srcDevice, ByteCount, hStream };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuMemcpyDtoDAsync_v2, "cuMemcpyDtoDAsync_v2", &p);
    return sg_call_end(&c, sg_copy(&c, CUPTI_ACTIVITY_MEMCPY_KIND_DTOD, DEVPTR(dstDevice),
                                   DEVPTR(srcDevice), ByteCount, hStream, 1));
}

/* --- memsets -------------------------------------------------------------- */

CUresult sg_fill(simgpu_call *c, CUdeviceptr d, uint32_t value, size_t elem, size_t count,
                 CUstream h, int async)
{
    size_t bytes = elem * count;
    struct CUstream_st *s;
    uint64_t start, end, dur;
    CUresult r = sg_ready();

    if (r != CUDA_SUCCESS)
        return r;
    if (count > SIZE_MAX / elem || (elem == 4 && d % 4 != 0))
        return CUDA_ERROR_INVALID_VALUE;
    sg_lock();
    r = sg_stream_get(async ? h : NULL, &s);
    if (r == CUDA_SUCCESS && s->capture)
        r = CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    if (r == CUDA_SUCCESS && range_find(&device_mem, (uintptr_t)d, bytes) < 0)
        r = CUDA_ERROR_INVALID_VALUE;
    if (r != CUDA_SUCCESS || bytes == 0) {
        sg_unlock();
        return r;
    }
    if (elem == 1) {
        memset(DEVPTR(d), (int)(value & 0xff), bytes);
    } else {
        uint32_t *w = DEVPTR(d);
        for (size_t i = 0; i < count; i++)
            w[i] = value;
    }
    dur = 1000 + bytes / D2D_BYTES_PER_NS;
    /* a memset occupies the whole device (SMs) */
    start = sg_compute_place(s->owner->dev, sg_stream_ready(s, sg_now() + SIMGPU_LAUNCH_LATENCY_NS),
                             dur, SIMGPU_SM_COUNT, &end);
    s->busy_until = end;
    if (sg_wants(CUPTI_ACTIVITY_KIND_MEMSET)) {
        CUpti_ActivityMemset4 m;
        memset(&m, 0, sizeof m);
        m.kind = CUPTI_ACTIVITY_KIND_MEMSET;
        m.value = value;
        m.bytes = bytes;
        m.start = start;
        m.end = end;
        m.deviceId = (uint32_t)s->owner->dev;
        m.contextId = s->owner->id;
        m.streamId = s->id;
        m.correlationId = c->correlation_id;
        m.flags = async ? CUPTI_ACTIVITY_FLAG_MEMSET_ASYNC : 0;
        m.memoryKind = CUPTI_ACTIVITY_MEMORY_KIND_DEVICE;
        m.channelType = CUPTI_CHANNEL_TYPE_COMPUTE;
        sg_emit(&m, sizeof m, end);
    }
    sg_unlock();
    return CUDA_SUCCESS;
}

CUresult CUDAAPI cuMemsetD8_v2(CUdeviceptr dstDevice, unsigned char uc, size_t N)
{
    cuMemsetD8_v2_params p = { dstDevice, uc, N };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuMemsetD8_v2, "cuMemsetD8_v2", &p);
    return sg_call_end(&c, sg_fill(&c, dstDevice, uc, 1, N, NULL, 0));
}

CUresult CUDAAPI cuMemsetD32_v2(CUdeviceptr dstDevice, unsigned int ui, size_t N)
{
    cuMemsetD32_v2_params p = { dstDevice, ui, N };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuMemsetD32_v2, "cuMemsetD32_v2", &p);
    return sg_call_end(&c, sg_fill(&c, dstDevice, ui, 4, N, NULL, 0));
}

CUresult CUDAAPI cuMemsetD8Async(CUdeviceptr dstDevice, unsigned char uc, size_t N, CUstream hStream)
{
    cuMemsetD8Async_params p = { dstDevice, uc, N, hStream };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuMemsetD8Async, "cuMemsetD8Async", &p);
    return sg_call_end(&c, sg_fill(&c, dstDevice, uc, 1, N, hStream, 1));
}

CUresult CUDAAPI cuMemsetD32Async(CUdeviceptr dstDevice, unsigned int ui, size_t N, CUstream hStream)
{
    cuMemsetD32Async_params p = { dstDevice, ui, N, hStream };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuMemsetD32Async, "cuMemsetD32Async", &p);
    return sg_call_end(&c, sg_fill(&c, dstDevice, ui, 4, N, hStream, 1));
}
