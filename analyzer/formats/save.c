/* save.c: a job (from any input) written as a gpupack trace, so imported
 * PyTorch profiler and Nsight Systems files can be browsed and reported on
 * like recorded ones. One process per rank; strings re-interned.
 *
 * What a trace cannot hold: HTA's own view of a Kineto file (traceEvents
 * order and its microsecond doubles). Analyzing the imported trace gives the
 * same results as the original file except that the HTA breakdowns use
 * exact nanoseconds (no microsecond rounding); analyze the original file for
 * HTA-identical numbers. O(records).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/formats/save.h"

typedef struct saver {
    const gp_job *job;
    gp_writer *w;
    gp_error *err;
    gp_strid *map;   /* job string id -> trace string id */
    size_t n_map;
} saver;

static gp_strid str(saver *s, gp_strid id)
{
    const char *t;

    if (!id)
        return 0;
    if (id >= s->n_map) {
        size_t n = (size_t)id * 2 + 64;
        gp_strid *p = realloc(s->map, n * sizeof *p);
        if (!p)
            return 0;
        memset(p + s->n_map, 0, (n - s->n_map) * sizeof *p);
        s->map = p;
        s->n_map = n;
    }
    if (!s->map[id]) {
        t = gp_job_str(s->job, id);
        s->map[id] = gp_writer_intern(s->w, t, strlen(t), s->err);
    }
    return s->map[id];
}

static int put(saver *s, const gp_record *r)
{
    return gp_writer_put(s->w, r, s->err) == GP_OK ? 0 : -1;
}

static int save_rank(saver *s, const gp_rank *rk, int index)
{
    gp_record r;
    uint32_t pid = rk->pid ? rk->pid : (uint32_t)(index + 1);

    gp_record_init(&r, GP_KIND_PROCESS);
    r.u.process.pid = pid;
    r.u.process.cmdline = str(s, gp_job_intern((gp_job *)s->job, rk->label, strlen(rk->label)));
    r.u.process.start_ns = rk->job_start_ns;
    r.u.process.end_ns = rk->job_end_ns;
    r.u.process.rank = rk->rank;
    if (put(s, &r) < 0)
        return -1;
    for (size_t i = 0; i < rk->n_devices; i++) {
        const gp_devinfo *d = &rk->devices[i];
        gp_record_init(&r, GP_KIND_DEVICE);
        r.u.device.id = d->id;
        r.u.device.name = str(s, d->name);
        r.u.device.sm_count = d->sm_count;
        r.u.device.cc_major = d->cc_major;
        r.u.device.cc_minor = d->cc_minor;
        r.u.device.mem_bandwidth_bps = d->mem_bandwidth_bps;
        r.u.device.sm_clock_khz = d->sm_clock_khz;
        if (put(s, &r) < 0)
            return -1;
    }
    for (size_t i = 0; i < rk->n_ops; i++) {
        const gp_op *o = &rk->ops[i];
        if (o->kind == GP_OP_KERNEL) {
            gp_record_init(&r, GP_KIND_KERNEL);
            r.u.kernel.start_ns = o->start_ns;
            r.u.kernel.end_ns = o->end_ns;
            r.u.kernel.device = o->device;
            r.u.kernel.stream = o->stream;
            r.u.kernel.correlation = o->correlation;
            r.u.kernel.name = str(s, o->name);
            r.u.kernel.grid_x = (int32_t)(o->blocks > INT32_MAX ? INT32_MAX : o->blocks);
            r.u.kernel.grid_y = r.u.kernel.grid_z = 1;
            r.u.kernel.block_x = o->threads;
            r.u.kernel.block_y = r.u.kernel.block_z = 1;
            r.u.kernel.registers = o->registers;
            r.u.kernel.dynamic_smem_bytes = (int32_t)o->smem_bytes;
            r.u.kernel.graph_id = o->graph_id;
            r.u.kernel.pid = o->pid ? o->pid : pid;
        } else if (o->kind == GP_OP_MEMCPY) {
            gp_record_init(&r, GP_KIND_MEMCPY);
            r.u.memcpy.start_ns = o->start_ns;
            r.u.memcpy.end_ns = o->end_ns;
            r.u.memcpy.device = o->device;
            r.u.memcpy.stream = o->stream;
            r.u.memcpy.correlation = o->correlation;
            r.u.memcpy.bytes = o->bytes;
            r.u.memcpy.copy_kind = o->copy_kind;
            r.u.memcpy.src_kind = o->src_kind;
            r.u.memcpy.dst_kind = o->dst_kind;
            r.u.memcpy.async = o->async;
            r.u.memcpy.graph_id = o->graph_id;
            r.u.memcpy.pid = o->pid ? o->pid : pid;
        } else {
            gp_record_init(&r, GP_KIND_MEMSET);
            r.u.memset.start_ns = o->start_ns;
            r.u.memset.end_ns = o->end_ns;
            r.u.memset.device = o->device;
            r.u.memset.stream = o->stream;
            r.u.memset.correlation = o->correlation;
            r.u.memset.bytes = o->bytes;
            r.u.memset.mem_kind = o->dst_kind;
            r.u.memset.async = o->async;
            r.u.memset.graph_id = o->graph_id;
            r.u.memset.pid = o->pid ? o->pid : pid;
        }
        if (put(s, &r) < 0)
            return -1;
    }
    for (size_t i = 0; i < rk->n_calls; i++) {
        const gp_call *c = &rk->calls[i];
        gp_record_init(&r, GP_KIND_API);
        r.u.api.start_ns = c->start_ns;
        r.u.api.end_ns = c->end_ns;
        r.u.api.tid = c->tid;
        r.u.api.correlation = c->correlation;
        r.u.api.domain = c->domain;
        r.u.api.cbid = c->cbid;
        r.u.api.name = str(s, c->name);
        r.u.api.pid = c->pid ? c->pid : pid;
        if (put(s, &r) < 0)
            return -1;
    }
    for (size_t i = 0; i < rk->n_syncs; i++) {
        const gp_syncrec *y = &rk->syncs[i];
        gp_record_init(&r, GP_KIND_SYNC);
        r.u.sync.start_ns = y->start_ns;
        r.u.sync.end_ns = y->end_ns;
        r.u.sync.stream = y->stream;
        r.u.sync.correlation = y->correlation;
        r.u.sync.type = y->type;
        r.u.sync.pid = y->pid ? y->pid : pid;
        if (put(s, &r) < 0)
            return -1;
    }
    for (size_t i = 0; i < rk->n_ranges; i++) {
        const gp_range *g = &rk->ranges[i];
        gp_record_init(&r, GP_KIND_NVTX);
        r.u.nvtx.start_ns = g->start_ns;
        r.u.nvtx.end_ns = g->end_ns;
        r.u.nvtx.tid = g->tid;
        r.u.nvtx.name = str(s, g->name);
        r.u.nvtx.kind = g->kind == GP_RANGE_NVTX ? (g->end_ns == g->start_ns ? GP_NVTX_MARK
                                                                               : GP_NVTX_PUSHPOP)
                                                 : GP_NVTX_ANNOTATION;
        r.u.nvtx.pid = g->pid ? g->pid : pid;
        if (put(s, &r) < 0)
            return -1;
    }
    for (size_t i = 0; i < rk->n_samples; i++) {
        const gp_sample *m = &rk->samples[i];
        gp_record_init(&r, GP_KIND_METRIC);
        r.u.metric.ts_ns = m->ts_ns;
        r.u.metric.dur_ns = m->dur_ns;
        r.u.metric.device = m->device;
        r.u.metric.name = str(s, m->name);
        r.u.metric.value = m->value;
        if (put(s, &r) < 0)
            return -1;
    }
    if (rk->dropped_records) {
        gp_record_init(&r, GP_KIND_DROPPED);
        r.u.dropped.source = GP_DROP_CUPTI;
        r.u.dropped.count = rk->dropped_records;
        r.u.dropped.pid = pid;
        if (put(s, &r) < 0)
            return -1;
    }
    return 0;
}

gp_status gp_save_job(const gp_job *job, gp_writer *w, const char *source, gp_error *err)
{
    saver s = { job, w, err, NULL, 0 };
    gp_status st = GP_OK;

    if (gp_writer_begin(w, err) != GP_OK || gp_writer_set_meta(w, "source", source, err) != GP_OK)
        st = err->code;
    for (size_t i = 0; st == GP_OK && i < gp_job_rank_count(job); i++)
        if (save_rank(&s, gp_job_rank_c(job, i), (int)i) < 0)
            st = err->code ? err->code : GP_ERR_NOMEM;
    if (st == GP_OK && gp_writer_commit(w, err) != GP_OK)
        st = err->code;
    free(s.map);
    if (st != GP_OK) {
        gp_writer_abandon(w);
        return st;
    }
    return gp_writer_close(w, err);
}
