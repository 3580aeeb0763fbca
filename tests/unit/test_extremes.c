/* test_extremes.c: impossible and extreme times.
 *
 * The analyses on models a loader would not make (an op ending before it
 * starts: the idle bins stay in bounds) and on times at the edge of the
 * trusted range [0, 2^62) ns, where sums and products of durations leave
 * int64 (they saturate); the text output of a value past int64; and the
 * gpupack-trace loader leaving out, and counting, every record whose times
 * are impossible. Expected values come from the definitions in
 * docs/analyze-json.md and docs/trace-format.md, worked out in comments. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/analyses/analyze.h"
#include "analyzer/formats/load.h"
#include "analyzer/model/model.h"
#include "analyzer/render/render.h"
#include "common/store.h"
#include "tests/tap.h"
#include "tests/unit/tmpdir.h"

#define L 4611686018427387904LL /* 2^62: the first time out of range */
#define B 10000000000LL         /* 10 s */

static gp_job *job;

static gp_op *op(gp_rank *r, int kind, int64_t s, int64_t e, int stream, int64_t corr)
{
    gp_op *o = gp_rank_add_op(r);
    o->kind = (uint8_t)kind;
    o->start_ns = s;
    o->end_ns = e;
    o->stream = stream;
    o->correlation = corr;
    o->device = 0;
    o->pid = 1;
    o->name = gp_job_intern(job, "k", 1);
    o->blocks = 1;
    return o;
}

static void call(gp_rank *r, int64_t s, int64_t e, int64_t corr)
{
    gp_call *c = gp_rank_add_call(r);
    c->start_ns = s;
    c->end_ns = e;
    c->tid = 1;
    c->pid = 1;
    c->correlation = corr;
    c->name = gp_job_intern(job, "cudaLaunchKernel", 16);
}

static int64_t bins_total(const gp_device_result *d)
{
    int64_t t = 0;

    for (int b = 0; b < GP_IDLE_BINS; b++)
        for (int k = 0; k < GP_CAUSE_COUNT; k++)
            t += d->idle_bins[b][k];
    return t;
}

/* 1. An op that ends before it starts, first on its device: its end opens
 * a gap before the device's first start. Span [B, B + 20000]: 200 bins of
 * 100 ns; the gaps' parts inside it are [B, B + 1000] and [B + 2000,
 * B + 3000]: 2000 ns in the bins. Before the fix the bin index of the first
 * gap was -1 (it overwrote the bin count) or, for an end far before the
 * start, wild. */
static void test_reversed_op(int64_t end0, const char *what)
{
    gp_rank *r;
    gp_analysis *a;

    job = gp_job_new();
    r = gp_job_add_rank(job, what);
    op(r, GP_OP_KERNEL, B, end0, 1, -1);
    op(r, GP_OP_KERNEL, B + 1000, B + 2000, 1, -1);
    op(r, GP_OP_KERNEL, B + 3000, B + 20000, 1, -1);
    gp_rank_finish(job, r);
    a = gp_analyze(job, NULL);
    ok(a && a->ranks[0].n_devices == 1, "%s: analyzed", what);
    if (a && a->ranks[0].n_devices == 1) {
        const gp_device_result *d = &a->ranks[0].devices[0];
        ok(d->idle_bin_ns == 100 && d->n_idle_bins == 200,
           "%s: 200 idle bins of 100 ns (got %d of %lld)", what, d->n_idle_bins,
           (long long)d->idle_bin_ns);
        is_int(bins_total(d), 2000, "%s: the bins hold the idle time inside the span", what);
    }
    gp_analysis_free(a);
    gp_job_free(job);
}

/* 2. Three kernels of 2^62 - 1 ns side by side, and their three launch
 * calls as long: each is in range, their sums are not (3 (2^62 - 1) >
 * 2^63 - 1), so totals saturate at INT64_MAX. One block on a 132-SM GPU:
 * the small-grid finding's time is that saturated sum, and the time it
 * could win (each kernel's 131/132) is capped at the basis, the span. */
static void test_saturation(void)
{
    gp_rank *r;
    gp_devinfo *dv;
    gp_analysis *a;

    job = gp_job_new();
    r = gp_job_add_rank(job, "saturation");
    dv = gp_rank_add_device(r);
    dv->id = 0;
    dv->sm_count = 132;
    for (int i = 0; i < 3; i++) {
        op(r, GP_OP_KERNEL, 0, L - 1, 1 + i, 1 + i);
        call(r, 0, L - 1, 1 + i);
    }
    gp_rank_finish(job, r);
    a = gp_analyze(job, NULL);
    ok(a != NULL, "saturation: analyzed");
    if (a) {
        const gp_rank_result *rr = &a->ranks[0];
        const gp_finding *sg = NULL;
        for (size_t i = 0; i < a->n_findings; i++)
            if (strcmp(a->findings[i].id, "stall.small_grid") == 0)
                sg = &a->findings[i];
        is_int(rr->span_ns, L - 1, "span: one kernel's length");
        ok(rr->n_devices == 1 && rr->devices[0].busy_ns == L - 1 &&
           rr->devices[0].kernel_ns == L - 1, "busy and kernel time: the union, 2^62 - 1");
        ok(rr->n_kernels == 1 && rr->kernels[0].count == 3 && rr->kernels[0].total_ns == INT64_MAX,
           "kernel total: 3 x (2^62 - 1) saturates at INT64_MAX");
        ok(rr->n_precisions == 1 && rr->precisions[0].total_ns == INT64_MAX,
           "precision row total: INT64_MAX");
        is_int(rr->launches.launch_call_ns, INT64_MAX, "host time in launch calls: INT64_MAX");
        ok(sg && sg->cost_ns == INT64_MAX && sg->recoverable_ns == L - 1 &&
           sg->whatif_ns == 0, "small grid: cost INT64_MAX, win capped at the span");
    }
    gp_analysis_free(a);
    gp_job_free(job);
}

/* 3. A gap of almost 2^62 ns while the launching thread ran host code
 * under an NVTX range as long: the range names the gap (it is shorter
 * than ten windows). Ten windows is past int64: before the fix the bound
 * wrapped negative and no range was looked at. */
static void test_long_host_gap(void)
{
    gp_rank *r;
    gp_range *g;
    gp_analysis *a;

    job = gp_job_new();
    r = gp_job_add_rank(job, "long gap");
    op(r, GP_OP_KERNEL, 0, 1, 1, -1);
    op(r, GP_OP_KERNEL, L - 2, L - 1, 1, 7);
    call(r, L - 10, L - 5, 7);
    g = gp_rank_add_range(r);
    g->start_ns = 1;
    g->end_ns = L - 11;
    g->tid = 1;
    g->pid = 1;
    g->name = gp_job_intern(job, "dataload", 8);
    gp_rank_finish(job, r);
    a = gp_analyze(job, NULL);
    ok(a && a->ranks[0].n_devices == 1, "long gap: analyzed");
    if (a && a->ranks[0].n_devices == 1) {
        const gp_cause_stats *cs = &a->ranks[0].devices[0].causes[GP_CAUSE_HOST_WORK];
        ok(cs->count == 1 && cs->total_ns == L - 3, "one host-work gap of 2^62 - 3 ns");
        is_str(cs->n_top ? gp_job_str(job, cs->top[0].label) : "", "dataload",
               "named by the range that covers it");
    }
    gp_analysis_free(a);
    gp_job_free(job);
}

/* 4. The text output of an HTA span of 1e300 us: past int64 in ns, it
 * reads as the largest duration (INT64_MAX ns = 2562047 h 47 min), never
 * as a negative or wrapped one. */
static void test_render_huge(void)
{
    gp_rank *r;
    gp_hta_event *h;
    gp_analysis *a;
    gp_render_opts ro = { 0 };
    char *text = NULL;
    size_t len = 0;
    FILE *f;

    job = gp_job_new();
    r = gp_job_add_rank(job, "huge");
    op(r, GP_OP_KERNEL, 0, 1000, 1, 1);
    h = gp_rank_add_hta(r);
    h->ts_us = 0;
    h->dur_us = 1e300;
    h->stream = 1;
    h->correlation = 1;
    h->cat = GP_HCAT_KERNEL;
    h->name = gp_job_intern(job, "k", 1);
    r->hta_native = 1;
    gp_rank_finish(job, r);
    a = gp_analyze(job, NULL);
    f = open_memstream(&text, &len);
    if (a && f)
        gp_render_text(f, a, &ro);
    if (f)
        fclose(f);
    ok(a && a->ranks[0].hta.valid, "huge: HTA breakdown made");
    like(text ? text : "", "span 2562047h 47m:", "the span reads as INT64_MAX ns");
    free(text);
    gp_analysis_free(a);
    gp_job_free(job);
}

/* ---- the gpupack-trace loader ---- */

static void put_timed(gp_writer *w, gp_kind kind, uint32_t pid, int64_t s, int64_t e, gp_strid name)
{
    gp_error err = { 0 };
    gp_record r;

    gp_record_init(&r, kind);
    switch (kind) {
    case GP_KIND_KERNEL:
        r.u.kernel.start_ns = s, r.u.kernel.end_ns = e, r.u.kernel.pid = pid;
        r.u.kernel.device = 0, r.u.kernel.stream = 7, r.u.kernel.name = name;
        break;
    case GP_KIND_MEMCPY:
        r.u.memcpy.start_ns = s, r.u.memcpy.end_ns = e, r.u.memcpy.pid = pid;
        break;
    case GP_KIND_MEMSET:
        r.u.memset.start_ns = s, r.u.memset.end_ns = e, r.u.memset.pid = pid;
        break;
    case GP_KIND_API:
        r.u.api.start_ns = s, r.u.api.end_ns = e, r.u.api.pid = pid, r.u.api.name = name;
        break;
    case GP_KIND_SYNC: r.u.sync.start_ns = s, r.u.sync.end_ns = e, r.u.sync.pid = pid; break;
    case GP_KIND_NVTX: r.u.nvtx.start_ns = s, r.u.nvtx.end_ns = e, r.u.nvtx.pid = pid; break;
    case GP_KIND_METRIC: r.u.metric.ts_ns = s, r.u.metric.dur_ns = e, r.u.metric.pid = pid; break;
    case GP_KIND_PROCESS:
        r.u.process.start_ns = s, r.u.process.end_ns = e, r.u.process.pid = pid;
        r.u.process.rank = -1;
        break;
    default: break;
    }
    gp_writer_put(w, &r, &err);
}

static gp_job *load(const char *path)
{
    gp_error err = { 0 };
    gp_job *j = gp_job_new();

    if (j && gp_load_trace(j, path, &err) != GP_OK) {
        diag("load: %s", err.msg);
        gp_job_free(j);
        return NULL;
    }
    return j;
}

/* 5. Two listed processes and one unlisted: pid 1 has 3 good kernels and 3
 * good API calls, and one bad record of every timed kind; pid 2 (no GPU
 * work) starts at INT64_MIN; pid 3 (unlisted) has only 2 bad kernels.
 * Bad: 3 kernels + memcpy + memset + API + sync + NVTX + metric + the
 * TAKEN loss's time (its count of 2 still counts as dropped) + pid 2's
 * start + pid 3's 2 kernels = 13, all on the one rank (pid 1): a process
 * without a rank says its count on the file's first. */
static void test_load_mixed(const char *path)
{
    gp_error err = { 0 };
    gp_writer *w = gp_writer_create(path, GP_WRITER_OVERWRITE, &err);
    gp_strid k, api;
    gp_record r;
    gp_job *j;

    gp_writer_begin(w, &err);
    k = gp_writer_intern(w, "k", 1, &err);
    api = gp_writer_intern(w, "cudaLaunchKernel", 16, &err);
    put_timed(w, GP_KIND_PROCESS, 1, B - 1000, 0, 0);
    put_timed(w, GP_KIND_PROCESS, 2, INT64_MIN, 5, 0);
    for (int i = 0; i < 3; i++) {
        put_timed(w, GP_KIND_KERNEL, 1, B + 1000 * i, B + 1000 * i + 400, k);
        put_timed(w, GP_KIND_API, 1, B + 1000 * i - 300, B + 1000 * i - 200, api);
    }
    put_timed(w, GP_KIND_KERNEL, 1, B + 5000, B + 4000, k);
    put_timed(w, GP_KIND_KERNEL, 1, INT64_MIN, INT64_MAX, k);
    put_timed(w, GP_KIND_KERNEL, 1, 0, L, k);
    put_timed(w, GP_KIND_MEMCPY, 1, 5, 4, 0);
    put_timed(w, GP_KIND_MEMSET, 1, -1, 5, 0);
    put_timed(w, GP_KIND_API, 1, INT64_MAX - 5, INT64_MAX, api);
    put_timed(w, GP_KIND_SYNC, 1, 10, 9, 0);
    put_timed(w, GP_KIND_NVTX, 1, L, L, 0);
    put_timed(w, GP_KIND_METRIC, 1, 1, INT64_MAX, 0);
    gp_record_init(&r, GP_KIND_DROPPED);
    r.u.dropped.source = GP_DROP_TAKEN;
    r.u.dropped.ts_ns = INT64_MIN;
    r.u.dropped.count = 2;
    r.u.dropped.pid = 1;
    gp_writer_put(w, &r, &err);
    put_timed(w, GP_KIND_KERNEL, 3, 7, 6, k);
    put_timed(w, GP_KIND_KERNEL, 3, 9, 8, k);
    gp_writer_commit(w, &err);
    ok(gp_writer_close(w, &err) == GP_OK, "mixed trace written");
    j = load(path);
    ok(j && gp_job_rank_count(j) == 1, "mixed: loaded, one rank (pid 1)");
    if (j && gp_job_rank_count(j) == 1) {
        const gp_rank *rk = gp_job_rank_c(j, 0);
        ok(rk->pid == 1 && rk->n_ops == 3 && rk->n_calls == 3, "the 3 good kernels and calls kept");
        ok(rk->n_syncs == 0 && rk->n_ranges == 0 && rk->n_samples == 0,
           "no bad sync, range or sample kept");
        is_int((int64_t)rk->bad_times, 13, "13 records with impossible times counted");
        ok(rk->taken_ns == 0 && rk->dropped_records == 2, "a loss at no time: counted, no hole");
        ok(rk->job_start_ns == B - 1000, "pid 1's life as written");
    }
    gp_job_free(j);
}

/* 6. One process, 2000 kernels with every 7th ending before it starts and
 * 2000 calls with every 11th starting at 2^62: the two-thread read of the
 * big tables counts them too. ceil(2000/7) = 286 kernels, ceil(2000/11) =
 * 182 calls left out. */
static void test_load_big(const char *path)
{
    gp_error err = { 0 };
    gp_writer *w = gp_writer_create(path, GP_WRITER_OVERWRITE, &err);
    gp_strid k, api;
    gp_job *j;

    gp_writer_begin(w, &err);
    k = gp_writer_intern(w, "k", 1, &err);
    api = gp_writer_intern(w, "cudaLaunchKernel", 16, &err);
    put_timed(w, GP_KIND_PROCESS, 1, 1, 0, 0);
    for (int64_t i = 0; i < 2000; i++) {
        put_timed(w, GP_KIND_KERNEL, 1, B + 1000 * i, B + 1000 * i + (i % 7 ? 400 : -400), k);
        put_timed(w, GP_KIND_API, 1, i % 11 ? B + 1000 * i - 300 : L, i % 11 ? B + 1000 * i : L,
                  api);
    }
    gp_writer_commit(w, &err);
    ok(gp_writer_close(w, &err) == GP_OK, "big trace written");
    j = load(path);
    ok(j && gp_job_rank_count(j) == 1, "big: loaded, one rank");
    if (j && gp_job_rank_count(j) == 1) {
        const gp_rank *rk = gp_job_rank_c(j, 0);
        ok(rk->n_ops == 2000 - 286 && rk->n_calls == 2000 - 182, "big: %zu kernels, %zu calls kept",
           rk->n_ops, rk->n_calls);
        is_int((int64_t)rk->bad_times, 286 + 182, "big: 468 left out and counted");
    }
    gp_job_free(j);
}

/* 7. A process whose every record is impossible still gets a rank, so the
 * count is said. */
static void test_load_all_bad(const char *path)
{
    gp_error err = { 0 };
    gp_writer *w = gp_writer_create(path, GP_WRITER_OVERWRITE, &err);
    gp_strid k;
    gp_job *j;

    gp_writer_begin(w, &err);
    k = gp_writer_intern(w, "k", 1, &err);
    put_timed(w, GP_KIND_PROCESS, 5, 1, 0, 0);
    for (int i = 0; i < 3; i++)
        put_timed(w, GP_KIND_KERNEL, 5, -1 - i, 100, k);
    gp_writer_commit(w, &err);
    ok(gp_writer_close(w, &err) == GP_OK, "all-bad trace written");
    j = load(path);
    ok(j && gp_job_rank_count(j) == 1, "all bad: one rank to say so");
    if (j && gp_job_rank_count(j) == 1) {
        const gp_rank *rk = gp_job_rank_c(j, 0);
        ok(rk->pid == 5 && rk->n_ops == 0 && rk->bad_times == 3, "all bad: no op, 3 counted");
    }
    gp_job_free(j);
}

int main(void)
{
    test_reversed_op(B - 100, "an op ending 100 ns before it starts");
    test_reversed_op(0, "an op ending at 0");
    test_saturation();
    test_long_host_gap();
    test_render_huge();
    if (tmpdir_create() < 0)
        return 1;
    test_load_mixed(tmpdir_path("mixed.gpupack"));
    test_load_big(tmpdir_path("big.gpupack"));
    test_load_all_bad(tmpdir_path("allbad.gpupack"));
    tmpdir_remove();
    return done_testing();
}
