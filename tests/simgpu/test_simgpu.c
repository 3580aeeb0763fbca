/* test_simgpu.c: the simulated GPU seen as the collector sees it: this test
 * loads the fake CUPTI, registers buffers and a CLOCK_MONOTONIC timestamp
 * callback, subscribes, drives the fake driver in-process and checks the
 * records against the fixture's rules (simgpu.h), not against its own
 * output: fields, correlation of API and GPU records, the stream and
 * legacy-stream rules, host waits, copies, memsets, events and graphs. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tests/simgpu/harness.h"
#include "tests/simgpu/simgpu.h"
#include "tests/tap.h"

#define MS 1000000ull
/* The last DRIVER record of function fn, or NULL. */
#define LAST_DRV(fn) sh_last_api(CUPTI_ACTIVITY_KIND_DRIVER, CUPTI_DRIVER_TRACE_CBID_##fn)

static struct {
    unsigned enter, exit, bad_pairs, launches, bad_symbol, bad_params;
    uint32_t launch_corr[64];
    unsigned ctx_created, ctx_destroying, streams_created, stream_synced, nested_cb;
    unsigned in_stream_create;
} cb;

static void CUPTIAPI on_callback(void *ud, CUpti_CallbackDomain dom, CUpti_CallbackId cbid,
                                 const void *data)
{
    (void)ud;
    if (dom == CUPTI_CB_DOMAIN_DRIVER_API) {
        const CUpti_CallbackData *d = data;
        if (cbid == CUPTI_DRIVER_TRACE_CBID_cuDeviceGetCount && cb.in_stream_create)
            cb.nested_cb++;
        if (d->callbackSite == CUPTI_API_ENTER) {
            cb.enter++;
            *d->correlationData = d->correlationId * 7ull + 1;
            if (cbid == CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel) {
                const cuLaunchKernel_params *p = d->functionParams;
                if (cb.launches < 64)
                    cb.launch_corr[cb.launches] = d->correlationId;
                cb.launches++;
                cb.bad_symbol += !d->symbolName || strncmp(d->symbolName, "kern", 4) != 0;
                cb.bad_params += !p || p->gridDimX != 4 || p->blockDimX != 128;
            }
        } else {
            int n;
            cb.exit++;
            cb.bad_pairs += *d->correlationData != d->correlationId * 7ull + 1;
            if (cbid == CUPTI_DRIVER_TRACE_CBID_cuStreamCreate) {
                /* A driver call from inside a callback: neither called back nor recorded. */
                cb.in_stream_create = 1;
                cuDeviceGetCount(&n);
                cb.in_stream_create = 0;
            }
        }
    } else if (dom == CUPTI_CB_DOMAIN_RESOURCE) {
        cb.ctx_created += cbid == CUPTI_CBID_RESOURCE_CONTEXT_CREATED;
        cb.ctx_destroying += cbid == CUPTI_CBID_RESOURCE_CONTEXT_DESTROY_STARTING;
        cb.streams_created += cbid == CUPTI_CBID_RESOURCE_STREAM_CREATED;
    } else if (dom == CUPTI_CB_DOMAIN_SYNCHRONIZE) {
        cb.stream_synced += cbid == CUPTI_CBID_SYNCHRONIZE_STREAM_SYNCHRONIZED;
    }
}

/* --- record lookups (valid until the next delivery) ----------------------- */

/* Kernel records named name, in launch (correlation id) order. */
static size_t kernels_named(const char *name, const CUpti_ActivityKernel10 **out, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < sh_count(); i++) {
        const sh_rec *r = sh_get(i);
        if (r->u.any.kind == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL && strcmp(r->u.k.name, name) == 0 &&
            n < max)
            out[n++] = &r->u.k;
    }
    for (size_t i = 1; i < n; i++) /* insertion sort by gridId (launch order) */
        for (size_t j = i; j > 0 && out[j - 1]->gridId > out[j]->gridId; j--) {
            const CUpti_ActivityKernel10 *t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return n;
}

static CUfunction get_func(CUmodule mod, const char *name, uint64_t ns)
{
    CUfunction f = NULL;

    cuModuleGetFunction(&f, mod, name);
    simgpuFuncSetDuration(f, ns);
    return f;
}

static CUresult launch(CUfunction f, CUstream s)
{
    return cuLaunchKernel(f, 4, 1, 1, 128, 1, 1, 256, s, NULL, NULL);
}

/* --- the sections ------------------------------------------------------- */

static void test_devices(void)
{
    char name[64], bus[32];
    int n = 0, v = 0;
    size_t mem = 0;
    CUdevice d;

    is_int(cuDeviceGetCount(&n), CUDA_SUCCESS, "cuDeviceGetCount");
    is_int(n, 2, "SIMGPU_DEVICES=2 gives two devices");
    is_int(cuDeviceGet(&d, 2), CUDA_ERROR_INVALID_DEVICE, "device 2 does not exist");
    cuDeviceGet(&d, 1);
    cuDeviceGetName(name, sizeof name, d);
    like(name, "simulated", "the device name says it is simulated");
    cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, d);
    is_int(v, 16, "16 SMs");
    cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, d);
    is_int(v, 9, "compute capability 9.x");
    cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_WARP_SIZE, d);
    is_int(v, 32, "warp size 32");
    is_int(cuDeviceGetAttribute(&v, CU_DEVICE_ATTRIBUTE_MAXIMUM_TEXTURE1D_WIDTH, d),
           CUDA_ERROR_INVALID_VALUE, "an attribute that is not simulated is refused");
    is_int(cuDeviceTotalMem_v2(&mem, d), CUDA_SUCCESS, "cuDeviceTotalMem_v2");
    ok(mem > (1ull << 30), "total memory is plausible (%zu bytes)", mem);
    is_int(cuDeviceGetPCIBusId(bus, sizeof bus, d), CUDA_SUCCESS, "cuDeviceGetPCIBusId");
    is_int(strlen(bus), 12, "PCI bus id looks like dddd:bb:dd.f (%s)", bus);
    cuDriverGetVersion(&v);
    is_int(v, 13000, "driver version 13.0");
}

typedef struct env {
    CUcontext ctx;
    CUstream s1, s2;
    CUmodule mod;
} env;

/* One of each operation first: under valgrind the first run of a code path
 * is slow, and the timing checks below give the host 50-200 ms of slack. */
static void warm_up(env *e)
{
    enum { N = 4096 };
    CUfunction f = get_func(e->mod, "kernWarm", 1000);
    void *pinned = NULL, *pageable = malloc(N);
    CUdeviceptr d;
    CUevent ev;

    cuMemAllocHost_v2(&pinned, N);
    cuMemAlloc_v2(&d, N);
    cuEventCreate(&ev, 0);
    launch(f, e->s1);
    cuMemcpyHtoDAsync_v2(d, pinned, N, e->s1);
    cuMemcpyHtoDAsync_v2(d, pageable, N, e->s1);
    cuMemsetD32Async(d, 0, N / 4, e->s1);
    cuEventRecord(ev, e->s1);
    cuStreamWaitEvent(e->s2, ev, 0);
    cuMemcpyDtoH_v2(pageable, d, N);
    cuEventSynchronize(ev);
    cuCtxSynchronize();
    cuEventDestroy_v2(ev);
    cuMemFree_v2(d);
    cuMemFreeHost(pinned);
    free(pageable);
    sh_flush(1);
}

static void test_streams(env *e)
{
    const CUpti_ActivityKernel10 *ka[8], *kb[8];
    const CUpti_ActivityAPI *sync_api;
    CUfunction fa = get_func(e->mod, "kernA", 50 * MS), fb = get_func(e->mod, "kernB", 1 * MS);
    uint64_t t_launch[3], t_sync;
    uint32_t ctx_id = 0, s1_id = 0, dev_id = 9;
    int bad = 0;

    sh_clear();
    for (int i = 0; i < 3; i++) {
        t_launch[i] = sh_mono();
        launch(fa, e->s1);
    }
    for (int i = 0; i < 3; i++)
        launch(fb, e->s2);
    cuStreamSynchronize(e->s1);
    t_sync = sh_mono();
    cuStreamSynchronize(e->s2);
    sh_flush(0);

    is_int(kernels_named("kernA", ka, 8), 3, "three kernA records");
    is_int(kernels_named("kernB", kb, 8), 3, "three kernB records");
    for (int i = 0; i < 3; i++) {
        bad |= ka[i]->end - ka[i]->start != 50 * MS || kb[i]->end - kb[i]->start != 1 * MS;
        bad |= ka[i]->start < t_launch[i] + SIMGPU_LAUNCH_LATENCY_NS;
        bad |= i > 0 && (ka[i]->start < ka[i - 1]->end || kb[i]->start < kb[i - 1]->end);
    }
    ok(!bad, "durations as set, starts after launch + latency, one stream never overlaps");
    ok(kb[0]->start < ka[2]->end, "kernels on two streams overlap");
    ok(t_sync >= ka[2]->end, "cuStreamSynchronize returned after the stream's last kernel ended");
    sync_api = LAST_DRV(cuStreamSynchronize);
    ok(sync_api && sync_api->end >= kb[2]->end, "the last synchronize's API record ends after its kernels");

    cb.bad_params = 0;
    shc.GetContextId(e->ctx, &ctx_id);
    shc.GetStreamIdEx(NULL, e->s1, 0, &s1_id);
    shc.GetDeviceId(e->ctx, &dev_id);
    ok(ka[0]->contextId == ctx_id && ka[0]->streamId == s1_id && ka[0]->deviceId == dev_id &&
       dev_id == 0, "kernel record context, stream and device ids match cuptiGet*Id");
    ok(kb[0]->streamId != s1_id, "kernels on another stream carry another stream id");
    ok(ka[0]->gridX == 4 && ka[0]->gridY == 1 && ka[0]->blockX == 128 &&
       ka[0]->dynamicSharedMemory == 256 && ka[0]->registersPerThread > 0,
       "grid, block, shared memory and registers");
    ok(ka[0]->queued && ka[0]->queued <= ka[0]->submitted && ka[0]->submitted <= ka[0]->start,
       "latency timestamps: queued <= submitted <= start");
    ok(ka[0]->name == ka[1]->name, "kernel names are one stable pointer");

    /* correlation: every kernel joins its cuLaunchKernel API record */
    bad = 0;
    for (int i = 0; i < 3; i++) {
        const sh_rec *a = sh_find(CUPTI_ACTIVITY_KIND_DRIVER, ka[i]->correlationId);
        bad |= !a || a->u.a.cbid != CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel;
        bad |= a && (a->u.a.start > ka[i]->start || a->u.a.processId != (uint32_t)getpid() ||
                     a->u.a.threadId != (uint32_t)syscall(SYS_gettid) || a->u.a.returnValue != 0);
    }
    ok(!bad, "kernel correlation ids join cuLaunchKernel API records (pid, tid, result)");
    bad = 1;
    for (unsigned i = 0; i < cb.launches && i < 64; i++)
        bad &= cb.launch_corr[i] != ka[0]->correlationId;
    ok(!bad, "the callback saw the same correlation id");
    {
        const sh_rec *y =
            sh_find(CUPTI_ACTIVITY_KIND_SYNCHRONIZATION, sync_api ? sync_api->correlationId : 0);
        ok(y && y->u.y.type == CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_SYNCHRONIZE &&
           y->u.y.cudaEventId == CUPTI_SYNCHRONIZATION_INVALID_VALUE && y->u.y.end >= kb[2]->end,
           "a STREAM_SYNCHRONIZE record joins the synchronize call");
    }
}

static void test_legacy_stream(env *e)
{
    const CUpti_ActivityKernel10 *k1, *k0, *k2, *k3, *tmp[4];
    CUfunction f1 = get_func(e->mod, "kernL1", 100 * MS), f0 = get_func(e->mod, "kernL0", 1 * MS),
               f2 = get_func(e->mod, "kernL2", 1 * MS), f3 = get_func(e->mod, "kernL3", 1 * MS);
    CUstream s3;

    cuStreamCreate(&s3, CU_STREAM_NON_BLOCKING);
    sh_clear();
    launch(f1, e->s1);
    launch(f0, NULL);
    launch(f2, e->s2);
    launch(f3, s3);
    cuCtxSynchronize();
    sh_flush(0);
    kernels_named("kernL1", tmp, 4), k1 = tmp[0];
    kernels_named("kernL0", tmp, 4), k0 = tmp[0];
    kernels_named("kernL2", tmp, 4), k2 = tmp[0];
    kernels_named("kernL3", tmp, 4), k3 = tmp[0];
    ok(k0->start >= k1->end, "NULL-stream work waits for a blocking stream");
    ok(k2->start >= k0->end, "blocking-stream work waits for the NULL stream");
    ok(k3->start < k0->start, "a non-blocking stream does not wait");
    {
        const CUpti_ActivityAPI *a = LAST_DRV(cuCtxSynchronize);
        const sh_rec *y = a ? sh_find(CUPTI_ACTIVITY_KIND_SYNCHRONIZATION, a->correlationId) : NULL;
        ok(y && y->u.y.type == CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_CONTEXT_SYNCHRONIZE &&
           y->u.y.end >= k2->end && a->end >= k2->end, "cuCtxSynchronize waits for every stream");
    }
    cuStreamDestroy_v2(s3);
}

static void test_events(env *e)
{
    CUfunction f = get_func(e->mod, "kernE", 100 * MS), g = get_func(e->mod, "kernW", 1 * MS);
    const CUpti_ActivityKernel10 *ke[2], *kw[2];
    CUevent e0, e1;
    float ms = 0;
    uint32_t s2_id = 0;

    cuEventCreate(&e0, 0);
    cuEventCreate(&e1, 0);
    sh_clear();
    cuStreamSynchronize(e->s1);
    cuEventRecord(e0, e->s1);
    launch(f, e->s1);
    cuEventRecord(e1, e->s1);
    is_int(cuEventElapsedTime_v2(&ms, e0, e1), CUDA_ERROR_NOT_READY, "elapsed time of a pending event");
    cuStreamWaitEvent(e->s2, e1, 0);
    launch(g, e->s2);
    cuEventSynchronize(e1);
    is_int(cuEventQuery(e1), CUDA_SUCCESS, "event complete after cuEventSynchronize");
    is_int(cuEventElapsedTime_v2(&ms, e0, e1), CUDA_SUCCESS, "cuEventElapsedTime_v2");
    ok(ms >= 100.0f && ms < 10000.0f, "elapsed time covers the 100 ms kernel (%.3f ms)", ms);
    cuStreamSynchronize(e->s2);
    sh_flush(0);
    kernels_named("kernE", ke, 2);
    kernels_named("kernW", kw, 2);
    ok(kw[0]->start >= ke[0]->end, "cuStreamWaitEvent: the waiting stream starts after the event");
    shc.GetStreamIdEx(NULL, e->s2, 0, &s2_id);
    {
        const CUpti_ActivityAPI *a = LAST_DRV(cuEventSynchronize);
        const CUpti_ActivityAPI *w = LAST_DRV(cuStreamWaitEvent);
        const sh_rec *y = a ? sh_find(CUPTI_ACTIVITY_KIND_SYNCHRONIZATION, a->correlationId) : NULL;
        const sh_rec *z = w ? sh_find(CUPTI_ACTIVITY_KIND_SYNCHRONIZATION, w->correlationId) : NULL;
        ok(y && y->u.y.type == CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_EVENT_SYNCHRONIZE &&
           y->u.y.end >= ke[0]->end && y->u.y.cudaEventId != CUPTI_SYNCHRONIZATION_INVALID_VALUE,
           "EVENT_SYNCHRONIZE record ends after the event's work");
        ok(z && z->u.y.type == CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_WAIT_EVENT &&
           z->u.y.streamId == s2_id && y && z->u.y.cudaEventId == y->u.y.cudaEventId &&
           z->u.y.cudaEventSyncId == y->u.y.cudaEventSyncId, "STREAM_WAIT_EVENT record names the stream and event");
    }
    cuEventDestroy_v2(e0);
    cuEventDestroy_v2(e1);
    is_int(cuEventQuery(e0), CUDA_ERROR_INVALID_HANDLE, "a destroyed event is refused");
}

static void test_copies(env *e)
{
    enum { N = 1 << 20 };
    CUfunction f = get_func(e->mod, "kernC", 200 * MS);
    const CUpti_ActivityAPI *a_pin, *a_page, *a_d2h;
    const sh_rec *c_pin, *c_page, *c_d2h, *c_d2d, *ms;
    unsigned char *pinned = NULL, *pageable = malloc(N), *back = malloc(N);
    CUdeviceptr d1, d2;
    uint64_t t_pin_ret;
    int bad = 0;

    cuMemAllocHost_v2((void **)&pinned, N);
    cuMemAlloc_v2(&d1, N);
    cuMemAlloc_v2(&d2, N);
    for (int i = 0; i < N; i++)
        pinned[i] = (unsigned char)i, pageable[i] = (unsigned char)(i * 3);
    sh_clear();
    launch(f, e->s1);
    cuMemcpyHtoDAsync_v2(d1, pinned, N, e->s1);
    t_pin_ret = sh_mono();
    cuMemcpyHtoDAsync_v2(d2, pageable, N, e->s1);
    cuMemcpyDtoDAsync_v2(d1, d2, N, e->s1);
    cuMemsetD32Async(d2, 0x01020304u, N / 4, e->s1);
    cuMemcpyDtoH_v2(back, d1, N);
    for (int i = 0; i < N; i++)
        bad |= back[i] != (unsigned char)(i * 3);
    ok(!bad, "copies really copy (H2D pageable, D2D, D2H)");
    cuMemcpyDtoH_v2(back, d2, 8);
    ok(back[0] == 4 && back[3] == 1 && back[4] == 4, "cuMemsetD32Async wrote the 32-bit pattern");
    sh_flush(0);
    a_pin = NULL, a_page = NULL;
    for (size_t i = 0; i < sh_count(); i++) {
        const sh_rec *r = sh_get(i);
        if (r->u.any.kind == CUPTI_ACTIVITY_KIND_DRIVER && r->u.a.cbid == CUPTI_DRIVER_TRACE_CBID_cuMemcpyHtoDAsync_v2) {
            if (!a_pin)
                a_pin = &r->u.a;
            else
                a_page = &r->u.a;
        }
    }
    a_d2h = LAST_DRV(cuMemcpyDtoH_v2);
    c_pin = a_pin ? sh_find(CUPTI_ACTIVITY_KIND_MEMCPY, a_pin->correlationId) : NULL;
    c_page = a_page ? sh_find(CUPTI_ACTIVITY_KIND_MEMCPY, a_page->correlationId) : NULL;
    c_d2h = a_d2h ? sh_find(CUPTI_ACTIVITY_KIND_MEMCPY, a_d2h->correlationId) : NULL;
    c_d2d = NULL;
    ms = NULL;
    for (size_t i = 0; i < sh_count(); i++) {
        const sh_rec *r = sh_get(i);
        if (r->u.any.kind == CUPTI_ACTIVITY_KIND_MEMCPY && r->u.c.copyKind == CUPTI_ACTIVITY_MEMCPY_KIND_DTOD)
            c_d2d = r;
        if (r->u.any.kind == CUPTI_ACTIVITY_KIND_MEMSET)
            ms = r;
    }
    if (!c_pin || !c_page || !c_d2h || !c_d2d || !ms) {
        ok(0, "every copy and the memset has a record joined to its call");
        goto out;
    }
    ok(c_pin->u.c.copyKind == CUPTI_ACTIVITY_MEMCPY_KIND_HTOD &&
       c_pin->u.c.srcKind == CUPTI_ACTIVITY_MEMORY_KIND_PINNED &&
       c_pin->u.c.dstKind == CUPTI_ACTIVITY_MEMORY_KIND_DEVICE &&
       (c_pin->u.c.flags & CUPTI_ACTIVITY_FLAG_MEMCPY_ASYNC) && c_pin->u.c.bytes == N,
       "pinned H2D: kinds, async flag, bytes");
    ok(c_page->u.c.srcKind == CUPTI_ACTIVITY_MEMORY_KIND_PAGEABLE, "pageable H2D: source pageable");
    is_int(c_pin->u.c.end - c_pin->u.c.start, 2000 + N / 25, "pinned copy: 2 us + bytes at 25 GB/s");
    is_int(c_page->u.c.end - c_page->u.c.start, 2000 + N / 8, "pageable copy: 2 us + bytes at 8 GB/s");
    ok(t_pin_ret < c_pin->u.c.start && a_pin->end < c_pin->u.c.start,
       "an async copy from pinned memory does not block the host");
    ok(a_page->end >= c_page->u.c.end, "an async copy from pageable memory blocks the host until it ends");
    ok(c_pin->u.c.start >= c_pin->u.c.start && c_page->u.c.start >= c_pin->u.c.end &&
       c_d2d->u.c.start >= c_page->u.c.end && ms->u.s.start >= c_d2d->u.c.end,
       "copies and the memset run in stream order");
    ok(c_d2h->u.c.copyKind == CUPTI_ACTIVITY_MEMCPY_KIND_DTOH && !(c_d2h->u.c.flags & CUPTI_ACTIVITY_FLAG_MEMCPY_ASYNC) &&
       c_d2h->u.c.dstKind == CUPTI_ACTIVITY_MEMORY_KIND_PAGEABLE && a_d2h->end >= c_d2h->u.c.end,
       "synchronous D2H: not async, blocks the host");
    ok(c_d2h->u.c.start >= ms->u.s.end, "a synchronous copy (legacy stream) waits for blocking streams");
    ok(ms->u.s.value == 0x01020304u && ms->u.s.bytes == N && ms->u.s.memoryKind == CUPTI_ACTIVITY_MEMORY_KIND_DEVICE &&
       (ms->u.s.flags & CUPTI_ACTIVITY_FLAG_MEMSET_ASYNC), "memset record: value, bytes, kind, async");
out:
    is_int(cuMemcpyHtoD_v2(d1 + N - 4, pinned, 8), CUDA_ERROR_INVALID_VALUE, "a copy past the allocation is refused");
    is_int(cuMemFree_v2(d1 + 1), CUDA_ERROR_INVALID_VALUE, "freeing inside an allocation is refused");
    cuMemFree_v2(d1);
    cuMemFree_v2(d2);
    cuMemFreeHost(pinned);
    free(pageable);
    free(back);
}

static void test_graph(env *e)
{
    CUfunction f = get_func(e->mod, "kernG", 1 * MS);
    const CUpti_ActivityKernel10 *k[16];
    CUgraph graph;
    CUgraphExec exec;
    uint32_t gid = 0, launch_corr[3] = { 0, 0, 0 };
    size_t n, nl = 0;
    int bad = 0;

    sh_clear();
    is_int(cuStreamBeginCapture_v2(NULL, CU_STREAM_CAPTURE_MODE_GLOBAL), CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED,
           "the legacy stream cannot capture");
    cuStreamBeginCapture_v2(e->s1, CU_STREAM_CAPTURE_MODE_GLOBAL);
    for (int i = 0; i < 4; i++)
        launch(f, e->s1);
    is_int(cuStreamSynchronize(e->s1), CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, "no synchronize while capturing");
    is_int(cuStreamEndCapture(e->s1, &graph), CUDA_SUCCESS, "cuStreamEndCapture");
    is_int(cuGraphInstantiateWithFlags(&exec, graph, 0), CUDA_SUCCESS, "cuGraphInstantiateWithFlags");
    for (int i = 0; i < 3; i++)
        cuGraphLaunch(exec, e->s1);
    cuStreamSynchronize(e->s1);
    sh_flush(0);
    n = kernels_named("kernG", k, 16);
    is_int(n, 12, "3 launches of a 4-kernel graph: 12 kernel records, none at capture");
    is_int(shc.GetGraphId(graph, &gid), CUPTI_SUCCESS, "cuptiGetGraphId");
    for (size_t i = 0; i < sh_count(); i++) {
        const sh_rec *r = sh_get(i);
        if (r->u.any.kind == CUPTI_ACTIVITY_KIND_DRIVER && r->u.a.cbid == CUPTI_DRIVER_TRACE_CBID_cuGraphLaunch && nl < 3)
            launch_corr[nl++] = r->u.a.correlationId;
    }
    for (size_t i = 0; i < n; i++) {
        bad |= k[i]->graphId != gid || gid == 0 || k[i]->graphNodeId == 0;
        bad |= k[i]->correlationId != launch_corr[i / 4];
        bad |= k[i]->graphNodeId != k[i % 4]->graphNodeId || (i % 4 && k[i]->graphNodeId == k[i - 1]->graphNodeId);
        bad |= i > 0 && k[i]->start < k[i - 1]->end;
    }
    ok(!bad && nl == 3, "graph kernels carry the graph id, node ids, the cuGraphLaunch correlation id, in order");
    cuGraphExecDestroy(exec);
    cuGraphDestroy(graph);
    is_int(cuGraphLaunch(exec, e->s1), CUDA_ERROR_INVALID_HANDLE, "a destroyed graph exec is refused");
}

int main(void)
{
    const char *path = getenv("GPUPACK_CUPTI_PATH");
    CUpti_SubscriberHandle sub;
    CUpti_SubscriberParams sp = { CUpti_SubscriberParams_STRUCT_SIZE, "test_simgpu", NULL, 0 };
    char why[512];
    CUcontext dead;
    CUdevice dev;
    env e;
    int n;

    setenv("SIMGPU_DEVICES", "2", 1);
    unsetenv("CUDA_INJECTION64_PATH");
    unsetenv("SIMGPU_SHARED");
    is_int(cuDeviceGetCount(&n), CUDA_ERROR_NOT_INITIALIZED, "no cuInit: CUDA_ERROR_NOT_INITIALIZED");
    if (sh_load(path && *path ? path : SIMGPU_CUPTI_PATH, why, sizeof why) != 0) {
        ok(0, "load the fake CUPTI: %s", why);
        return done_testing();
    }
    is_int(sh_start(SH_KINDS_ALL), CUPTI_SUCCESS, "register buffers and clock, enable kinds");
    is_int(shc.Subscribe_v2(&sub, on_callback, NULL, &sp), CUPTI_SUCCESS, "subscribe");
    shc.EnableDomain(1, sub, CUPTI_CB_DOMAIN_DRIVER_API);
    shc.EnableDomain(1, sub, CUPTI_CB_DOMAIN_RESOURCE);
    shc.EnableDomain(1, sub, CUPTI_CB_DOMAIN_SYNCHRONIZE);
    is_int(cuInit(0), CUDA_SUCCESS, "cuInit");
    test_devices();

    cuDeviceGet(&dev, 0);
    is_int(cuCtxCreate_v4(&e.ctx, NULL, 0, dev), CUDA_SUCCESS, "cuCtxCreate_v4");
    is_int(cb.ctx_created, 1, "CONTEXT_CREATED resource callback");
    cuStreamCreate(&e.s1, 0);
    cuStreamCreateWithPriority(&e.s2, 0, -3);
    is_int(cb.streams_created, 2, "STREAM_CREATED resource callbacks");
    is_int(cb.nested_cb, 0, "a driver call made inside a callback is not called back");
    cuModuleLoadData(&e.mod, "any image");

    warm_up(&e);
    test_streams(&e);
    test_legacy_stream(&e);
    test_events(&e);
    test_copies(&e);
    test_graph(&e);

    is_int(cb.bad_pairs, 0, "correlationData is shared by ENTER and EXIT");
    ok(cb.enter == cb.exit && cb.enter > 50, "ENTER and EXIT callbacks pair up (%u)", cb.enter);
    is_int(cb.bad_symbol + cb.bad_params, 0, "launch callbacks carry symbolName and cuLaunchKernel_params");
    ok(cb.stream_synced > 0, "SYNCHRONIZE domain: STREAM_SYNCHRONIZED callbacks");
    is_int(cuStreamSynchronize((CUstream)(uintptr_t)0x1234), CUDA_ERROR_INVALID_HANDLE, "a bogus stream is refused");
    is_int(cuEventQuery((CUevent)(uintptr_t)1), CUDA_ERROR_INVALID_HANDLE, "so is a bogus event (1)");
    is_int(cuLaunchKernel(NULL, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL), CUDA_ERROR_INVALID_HANDLE,
           "a NULL function is refused");

    cuModuleUnload(e.mod);
    cuStreamDestroy_v2(e.s1);
    cuStreamDestroy_v2(e.s2);
    dead = e.ctx;
    is_int(cuCtxDestroy_v2(e.ctx), CUDA_SUCCESS, "cuCtxDestroy_v2");
    is_int(cb.ctx_destroying, 1, "CONTEXT_DESTROY_STARTING resource callback");
    is_int(cuCtxDestroy_v2(dead), CUDA_ERROR_INVALID_CONTEXT, "destroying it twice is refused");
    is_int(cuCtxSynchronize(), CUDA_ERROR_INVALID_CONTEXT, "no current context after destroying it");
    shc.Unsubscribe(sub);
    sh_flush(1);
    shc.Finalize();
    sh_free();
    return done_testing();
}
