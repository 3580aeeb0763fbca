/* test_tui.c: gpupack top without a terminal: formatting, layout, timeline
 * math and lookups, the live snapshot (accumulated, formatted, parsed,
 * rejected), live findings, and the app driven by keys on a small trace.
 * Expected values are worked out by hand in the comments. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/model/model.h"
#include "recorder/live.h"
#include "common/store.h"
#include "tests/tap.h"
#include "tests/unit/tmpdir.h"
#include "tui/app.h"
#include "tui/fmt.h"
#include "tui/grid.h"
#include "tui/layout.h"
#include "tui/livejob.h"
#include "tui/timeline.h"

#define MS 1000000LL
#define US 1000LL

static void test_fmt(void)
{
    char b[64];
    double v[4] = { 0, 50, 100, -1 };

    is_str(tui_bar(b, sizeof b, 10, 50), "#####     ", "bar: half of 10 cells");
    is_str(tui_bar(b, sizeof b, 4, 150), "####", "bar: over 100 %% is full");
    is_str(tui_bar(b, sizeof b, 4, -3), "    ", "bar: negative is empty");
    is_str(tui_bar(b, sizeof b, 4, NAN), "    ", "bar: NaN is empty");
    is_str(tui_bar(b, 4, 10, 100), "###", "bar: cut to the buffer");
    /* levels " _.-=*#": 0 -> ' ', 0.5 -> 1 + round(2.5) = 4 '=', 1 -> 6 '#', -1 blank */
    is_str(tui_spark(b, sizeof b, 4, v, 4, 100), " =# ", "sparkline levels");
    is_str(tui_spark(b, sizeof b, 6, v, 3, 100), "    =#", "sparkline right-aligned");
    is_str(tui_spark(b, sizeof b, 2, v, 3, 100), "=#", "sparkline shows the newest");
    is_str(tui_spark(b, sizeof b, 3, v, 3, 0), "   ", "sparkline without a scale is blank");
    is_str(tui_fit(b, sizeof b, 4, "abcdef"), "abc~", "fit cuts with ~");
    is_str(tui_fit(b, sizeof b, 6, "abcdef"), "abcdef", "fit keeps what fits");
    strcpy(b, "a\xe2\x80\xa6" "b\xc3\xa9");
    is_str(tui_ascii(b), "a~b?", "ellipsis to ~, another character (2 bytes) to one ?");
    strcpy(b, "\x1b\xff\xc2\x9b");
    is_str(tui_ascii(b), "\x1b?\xc2\x9b", "controls kept for tui_put, an invalid byte to ?");
    is_str(tui_pct(b, sizeof b, 52.4), "52%", "percent");
    is_str(tui_pct(b, sizeof b, -1), "-", "unknown percent");
    is_str(tui_rate(b, sizeof b, 850), "850/s", "rate");
    is_str(tui_rate(b, sizeof b, 12345), "12.3k/s", "rate in thousands");
    is_str(tui_rate(b, sizeof b, 4560000), "4.56M/s", "rate in millions");
}

static void test_grid(void)
{
    tui_grid g;
    char row[64];

    tui_grid_init(&g, 10, 3);
    is_int(tui_put(&g, 8, 0, 10, TUI_NORMAL, "abcd"), 2, "put clips at the right edge");
    is_str(tui_grid_row(&g, 0, row, sizeof row), "        ab", "clipped text");
    tui_put(&g, -2, 1, 10, TUI_NORMAL, "xy\x01z");
    is_str(tui_grid_row(&g, 1, row, sizeof row), "\\x01z     ",
           "left clip; a control character in its shown form (common/text.h), 4 cells");
    is_int(tui_put(&g, 0, 2, 10, TUI_NORMAL, "\x1b[2J\xc2\x9b"), 10,
           "ESC and C1 CSI shown: 4 + 3 + 3 of 6 cells, cut at 10");
    is_str(tui_grid_row(&g, 2, row, sizeof row), "\\x1b[2J\\u0", "no raw ESC in a cell");
    tui_put(&g, 0, 5, 10, TUI_NORMAL, "nothing"); /* off the grid: no write */
    tui_box(&g, (tui_rect){ 0, 0, 10, 3 }, "T");
    is_str(tui_grid_row(&g, 0, row, sizeof row), "+- T ----+", "box top with title");
    is_str(tui_grid_row(&g, 2, row, sizeof row), "+--------+", "box bottom");
    ok(tui_grid_has(&g, "- T -") && !tui_grid_has(&g, "nothing"), "grid search");
    tui_grid_free(&g);
}

static int inside(tui_rect r, int w, int h)
{
    return r.x >= 0 && r.y >= 0 && r.w > 0 && r.h > 0 && r.x + r.w <= w && r.y + r.h <= h;
}

static int overlap(tui_rect a, tui_rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static int check_rects(const tui_rect *r, int n, int w, int h)
{
    for (int i = 0; i < n; i++) {
        if (!inside(r[i], w, h))
            return 0;
        for (int j = i + 1; j < n; j++)
            if (overlap(r[i], r[j]))
                return 0;
    }
    return 1;
}

static void test_layout(void)
{
    static const int sizes[][2] = { { 60, 16 }, { 80, 24 }, { 100, 30 }, { 132, 43 }, { 250, 80 } };
    int good_live = 1, good_trace = 1;
    tui_live_layout L;
    tui_trace_layout T;

    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int w = sizes[s][0], h = sizes[s][1];
        for (int n = 0; n <= 16; n++) {
            tui_rect r[5];
            if (tui_layout_live(w, h, n, &L) < 0) {
                good_live = 0;
                continue;
            }
            r[0] = L.header; r[1] = L.gpus; r[2] = L.jobs; r[3] = L.findings; r[4] = L.keybar;
            good_live &= check_rects(r, 5, w, h) && L.jobs.h >= 3 && L.header.y == 0 &&
                         L.keybar.y == h - 1;
        }
        if (tui_layout_trace(w, h, &T) < 0) {
            good_trace = 0;
            continue;
        }
        tui_rect r[8] = { T.header, T.summary, T.idle, T.timeline, T.kernels, T.findings, T.status,
                          T.keybar };
        good_trace &= check_rects(r, 8, w, h) && T.timeline.h >= 5;
    }
    ok(good_live, "live panels lie inside the screen without overlap, 60x16 to 250x80, 0-16 GPUs");
    ok(good_trace, "trace panels lie inside the screen without overlap, with a timeline");
    is_int(tui_layout_live(59, 24, 1, &L), -1, "59 columns is too small");
    is_int(tui_layout_trace(80, 15, &T), -1, "15 rows is too small");
    is_int(L.keybar.y, 23, "the key bar is still placed when too small");
    tui_layout_live(80, 24, 8, &L);
    is_int(L.gpu_lines, 1, "8 GPUs on 80x24: one line each");
    tui_layout_live(100, 50, 2, &L);
    is_int(L.gpu_lines, 2, "2 GPUs on 100x50: two lines each");
    is_int(L.gpus.h, 6, "2 GPUs x 2 lines + frame");
}

static void test_view(void)
{
    tui_view v;

    tui_view_init(&v, 0, 1000 * US);
    tui_view_zoom(&v, 0.5, 500 * US);
    ok(v.t0 == 250 * US && v.t1 == 750 * US, "zoom in around the centre: [250, 750) us");
    tui_view_zoom(&v, 0.5, 250 * US); /* the left edge stays put */
    ok(v.t0 == 250 * US && v.t1 == 500 * US, "zoom at the left edge keeps it: [250, 500) us");
    tui_view_pan(&v, 0.5);
    ok(v.t0 == 375 * US && v.t1 == 625 * US, "pan right half a span");
    tui_view_pan(&v, 10);
    ok(v.t1 == 1000 * US && v.t0 == 750 * US, "pan stops at the end");
    tui_view_pan(&v, -10);
    ok(v.t0 == 0 && v.t1 == 250 * US, "pan stops at the start");
    for (int i = 0; i < 40; i++)
        tui_view_zoom(&v, 0.5, 100 * US);
    is_int(v.t1 - v.t0, TUI_MIN_SPAN_NS, "zoom in stops at the minimum span");
    for (int i = 0; i < 40; i++)
        tui_view_zoom(&v, 2, 100 * US);
    ok(v.t0 == 0 && v.t1 == 1000 * US, "zoom out stops at the whole range");
    /* 100 columns over 1000 us: 10 us per column */
    is_int(tui_view_col_time(&v, 25, 100), 250 * US, "column 25 starts at 250 us");
    is_int(tui_view_time_col(&v, 255 * US, 100), 25, "255 us is in column 25");
    is_int(tui_view_time_col(&v, -5 * US, 100), -1, "before the view: column -1");
    tui_view_show(&v, 400 * US, 500 * US); /* span 100 us * 1.2 = 120 us around 450 */
    ok(v.t0 == 390 * US && v.t1 == 510 * US, "show an item: centred at 1.2 x its length");
    tui_view_init(&v, 5, 5);
    is_int(v.t1 - v.t0, TUI_MIN_SPAN_NS, "an empty range gets the minimum span");
}

static gp_job *small_job(void)
{
    gp_job *job = gp_job_new();
    gp_rank *r = gp_job_add_rank(job, "test");
    /* stream 7: A [0,100) B [150,250) A [400,450); stream 8: C [120,300)
     * (us); a cudaStreamSynchronize [260, 390); an NVTX range "step" [0, 460)
     * with a nested "fwd" [10, 200). */
    static const struct { int64_t s, e; int stream; const char *name; } k[] = {
        { 0, 100, 7, "kernA" }, { 150, 250, 7, "kernB" }, { 400, 450, 7, "kernA" },
        { 120, 300, 8, "volta_sgemm_128x64_nn" },
    };
    for (size_t i = 0; i < 4; i++) {
        gp_op *o = gp_rank_add_op(r);
        o->kind = GP_OP_KERNEL;
        o->start_ns = 10 * 1000 * MS + k[i].s * US;
        o->end_ns = 10 * 1000 * MS + k[i].e * US;
        o->stream = k[i].stream;
        o->device = 0;
        o->pid = 1;
        o->name = gp_job_intern(job, k[i].name, strlen(k[i].name));
    }
    gp_call *c = gp_rank_add_call(r);
    c->start_ns = 10 * 1000 * MS + 260 * US;
    c->end_ns = 10 * 1000 * MS + 390 * US;
    c->name = gp_job_intern(job, "cudaStreamSynchronize", 21);
    c->pid = c->tid = 1;
    gp_range *g = gp_rank_add_range(r);
    g->start_ns = 10 * 1000 * MS;
    g->end_ns = 10 * 1000 * MS + 460 * US;
    g->name = gp_job_intern(job, "step", 4);
    g = gp_rank_add_range(r);
    g->start_ns = 10 * 1000 * MS + 10 * US;
    g->end_ns = 10 * 1000 * MS + 200 * US;
    g->name = gp_job_intern(job, "fwd", 3);
    gp_rank_finish(job, r);
    return job;
}

static void test_lanes(void)
{
    gp_job *job = small_job();
    tui_lanes L;
    const int64_t b = 10 * 1000 * MS;

    is_int(tui_lanes_build(&L, job), 0, "lanes built");
    is_int(L.n, 4, "two streams, sync, nvtx");
    is_str(L.v[0].label, "gpu0 s7", "first lane: stream 7");
    is_str(L.v[1].label, "gpu0 s8", "then stream 8");
    is_str(L.v[2].label, "sync", "then the sync calls");
    is_str(L.v[3].label, "nvtx", "then NVTX");
    is_int(L.v[0].n, 3, "3 ops on stream 7");
    is_int(L.lo, b, "range starts at the first op");
    is_int(L.hi, b + 460 * US, "and ends at the last end (the step range)");
    is_int(tui_lane_find(&L.v[0], b + 50 * US, b + 60 * US), 0, "kernA covers 50 us");
    is_int(tui_lane_find(&L.v[0], b + 110 * US, b + 140 * US), -1, "nothing in the gap 100-150 us");
    is_int(tui_lane_find(&L.v[0], b + 140 * US, b + 160 * US), 1, "kernB starts in [140, 160)");
    is_int(tui_lane_find(&L.v[3], b + 50 * US, b + 51 * US), 1, "innermost range: fwd");
    is_int(tui_lane_find(&L.v[3], b + 300 * US, b + 301 * US), 0, "outer range where fwd ended");
    is_int(tui_lane_find(&L.v[2], b + 300 * US, b + 310 * US), 0, "the sync call");
    /* [50, 200) on stream 7: A 50 us (50-100) + B 50 us (150-200) */
    is_int(tui_lane_busy(&L.v[0], b + 50 * US, b + 200 * US), 100 * US, "busy of a window, both ends clipped");
    is_int(tui_lane_busy(&L.v[0], b, b + 460 * US), 250 * US, "busy of the whole lane");
    is_int(tui_lane_busy(&L.v[0], b + 100 * US, b + 150 * US), 0, "busy of a gap");
    is_int(tui_lane_busy(&L.v[1], b + 200 * US, b + 210 * US), 10 * US, "inside one long op");
    tui_lanes_free(&L);
    gp_job_free(job);
}

static void fill_snap(gp_live_snap *s)
{
    memset(s, 0, sizeof *s);
    s->pid = 4242;
    s->start_ns = 123;
    s->data_end_ns = 5 * 1000 * MS;
    snprintf(s->cmd, sizeof s->cmd, "python train.py --lr 0.1");
    s->devices = 1;
    s->kernels = 1000;
    s->kernel_ns = 1000 * MS;
    s->win_ns = 1000 * MS;
    s->win_kernels = 500;
    s->win_busy_ns = 500 * MS;
    s->win_idle_ns = 500 * MS;
    s->idle_ns[GP_LIVE_IDLE_SYNC] = 400 * MS;
    s->idle_count[GP_LIVE_IDLE_SYNC] = 4;
    s->idle_ns[GP_LIVE_IDLE_HOST] = 100 * MS;
    s->idle_count[GP_LIVE_IDLE_HOST] = 1;
    s->n_busy = 3;
    s->busy_pct[0] = -1;
    s->busy_pct[1] = 25.5;
    s->busy_pct[2] = 100;
    s->n_top = 2;
    snprintf(s->top[0].name, sizeof s->top[0].name, "volta_sgemm_128x64_nn");
    s->top[0].count = 10;
    s->top[0].total_ns = 400 * MS;
    snprintf(s->top[1].name, sizeof s->top[1].name, "void elementwise_kernel<float>(float*)");
    s->top[1].count = 990;
    s->top[1].total_ns = 600 * MS;
}

static void test_live_format(void)
{
    gp_live_snap s, p;
    char buf[GP_LIVE_SNAP_MAX], why[200], bad[GP_LIVE_SNAP_MAX + 64];
    size_t n;

    fill_snap(&s);
    n = gp_live_format(&s, buf, sizeof buf);
    is_int(tui_live_parse(buf, n, &p, why, sizeof why), 0, "a formatted snapshot parses");
    ok(p.pid == 4242 && p.start_ns == 123 && p.data_end_ns == 5000 * MS, "pid and times");
    is_str(p.cmd, "python train.py --lr 0.1", "command");
    ok(p.kernels == 1000 && p.kernel_ns == 1000 * MS && p.win_ns == 1000 * MS &&
       p.win_kernels == 500 && p.win_busy_ns == 500 * MS && p.win_idle_ns == 500 * MS, "counters");
    ok(p.idle_ns[0] == 400 * MS && p.idle_count[0] == 4 && p.idle_ns[2] == 100 * MS, "idle causes");
    ok(p.n_busy == 3 && p.busy_pct[0] == -1 && p.busy_pct[1] == 25.5 && p.busy_pct[2] == 100, "history");
    ok(p.n_top == 2 && p.top[1].count == 990 && strcmp(p.top[1].name, s.top[1].name) == 0, "top kernels");

    snprintf(s.cmd, sizeof s.cmd, "evil\ncmd\x1b[2J");
    n = gp_live_format(&s, buf, sizeof buf);
    is_int(tui_live_parse(buf, n, &p, why, sizeof why), 0, "control characters cannot break lines");
    is_str(p.cmd, "evil?cmd?[2J", "and arrive as ?");

    static const struct { const char *text, *why; } bads[] = {
        { "gpupack-live 2\nend\n", "not a gpupack live snapshot" },
        { "gpupack-live 1\npid 5\n", "no end line" },
        { "gpupack-live 1\npid 5", "truncated" },
        { "gpupack-live 1\nfoo 1\nend\n", "unknown line" },
        { "gpupack-live 1\npid -5\nend\n", "bad pid" },
        { "gpupack-live 1\npid 99999999999\nend\n", "bad pid" },
        { "gpupack-live 1\nkernels 5\nend\n", "bad kernels" },
        { "gpupack-live 1\nidle 3 1 1\nend\n", "bad idle" },
        { "gpupack-live 1\nbusy 101\nend\n", "bad busy history" },
        { "gpupack-live 1\nbusy nan\nend\n", "bad busy history" },
        { "gpupack-live 1\npid 5 6\nend\n", "trailing text" },
        { "gpupack-live 1\nend\nextra\n", "text after end" },
        { "gpupack-live 1\ndevices 65\nend\n", "bad devices" },
    };
    for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
        why[0] = '\0';
        is_int(tui_live_parse(bads[i].text, strlen(bads[i].text), &p, why, sizeof why), -1,
               "rejected: %s", bads[i].why);
        like(why, bads[i].why, "  with the reason");
    }
    strcpy(bad, "gpupack-live 1\n");
    for (int i = 0; i <= GP_LIVE_TOP; i++)
        strcat(bad, "kernel 1 1 k\n");
    strcat(bad, "end\n");
    is_int(tui_live_parse(bad, strlen(bad), &p, why, sizeof why), -1, "too many kernels rejected");
    memset(bad, 'a', sizeof bad);
    is_int(tui_live_parse(bad, sizeof bad, &p, why, sizeof why), -1, "an overlong snapshot is rejected");
}

static void test_live_accumulate(void)
{
    gp_live *l = gp_live_new();
    gp_live_snap s;
    gp_kernel k;
    gp_api a;
    const int64_t b = 100 * 1000 * MS; /* 100 s: bin 200 */

    gp_live_job(l, 77, "job", b - 1000 * MS);
    gp_live_string(l, 1, "kernA", 5);
    gp_live_string(l, 2, "cudaStreamSynchronize", 21);
    gp_live_string(l, 3, "kernB", 5);
    /* device 0, times in ms from b: A [0,100) A [100.01, 200) (gap 10 us: launch-bound)
     * B [300, 400) (gap 100 ms, a sync [150, 320) overlaps it: host sync)
     * A [900, 1000) (gap 500 ms, no sync: host work) */
    static const struct { double s, e; uint32_t name; } ks[] = {
        { 0, 100, 1 }, { 100.01, 200, 1 }, { 300, 400, 3 }, { 900, 1000, 1 },
    };
    for (size_t i = 0; i < 4; i++) {
        memset(&k, 0, sizeof k);
        k.start_ns = b + (int64_t)(ks[i].s * MS);
        k.end_ns = b + (int64_t)(ks[i].e * MS);
        k.name = ks[i].name;
        if (i == 2) {
            memset(&a, 0, sizeof a);
            a.start_ns = b + 150 * MS;
            a.end_ns = b + 320 * MS;
            a.name = 2;
            gp_live_api(l, &a);
        }
        gp_live_kernel(l, &k);
    }
    gp_live_snapshot(l, &s);
    is_int(s.pid, 77, "job pid");
    is_int(s.kernels, 4, "4 kernels");
    is_int(s.kernel_ns, 100 * MS + 99990 * US + 100 * MS + 100 * MS, "their time");
    is_int(s.win_ns, 1000 * MS, "window: the job's 1 s of data");
    is_int(s.win_busy_ns, s.kernel_ns, "busy = kernel time (no overlap)");
    is_int(s.idle_ns[GP_LIVE_IDLE_LAUNCH], 10 * US, "10 us launch-bound");
    is_int(s.idle_ns[GP_LIVE_IDLE_SYNC], 100 * MS, "100 ms host sync");
    is_int(s.idle_ns[GP_LIVE_IDLE_HOST], 500 * MS, "500 ms host work");
    is_int(s.win_idle_ns, 600 * MS + 10 * US, "idle in the window");
    /* bins of 500 ms from b: [0, 500) busy 299.99 ms; [500, 1000) busy 100 ms */
    is_int(s.n_busy, GP_LIVE_HIST, "a full history");
    ok(fabs(s.busy_pct[GP_LIVE_HIST - 2] - 59.998) < 0.001, "bin 1: 59.998 %% busy (got %.3f)",
       s.busy_pct[GP_LIVE_HIST - 2]);
    ok(fabs(s.busy_pct[GP_LIVE_HIST - 1] - 20.0) < 0.001, "bin 2: 20 %% busy");
    ok(s.busy_pct[0] == -1, "bins before the first kernel: no data");
    is_int(s.n_top, 2, "two kernel names");
    is_str(s.top[0].name, "kernA", "kernA first (300 ms)");
    is_int(s.top[0].count, 3, "3 runs of kernA");
    memset(&k, 0, sizeof k); /* no name: counted, under "(other kernels)" */
    k.start_ns = b + 1000 * MS;
    k.end_ns = b + 1001 * MS;
    gp_live_kernel(l, &k);
    gp_live_snapshot(l, &s);
    ok(s.n_top == 3 && strcmp(s.top[2].name, "(other kernels)") == 0 && s.top[2].count == 1,
       "a kernel without a name goes to (other kernels)");
    gp_live_free(l);
}

static void test_live_findings(void)
{
    gp_live_snap s;
    char f[4][160];
    int n;

    fill_snap(&s); /* sgemm 400 of 1000 ms; busy 500 of 1000 ms; idle mostly sync */
    n = tui_live_findings(&s, f, 4);
    is_int(n, 2, "two live findings");
    like(f[0], "FP32 GEMMs: 40 % of GPU time, TF32 would save ~30 %", "FP32 GEMM share and saving");
    like(f[1], "GPU idle 50 % of the last 1 s, mostly host sync (80 %", "idle and its main cause");
    s.top[0].total_ns = 10 * MS; /* 1 %: not worth saying */
    s.win_busy_ns = 900 * MS;    /* 90 % busy */
    is_int(tui_live_findings(&s, f, 4), 0, "nothing when busy and no FP32 GEMMs");
    is_int(tui_live_findings(&s, f, 0), 0, "max 0 writes nothing");
}

/* A small trace on disk: the job above, written with the store writer. */
static const char *write_trace(void)
{
    const char *path = tmpdir_path("small.gpupack");
    gp_error err = { 0 };
    gp_writer *w = gp_writer_create(path, GP_WRITER_OVERWRITE, &err);
    gp_record r;
    int64_t t = 10 * 1000 * MS;

    if (!w)
        return NULL;
    gp_writer_begin(w, &err);
    gp_strid names[2] = { gp_writer_intern(w, "kernA", 5, &err), gp_writer_intern(w, "kernB", 5, &err) };
    gp_record_init(&r, GP_KIND_PROCESS);
    r.u.process.pid = 1;
    r.u.process.start_ns = t;
    r.u.process.rank = -1;
    gp_writer_put(w, &r, &err);
    for (int i = 0; i < 100; i++) {
        gp_record_init(&r, GP_KIND_KERNEL);
        r.u.kernel.start_ns = t;
        r.u.kernel.end_ns = t + (i % 2 ? 20 : 80) * US;
        r.u.kernel.stream = 7 + i % 2;
        r.u.kernel.name = names[i % 2];
        r.u.kernel.pid = 1;
        r.u.kernel.device = 0;
        r.u.kernel.correlation = i + 1;
        r.u.kernel.grid_x = r.u.kernel.grid_y = r.u.kernel.grid_z = 1;
        r.u.kernel.block_x = r.u.kernel.block_y = r.u.kernel.block_z = 1;
        gp_writer_put(w, &r, &err);
        t += 100 * US;
    }
    gp_writer_commit(w, &err);
    return gp_writer_close(w, &err) == GP_OK ? path : NULL;
}

static void test_app(void)
{
    tui_app a;
    tui_grid g;
    gp_error err = { 0 };
    const char *path = write_trace();
    int64_t span;

    ok(path != NULL, "small trace written");
    if (!path)
        return;
    is_int(tui_app_init_trace(&a, path, &err), GP_OK, "trace opened");
    tui_grid_init(&g, 100, 30);
    tui_app_render(&a, &g);
    ok(tui_grid_has(&g, "small.gpupack - 1 rank, 100 kernels"), "header names the trace");
    ok(tui_grid_has(&g, "gpu0 s7") && tui_grid_has(&g, "gpu0 s8"), "a lane per stream");
    ok(tui_grid_has(&g, "kernels by time"), "kernel table");
    ok(!tui_grid_has(&g, "help: gpupack top keys"), "no help yet");
    tui_app_key(&a, '?');
    tui_app_render(&a, &g);
    ok(tui_grid_has(&g, "help: gpupack top keys"), "? shows the help");
    tui_app_key(&a, 'x');
    tui_app_render(&a, &g);
    ok(!tui_grid_has(&g, "help: gpupack top keys"), "any key closes it");
    span = a.view.t1 - a.view.t0;
    tui_app_key(&a, '+');
    is_int(a.view.t1 - a.view.t0, span / 2, "+ halves the span");
    tui_app_key(&a, '-');
    is_int(a.view.t1 - a.view.t0, span, "- doubles it back");
    tui_app_key(&a, TUI_K_DOWN);
    is_int(a.lane_sel, 1, "Down selects the next lane");
    for (int i = 0; i < 10; i++)
        tui_app_key(&a, TUI_K_DOWN);
    is_int(a.lane_sel, 1, "and stops at the last");
    tui_app_key(&a, TUI_K_UP);
    tui_app_key(&a, 's');
    tui_app_render(&a, &g);
    ok(tui_grid_has(&g, "kernels by count"), "s sorts by count");
    tui_app_key(&a, '/');
    tui_app_key(&a, 'B');
    tui_app_key(&a, TUI_K_ENTER);
    tui_app_render(&a, &g);
    /* kernA: 50 x 80 us = 4 ms (80 %), kernB: 50 x 20 us = 1 ms (20 %) */
    ok(tui_grid_has(&g, "filter: B") && tui_grid_has(&g, "20.0%  1.00 ms      50") &&
       !tui_grid_has(&g, "80.0%"), "/ filters the kernels by name");
    tui_app_render(&a, &g);
    ok(tui_grid_has(&g, "@ 0 ns  gpu0 s7: kernel kernA  80.0 us"), "status: the item under the cursor");
    tui_app_key(&a, TUI_K_ENTER); /* zoom to kernA [0, 80) us: span 96 us */
    is_int(a.view.t1 - a.view.t0, 96 * US, "Enter zooms to the item");
    tui_app_render(&a, &g);
    {
        char row[256];
        int found = 0;
        for (int y = 0; y < g.h; y++) {
            tui_grid_row(&g, y, row, sizeof row);
            found |= strncmp(row, "|gpu0 s7", 8) == 0 && strstr(row, "kernA") != NULL;
        }
        ok(found, "zoomed in, the kernel's name is written in its bar");
    }
    tui_app_key(&a, '0');
    is_int(a.view.t1 - a.view.t0, span, "0 shows everything");
    tui_app_key(&a, 'n');
    tui_app_render(&a, &g);
    ok(a.finding_sel == 0 || tui_grid_has(&g, "no findings"), "n selects the first finding");
    for (int w = 20; w <= 120; w += 50)
        for (int h = 5; h <= 40; h += 7) {
            tui_grid_resize(&g, w, h);
            tui_app_render(&a, &g);
        }
    ok(1, "renders at every size from 20x5 to 120x40");
    tui_grid_resize(&g, 50, 10);
    tui_app_render(&a, &g);
    ok(tui_grid_has(&g, "terminal too small"), "a small terminal says so");
    tui_app_key(&a, 'q');
    ok(a.quit, "q quits");
    tui_grid_free(&g);
    tui_app_free(&a);
    ok(tui_app_init_trace(&a, tmpdir_path("missing.gpupack"), &err) != GP_OK, "a missing trace fails");
    like(err.msg, "missing.gpupack", "naming the file");
}

int main(void)
{
    if (tmpdir_create() < 0)
        return 1;
    test_fmt();
    test_grid();
    test_layout();
    test_view();
    test_lanes();
    test_live_format();
    test_live_accumulate();
    test_live_findings();
    test_app();
    tmpdir_remove();
    return done_testing();
}
