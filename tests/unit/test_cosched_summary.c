/* test_cosched_summary.c: a recorded pack run's summary (cosched/summary.h)
 * from a synthetic trace whose numbers are worked out by hand below. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/store.h"
#include "cosched/summary.h"
#include "tests/tap.h"
#include "tmpdir.h"

#define MS 1000000LL

static gp_writer *w;
static gp_error err;

static void put(gp_record *r)
{
    if (gp_writer_put(w, r, &err) != GP_OK)
        diag("put: %s", err.msg);
}

static void process(uint32_t pid, const char *cmd)
{
    gp_record r;
    gp_record_init(&r, GP_KIND_PROCESS);
    r.u.process.pid = pid;
    r.u.process.cmdline = gp_writer_intern(w, cmd, strlen(cmd), &err);
    put(&r);
}

static void kernel(uint32_t pid, int64_t start, int64_t dur)
{
    gp_record r;
    gp_record_init(&r, GP_KIND_KERNEL);
    r.u.kernel.pid = pid;
    r.u.kernel.start_ns = start;
    r.u.kernel.end_ns = start + dur;
    r.u.kernel.name = gp_writer_intern(w, "k", 1, &err);
    put(&r);
}

static void cosrec(uint32_t pid, int event, int64_t ts, int64_t dur, int64_t value)
{
    gp_record r;
    gp_record_init(&r, GP_KIND_COSCHED);
    r.u.cosched = (gp_cosched){ ts, dur, event, value, pid };
    put(&r);
}

static int close_near(double got, double want, const char *what)
{
    return ok(fabs(got - want) < 1e-6 * want, "%s: %.6f (want %.6f)", what, got, want);
}

int main(void)
{
    gp_cosched_summary s;
    gp_trace *t;

    if (tmpdir_create() < 0)
        return 1;
    /* serve (pid 100): 4 kernels of 10 ms at 0, 250, 500, 1000 ms: span
     * 0..1010 ms, 4 / 1.01 s = 3.960396 kernels/s, 40 ms of kernel time.
     * train (pid 200): 10 kernels of 30 ms at i * 100 ms: span 0..930 ms,
     * 10 / 0.93 s = 10.752688/s, 300 ms: share 300 / 340 = 0.882353. */
    w = gp_writer_create(tmpdir_path("pack.gpupack"), 0, &err);
    ok(w != NULL, "writer");
    gp_writer_begin(w, &err);
    process(100, "sim_serve --requests 20");
    process(200, "sim_train");
    kernel(100, 0, 10 * MS);
    kernel(100, 250 * MS, 10 * MS);
    kernel(100, 500 * MS, 10 * MS);
    kernel(100, 1000 * MS, 10 * MS);
    for (int i = 0; i < 10; i++)
        kernel(200, i * 100 * MS, 30 * MS);
    /* latencies 1..20 ms in a scrambled order (7 is coprime with 20): nearest
     * rank p50 = 10th = 10 ms, p95 = ceil(19) = 19th = 19 ms, p99 =
     * ceil(19.8) = 20th = 20 ms */
    for (int i = 0; i < 20; i++)
        cosrec(100, GP_COSCHED_HP_LATENCY, 300 * MS + i * MS, 0, ((i * 7) % 20 + 1) * MS);
    /* holds of 1, 2 and 5 ms: 3, 8 ms in all, 5 ms the longest */
    cosrec(200, GP_COSCHED_GATE_HOLD, 10 * MS, 1 * MS, 0);
    cosrec(200, GP_COSCHED_GATE_HOLD, 20 * MS, 2 * MS, 0);
    cosrec(200, GP_COSCHED_GATE_HOLD, 30 * MS, 5 * MS, 0);
    cosrec(200, GP_COSCHED_GATE_TIMEOUT, 35 * MS, 0, 0);
    cosrec(1, GP_COSCHED_WATCHDOG, 40 * MS, 0, 0);
    /* budget 2 ms, then 1 ms, then 3 ms */
    cosrec(1, GP_COSCHED_BUDGET, 0, 0, 2 * MS);
    cosrec(1, GP_COSCHED_BUDGET, 100 * MS, 0, 1 * MS);
    cosrec(1, GP_COSCHED_BUDGET, 200 * MS, 0, 3 * MS);
    gp_writer_commit(w, &err);
    ok(gp_writer_close(w, &err) == GP_OK, "trace written");

    t = gp_trace_open(tmpdir_path("pack.gpupack"), &err);
    ok(t != NULL, "trace opens");
    ok(t && gp_cosched_summary_load(t, &s, &err) == GP_OK, "summary loads");
    gp_trace_close(t);
    is_int(s.present, 1, "present");
    is_int(s.serve.pid, 100, "serve job: the latencies' pid");
    is_int(s.train.pid, 200, "training job: the holds' pid");
    is_str(s.serve.command, "sim_serve --requests 20", "serve command from the processes table");
    is_str(s.train.command, "sim_train", "training command");
    is_int(s.requests, 20, "requests");
    is_int(s.p50_ns, 10 * MS, "p50 (nearest rank)");
    is_int(s.p95_ns, 19 * MS, "p95");
    is_int(s.p99_ns, 20 * MS, "p99");
    is_int(s.max_ns, 20 * MS, "max latency");
    is_int(s.serve.kernels, 4, "serve kernels");
    is_int(s.train.kernels, 10, "training kernels");
    close_near(s.serve_kps, 4 / 1.01, "serve kernels/s");
    close_near(s.train_kps, 10 / 0.93, "training kernels/s");
    close_near(s.train_share, 300.0 / 340.0, "training GPU share");
    is_int(s.holds, 3, "holds");
    is_int(s.hold_total_ns, 8 * MS, "total hold wait");
    is_int(s.hold_max_ns, 5 * MS, "longest hold");
    is_int(s.timeouts, 1, "timeouts");
    is_int(s.watchdog, 1, "watchdog releases");
    is_int(s.budget_changes, 3, "budget changes");
    is_int(s.budget_min_ns, 1 * MS, "budget min");
    is_int(s.budget_max_ns, 3 * MS, "budget max");
    is_int(s.budget_last_ns, 3 * MS, "budget last");
    is_int(s.n_budget, 3, "three changes: three points");
    is_int(s.budget[1].ts_ns, 100 * MS, "points in time order");
    is_int(s.budget[1].value, 1 * MS, "point value");

    /* a trace without cosched records: nothing to show */
    w = gp_writer_create(tmpdir_path("plain.gpupack"), 0, &err);
    gp_writer_begin(w, &err);
    process(300, "train.py");
    kernel(300, 0, MS);
    gp_writer_commit(w, &err);
    gp_writer_close(w, &err);
    t = gp_trace_open(tmpdir_path("plain.gpupack"), &err);
    ok(t && gp_cosched_summary_load(t, &s, &err) == GP_OK, "plain trace loads");
    gp_trace_close(t);
    is_int(s.present, 0, "no cosched records: not present");

    /* pure: policy off (no holds): training is the other job with kernels;
     * 1000 budget changes thin to at most GP_COSCHED_SERIES_MAX points with
     * the first and the last change kept */
    static gp_cosched recs[1001];
    gp_cosched_job jobs[3] = { { .pid = 7, .kernels = 0 }, { .pid = 100, .kernels = 2 },
                               { .pid = 200, .kernels = 5 } };
    recs[0] = (gp_cosched){ 0, 0, GP_COSCHED_HP_LATENCY, 4 * MS, 100 };
    for (int i = 0; i < 1000; i++)
        recs[1 + i] = (gp_cosched){ (int64_t)(999 - i) * MS, 0, GP_COSCHED_BUDGET, (i + 1) * 1000, 1 };
    ok(gp_cosched_summarize(recs, 1001, jobs, 3, &s) == 0, "summarize");
    is_int(s.train.pid, 200, "no holds: the other job with kernels trains");
    is_int(s.p99_ns, 4 * MS, "one latency: p99 is it");
    ok(s.n_budget <= GP_COSCHED_SERIES_MAX && s.n_budget >= GP_COSCHED_SERIES_MAX / 2,
       "1000 changes thinned to %zu points", s.n_budget);
    is_int(s.budget[0].ts_ns, 0, "first change kept (time)");
    is_int(s.budget[0].value, 1000 * 1000, "first change kept (value of the record at t=0)");
    is_int(s.budget[s.n_budget - 1].ts_ns, 999 * MS, "last change kept");
    is_int(s.budget_last_ns, 1000, "last budget: the latest change's");
    int sorted = 1;
    for (size_t i = 1; i < s.n_budget; i++)
        sorted &= s.budget[i].ts_ns > s.budget[i - 1].ts_ns;
    ok(sorted, "points strictly in time order");

    /* a trace's times are untrusted: sums and spans saturate, never wrap */
    {
        gp_cosched ex[5] = {
            { INT64_MAX - 5, INT64_MAX, GP_COSCHED_GATE_HOLD, 0, 200 },
            { 0, 10, GP_COSCHED_GATE_HOLD, 0, 200 },
            { INT64_MIN + 1, 0, GP_COSCHED_BUDGET, 1000, 1 },
            { 0, 0, GP_COSCHED_BUDGET, 2000, 1 },
            { INT64_MAX - 100, 0, GP_COSCHED_BUDGET, 3000, 1 },
        };
        ok(gp_cosched_summarize(ex, 5, jobs, 3, &s) == 0, "extreme times: summarize");
        is_int(s.last_ns, INT64_MAX, "start + duration past INT64_MAX: the end saturates");
        is_int(s.hold_total_ns, INT64_MAX, "holds of INT64_MAX and 10 ns: the total saturates");
        is_int(s.n_budget, 3, "changes at INT64_MIN + 1, 0 and INT64_MAX - 100: three points");
        ok(s.n_budget == 3 && s.budget[1].value == 2000 && s.budget[2].value == 3000,
           "in time order");
    }

    ok(gp_cosched_summarize(NULL, 0, NULL, 0, &s) == 0 && !s.present, "no records: not present");
    tmpdir_remove();
    return done_testing();
}
