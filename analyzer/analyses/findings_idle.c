/* findings_idle.c: one finding per (device, idle cause) that matters. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/checked.h"
#include "common/format.h"
#include "common/text.h"
#include "analyzer/analyses/findings.h"

/* Causes smaller than this share of the span, or than 100 us, say nothing. */
#define MIN_SHARE 0.01
#define MIN_NS 100000

static const char *fix_for(int cause)
{
    switch (cause) {
    case GP_CAUSE_LAUNCH_BOUND:
        return "The host cannot launch kernels as fast as the GPU runs them. Capture the "
               "step in a CUDA Graph (torch.cuda.CUDAGraph, torch.compile(mode=\"reduce-"
               "overhead\")), fuse small operations (torch.compile), or give each launch "
               "more work (larger batch).";
    case GP_CAUSE_HOST_SYNC:
        return "Take synchronizations out of the loop: .item(), .cpu(), .numpy(), printing "
               "GPU tensors, torch.cuda.synchronize(), cudaDeviceSynchronize/"
               "cudaStreamSynchronize. Read results every N steps, or record an event and "
               "query it later, so the GPU queue stays full.";
    case GP_CAUSE_BLOCKING_COPY:
        return "Copy asynchronously from pinned memory: pin_memory=True in the DataLoader "
               "and tensor.to(device, non_blocking=True), or cudaHostAlloc + "
               "cudaMemcpyAsync on a stream; avoid cudaMemcpy inside the loop.";
    case GP_CAUSE_HOST_WORK:
        return "Overlap the host work with GPU work: more DataLoader workers (num_workers), "
               "prefetching (prefetch_factor, pin_memory=True), preprocessing on the GPU, "
               "or running it on another thread while the GPU computes.";
    case GP_CAUSE_DEPENDENCY:
        return "Queued work waited on another stream or event: check cudaStreamWaitEvent "
               "dependencies, collectives waiting for slower ranks (load imbalance), and "
               "whether independent work could run on another stream meanwhile.";
    case GP_CAUSE_STARTUP:
        return "Time before the first GPU work (imports, model and data loading, CUDA "
               "initialization). It amortizes over long runs; for short jobs cache or "
               "preload data and weights.";
    case GP_CAUSE_TEARDOWN:
        return "Time after the last GPU work (checkpointing, logging, shutdown). Save "
               "checkpoints asynchronously or less often.";
    default:
        return "Record with gpupack record to see what the host was doing (this input has "
               "no CUDA API calls to attribute the gaps to).";
    }
}

static void describe(const gp_analysis *a, const gp_device_result *d, int cause, gp_finding *f,
                     int64_t base_ns)
{
    const gp_cause_stats *cs = &d->causes[cause];
    char t1[32], t2[32], t3[32], dev[32], n[32], lb[160];

    gp_device_label(d->device, dev, sizeof dev);
    snprintf(f->title, sizeof f->title, "%s idle %s (%.1f %% of %s) in %s: %s gaps",
             dev, gp_fmt_ns(t1, sizeof t1, cs->total_ns),
             base_ns ? 100.0 * (double)cs->total_ns / (double)base_ns : 0.0,
             gp_fmt_ns(t2, sizeof t2, base_ns), gp_cause_name(cause),
             gp_fmt_count(n, sizeof n, cs->count));
    snprintf(f->evidence, sizeof f->evidence, "mean gap %s; longest:",
             gp_fmt_ns(t3, sizeof t3, cs->count ? cs->total_ns / cs->count : 0));
    for (int i = 0; i < cs->n_top && i < 3; i++) {
        const gp_gap *g = &cs->top[i];
        /* host labels are the trace's text: shown form, cut at a character */
        const char *label = gp_text_fmt(lb, sizeof lb, gp_job_str(a->job, g->label));
        gp_strappend(f->evidence, sizeof f->evidence, "%s %s at +%s%s%s%s", i ? ";" : "",
                     gp_fmt_ns(t1, sizeof t1, g->end_ns - g->start_ns),
                     gp_fmt_ns(t2, sizeof t2, g->start_ns - d->first_ns), *label ? " (" : "",
                     label, *label ? ")" : "");
    }
    if (cause == GP_CAUSE_HOST_WORK && cs->n_top && cs->top[0].label)
        snprintf(f->fix, sizeof f->fix, "The GPU waits while the host runs '%s'. %s",
                 gp_text_fmt(lb, 121, gp_job_str(a->job, cs->top[0].label)), fix_for(cause));
    else
        snprintf(f->fix, sizeof f->fix, "%s", fix_for(cause));
    for (int i = 0; i < cs->n_top; i++)
        f->examples[i] = cs->top[i];
    f->n_examples = cs->n_top;
}

int gp_findings_idle(gp_analysis *a, int ri)
{
    static const char *const ids[GP_CAUSE_COUNT] = {
        "idle.launch_bound", "idle.host_sync", "idle.blocking_copy", "idle.host_work",
        "idle.dependency", "idle.startup", "idle.teardown", "idle.unattributed",
    };
    const gp_rank_result *r = &a->ranks[ri];

    for (size_t k = 0; k < r->n_devices; k++) {
        const gp_device_result *d = &r->devices[k];
        int64_t span = d->last_ns - d->first_ns;

        for (int c = 0; c < GP_CAUSE_COUNT; c++) {
            const gp_cause_stats *cs = &d->causes[c];
            /* start-up and tear-down are measured against the process's life */
            int64_t base = span;
            gp_finding *f;

            if (c == GP_CAUSE_STARTUP || c == GP_CAUSE_TEARDOWN)
                base = gp_sat_add(gp_sat_add(span, d->causes[GP_CAUSE_STARTUP].total_ns),
                                  d->causes[GP_CAUSE_TEARDOWN].total_ns);
            if (!cs->count || cs->total_ns < MIN_NS ||
                (double)cs->total_ns < MIN_SHARE * (double)base)
                continue;
            f = gp_analysis_add_finding(a);
            if (!f)
                return -1;
            snprintf(f->id, sizeof f->id, "%s", ids[c]);
            f->rank = ri;
            f->device = d->device;
            describe(a, d, c, f, base);
            if (c == GP_CAUSE_UNKNOWN || c == GP_CAUSE_STARTUP || c == GP_CAUSE_TEARDOWN) {
                /* context, not a defect with a known fix: no win claimed */
                gp_finding_set_cost(f, cs->total_ns, 0, base);
                f->severity = GP_SEV_INFO;
            } else {
                gp_finding_set_cost(f, cs->total_ns, cs->total_ns, base);
            }
        }
    }
    return 0;
}
