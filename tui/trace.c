/* trace.c: opening a trace for the browser (contract in trace.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "analyzer/model/classify.h"
#include "analyzer/formats/load.h"
#include "common/clock.h"
#include "common/format.h"
#include "trace.h"

gp_status tui_trace_open(tui_trace *t, const char *path, gp_error *err)
{
    gp_analyze_opts ao = { 0, 30.0 };
    int64_t t0 = gp_now_ns();
    gp_status st;

    memset(t, 0, sizeof *t);
    snprintf(t->path, sizeof t->path, "%s", path);
    t->job = gp_job_new();
    if (!t->job)
        return gp_error_set(err, GP_ERR_NOMEM, "out of memory");
    st = gp_load_any(t->job, path, err);
    if (st != GP_OK) {
        tui_trace_close(t);
        return st;
    }
    t->load_ns = gp_now_ns() - t0;
    t->an = gp_analyze(t->job, &ao);
    if (!t->an || tui_lanes_build(&t->lanes, t->job) < 0) {
        tui_trace_close(t);
        return gp_error_set(err, GP_ERR_NOMEM, "out of memory analyzing %s", path);
    }
    t->analyze_ns = gp_now_ns() - t0 - t->load_ns;
    return GP_OK;
}

void tui_trace_close(tui_trace *t)
{
    tui_lanes_free(&t->lanes);
    gp_analysis_free(t->an);
    gp_job_free(t->job);
    t->an = NULL;
    t->job = NULL;
}

char *tui_trace_describe(const tui_trace *t, const tui_lane *l, size_t i, char *buf, size_t cap)
{
    char dur[32], name[160];
    int64_t s, e;
    uint32_t k = l->idx[i];

    tui_lane_item(l, i, &s, &e);
    gp_fmt_ns(dur, sizeof dur, e - s);
    if (l->kind == TUI_LANE_OPS) {
        const gp_op *op = &l->rank->ops[k];
        gp_kernel_short_name(gp_job_str(t->job, op->name), 90, name, sizeof name);
        if (op->kind == GP_OP_KERNEL)
            snprintf(buf, cap, "kernel %s  %s  grid %u blocks x %u threads  %s %s%s", name, dur,
                     (unsigned)op->blocks, (unsigned)op->threads, gp_precision_name(op->precision),
                     gp_kclass_name(op->kclass), op->tensor_core == GP_TC_YES ? " tensor cores" : "");
        else {
            char b[32];
            gp_fmt_bytes(b, sizeof b, op->bytes);
            snprintf(buf, cap, "%s %s  %s  %s", op->kind == GP_OP_MEMCPY ? "copy" : "memset", name,
                     dur, b);
        }
    } else if (l->kind == TUI_LANE_SYNC) {
        const char *nm = l->calls ? gp_job_str(t->job, l->rank->calls[k].name) : "synchronization";
        snprintf(buf, cap, "host waits: %.100s  %s", nm, dur);
    } else {
        snprintf(buf, cap, "range %.120s  %s", gp_job_str(t->job, l->rank->ranges[k].name), dur);
    }
    return buf;
}
