/* event.c: names and defaults for the record model. */
#include "config.h"

#include <string.h>

#include "common/checked.h"
#include "event.h"

static const char *const kind_names[GP_KIND_COUNT] = {
    [GP_KIND_PROCESS] = "process",   [GP_KIND_DEVICE] = "device",
    [GP_KIND_CONTEXT] = "context",   [GP_KIND_STREAM] = "stream",
    [GP_KIND_KERNEL] = "kernel",     [GP_KIND_MEMCPY] = "memcpy",
    [GP_KIND_MEMSET] = "memset",     [GP_KIND_SYNC] = "sync",
    [GP_KIND_API] = "api",           [GP_KIND_NVTX] = "nvtx",
    [GP_KIND_METRIC] = "metric",     [GP_KIND_DROPPED] = "dropped",
    [GP_KIND_COSCHED] = "cosched",   [GP_KIND_OVERHEAD] = "overhead",
    [GP_KIND_EXTCORR] = "extcorr",
};

const char *gp_kind_name(gp_kind kind)
{
    if ((unsigned)kind >= GP_KIND_COUNT)
        return NULL;
    return kind_names[kind];
}

int gp_kind_from_name(const char *name)
{
    for (int k = 0; k < GP_KIND_COUNT; k++)
        if (strcmp(kind_names[k], name) == 0)
            return k;
    return -1;
}

void gp_record_init(gp_record *r, gp_kind kind)
{
    memset(r, 0, sizeof *r);
    r->kind = kind;
    switch (kind) {
    case GP_KIND_PROCESS: r->u.process.rank = -1; break;
    case GP_KIND_DEVICE: r->u.device.id = -1; break;
    case GP_KIND_CONTEXT: r->u.context.device = -1; break;
    case GP_KIND_STREAM: r->u.stream.device = -1; break;
    case GP_KIND_KERNEL:
        r->u.kernel.device = -1;
        r->u.kernel.stream = -1;
        r->u.kernel.correlation = -1;
        break;
    case GP_KIND_MEMCPY:
        r->u.memcpy.device = -1;
        r->u.memcpy.stream = -1;
        r->u.memcpy.correlation = -1;
        r->u.memcpy.src_device = -1;
        r->u.memcpy.dst_device = -1;
        break;
    case GP_KIND_MEMSET:
        r->u.memset.device = -1;
        r->u.memset.stream = -1;
        r->u.memset.correlation = -1;
        break;
    case GP_KIND_SYNC:
        r->u.sync.device = -1;
        r->u.sync.stream = -1;
        r->u.sync.correlation = -1;
        break;
    case GP_KIND_API: r->u.api.correlation = -1; break;
    case GP_KIND_METRIC: r->u.metric.device = -1; break;
    case GP_KIND_EXTCORR: r->u.extcorr.correlation = -1; break;
    default: break;
    }
}

int gp_record_time(const gp_record *r, int64_t *start_ns, int64_t *end_ns)
{
    int64_t s, e;

    switch (r->kind) {
    case GP_KIND_PROCESS: s = r->u.process.start_ns; e = r->u.process.end_ns; break;
    case GP_KIND_KERNEL: s = r->u.kernel.start_ns; e = r->u.kernel.end_ns; break;
    case GP_KIND_MEMCPY: s = r->u.memcpy.start_ns; e = r->u.memcpy.end_ns; break;
    case GP_KIND_MEMSET: s = r->u.memset.start_ns; e = r->u.memset.end_ns; break;
    case GP_KIND_SYNC: s = r->u.sync.start_ns; e = r->u.sync.end_ns; break;
    case GP_KIND_API: s = r->u.api.start_ns; e = r->u.api.end_ns; break;
    case GP_KIND_NVTX: s = r->u.nvtx.start_ns; e = r->u.nvtx.end_ns; break;
    case GP_KIND_METRIC: s = r->u.metric.ts_ns; e = gp_sat_add(s, r->u.metric.dur_ns); break;
    case GP_KIND_DROPPED: s = e = r->u.dropped.ts_ns; break;
    case GP_KIND_COSCHED: s = r->u.cosched.ts_ns; e = gp_sat_add(s, r->u.cosched.dur_ns); break;
    case GP_KIND_OVERHEAD: s = r->u.overhead.start_ns; e = r->u.overhead.end_ns; break;
    default: return 0;
    }
    if (start_ns)
        *start_ns = s;
    if (end_ns)
        *end_ns = e;
    return 1;
}

const char *gp_copy_kind_name(int copy_kind)
{
    static const char *const names[] = {
        "unknown", "HtoD", "DtoH", "HtoA", "AtoH", "AtoA",
        "AtoD", "DtoA", "DtoD", "HtoH", "PtoP",
    };
    if (copy_kind < 0 || (size_t)copy_kind >= sizeof names / sizeof names[0])
        return "?";
    return names[copy_kind];
}

const char *gp_mem_kind_name(int mem_kind)
{
    static const char *const names[] = {
        "unknown", "pageable", "pinned", "device", "array",
        "managed", "device-static", "managed-static",
    };
    if (mem_kind < 0 || (size_t)mem_kind >= sizeof names / sizeof names[0])
        return "?";
    return names[mem_kind];
}

const char *gp_sync_type_name(int type)
{
    static const char *const names[] = {
        "unknown", "event", "stream-wait-event", "stream", "context",
    };
    if (type < 0 || (size_t)type >= sizeof names / sizeof names[0])
        return "?";
    return names[type];
}

const char *gp_drop_source_name(int source)
{
    static const char *const names[] = {
        "?", "cupti", "collector", "socket", "unflushed", "rejected", "no-timestamp", "taken",
        "write",
    };
    if (source < 0 || (size_t)source >= sizeof names / sizeof names[0])
        return "?";
    return names[source];
}
