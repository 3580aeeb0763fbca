/* test_decode.c: the collector's decoder on hand-built CUPTI buffers, walked
 * by the real libcupti's cuptiActivityGetNextRecord (no GPU needed). The
 * expected values are the ones packed into the buffer. */
#include "config.h"

#include <cupti.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "collector/decode.h"
#include "common/batch.h"
#include "tests/tap.h"

static gp_batch *out;
static const char *strs[64];
static int nstrs;
static uint64_t drops[8];

static gp_strid intern(void *ud, const char *s)
{
    (void)ud;
    for (int i = 0; i < nstrs; i++)
        if (strcmp(strs[i], s) == 0)
            return (gp_strid)i + 1;
    strs[nstrs] = strdup(s);
    return (gp_strid)++nstrs;
}

static const char *str(gp_strid id)
{
    return id && id <= (gp_strid)nstrs ? strs[id - 1] : "";
}

static const char *api_name(void *ud, CUpti_CallbackDomain d, uint32_t cbid)
{
    (void)ud;
    if (d == CUPTI_CB_DOMAIN_DRIVER_API && cbid == CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel)
        return "cuLaunchKernel";
    return NULL;
}

static int emit(void *ud, const gp_record *r)
{
    (void)ud;
    return gp_batch_add(out, r);
}

static void dropped(void *ud, int source, uint64_t n)
{
    (void)ud;
    drops[source & 7] += n;
}

static uint8_t buf[64 * 1024] __attribute__((aligned(8)));
static size_t used;

static void *put(size_t size)
{
    void *p = buf + used;
    memset(p, 0, size);
    used += (size + 7) & ~(size_t)7;
    return p;
}

/* Times on another clock: the session's converter, here a fixed offset. */
static int64_t minus_1ms(void *ud, uint64_t ts)
{
    (void)ud;
    return ts ? (int64_t)ts - 1000000 : 0;
}

/* CUPTI 12.x writes the older record versions. Each is built as that
 * struct (the layout a 12.x library writes) and decoded on its own; the
 * expected values are the ones stored. The times also go through a clock
 * converter, as in the session's offset mode. */
static void test_cupti12(void)
{
    gp_decode_env env = { NULL, intern, api_name, emit, dropped, minus_1ms };
    gp_decoder *d;
    size_t n;

    out = gp_batch_new();
    d = gp_decoder_new(&env);
    {
        CUpti_ActivityKernel9 k;
        memset(&k, 0, sizeof k);
        k.kind = CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL;
        k.start = 5000000;
        k.end = 5250000;
        k.deviceId = 2;
        k.contextId = 4;
        k.streamId = 21;
        k.correlationId = 31;
        k.name = "volta_sgemm_64x64_nn";
        k.gridX = 80;
        k.blockX = 128;
        k.registersPerThread = 96;
        k.dynamicSharedMemory = 8192;
        k.queued = 4900000;
        k.submitted = 4950000;
        gp_decode(d, (const CUpti_Activity *)&k);
    }
    {
        CUpti_ActivityMemcpy5 m;
        memset(&m, 0, sizeof m);
        m.kind = CUPTI_ACTIVITY_KIND_MEMCPY;
        m.copyKind = CUPTI_ACTIVITY_MEMCPY_KIND_DTOH;
        m.srcKind = CUPTI_ACTIVITY_MEMORY_KIND_DEVICE;
        m.dstKind = CUPTI_ACTIVITY_MEMORY_KIND_PINNED;
        m.bytes = 4096;
        m.start = 6000000;
        m.end = 6010000;
        m.deviceId = 2;
        m.streamId = 21;
        m.correlationId = 32;
        gp_decode(d, (const CUpti_Activity *)&m);
    }
    {
        CUpti_ActivityMemcpyPtoP3 m;
        memset(&m, 0, sizeof m);
        m.kind = CUPTI_ACTIVITY_KIND_MEMCPY2;
        m.copyKind = CUPTI_ACTIVITY_MEMCPY_KIND_PTOP;
        m.bytes = 1 << 16;
        m.start = 6100000;
        m.end = 6110000;
        m.srcDeviceId = 2;
        m.dstDeviceId = 3;
        m.correlationId = 33;
        gp_decode(d, (const CUpti_Activity *)&m);
    }
    {
        CUpti_ActivityMemset3 m;
        memset(&m, 0, sizeof m);
        m.kind = CUPTI_ACTIVITY_KIND_MEMSET;
        m.value = 7;
        m.bytes = 512;
        m.start = 6200000;
        m.end = 6201000;
        m.correlationId = 34;
        gp_decode(d, (const CUpti_Activity *)&m);
    }
    {
        CUpti_ActivitySynchronization s;
        memset(&s, 0, sizeof s);
        s.kind = CUPTI_ACTIVITY_KIND_SYNCHRONIZATION;
        s.type = CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_SYNCHRONIZE;
        s.start = 6300000;
        s.end = 6400000;
        s.correlationId = 35;
        s.contextId = 4;
        s.streamId = 21;
        s.cudaEventId = CUPTI_SYNCHRONIZATION_INVALID_VALUE;
        gp_decode(d, (const CUpti_Activity *)&s);
    }
    {
        CUpti_ActivityOverhead2 v;
        memset(&v, 0, sizeof v);
        v.kind = CUPTI_ACTIVITY_KIND_OVERHEAD;
        v.overheadKind = CUPTI_ACTIVITY_OVERHEAD_CUPTI_BUFFER_FLUSH;
        v.objectKind = CUPTI_ACTIVITY_OBJECT_THREAD;
        v.objectId.pt.processId = 77;
        v.objectId.pt.threadId = 78;
        v.start = 6500000;
        v.end = 6600000;
        gp_decode(d, (const CUpti_Activity *)&v);
    }
    {
        const gp_kernel *k = gp_batch_items(out, GP_KIND_KERNEL, &n);
        ok(n == 1 && k->start_ns == 4000000 && k->end_ns == 4250000 && k->queued_ns == 3900000 &&
           k->submitted_ns == 3950000, "CUPTI 12 Kernel9: times through the clock converter");
        ok(n == 1 && k->device == 2 && k->context == 4 && k->stream == 21 && k->correlation == 31 &&
           k->grid_x == 80 && k->block_x == 128 && k->registers == 96 &&
           k->dynamic_smem_bytes == 8192, "CUPTI 12 Kernel9: ids and launch shape");
        is_str(n ? str(k->name) : "", "volta_sgemm_64x64_nn", "CUPTI 12 Kernel9: name");
    }
    {
        const gp_memcpy *m = gp_batch_items(out, GP_KIND_MEMCPY, &n);
        ok(n == 2 && m[0].copy_kind == GP_COPY_DTOH && m[0].bytes == 4096 && m[0].start_ns == 5000000 &&
           m[0].end_ns == 5010000 && m[0].correlation == 32 && m[0].stream == 21,
           "CUPTI 12 Memcpy5");
        ok(n == 2 && m[1].src_device == 2 && m[1].dst_device == 3 && m[1].bytes == 1 << 16 &&
           m[1].correlation == 33 && m[1].start_ns == 5100000, "CUPTI 12 MemcpyPtoP3");
    }
    {
        const gp_memset *m = gp_batch_items(out, GP_KIND_MEMSET, &n);
        ok(n == 1 && m->value == 7 && m->bytes == 512 && m->correlation == 34 &&
           m->start_ns == 5200000, "CUPTI 12 Memset3");
    }
    {
        const gp_sync *s = gp_batch_items(out, GP_KIND_SYNC, &n);
        ok(n == 1 && s->type == GP_SYNC_STREAM && s->stream == 21 && s->context == 4 &&
           s->correlation == 35 && s->start_ns == 5300000 && s->end_ns == 5400000,
           "CUPTI 12 Synchronization (version 1)");
    }
    {
        const gp_overhead *v = gp_batch_items(out, GP_KIND_OVERHEAD, &n);
        ok(n == 1 && v->pid == 77 && v->tid == 78 && v->start_ns == 5500000 &&
           v->end_ns == 5600000, "CUPTI 12 Overhead2");
    }
    is_int(gp_decoder_ops_recorded(d), 4, "CUPTI 12: kernel, two copies and a memset recorded");
    gp_decoder_free(d);
    gp_batch_free(out);
}

int main(void)
{
    char path[600];
    void *lib;
    CUptiResult (*next)(uint8_t *, size_t, CUpti_Activity **);
    gp_decode_env env = { NULL, intern, api_name, emit, dropped, NULL };
    gp_decoder *d;
    CUpti_Activity *rec = NULL;
    int walked = 0;
    size_t n;

    snprintf(path, sizeof path, "%s/libcupti.so.13", GP_CUPTI_LIBDIR);
    lib = dlopen(path, RTLD_NOW);
    if (!lib) {
        skip("the CUDA toolkit's libcupti is not available");
        return done_testing();
    }
    *(void **)&next = dlsym(lib, "cuptiActivityGetNextRecord");
    ok(next != NULL, "real cuptiActivityGetNextRecord found in %s", path);

    {
        CUpti_ActivityAPI *a = put(sizeof *a);
        a->kind = CUPTI_ACTIVITY_KIND_DRIVER;
        a->cbid = CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel;
        a->start = 1000;
        a->end = 1500;
        a->processId = 4242;
        a->threadId = 4243;
        a->correlationId = 7;
        a->returnValue = 0;
    }
    {
        CUpti_ActivityKernel10 *k = put(sizeof *k);
        k->kind = CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL;
        k->start = 2000;
        k->end = 52000;
        k->deviceId = 1;
        k->contextId = 3;
        k->streamId = 13;
        k->correlationId = 7;
        k->name = "ampere_sgemm_128x64_nn";
        k->gridX = 120;
        k->gridY = 2;
        k->gridZ = 1;
        k->blockX = 256;
        k->blockY = 1;
        k->blockZ = 1;
        k->registersPerThread = 64;
        k->staticSharedMemory = 1024;
        k->dynamicSharedMemory = 49152;
        k->localMemoryPerThread = 16;
        k->graphId = 0;
        k->launchType = 0;
    }
    {
        CUpti_ActivityKernel10 *k = put(sizeof *k); /* lost its timestamps */
        k->kind = CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL;
        k->name = "lost_kernel";
    }
    {
        CUpti_ActivityKernel10 *k = put(sizeof *k); /* from a graph */
        k->kind = CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL;
        k->start = 60000;
        k->end = 61000;
        k->name = "graph_kernel";
        k->graphId = 9;
        k->graphNodeId = 77;
    }
    {
        CUpti_ActivityMemcpy6 *m = put(sizeof *m);
        m->kind = CUPTI_ACTIVITY_KIND_MEMCPY;
        m->copyKind = CUPTI_ACTIVITY_MEMCPY_KIND_HTOD;
        m->srcKind = CUPTI_ACTIVITY_MEMORY_KIND_PAGEABLE;
        m->dstKind = CUPTI_ACTIVITY_MEMORY_KIND_DEVICE;
        m->flags = CUPTI_ACTIVITY_FLAG_MEMCPY_ASYNC;
        m->bytes = 1 << 20;
        m->start = 70000;
        m->end = 90000;
        m->deviceId = 1;
        m->contextId = 3;
        m->streamId = 14;
        m->correlationId = 8;
    }
    {
        CUpti_ActivityMemset4 *m = put(sizeof *m);
        m->kind = CUPTI_ACTIVITY_KIND_MEMSET;
        m->value = 0xab;
        m->bytes = 4096;
        m->start = 91000;
        m->end = 92000;
        m->deviceId = 1;
        m->streamId = 14;
        m->correlationId = 9;
        m->memoryKind = CUPTI_ACTIVITY_MEMORY_KIND_DEVICE;
    }
    {
        CUpti_ActivitySynchronization2 *s = put(sizeof *s);
        s->kind = CUPTI_ACTIVITY_KIND_SYNCHRONIZATION;
        s->type = CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_CONTEXT_SYNCHRONIZE;
        s->start = 93000;
        s->end = 99000;
        s->correlationId = 10;
        s->contextId = 3;
        s->streamId = CUPTI_SYNCHRONIZATION_INVALID_VALUE;
        s->cudaEventId = CUPTI_SYNCHRONIZATION_INVALID_VALUE;
    }
    {
        CUpti_ActivityMarker2 *m = put(sizeof *m);
        m->kind = CUPTI_ACTIVITY_KIND_MARKER;
        m->flags = CUPTI_ACTIVITY_FLAG_MARKER_START;
        m->timestamp = 500;
        m->id = 5;
        m->objectKind = CUPTI_ACTIVITY_OBJECT_THREAD;
        m->objectId.pt.processId = 4242;
        m->objectId.pt.threadId = 4243;
        m->name = "step 1";
        m->domain = "train";
    }
    {
        CUpti_ActivityMarkerData2 *m = put(sizeof *m);
        m->kind = CUPTI_ACTIVITY_KIND_MARKER_DATA;
        m->flags = CUPTI_ACTIVITY_FLAG_MARKER_COLOR_ARGB;
        m->id = 5;
        m->color = 0xff00ff00;
        m->category = 3;
        m->payloadKind = CUPTI_METRIC_VALUE_KIND_INT64;
        m->payload.metricValueInt64 = -17;
    }
    {
        CUpti_ActivityMarker2 *m = put(sizeof *m);
        m->kind = CUPTI_ACTIVITY_KIND_MARKER;
        m->flags = CUPTI_ACTIVITY_FLAG_MARKER_END;
        m->timestamp = 99500;
        m->id = 5;
        m->objectKind = CUPTI_ACTIVITY_OBJECT_THREAD;
        m->objectId.pt.processId = 4242;
        m->objectId.pt.threadId = 4243;
    }
    {
        CUpti_ActivityMarker2 *m = put(sizeof *m);
        m->kind = CUPTI_ACTIVITY_KIND_MARKER;
        m->flags = CUPTI_ACTIVITY_FLAG_MARKER_INSTANTANEOUS;
        m->timestamp = 600;
        m->id = 6;
        m->objectKind = CUPTI_ACTIVITY_OBJECT_THREAD;
        m->objectId.pt.processId = 4242;
        m->objectId.pt.threadId = 4244;
        m->name = "checkpoint";
    }
    {
        CUpti_ActivityMarker2 *m = put(sizeof *m); /* a range never closed */
        m->kind = CUPTI_ACTIVITY_KIND_MARKER;
        m->flags = CUPTI_ACTIVITY_FLAG_MARKER_START;
        m->timestamp = 700;
        m->id = 8;
        m->objectKind = CUPTI_ACTIVITY_OBJECT_THREAD;
        m->objectId.pt.processId = 4242;
        m->objectId.pt.threadId = 4243;
        m->name = "main";
    }
    {
        CUpti_ActivityExternalCorrelation *e = put(sizeof *e);
        e->kind = CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION;
        e->externalKind = CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0;
        e->externalId = 123456789;
        e->correlationId = 7;
    }

    out = gp_batch_new();
    d = gp_decoder_new(&env);
    while (next(buf, used, &rec) == CUPTI_SUCCESS) {
        walked++;
        gp_decode(d, rec);
    }
    is_int(walked, 13, "the real CUPTI walks all 13 hand-built records");
    gp_decoder_finish(d, 200000);

    {
        const gp_api *a = gp_batch_items(out, GP_KIND_API, &n);
        is_int(n, 1, "one API call");
        ok(n == 1 && a->start_ns == 1000 && a->end_ns == 1500 && a->correlation == 7 &&
           a->tid == 4243 && a->pid == 4242 && a->domain == GP_API_DRIVER &&
           a->cbid == CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, "API call fields");
        is_str(n ? str(a->name) : "", "cuLaunchKernel", "API name from the callback id");
    }
    {
        const gp_kernel *k = gp_batch_items(out, GP_KIND_KERNEL, &n);
        is_int(n, 2, "two kernels (the one without timestamps is dropped)");
        ok(n >= 1 && k[0].start_ns == 2000 && k[0].end_ns == 52000 && k[0].device == 1 &&
           k[0].context == 3 && k[0].stream == 13 && k[0].correlation == 7, "kernel ids and times");
        ok(n >= 1 && k[0].grid_x == 120 && k[0].grid_y == 2 && k[0].block_x == 256 &&
           k[0].registers == 64 && k[0].static_smem_bytes == 1024 &&
           k[0].dynamic_smem_bytes == 49152 && k[0].local_mem_bytes == 16, "kernel launch shape");
        is_str(n >= 1 ? str(k[0].name) : "", "ampere_sgemm_128x64_nn", "kernel name interned");
        ok(n >= 2 && k[1].graph_id == 9 && k[1].graph_node_id == 77, "graph ids");
        is_int(drops[GP_DROP_NO_TIMESTAMP], 1, "the timestamp-less kernel is counted");
    }
    {
        const gp_memcpy *m = gp_batch_items(out, GP_KIND_MEMCPY, &n);
        ok(n == 1 && m->copy_kind == GP_COPY_HTOD && m->src_kind == GP_MEM_PAGEABLE &&
           m->dst_kind == GP_MEM_DEVICE && m->async == 1 && m->bytes == 1 << 20 &&
           m->stream == 14 && m->correlation == 8 && m->start_ns == 70000 && m->end_ns == 90000,
           "pageable async HtoD copy");
    }
    {
        const gp_memset *m = gp_batch_items(out, GP_KIND_MEMSET, &n);
        ok(n == 1 && m->value == 0xab && m->bytes == 4096 && m->async == 0 &&
           m->mem_kind == GP_MEM_DEVICE && m->correlation == 9, "memset");
    }
    {
        const gp_sync *s = gp_batch_items(out, GP_KIND_SYNC, &n);
        ok(n == 1 && s->type == GP_SYNC_CONTEXT && s->stream == -1 && s->event == 0 &&
           s->context == 3 && s->start_ns == 93000 && s->end_ns == 99000,
           "context sync: no stream, no event");
    }
    {
        const gp_nvtx *v = gp_batch_items(out, GP_KIND_NVTX, &n);
        const gp_nvtx *step = NULL, *mark = NULL, *main_r = NULL;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(str(v[i].name), "step 1") == 0)
                step = &v[i];
            if (strcmp(str(v[i].name), "checkpoint") == 0)
                mark = &v[i];
            if (strcmp(str(v[i].name), "main") == 0)
                main_r = &v[i];
        }
        is_int(n, 3, "a range, a mark and an unclosed range");
        ok(step && step->start_ns == 500 && step->end_ns == 99500 && step->tid == 4243 &&
           step->pid == 4242 && step->kind == GP_NVTX_PUSHPOP, "range paired by id");
        ok(step && step->color == 0xff00ff00 && step->category == 3 && step->payload == -17,
           "marker data joined to its range");
        is_str(step ? str(step->domain) : "", "train", "range domain");
        ok(mark && mark->start_ns == 600 && mark->end_ns == 600 && mark->kind == GP_NVTX_MARK &&
           mark->tid == 4244, "instant marker");
        ok(main_r && main_r->start_ns == 700 && main_r->end_ns == 200000,
           "an unclosed range ends when decoding finishes");
    }
    {
        const gp_extcorr *e = gp_batch_items(out, GP_KIND_EXTCORR, &n);
        ok(n == 1 && e->correlation == 7 && e->ext_id == 123456789, "external correlation");
    }
    is_int(gp_decoder_ops_recorded(d), 4,
           "ops recorded: kernel, memcpy, memset, and the kernel without timestamps (not graph)");
    gp_decoder_free(d);
    gp_batch_free(out);

    test_cupti12();
    for (int i = 0; i < nstrs; i++)
        free((void *)strs[i]);
    return done_testing();
}
