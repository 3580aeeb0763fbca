/* test_analyze.c: every analysis on synthetic jobs whose answers are worked
 * out by hand in the comments (times in microseconds, B = 10 s offset). */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/analyses/analyze.h"
#include "analyzer/model/model.h"
#include "tests/tap.h"

#define B 10000000000LL /* 10 s: process times must be > 0 */
#define US(x) (B + (int64_t)((x) * 1000))

static gp_job *job;

static gp_op *kernel(gp_rank *r, double s, double e, int stream, int64_t corr, const char *name)
{
    gp_op *o = gp_rank_add_op(r);
    o->kind = GP_OP_KERNEL;
    o->start_ns = US(s);
    o->end_ns = US(e);
    o->stream = stream;
    o->correlation = corr;
    o->device = 0;
    o->pid = 1;
    o->name = gp_job_intern(job, name, strlen(name));
    o->blocks = 1000;
    return o;
}

static gp_op *copy(gp_rank *r, double s, double e, int64_t corr, int kind, int src, int async)
{
    static const char *const label = "Memcpy HtoD (Pageable -> Device)";
    gp_op *o = gp_rank_add_op(r);
    o->kind = GP_OP_MEMCPY;
    o->start_ns = US(s);
    o->end_ns = US(e);
    o->stream = 7;
    o->correlation = corr;
    o->device = 0;
    o->pid = 1;
    o->copy_kind = (uint8_t)kind;
    o->src_kind = (uint8_t)src;
    o->dst_kind = GP_MEM_DEVICE;
    o->async = (uint8_t)async;
    o->bytes = 1 << 20;
    o->name = gp_job_intern(job, label, strlen(label));
    return o;
}

static gp_call *call(gp_rank *r, double s, double e, uint32_t tid, int64_t corr, const char *name)
{
    gp_call *c = gp_rank_add_call(r);
    c->start_ns = US(s);
    c->end_ns = US(e);
    c->tid = tid;
    c->pid = 1;
    c->correlation = corr;
    c->name = gp_job_intern(job, name, strlen(name));
    return c;
}

static void range(gp_rank *r, double s, double e, const char *name)
{
    gp_range *g = gp_rank_add_range(r);
    g->start_ns = US(s);
    g->end_ns = US(e);
    g->tid = 1;
    g->pid = 1;
    g->name = gp_job_intern(job, name, strlen(name));
    g->kind = GP_RANGE_NVTX;
}

static const gp_finding *find(const gp_analysis *a, int rank, const char *id)
{
    for (size_t i = 0; i < a->n_findings; i++)
        if (a->findings[i].rank == rank && strcmp(a->findings[i].id, id) == 0)
            return &a->findings[i];
    return NULL;
}

/* Rank 0: one gap of each host cause on one stream. */
static void build_causes(gp_rank *r)
{
    call(r, 0, 5, 1, 1, "cudaLaunchKernel");
    kernel(r, 10, 100, 7, 1, "k1");
    call(r, 6, 101, 1, -1, "cudaStreamSynchronize");
    call(r, 300, 305, 1, 2, "cudaLaunchKernel");
    kernel(r, 310, 400, 7, 2, "k2");           /* gap [100,310] host sync (210) */
    call(r, 401, 520, 1, 3, "cudaMemcpy");
    copy(r, 410, 510, 3, GP_COPY_HTOD, GP_MEM_PAGEABLE, 0); /* gap [400,410] launch-bound: tiny window (10) */
    call(r, 700, 705, 1, 4, "cudaLaunchKernel");
    kernel(r, 710, 800, 7, 4, "k3");           /* gap [510,710] blocking copy (200) */
    range(r, 805, 1500, "load_batch");
    call(r, 1510, 1515, 1, 5, "cudaLaunchKernel");
    kernel(r, 1520, 1600, 7, 5, "k4");         /* gap [800,1520] host work "load_batch" (720) */
    for (int i = 0; i < 10; i++) {             /* gaps [1600,1610] + 9 x 8: launch-bound (82) */
        call(r, 1600 + 10 * i, 1609 + 10 * i, 1, 10 + i, "cudaLaunchKernel");
        kernel(r, 1610 + 10 * i, 1612 + 10 * i, 7, 10 + i, "tiny");
    }
    call(r, 1650, 1655, 2, 20, "cudaLaunchKernel"); /* another thread, long before */
    kernel(r, 1800, 1900, 7, 20, "k5");        /* gap [1702,1800] dependency (98) */
    kernel(r, 2000, 2100, 7, -1, "k6");        /* gap [1900,2000] no launch: unknown (100) */
    r->job_start_ns = US(-500);                /* start-up [-500,10] (510) */
    r->job_end_ns = US(2200);                  /* tear-down [2100,2200] (100) */
}

static void test_causes(const gp_analysis *a)
{
    const gp_rank_result *r = &a->ranks[0];
    const gp_device_result *d = r->n_devices ? &r->devices[0] : NULL;
    static const struct { int cause; double total_us; int count; } want[] = {
        { GP_CAUSE_HOST_SYNC, 210, 1 },     { GP_CAUSE_LAUNCH_BOUND, 10 + 10 + 72, 11 },
        { GP_CAUSE_BLOCKING_COPY, 200, 1 }, { GP_CAUSE_HOST_WORK, 720, 1 },
        { GP_CAUSE_DEPENDENCY, 98, 1 },     { GP_CAUSE_UNKNOWN, 100, 1 },
        { GP_CAUSE_STARTUP, 510, 1 },       { GP_CAUSE_TEARDOWN, 100, 1 },
    };

    ok(d != NULL, "rank 0 has a device");
    if (!d)
        return;
    is_int(d->first_ns, US(10), "first op");
    is_int(d->last_ns, US(2100), "last op end");
    /* busy: 90+90+100+90+80+10*2+100+100 = 670; idle inside the span: 1420 */
    is_int(d->busy_ns, 670000, "busy = union of ops");
    is_int(d->idle_ns, 1420000, "idle = span - busy");
    is_int(d->kernel_ns, 570000, "kernel union");
    is_int(d->copy_ns, 100000, "copy union");
    /* host sync, tiny window, blocking copy, host work, [1600,1610], dependency,
     * unknown: 7, plus the 9 gaps between the tiny kernels */
    is_int(d->n_gaps, 7 + 9, "16 gaps inside the span");
    /* lengths: nine of 8 us; 10, 10, 98; 210, 200, 720, 100 */
    ok(d->gap_count[0] == 0 && d->gap_count[1] == 9 && d->gap_count[2] == 3 &&
       d->gap_count[3] == 4 && d->gap_count[4] == 0 && d->gap_count[6] == 0,
       "gap lengths by decade: 0 below 1 us, 9 below 10, 3 below 100, 4 below 1000");
    is_int(d->gap_ns[1], 9 * 8000, "gaps of 1-10 us: 72 us");
    is_int(d->gap_ns[2], (10 + 10 + 98) * 1000, "gaps of 10-100 us: 118 us");
    is_int(d->gap_ns[3], (210 + 200 + 720 + 100) * 1000, "gaps of 100 us-1 ms: 1230 us");
    /* Idle bins: span 2090 us in 200 bins of 10450 ns. The host-sync gap
     * [100,310] us is [90000,300000] ns from the first op: 4050 ns of bin 8
     * ([83600,94050)), all of bin 9, and bin 28 ([292600,303050)) up to 300000. */
    is_int(d->idle_bin_ns, 10450, "idle bins: 2090 us / 200, rounded up");
    is_int(d->n_idle_bins, 200, "200 idle bins");
    is_int(d->idle_bins[8][GP_CAUSE_HOST_SYNC], 4050, "bin 8: the host-sync gap's first 4050 ns");
    is_int(d->idle_bins[9][GP_CAUSE_HOST_SYNC], 10450, "bin 9: all host sync");
    is_int(d->idle_bins[28][GP_CAUSE_HOST_SYNC], 300000 - 292600, "bin 28: the gap's last 7400 ns");
    is_int(d->idle_bins[29][GP_CAUSE_HOST_SYNC], 0, "bin 29: the k2 kernel, not idle");
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        int64_t sum = 0;
        int inside = want[i].cause != GP_CAUSE_STARTUP && want[i].cause != GP_CAUSE_TEARDOWN;
        for (int b = 0; b < GP_IDLE_BINS; b++)
            sum += d->idle_bins[b][want[i].cause];
        is_int(sum, inside ? (int64_t)(want[i].total_us * 1000) : 0, "%s: idle bins add up to %s",
               gp_cause_name(want[i].cause), inside ? "its total" : "nothing (outside the span)");
    }
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const gp_cause_stats *cs = &d->causes[want[i].cause];
        is_int(cs->total_ns, (int64_t)(want[i].total_us * 1000), "%s: total", gp_cause_name(want[i].cause));
        is_int(cs->count, want[i].count, "%s: count", gp_cause_name(want[i].cause));
    }
    is_str(gp_job_str(job, d->causes[GP_CAUSE_HOST_WORK].top[0].label), "load_batch",
           "host work is named by the NVTX range covering it");
    is_str(gp_job_str(job, d->causes[GP_CAUSE_HOST_SYNC].top[0].label), "cudaStreamSynchronize",
           "host sync is named by the call");
    is_str(gp_job_str(job, d->causes[GP_CAUSE_BLOCKING_COPY].top[0].label), "cudaMemcpy",
           "blocking copy is named by the call");
    is_int(d->causes[GP_CAUSE_LAUNCH_BOUND].top[0].end_ns - d->causes[GP_CAUSE_LAUNCH_BOUND].top[0].start_ns,
           10000, "longest launch-bound gap first");

    /* HTA breakdowns of the same rank (no rounding, no ProfilerStep):
     * temporal: span 2090, idle 1420, compute = kernel union 570, non-compute
     * 2090-570-1420 = 100; per stream 7: host wait 210+10+200+720 = 1140,
     * kernel wait 10 + 9*8 = 82 (launch at 1600 is not after 1600), other 98+100. */
    ok(r->hta.valid, "HTA breakdown computed");
    ok(fabs(r->hta.span_us - 2090) < 1e-6, "HTA span %.3f", r->hta.span_us);
    ok(fabs(r->hta.idle_us - 1420) < 1e-6, "HTA idle %.3f", r->hta.idle_us);
    ok(fabs(r->hta.compute_us - 570) < 1e-6, "HTA compute %.3f", r->hta.compute_us);
    ok(fabs(r->hta.noncompute_us - 100) < 1e-6, "HTA non-compute %.3f", r->hta.noncompute_us);
    ok(r->hta.idle_pct == 67.94 && r->hta.compute_pct == 27.27 && r->hta.noncompute_pct == 4.78,
       "HTA percentages rounded to 2 decimals (%.2f %.2f %.2f)", r->hta.idle_pct,
       r->hta.compute_pct, r->hta.noncompute_pct);
    is_int(r->hta.n_streams, 1, "one stream");
    if (r->hta.n_streams) {
        const gp_hta_stream *s = &r->hta.streams[0];
        ok(fabs(s->host_wait_us - 1140) < 1e-6, "host wait %.3f", s->host_wait_us);
        ok(fabs(s->kernel_wait_us - 82) < 1e-6, "kernel wait %.3f", s->kernel_wait_us);
        ok(fabs(s->other_us - 198) < 1e-6, "other %.3f", s->other_us);
    }
    /* launches: 15 kernels with calls; delays 14 x 10 us and 150 us; the 10
     * tiny kernels (2 us) ran shorter than their 9 us launch calls */
    is_int(r->launches.launches, 15, "15 kernels joined to launches");
    is_int(r->launches.delay_p50_ns, 10000, "median launch delay 10 us");
    is_int(r->launches.delay_max_ns, 150000, "max launch delay 150 us");
    is_int(r->launches.short_kernels, 10, "10 kernels shorter than their launch");
    is_int(r->launches.short_kernel_ns, 20000, "their GPU time 20 us");
    ok(find(a, 0, "idle.host_work") != NULL, "finding: host work");
    ok(find(a, 0, "idle.host_sync") != NULL, "finding: host sync");
    ok(find(a, 0, "idle.blocking_copy") != NULL, "finding: blocking copy");
    ok(find(a, 0, "stall.sync_copy") != NULL, "finding: synchronous copy");
    {
        const gp_finding *f = find(a, 0, "idle.host_work");
        ok(f && f->recoverable_ns == 720000 && f->basis_ns == 2090000 &&
           f->whatif_ns == 2090000 - 720000, "host work: what-if = span - gap time");
        ok(f && f->severity == GP_SEV_CRITICAL, "720 of 2090 us (34 %%) is critical");
        ok(f && strstr(f->fix, "load_batch"), "the fix names the range");
    }
}

/* Rank 1: an async copy from pageable memory that held its thread. */
static void build_pageable(gp_rank *r)
{
    call(r, 0, 500, 1, 1, "cudaMemcpyAsync");
    copy(r, 10, 490, 1, GP_COPY_HTOD, GP_MEM_PAGEABLE, 1);
    call(r, 500, 505, 1, 2, "cudaLaunchKernel");
    kernel(r, 510, 2000, 7, 2, "k");
}

/* Rank 2: 200 device synchronizations in one second. */
static void build_storm(gp_rank *r)
{
    kernel(r, 0, 1000000, 7, -1, "long");
    for (int i = 0; i < 200; i++)
        call(r, 5000.0 * i, 5000.0 * i + 100, 1, -1, "cudaDeviceSynchronize");
}

/* Rank 3: an H2D copy alone [0,1000], one overlapped [2000,3000]. */
static void build_no_overlap(gp_rank *r)
{
    copy(r, 0, 1000, -1, GP_COPY_HTOD, GP_MEM_PINNED, 1);
    kernel(r, 1000, 2000, 7, -1, "k");
    copy(r, 2000, 3000, -1, GP_COPY_HTOD, GP_MEM_PINNED, 1);
    kernel(r, 2000, 3000, 8, -1, "k");
}

/* Rank 4: 100 kernels of 2 us every 10 us. */
static void build_tiny(gp_rank *r)
{
    for (int i = 0; i < 100; i++)
        kernel(r, 10.0 * i, 10.0 * i + 2, 7, -1, "tiny");
}

/* Rank 5: an 8-block kernel on a 132-SM GPU, beside a full one. */
static void build_small_grid(gp_rank *r)
{
    gp_devinfo *d = gp_rank_add_device(r);
    d->id = 0;
    d->sm_count = 132;
    kernel(r, 0, 1000, 7, -1, "small")->blocks = 8;
    kernel(r, 1000, 2000, 7, -1, "big")->blocks = 1000;
}

/* Rank 6: steps: 4 "step" ranges, an "epoch" once, overlapping "noise". */
static void build_steps(gp_rank *r)
{
    for (int i = 0; i < 4; i++)
        range(r, 100.0 * i, 100.0 * i + 100, "step");
    range(r, 0, 400, "epoch");
    for (int i = 0; i < 5; i++)
        range(r, 50.0 * i, 50.0 * i + 80, "noise"); /* overlapping: not a loop */
    kernel(r, 10, 60, 7, -1, "a");
    kernel(r, 110, 130, 7, -1, "b");
    kernel(r, 120, 150, 8, -1, "c");
    kernel(r, 350, 450, 7, -1, "d");
}

/* Rank 7: FP32 SIMT GEMMs on an H100 SXM (docs/gpu-peaks.md: FP32 67, TF32 495
 * TFLOP/s): 1 ms of ampere_sgemm could take 1 ms x 67/495 on TF32 tensor
 * cores. A TF32 kernel beside it is not counted. */
static void build_fp32(gp_rank *r)
{
    gp_devinfo *d = gp_rank_add_device(r);
    d->id = 0;
    d->name = gp_job_intern(job, "NVIDIA H100 80GB HBM3", 21);
    d->cc_major = 9;
    d->sm_count = 132;
    kernel(r, 0, 600, 7, -1, "ampere_sgemm_128x64_nn");
    kernel(r, 600, 1000, 7, -1, "ampere_sgemm_128x64_nn");
    kernel(r, 1000, 1100, 7, -1, "cutlass_80_tensorop_s1688gemm_256x64_16x4_tn_align1");
}

static void test_rest(const gp_analysis *a)
{
    const gp_finding *f;

    f = find(a, 1, "stall.pageable_copy");
    ok(f && f->cost_ns == 500000, "pageable async copy: the host was held 500 us");
    ok(find(a, 1, "stall.sync_copy") == NULL, "an async copy is not a synchronous copy");
    f = find(a, 2, "stall.sync_storm");
    ok(f != NULL, "200 synchronizations in a second: a storm");
    ok(f && f->cost_ns == 200 * 100000, "host time in them: 200 x 100 us");
    f = find(a, 3, "stall.no_overlap");
    ok(f && f->cost_ns == 1000000, "one H2D copy of 1000 us ran alone");
    f = find(a, 4, "stall.tiny_kernels");
    /* run [0, 992]: busy 200, idle 792 */
    ok(f && f->cost_ns == 792000, "tiny kernels: 792 us idle inside the run");
    f = find(a, 5, "stall.small_grid");
    /* 1000 us at 8/132 of the SMs: spread out it could take 1000*8/132 us */
    ok(f && f->cost_ns == 1000000 && f->recoverable_ns == 1000000 - 1000000LL * 8 / 132,
       "small grid: time and the spread-out estimate");
    ok(find(a, 4, "stall.small_grid") == NULL, "no device info: no small-grid claim");
    f = find(a, 7, "precision.fp32_matmul");
    ok(f != NULL, "FP32 GEMMs on CUDA cores are found");
    ok(f && f->cost_ns == 1000000, "their time: 1000 us (the TF32 kernel is not counted)");
    ok(f && llabs(f->recoverable_ns - (1000000 - llround(1000000.0 * 67 / 495))) <= 1,
       "TF32 estimate from the H100 peaks: saves 1000 us x (1 - 67/495) (%lld ns)",
       f ? (long long)f->recoverable_ns : -1LL);
    ok(f && strstr(f->fix, "allow_tf32"), "the fix says how to allow TF32");
    ok(find(a, 6, "precision.fp32_matmul") == NULL, "no GEMMs: no precision finding");
    {
        const gp_rank_result *r = &a->ranks[6];
        is_int(r->n_steps, 4, "4 steps found by the repeated 'step' range");
        is_str(gp_job_str(job, r->step_name), "step", "named step");
        ok(r->n_steps == 4 && r->steps[0].busy_ns == 50000 && r->steps[1].busy_ns == 40000 &&
           r->steps[2].busy_ns == 0 && r->steps[3].busy_ns == 50000,
           "GPU busy per step: 50, 40 (overlap counted once), 0, 50 (clipped)");
        ok(r->n_steps == 4 && r->steps[0].kernels == 1 && r->steps[1].kernels == 2 &&
           r->steps[2].kernels == 0 && r->steps[3].kernels == 1, "kernels per step");
        is_int(r->step_p50_ns, 100000, "median step 100 us");
    }
}

static void test_edges(void)
{
    gp_job *saved = job;
    gp_analysis *a;
    gp_rank *r;

    job = gp_job_new();
    a = gp_analyze(job, NULL);
    ok(a && a->n_ranks == 0 && a->n_findings == 0, "empty job: nothing, no crash");
    gp_analysis_free(a);
    r = gp_job_add_rank(job, "empty rank");
    gp_rank_finish(job, r);
    a = gp_analyze(job, NULL);
    ok(a && a->n_ranks == 1 && a->ranks[0].n_devices == 0 && !a->ranks[0].hta.valid,
       "a rank with no GPU work: no devices, HTA not valid");
    gp_analysis_free(a);
    r = gp_job_add_rank(job, "one kernel");
    kernel(r, 0, 50, 7, -1, "only");
    gp_rank_finish(job, r);
    a = gp_analyze(job, NULL);
    ok(a && a->ranks[1].n_devices == 1 && a->ranks[1].devices[0].busy_ns == 50000 &&
       a->ranks[1].devices[0].idle_ns == 0 && a->ranks[1].devices[0].n_gaps == 0,
       "one kernel: busy 50 us, no gaps");
    ok(a && a->ranks[1].hta.valid && a->ranks[1].hta.idle_us == 0 && a->ranks[1].hta.span_us == 50,
       "one kernel: HTA span 50, idle 0");
    gp_analysis_free(a);
    gp_job_free(job);

    /* HTA's kernel-wait threshold both ways: gaps of exactly 30 us and of
     * 29.999 us (only the second is kernel wait; the first is other). */
    job = gp_job_new();
    r = gp_job_add_rank(job, "threshold");
    kernel(r, 0, 10, 7, -1, "a");
    kernel(r, 40, 50, 7, -1, "b");
    kernel(r, 79.999, 90, 7, -1, "c");
    gp_rank_finish(job, r);
    a = gp_analyze(job, NULL);
    ok(a && a->ranks[0].hta.n_streams == 1 &&
       fabs(a->ranks[0].hta.streams[0].other_us - 30) < 1e-9 &&
       fabs(a->ranks[0].hta.streams[0].kernel_wait_us - 29.999) < 1e-9,
       "a 30 us gap is other, a 29.999 us gap is kernel wait");
    gp_analysis_free(a);
    gp_job_free(job);
    job = saved;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Launch delay percentiles against a sort: random delays with many ties
 * (values drawn from a small range), nearest rank. */
static void test_percentiles(void)
{
    gp_job *saved = job;
    enum { N = 10007 };
    static int64_t d[N];
    const double ps[] = { 0.50, 0.90, 0.99 };
    uint32_t x = 12345;
    gp_analysis *a;
    gp_rank *r;

    job = gp_job_new();
    r = gp_job_add_rank(job, "delays");
    for (int i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        d[i] = 1000 * (int64_t)((x >> 16) % 300); /* 0..299 us, ties everywhere */
        call(r, 10.0 * i, 10.0 * i + 1, 1, i + 1, "cudaLaunchKernel");
        kernel(r, 10.0 * i + d[i] / 1000.0, 10.0 * i + d[i] / 1000.0 + 1, 7, i + 1, "k");
    }
    gp_rank_finish(job, r);
    a = gp_analyze(job, NULL);
    qsort(d, N, sizeof *d, cmp_i64);
    if (a) {
        const gp_launch_stats *s = &a->ranks[0].launches;
        const int64_t got[] = { s->delay_p50_ns, s->delay_p90_ns, s->delay_p99_ns };
        for (int k = 0; k < 3; k++)
            is_int(got[k], d[(size_t)(ps[k] * (N - 1) + 0.5)], "p%.0f launch delay matches a sort",
                   ps[k] * 100);
        is_int(s->delay_max_ns, d[N - 1], "max launch delay matches a sort");
        is_int(s->launches, N, "every kernel joined");
    }
    gp_analysis_free(a);
    gp_job_free(job);
    job = saved;
}

int main(void)
{
    void (*builders[])(gp_rank *) = { build_causes, build_pageable, build_storm,
                                      build_no_overlap, build_tiny, build_small_grid,
                                      build_steps, build_fp32 };
    gp_analysis *a;

    job = gp_job_new();
    for (size_t i = 0; i < sizeof builders / sizeof builders[0]; i++) {
        gp_rank *r = gp_job_add_rank(job, "synthetic");
        builders[i](r);
        ok(gp_rank_finish(job, r) == 0, "rank %zu finished", i);
    }
    a = gp_analyze(job, NULL);
    ok(a != NULL, "analyzed");
    if (a) {
        test_causes(a);
        test_rest(a);
        gp_analysis_free(a);
    }
    gp_job_free(job);
    test_edges();
    test_percentiles();
    return done_testing();
}
