/* decode.c: CUPTI activity records to gpupack records.
 *
 * Records are read through the CUPTI 13 structs. A CUPTI 12.x library
 * writes the older versions of them (Kernel9, Memcpy5, MemcpyPtoP4,
 * Memset4, Synchronization, MarkerData, Overhead2 in 12.x; Kernel8,
 * MemcpyPtoP3, Memset3, Overhead in older 12.x releases): every field read
 * here sits at the same offset in those, within their size, which the
 * assertions below pin against the headers this is built with. */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

/* Field f of struct OLD is where struct NEW has it, and inside OLD. */
#define SAME_AT(OLD, NEW, f)                                                        \
    _Static_assert(offsetof(OLD, f) == offsetof(NEW, f) &&                          \
                       offsetof(NEW, f) + sizeof(((NEW *)0)->f) <= sizeof(OLD),    \
                   #OLD "." #f " is not where " #NEW " has it")
#define KERNEL_FIELDS(OLD)                                                          \
    SAME_AT(OLD, CUpti_ActivityKernel10, kind);                                     \
    SAME_AT(OLD, CUpti_ActivityKernel10, start);                                    \
    SAME_AT(OLD, CUpti_ActivityKernel10, end);                                      \
    SAME_AT(OLD, CUpti_ActivityKernel10, deviceId);                                 \
    SAME_AT(OLD, CUpti_ActivityKernel10, contextId);                                \
    SAME_AT(OLD, CUpti_ActivityKernel10, streamId);                                 \
    SAME_AT(OLD, CUpti_ActivityKernel10, correlationId);                            \
    SAME_AT(OLD, CUpti_ActivityKernel10, name);                                     \
    SAME_AT(OLD, CUpti_ActivityKernel10, gridX);                                    \
    SAME_AT(OLD, CUpti_ActivityKernel10, gridY);                                    \
    SAME_AT(OLD, CUpti_ActivityKernel10, gridZ);                                    \
    SAME_AT(OLD, CUpti_ActivityKernel10, blockX);                                   \
    SAME_AT(OLD, CUpti_ActivityKernel10, blockY);                                   \
    SAME_AT(OLD, CUpti_ActivityKernel10, blockZ);                                   \
    SAME_AT(OLD, CUpti_ActivityKernel10, registersPerThread);                       \
    SAME_AT(OLD, CUpti_ActivityKernel10, staticSharedMemory);                       \
    SAME_AT(OLD, CUpti_ActivityKernel10, dynamicSharedMemory);                      \
    SAME_AT(OLD, CUpti_ActivityKernel10, localMemoryPerThread);                     \
    SAME_AT(OLD, CUpti_ActivityKernel10, queued);                                   \
    SAME_AT(OLD, CUpti_ActivityKernel10, submitted);                                \
    SAME_AT(OLD, CUpti_ActivityKernel10, graphId);                                  \
    SAME_AT(OLD, CUpti_ActivityKernel10, graphNodeId);                              \
    SAME_AT(OLD, CUpti_ActivityKernel10, launchType);                               \
    SAME_AT(OLD, CUpti_ActivityKernel10, clusterX);                                 \
    SAME_AT(OLD, CUpti_ActivityKernel10, clusterY);                                 \
    SAME_AT(OLD, CUpti_ActivityKernel10, clusterZ)
KERNEL_FIELDS(CUpti_ActivityKernel9);
KERNEL_FIELDS(CUpti_ActivityKernel8);
#define COPY_FIELDS(OLD, NEW)                                                       \
    SAME_AT(OLD, NEW, kind);                                                        \
    SAME_AT(OLD, NEW, copyKind);                                                    \
    SAME_AT(OLD, NEW, srcKind);                                                     \
    SAME_AT(OLD, NEW, dstKind);                                                     \
    SAME_AT(OLD, NEW, flags);                                                       \
    SAME_AT(OLD, NEW, bytes);                                                       \
    SAME_AT(OLD, NEW, start);                                                       \
    SAME_AT(OLD, NEW, end);                                                         \
    SAME_AT(OLD, NEW, deviceId);                                                    \
    SAME_AT(OLD, NEW, contextId);                                                   \
    SAME_AT(OLD, NEW, streamId);                                                    \
    SAME_AT(OLD, NEW, correlationId);                                               \
    SAME_AT(OLD, NEW, graphId)
COPY_FIELDS(CUpti_ActivityMemcpy5, CUpti_ActivityMemcpy6);
COPY_FIELDS(CUpti_ActivityMemcpyPtoP3, CUpti_ActivityMemcpyPtoP4);
SAME_AT(CUpti_ActivityMemcpyPtoP3, CUpti_ActivityMemcpyPtoP4, srcDeviceId);
SAME_AT(CUpti_ActivityMemcpyPtoP3, CUpti_ActivityMemcpyPtoP4, dstDeviceId);
#define MEMSET_FIELDS(OLD)                                                          \
    SAME_AT(OLD, CUpti_ActivityMemset4, kind);                                      \
    SAME_AT(OLD, CUpti_ActivityMemset4, value);                                     \
    SAME_AT(OLD, CUpti_ActivityMemset4, bytes);                                     \
    SAME_AT(OLD, CUpti_ActivityMemset4, start);                                     \
    SAME_AT(OLD, CUpti_ActivityMemset4, end);                                       \
    SAME_AT(OLD, CUpti_ActivityMemset4, deviceId);                                  \
    SAME_AT(OLD, CUpti_ActivityMemset4, contextId);                                 \
    SAME_AT(OLD, CUpti_ActivityMemset4, streamId);                                  \
    SAME_AT(OLD, CUpti_ActivityMemset4, correlationId);                             \
    SAME_AT(OLD, CUpti_ActivityMemset4, flags);                                     \
    SAME_AT(OLD, CUpti_ActivityMemset4, memoryKind);                                \
    SAME_AT(OLD, CUpti_ActivityMemset4, graphId)
MEMSET_FIELDS(CUpti_ActivityMemset3);
SAME_AT(CUpti_ActivitySynchronization, CUpti_ActivitySynchronization2, type);
SAME_AT(CUpti_ActivitySynchronization, CUpti_ActivitySynchronization2, start);
SAME_AT(CUpti_ActivitySynchronization, CUpti_ActivitySynchronization2, end);
SAME_AT(CUpti_ActivitySynchronization, CUpti_ActivitySynchronization2, correlationId);
SAME_AT(CUpti_ActivitySynchronization, CUpti_ActivitySynchronization2, contextId);
SAME_AT(CUpti_ActivitySynchronization, CUpti_ActivitySynchronization2, streamId);
SAME_AT(CUpti_ActivitySynchronization, CUpti_ActivitySynchronization2, cudaEventId);
SAME_AT(CUpti_ActivityMarkerData, CUpti_ActivityMarkerData2, flags);
SAME_AT(CUpti_ActivityMarkerData, CUpti_ActivityMarkerData2, id);
SAME_AT(CUpti_ActivityMarkerData, CUpti_ActivityMarkerData2, payloadKind);
SAME_AT(CUpti_ActivityMarkerData, CUpti_ActivityMarkerData2, payload);
SAME_AT(CUpti_ActivityMarkerData, CUpti_ActivityMarkerData2, color);
SAME_AT(CUpti_ActivityMarkerData, CUpti_ActivityMarkerData2, category);
#define OVERHEAD_FIELDS(OLD)                                                        \
    SAME_AT(OLD, CUpti_ActivityOverhead3, overheadKind);                            \
    SAME_AT(OLD, CUpti_ActivityOverhead3, objectKind);                              \
    SAME_AT(OLD, CUpti_ActivityOverhead3, objectId);                                \
    SAME_AT(OLD, CUpti_ActivityOverhead3, start);                                   \
    SAME_AT(OLD, CUpti_ActivityOverhead3, end)
OVERHEAD_FIELDS(CUpti_ActivityOverhead2);
OVERHEAD_FIELDS(CUpti_ActivityOverhead);

/* One NVTX range between its START and END markers. */
typedef struct open_range {
    uint32_t id;      /* CUPTI marker id; 0: empty slot */
    uint32_t tid, pid;
    int64_t start_ns;
    gp_strid name, domain;
    uint32_t color, category;
    int64_t payload;
} open_range;

struct gp_decoder {
    gp_decode_env env;
    uint64_t ops_recorded;
    open_range *ranges; /* open addressing, GP_DECODE_MAX_OPEN_RANGES * 2 slots */
    size_t n_ranges;
};

#define RANGE_SLOTS (2 * GP_DECODE_MAX_OPEN_RANGES)

gp_decoder *gp_decoder_new(const gp_decode_env *env)
{
    gp_decoder *d = calloc(1, sizeof *d);

    if (!d)
        return NULL;
    d->env = *env;
    d->ranges = calloc(RANGE_SLOTS, sizeof *d->ranges);
    if (!d->ranges) {
        free(d);
        return NULL;
    }
    return d;
}

void gp_decoder_free(gp_decoder *d)
{
    if (!d)
        return;
    free(d->ranges);
    free(d);
}

uint64_t gp_decoder_ops_recorded(const gp_decoder *d)
{
    return d->ops_recorded;
}

/* A CUPTI time on the trace clock. */
static int64_t T(const gp_decoder *d, uint64_t ts)
{
    if (d->env.time)
        return d->env.time(d->env.ud, ts);
    return ts <= (uint64_t)INT64_MAX ? (int64_t)ts : 0;
}

static void emit(gp_decoder *d, const gp_record *r)
{
    if (d->env.emit(d->env.ud, r) < 0)
        d->env.dropped(d->env.ud, GP_DROP_COLLECTOR, 1);
}

static gp_strid intern(gp_decoder *d, const char *s)
{
    return s && *s ? d->env.intern(d->env.ud, s) : 0;
}

/* CUPTI marks "not applicable" ids with all ones. */
static int64_t opt_id(uint32_t v)
{
    return v == CUPTI_SYNCHRONIZATION_INVALID_VALUE ? -1 : (int64_t)v;
}

static void decode_kernel(gp_decoder *d, const CUpti_ActivityKernel10 *k)
{
    gp_record r;
    gp_kernel *o = &r.u.kernel;

    if (k->start == 0 && k->end == 0) {
        /* CUPTI ran out of device buffer for this kernel's timestamps, or
         * (CUPTI 12.6-13.0) a timestamp callback was registered. Counted,
         * and counted as recorded so it is not also estimated as lost. */
        d->env.dropped(d->env.ud, GP_DROP_NO_TIMESTAMP, 1);
        if (!k->graphId)
            d->ops_recorded++;
        return;
    }
    gp_record_init(&r, GP_KIND_KERNEL);
    o->start_ns = T(d, k->start);
    o->end_ns = T(d, k->end);
    o->device = (int32_t)k->deviceId;
    o->context = k->contextId;
    o->stream = k->streamId;
    o->correlation = k->correlationId;
    o->name = intern(d, k->name);
    o->grid_x = k->gridX;
    o->grid_y = k->gridY;
    o->grid_z = k->gridZ;
    o->block_x = k->blockX;
    o->block_y = k->blockY;
    o->block_z = k->blockZ;
    o->registers = k->registersPerThread;
    o->static_smem_bytes = k->staticSharedMemory;
    o->dynamic_smem_bytes = k->dynamicSharedMemory;
    o->local_mem_bytes = k->localMemoryPerThread;
    o->queued_ns = T(d, k->queued);
    o->submitted_ns = T(d, k->submitted);
    o->graph_id = k->graphId;
    o->graph_node_id = k->graphNodeId;
    o->launch_type = k->launchType;
    o->cluster_x = (int32_t)k->clusterX;
    o->cluster_y = (int32_t)k->clusterY;
    o->cluster_z = (int32_t)k->clusterZ;
    if (!k->graphId)
        d->ops_recorded++;
    emit(d, &r);
}

static void decode_memcpy(gp_decoder *d, const CUpti_ActivityMemcpy6 *m)
{
    gp_record r;
    gp_memcpy *o = &r.u.memcpy;

    gp_record_init(&r, GP_KIND_MEMCPY);
    o->start_ns = T(d, m->start);
    o->end_ns = T(d, m->end);
    o->device = (int32_t)m->deviceId;
    o->context = m->contextId;
    o->stream = m->streamId;
    o->correlation = m->correlationId;
    o->bytes = (int64_t)m->bytes;
    o->copy_kind = m->copyKind;
    o->src_kind = m->srcKind;
    o->dst_kind = m->dstKind;
    o->async = (m->flags & CUPTI_ACTIVITY_FLAG_MEMCPY_ASYNC) != 0;
    o->graph_id = m->graphId;
    if (!m->graphId)
        d->ops_recorded++;
    emit(d, &r);
}

static void decode_peer_copy(gp_decoder *d, const CUpti_ActivityMemcpyPtoP4 *m)
{
    gp_record r;
    gp_memcpy *o = &r.u.memcpy;

    gp_record_init(&r, GP_KIND_MEMCPY);
    o->start_ns = T(d, m->start);
    o->end_ns = T(d, m->end);
    o->device = (int32_t)m->deviceId;
    o->context = m->contextId;
    o->stream = m->streamId;
    o->correlation = m->correlationId;
    o->bytes = (int64_t)m->bytes;
    o->copy_kind = m->copyKind;
    o->src_kind = m->srcKind;
    o->dst_kind = m->dstKind;
    o->async = (m->flags & CUPTI_ACTIVITY_FLAG_MEMCPY_ASYNC) != 0;
    o->src_device = (int32_t)m->srcDeviceId;
    o->dst_device = (int32_t)m->dstDeviceId;
    o->graph_id = m->graphId;
    if (!m->graphId)
        d->ops_recorded++;
    emit(d, &r);
}

static void decode_memset(gp_decoder *d, const CUpti_ActivityMemset4 *m)
{
    gp_record r;
    gp_memset *o = &r.u.memset;

    gp_record_init(&r, GP_KIND_MEMSET);
    o->start_ns = T(d, m->start);
    o->end_ns = T(d, m->end);
    o->device = (int32_t)m->deviceId;
    o->context = m->contextId;
    o->stream = m->streamId;
    o->correlation = m->correlationId;
    o->bytes = (int64_t)m->bytes;
    o->value = m->value;
    o->mem_kind = m->memoryKind;
    o->async = (m->flags & CUPTI_ACTIVITY_FLAG_MEMSET_ASYNC) != 0;
    o->graph_id = m->graphId;
    if (!m->graphId)
        d->ops_recorded++;
    emit(d, &r);
}

static void decode_sync(gp_decoder *d, const CUpti_ActivitySynchronization2 *s)
{
    gp_record r;
    gp_sync *o = &r.u.sync;

    gp_record_init(&r, GP_KIND_SYNC);
    o->start_ns = T(d, s->start);
    o->end_ns = T(d, s->end);
    o->context = s->contextId == CUPTI_SYNCHRONIZATION_INVALID_VALUE ? 0 : s->contextId;
    o->stream = opt_id(s->streamId);
    o->correlation = s->correlationId;
    o->type = s->type;
    o->event = s->cudaEventId == CUPTI_SYNCHRONIZATION_INVALID_VALUE ? 0 : s->cudaEventId;
    emit(d, &r);
}

static void decode_api(gp_decoder *d, const CUpti_ActivityAPI *a)
{
    CUpti_CallbackDomain dom = a->kind == CUPTI_ACTIVITY_KIND_DRIVER
                                   ? CUPTI_CB_DOMAIN_DRIVER_API : CUPTI_CB_DOMAIN_RUNTIME_API;
    gp_record r;
    gp_api *o = &r.u.api;

    gp_record_init(&r, GP_KIND_API);
    o->start_ns = T(d, a->start);
    o->end_ns = T(d, a->end);
    o->tid = a->threadId;
    o->correlation = a->correlationId;
    o->domain = dom == CUPTI_CB_DOMAIN_DRIVER_API ? GP_API_DRIVER : GP_API_RUNTIME;
    o->cbid = (int32_t)a->cbid;
    o->name = intern(d, d->env.api_name(d->env.ud, dom, a->cbid));
    o->status = (int32_t)a->returnValue;
    o->pid = a->processId;
    emit(d, &r);
}

static void decode_overhead(gp_decoder *d, const CUpti_ActivityOverhead3 *v)
{
    gp_record r;

    gp_record_init(&r, GP_KIND_OVERHEAD);
    r.u.overhead.start_ns = T(d, v->start);
    r.u.overhead.end_ns = T(d, v->end);
    r.u.overhead.kind = v->overheadKind;
    if (v->objectKind == CUPTI_ACTIVITY_OBJECT_THREAD ||
        v->objectKind == CUPTI_ACTIVITY_OBJECT_PROCESS) {
        r.u.overhead.tid = v->objectId.pt.threadId;
        r.u.overhead.pid = v->objectId.pt.processId;
    }
    emit(d, &r);
}

static void decode_extcorr(gp_decoder *d, const CUpti_ActivityExternalCorrelation *e)
{
    gp_record r;

    gp_record_init(&r, GP_KIND_EXTCORR);
    r.u.extcorr.correlation = e->correlationId;
    r.u.extcorr.ext_kind = e->externalKind;
    r.u.extcorr.ext_id = e->externalId;
    emit(d, &r);
}

/* ---- NVTX ranges ---------------------------------------------------------- */

static size_t slot_of(uint32_t id)
{
    return (size_t)(id * 2654435761u) & (RANGE_SLOTS - 1);
}

static open_range *find_range(gp_decoder *d, uint32_t id)
{
    for (size_t i = slot_of(id);; i = (i + 1) & (RANGE_SLOTS - 1)) {
        if (d->ranges[i].id == id)
            return &d->ranges[i];
        if (d->ranges[i].id == 0)
            return NULL;
    }
}

/* Removes slot i, re-placing the entries after it (linear probing). */
static void remove_range(gp_decoder *d, open_range *r)
{
    size_t i = (size_t)(r - d->ranges);

    d->ranges[i].id = 0;
    d->n_ranges--;
    for (size_t j = (i + 1) & (RANGE_SLOTS - 1); d->ranges[j].id;
         j = (j + 1) & (RANGE_SLOTS - 1)) {
        open_range moved = d->ranges[j];
        size_t k;

        d->ranges[j].id = 0;
        for (k = slot_of(moved.id); d->ranges[k].id; k = (k + 1) & (RANGE_SLOTS - 1))
            ;
        d->ranges[k] = moved;
    }
}

static void emit_range(gp_decoder *d, const open_range *o, int64_t end_ns, uint32_t end_tid)
{
    gp_record r;
    gp_nvtx *n = &r.u.nvtx;

    gp_record_init(&r, GP_KIND_NVTX);
    n->start_ns = o->start_ns;
    n->end_ns = end_ns;
    n->tid = o->tid;
    n->name = o->name;
    n->domain = o->domain;
    /* CUPTI does not say push/pop from start/end; a range that ends on the
     * thread that opened it is reported as push/pop. */
    n->kind = end_tid == o->tid ? GP_NVTX_PUSHPOP : GP_NVTX_STARTEND;
    n->color = o->color;
    n->category = o->category;
    n->payload = o->payload;
    n->pid = o->pid;
    n->id = o->id;
    emit(d, &r);
}

static void decode_marker(gp_decoder *d, const CUpti_ActivityMarker2 *m)
{
    uint32_t tid = 0, pid = 0;

    if (m->objectKind == CUPTI_ACTIVITY_OBJECT_THREAD ||
        m->objectKind == CUPTI_ACTIVITY_OBJECT_PROCESS) {
        pid = m->objectId.pt.processId;
        tid = m->objectId.pt.threadId;
    }
    if (m->flags & CUPTI_ACTIVITY_FLAG_MARKER_INSTANTANEOUS) {
        gp_record r;
        gp_record_init(&r, GP_KIND_NVTX);
        r.u.nvtx.start_ns = r.u.nvtx.end_ns = T(d, m->timestamp);
        r.u.nvtx.tid = tid;
        r.u.nvtx.pid = pid;
        r.u.nvtx.name = intern(d, m->name);
        r.u.nvtx.domain = intern(d, m->domain);
        r.u.nvtx.kind = GP_NVTX_MARK;
        emit(d, &r);
    } else if (m->flags & CUPTI_ACTIVITY_FLAG_MARKER_START) {
        open_range *o;
        size_t i;

        if (m->id == 0 || find_range(d, m->id))
            return; /* id 0 is our empty marker; a repeated start is ignored */
        if (d->n_ranges >= GP_DECODE_MAX_OPEN_RANGES) {
            d->env.dropped(d->env.ud, GP_DROP_COLLECTOR, 1);
            return;
        }
        for (i = slot_of(m->id); d->ranges[i].id; i = (i + 1) & (RANGE_SLOTS - 1))
            ;
        o = &d->ranges[i];
        memset(o, 0, sizeof *o);
        o->id = m->id;
        o->tid = tid;
        o->pid = pid;
        o->start_ns = T(d, m->timestamp);
        o->name = intern(d, m->name);
        o->domain = intern(d, m->domain);
        d->n_ranges++;
    } else if (m->flags & CUPTI_ACTIVITY_FLAG_MARKER_END) {
        open_range *o = find_range(d, m->id);
        if (!o)
            return; /* its start was dropped or came before recording began */
        emit_range(d, o, T(d, m->timestamp), tid);
        remove_range(d, o);
    }
}

static void decode_marker_data(gp_decoder *d, const CUpti_ActivityMarkerData2 *m)
{
    open_range *o = m->id ? find_range(d, m->id) : NULL;

    if (!o)
        return; /* data of an instant marker or of an unknown range */
    if (m->flags & CUPTI_ACTIVITY_FLAG_MARKER_COLOR_ARGB)
        o->color = m->color;
    o->category = m->category;
    switch (m->payloadKind) {
    case CUPTI_METRIC_VALUE_KIND_INT64: o->payload = m->payload.metricValueInt64; break;
    case CUPTI_METRIC_VALUE_KIND_UINT64: o->payload = (int64_t)m->payload.metricValueUint64; break;
    case CUPTI_METRIC_VALUE_KIND_DOUBLE: o->payload = (int64_t)m->payload.metricValueDouble; break;
    default: break;
    }
}

void gp_decoder_finish(gp_decoder *d, int64_t end_ns)
{
    for (size_t i = 0; i < RANGE_SLOTS && d->n_ranges; i++)
        if (d->ranges[i].id) {
            emit_range(d, &d->ranges[i], end_ns, d->ranges[i].tid);
            d->ranges[i].id = 0;
            d->n_ranges--;
        }
}

void gp_decode(gp_decoder *d, const CUpti_Activity *rec)
{
    switch (rec->kind) {
    case CUPTI_ACTIVITY_KIND_KERNEL:
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL:
        decode_kernel(d, (const CUpti_ActivityKernel10 *)rec);
        break;
    case CUPTI_ACTIVITY_KIND_MEMCPY:
        decode_memcpy(d, (const CUpti_ActivityMemcpy6 *)rec);
        break;
    case CUPTI_ACTIVITY_KIND_MEMCPY2:
        decode_peer_copy(d, (const CUpti_ActivityMemcpyPtoP4 *)rec);
        break;
    case CUPTI_ACTIVITY_KIND_MEMSET:
        decode_memset(d, (const CUpti_ActivityMemset4 *)rec);
        break;
    case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION:
        decode_sync(d, (const CUpti_ActivitySynchronization2 *)rec);
        break;
    case CUPTI_ACTIVITY_KIND_RUNTIME:
    case CUPTI_ACTIVITY_KIND_DRIVER:
        decode_api(d, (const CUpti_ActivityAPI *)rec);
        break;
    case CUPTI_ACTIVITY_KIND_MARKER:
        decode_marker(d, (const CUpti_ActivityMarker2 *)rec);
        break;
    case CUPTI_ACTIVITY_KIND_MARKER_DATA:
        decode_marker_data(d, (const CUpti_ActivityMarkerData2 *)rec);
        break;
    case CUPTI_ACTIVITY_KIND_OVERHEAD:
        decode_overhead(d, (const CUpti_ActivityOverhead3 *)rec);
        break;
    case CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION:
        decode_extcorr(d, (const CUpti_ActivityExternalCorrelation *)rec);
        break;
    default:
        break;
    }
}
