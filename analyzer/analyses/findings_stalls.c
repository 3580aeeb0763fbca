/* findings_stalls.c: pipeline stalls: copies that block the host, storms
 * of synchronizations, copies not overlapped with compute, launch-bound
 * runs of tiny kernels, grids smaller than the GPU, an empty GPU queue. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/checked.h"
#include "common/format.h"
#include "analyzer/analyses/findings.h"

#define TINY_KERNEL_NS 10000     /* a kernel this short is dominated by launch cost */
#define TINY_RUN_MIN 50          /* consecutive tiny kernels that make a run */
#define SMALL_GRID_MIN_NS 20000  /* under-filled kernels shorter than this are ignored */
#define STORM_MIN_SYNCS 100      /* synchronizations that can make a storm */
#define STORM_MIN_RATE 50.0      /* per second of GPU span */
#define NO_OVERLAP_MAX 0.10      /* an H2D copy overlapped less than this is not overlapped */
#define STARVED_START_NS 5000    /* a kernel this soon after its launch returned had no queue */

static int64_t basis(const gp_rank_result *r)
{
    return r->span_ns > 0 ? r->span_ns : 1;
}

static gp_finding *new_finding(gp_analysis *a, int ri, const char *id)
{
    gp_finding *f = gp_analysis_add_finding(a);
    if (f) {
        snprintf(f->id, sizeof f->id, "%s", id);
        f->rank = ri;
    }
    return f;
}

/* Copies and memsets that held the host until they finished. */
static int blocking_copies(gp_analysis *a, int ri, const gp_rank *r)
{
    int64_t pg_n = 0, pg_bytes = 0, pg_host = 0, sy_n = 0, sy_bytes = 0, sy_host = 0;
    gp_gap pg_ex[GP_TOP_EXAMPLES], sy_ex[GP_TOP_EXAMPLES];
    int pg_nex = 0, sy_nex = 0;
    char t1[32], t2[32], n1[32];

    for (size_t i = 0; i < r->n_ops; i++) {
        const gp_op *o = &r->ops[i];
        const gp_call *c;
        int pageable;
        if (o->kind != GP_OP_MEMCPY || o->launch < 0)
            continue;
        c = &r->calls[o->launch];
        if (c->end_ns < o->end_ns)
            continue; /* the host went on while it copied */
        pageable = o->src_kind == GP_MEM_PAGEABLE || o->dst_kind == GP_MEM_PAGEABLE;
        if (o->async && pageable) {
            pg_n++;
            pg_bytes = gp_sat_add(pg_bytes, o->bytes);
            pg_host = gp_sat_add(pg_host, c->end_ns - c->start_ns);
            if (pg_nex < GP_TOP_EXAMPLES)
                pg_ex[pg_nex++] = (gp_gap){ c->start_ns, c->end_ns, 0, o->name };
        } else if (!o->async) {
            sy_n++;
            sy_bytes = gp_sat_add(sy_bytes, o->bytes);
            sy_host = gp_sat_add(sy_host, c->end_ns - c->start_ns);
            if (sy_nex < GP_TOP_EXAMPLES)
                sy_ex[sy_nex++] = (gp_gap){ c->start_ns, c->end_ns, 0, o->name };
        }
    }
    if (pg_n) {
        gp_finding *f = new_finding(a, ri, "stall.pageable_copy");
        if (!f)
            return -1;
        snprintf(f->title, sizeof f->title,
                 "%s async copies from pageable memory blocked the host for %s",
                 gp_fmt_count(n1, sizeof n1, pg_n), gp_fmt_ns(t1, sizeof t1, pg_host));
        snprintf(f->evidence, sizeof f->evidence,
                 "cudaMemcpyAsync with pageable host memory is silently synchronous: %s "
                 "copies, %s moved; each held its launching thread until the copy finished",
                 gp_fmt_count(n1, sizeof n1, pg_n), gp_fmt_bytes(t2, sizeof t2, pg_bytes));
        snprintf(f->fix, sizeof f->fix,
                 "Pin the host buffers (cudaHostAlloc/cudaHostRegister; in PyTorch "
                 "pin_memory=True and .to(device, non_blocking=True)) so the copies run "
                 "asynchronously and overlap with compute.");
        memcpy(f->examples, pg_ex, sizeof pg_ex);
        f->n_examples = pg_nex;
        gp_finding_set_cost(f, pg_host, pg_host, basis(&a->ranks[ri]));
    }
    if (sy_n) {
        gp_finding *f = new_finding(a, ri, "stall.sync_copy");
        if (!f)
            return -1;
        snprintf(f->title, sizeof f->title, "%s synchronous copies held the host for %s",
                 gp_fmt_count(n1, sizeof n1, sy_n), gp_fmt_ns(t1, sizeof t1, sy_host));
        snprintf(f->evidence, sizeof f->evidence,
                 "%s copies issued with a synchronous API (cudaMemcpy), %s moved",
                 gp_fmt_count(n1, sizeof n1, sy_n), gp_fmt_bytes(t2, sizeof t2, sy_bytes));
        snprintf(f->fix, sizeof f->fix,
                 "Use cudaMemcpyAsync on a stream with pinned host memory, and synchronize "
                 "only where the result is needed.");
        memcpy(f->examples, sy_ex, sizeof sy_ex);
        f->n_examples = sy_nex;
        gp_finding_set_cost(f, sy_host, sy_host, basis(&a->ranks[ri]));
    }
    return 0;
}

static int sync_storm(gp_analysis *a, int ri, const gp_rank *r)
{
    const gp_rank_result *rr = &a->ranks[ri];
    int64_t n = 0, host = 0, idle = 0;
    double rate;
    char t1[32], t2[32], n1[32];
    gp_finding *f;

    for (size_t i = 0; i < r->n_calls; i++)
        if (r->calls[i].role == GP_CALL_ROLE_SYNC) {
            n++;
            host = gp_sat_add(host, r->calls[i].end_ns - r->calls[i].start_ns);
        }
    rate = rr->span_ns > 0 ? (double)n / ((double)rr->span_ns / 1e9) : 0;
    if (n < STORM_MIN_SYNCS || rate < STORM_MIN_RATE)
        return 0;
    for (size_t k = 0; k < rr->n_devices; k++)
        idle = gp_sat_add(idle, rr->devices[k].causes[GP_CAUSE_HOST_SYNC].total_ns);
    f = new_finding(a, ri, "stall.sync_storm");
    if (!f)
        return -1;
    snprintf(f->title, sizeof f->title, "%s synchronizations (%.0f per second%s)",
             gp_fmt_count(n1, sizeof n1, n), rate, rr->n_steps ? ", see steps" : "");
    snprintf(f->evidence, sizeof f->evidence,
             "the host waited %s in synchronize calls; the GPU sat idle %s after them",
             gp_fmt_ns(t1, sizeof t1, host), gp_fmt_ns(t2, sizeof t2, idle));
    if (rr->n_steps)
        gp_strappend(f->evidence, sizeof f->evidence, "; %.1f per step",
                     (double)n / (double)rr->n_steps);
    snprintf(f->fix, sizeof f->fix,
             "Synchronize once per step or less: drop .item()/.cpu() and explicit "
             "synchronizes from the inner loop, accumulate metrics on the GPU and read them "
             "every N steps, use events (cudaEventRecord/cudaStreamWaitEvent) for ordering.");
    gp_finding_set_cost(f, host, idle, basis(rr));
    return 0;
}

/* H2D copies with little kernel time beside them on their device. */
static int no_overlap(gp_analysis *a, int ri, const gp_rank *r)
{
    int64_t n = 0, alone = 0, total = 0;
    gp_gap ex[GP_TOP_EXAMPLES];
    int nex = 0;
    char t1[32], t2[32], n1[32];
    gp_finding *f;
    size_t k0 = 0;
    int64_t longest = 0;

    for (size_t i = 0; i < r->n_ops; i++)
        if (r->ops[i].end_ns - r->ops[i].start_ns > longest)
            longest = r->ops[i].end_ns - r->ops[i].start_ns;
    for (size_t i = 0; i < r->n_ops; i++) {
        const gp_op *c = &r->ops[i];
        int64_t ov = 0;
        if (c->kind != GP_OP_MEMCPY || c->copy_kind != GP_COPY_HTOD || c->end_ns <= c->start_ns)
            continue;
        /* kernels overlapping [start, end): ops are sorted by start */
        while (k0 < r->n_ops && r->ops[k0].start_ns < c->start_ns - longest)
            k0++;
        for (size_t j = k0; j < r->n_ops && r->ops[j].start_ns < c->end_ns; j++) {
            const gp_op *k = &r->ops[j];
            int64_t s, e;
            if (k->kind != GP_OP_KERNEL || k->device != c->device)
                continue;
            s = k->start_ns > c->start_ns ? k->start_ns : c->start_ns;
            e = k->end_ns < c->end_ns ? k->end_ns : c->end_ns;
            if (e > s)
                ov = gp_sat_add(ov, e - s);
        }
        total = gp_sat_add(total, c->end_ns - c->start_ns);
        if ((double)ov < NO_OVERLAP_MAX * (double)(c->end_ns - c->start_ns)) {
            n++;
            alone = gp_sat_add(alone, c->end_ns - c->start_ns - ov);
            if (nex < GP_TOP_EXAMPLES)
                ex[nex++] = (gp_gap){ c->start_ns, c->end_ns, 0, c->name };
        }
    }
    if (!n || (double)alone < 0.01 * (double)basis(&a->ranks[ri]))
        return 0;
    f = new_finding(a, ri, "stall.no_overlap");
    if (!f)
        return -1;
    snprintf(f->title, sizeof f->title,
             "%s host-to-device copies ran with no compute beside them: %s",
             gp_fmt_count(n1, sizeof n1, n), gp_fmt_ns(t1, sizeof t1, alone));
    snprintf(f->evidence, sizeof f->evidence,
             "%s of %s of H2D copy time had no kernel running on the same GPU",
             gp_fmt_ns(t1, sizeof t1, alone), gp_fmt_ns(t2, sizeof t2, total));
    snprintf(f->fix, sizeof f->fix,
             "Overlap input copies with compute: pinned memory, copies on their own stream "
             "(or non_blocking=True), and prefetch the next batch while the current one "
             "computes (CUDA streams, a prefetching DataLoader).");
    memcpy(f->examples, ex, sizeof ex);
    f->n_examples = nex;
    gp_finding_set_cost(f, alone, alone, basis(&a->ranks[ri]));
    return 0;
}

/* Runs of consecutive tiny kernels on one device where the GPU is mostly idle. */
static int tiny_kernels(gp_analysis *a, int ri, const gp_rank *r)
{
    const gp_rank_result *rr = &a->ranks[ri];
    int64_t runs = 0, kernels = 0, idle = 0, span = 0;
    gp_gap ex[GP_TOP_EXAMPLES];
    int nex = 0;
    char t1[32], t2[32], n1[32], n2[32];
    gp_finding *f;

    for (size_t k = 0; k < rr->n_devices; k++) {
        int32_t dev = rr->devices[k].device;
        size_t run = 0;
        int64_t run_s = 0, run_e = 0, run_busy = 0;
        for (size_t i = 0; i <= r->n_ops; i++) {
            const gp_op *o = i < r->n_ops ? &r->ops[i] : NULL;
            int tiny;
            if (o && (o->kind != GP_OP_KERNEL || o->device != dev))
                continue;
            tiny = o && o->end_ns - o->start_ns < TINY_KERNEL_NS;
            if (tiny) {
                if (!run)
                    run_s = o->start_ns;
                run++;
                run_e = o->end_ns;
                run_busy = gp_sat_add(run_busy, o->end_ns - o->start_ns);
                continue;
            }
            if (run >= TINY_RUN_MIN && gp_sat_mul(run_busy, 2) < run_e - run_s) {
                runs++;
                kernels += (int64_t)run;
                idle = gp_sat_add(idle, run_e - run_s - run_busy);
                span = gp_sat_add(span, run_e - run_s);
                if (nex < GP_TOP_EXAMPLES)
                    ex[nex++] = (gp_gap){ run_s, run_e, 0, 0 };
            }
            run = 0;
            run_busy = 0;
        }
    }
    if (!runs || (double)idle < 0.01 * (double)basis(rr))
        return 0;
    f = new_finding(a, ri, "stall.tiny_kernels");
    if (!f)
        return -1;
    snprintf(f->title, sizeof f->title,
             "%s runs of tiny kernels (%s kernels under 10 us) kept the GPU %.0f %% idle",
             gp_fmt_count(n1, sizeof n1, runs), gp_fmt_count(n2, sizeof n2, kernels),
             span ? 100.0 * (double)idle / (double)span : 0.0);
    snprintf(f->evidence, sizeof f->evidence,
             "%s of GPU time spread over %s while the host launched one kernel at a time; "
             "the GPU waited %s between them", gp_fmt_ns(t1, sizeof t1, span - idle),
             gp_fmt_ns(t2, sizeof t2, span), gp_fmt_ns(n1, sizeof n1, idle));
    snprintf(f->fix, sizeof f->fix,
             "Launch the sequence as one CUDA Graph (cudaStreamBeginCapture / "
             "torch.cuda.graphs, torch.compile(mode=\"reduce-overhead\")) or fuse the "
             "kernels (torch.compile), so launch cost is paid once per sequence.");
    memcpy(f->examples, ex, sizeof ex);
    f->n_examples = nex;
    gp_finding_set_cost(f, idle, idle, basis(rr));
    return 0;
}

/* Long kernels with fewer blocks than the GPU has SMs. */
static int small_grid(gp_analysis *a, int ri, const gp_rank *r)
{
    const gp_rank_result *rr = &a->ranks[ri];
    int64_t n = 0, t = 0, won = 0, kernel_total = 0;
    uint32_t min_blocks = UINT32_MAX;
    int sms = 0;
    gp_gap ex[GP_TOP_EXAMPLES];
    int nex = 0;
    char t1[32], t2[32], n1[32];
    gp_finding *f;

    for (size_t i = 0; i < r->n_ops; i++) {
        const gp_op *o = &r->ops[i];
        const gp_devinfo *d;
        int64_t dur = o->end_ns - o->start_ns;
        if (o->kind != GP_OP_KERNEL)
            continue;
        kernel_total = gp_sat_add(kernel_total, dur);
        /* Communication kernels use few blocks by design (they move data,
         * bounded by links), copy kernels likewise. */
        if (o->kclass == GP_KC_COMM || o->kclass == GP_KC_COPY)
            continue;
        d = gp_rank_device(r, o->device);
        if (!d || d->sm_count <= 0 || !o->blocks || o->blocks >= (uint32_t)d->sm_count ||
            dur < SMALL_GRID_MIN_NS)
            continue;
        n++;
        t = gp_sat_add(t, dur);
        sms = d->sm_count;
        if (o->blocks < min_blocks)
            min_blocks = o->blocks;
        /* with the work spread over every SM it could take blocks/SMs of the time */
        won = gp_sat_add(won, dur - gp_mul_frac(dur, o->blocks, d->sm_count));
        if (nex < GP_TOP_EXAMPLES)
            ex[nex++] = (gp_gap){ o->start_ns, o->end_ns, 0, o->name };
    }
    if (!n || (double)t < 0.05 * (double)(kernel_total ? kernel_total : 1))
        return 0;
    f = new_finding(a, ri, "stall.small_grid");
    if (!f)
        return -1;
    snprintf(f->title, sizeof f->title,
             "%s kernels used fewer blocks than the GPU's %d SMs: %s (%.0f %% of kernel time)",
             gp_fmt_count(n1, sizeof n1, n), sms, gp_fmt_ns(t1, sizeof t1, t),
             100.0 * (double)t / (double)kernel_total);
    snprintf(f->evidence, sizeof f->evidence,
             "as few as %u block%s on %d SMs: most SMs idle while they ran; spread over every "
             "SM the same work could take up to %s less", min_blocks, min_blocks == 1 ? "" : "s", sms,
             gp_fmt_ns(t2, sizeof t2, won));
    snprintf(f->fix, sizeof f->fix,
             "Give the kernel more parallelism: a larger batch, more (smaller) blocks per "
             "kernel, split-K for reductions, or independent work on other streams.");
    memcpy(f->examples, ex, sizeof ex);
    f->n_examples = nex;
    gp_finding_set_cost(f, t, won, basis(rr));
    return 0;
}

/* Kernels that start as soon as they are launched: nothing is queued. */
static int starvation(gp_analysis *a, int ri, const gp_rank *r)
{
    const gp_rank_result *rr = &a->ranks[ri];
    int64_t joined = 0, starved = 0, idle = 0, hostbound = 0;
    gp_finding *f;
    char t1[32];

    for (size_t i = 0; i < r->n_ops; i++) {
        const gp_op *o = &r->ops[i];
        if (o->kind != GP_OP_KERNEL || o->launch < 0)
            continue;
        joined++;
        starved += o->start_ns - r->calls[o->launch].end_ns < STARVED_START_NS;
    }
    for (size_t k = 0; k < rr->n_devices; k++) {
        const gp_cause_stats *cs = rr->devices[k].causes;
        idle = gp_sat_add(idle, rr->devices[k].idle_ns);
        hostbound = gp_sat_add(hostbound, cs[GP_CAUSE_LAUNCH_BOUND].total_ns);
        hostbound = gp_sat_add(hostbound, cs[GP_CAUSE_HOST_WORK].total_ns);
        hostbound = gp_sat_add(hostbound, cs[GP_CAUSE_HOST_SYNC].total_ns);
    }
    if (joined < 100 || (double)starved < 0.8 * (double)joined ||
        (double)idle < 0.2 * (double)basis(rr))
        return 0;
    f = new_finding(a, ri, "stall.queue_starvation");
    if (!f)
        return -1;
    snprintf(f->title, sizeof f->title,
             "the GPU's queue was almost always empty: %.0f %% of kernels started within 5 us "
             "of their launch", 100.0 * (double)starved / (double)joined);
    snprintf(f->evidence, sizeof f->evidence,
             "the host, not the GPU, sets the pace: %s of idle time waits on the host",
             gp_fmt_ns(t1, sizeof t1, hostbound));
    snprintf(f->fix, sizeof f->fix,
             "Let the host run ahead of the GPU: remove synchronizations, move host work off "
             "the launching thread, and batch launches (CUDA Graphs) so work queues up.");
    /* Diagnostic: its time is counted by the idle findings. */
    gp_finding_set_cost(f, hostbound, 0, basis(rr));
    f->severity = GP_SEV_INFO;
    return 0;
}

int gp_findings_stalls(gp_analysis *a, int ri)
{
    const gp_rank *r = gp_job_rank_c(a->job, (size_t)ri);

    if (blocking_copies(a, ri, r) < 0 || sync_storm(a, ri, r) < 0 || no_overlap(a, ri, r) < 0 ||
        tiny_kernels(a, ri, r) < 0 || small_grid(a, ri, r) < 0 || starvation(a, ri, r) < 0)
        return -1;
    return 0;
}
