/* test_tui_pack.c: top's co-scheduler panel without a terminal: rates from
 * successive reads, the panel's text, its place in both layouts, following
 * a live region (and skipping stale ones), and the live snapshot's second
 * job. Expected values come from the definitions in tui/pack.h,
 * tui/layout.h and recorder/live.h. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cosched/cosched.h"
#include "cosched/region.h"
#include "recorder/live.h"
#include "common/rundir.h"
#include "tests/tap.h"
#include "tests/unit/tmpdir.h"
#include "tui/layout.h"
#include "tui/livejob.h"
#include "tui/pack.h"

#define MS 1000000LL
#define SEC 1000000000LL

static void test_rate(void)
{
    ok(tui_pack_rate(100, 300, 1 * SEC, 3 * SEC) == 100.0, "200 events over 2 s: 100/s");
    ok(tui_pack_rate(7, 7, 1 * SEC, 2 * SEC) == 0.0, "no new events: 0/s");
    ok(tui_pack_rate(0, 50, 10 * SEC, 10 * SEC + 250 * MS) == 200.0, "50 events in 250 ms: 200/s");
    ok(tui_pack_rate(0, 5, 0, 1 * SEC) < 0, "no earlier read: unknown");
    ok(tui_pack_rate(0, 5, 2 * SEC, 2 * SEC) < 0, "no time between the reads: unknown");
    ok(tui_pack_rate(9, 5, 1 * SEC, 2 * SEC) < 0, "a counter that went back: unknown");
}

/* 1 if the rects with a height lie in w x h without overlapping. */
static int fits(const tui_rect *r, int n, int w, int h)
{
    for (int i = 0; i < n; i++) {
        if (r[i].h == 0)
            continue;
        if (r[i].x < 0 || r[i].y < 0 || r[i].w < 1 || r[i].h < 0 || r[i].x + r[i].w > w ||
            r[i].y + r[i].h > h)
            return 0;
        for (int k = 0; k < i; k++)
            if (r[k].h && r[i].x < r[k].x + r[k].w && r[k].x < r[i].x + r[i].w &&
                r[i].y < r[k].y + r[k].h && r[k].y < r[i].y + r[i].h)
                return 0;
    }
    return 1;
}

static void test_layout(void)
{
    static const int sizes[][2] = { { 60, 16 }, { 80, 24 }, { 100, 30 }, { 132, 43 }, { 250, 80 } };
    int good_live = 1, good_trace = 1, live_room = 1;
    tui_live_layout L;
    tui_trace_layout T;

    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int w = sizes[s][0], h = sizes[s][1];
        for (int n = 0; n <= 16; n++) {
            if (tui_layout_live_pack(w, h, n, 4, &L) < 0) {
                good_live = 0;
                continue;
            }
            tui_rect r[6] = { L.header, L.gpus, L.pack, L.jobs, L.findings, L.keybar };
            good_live &= fits(r, 6, w, h) && L.jobs.h >= 4 && (L.pack.h == 0 || L.pack.h >= 3) &&
                         L.pack.h <= 6;
            /* the rows fill the body: header + gpus + pack + jobs + findings + keybar */
            good_live &= L.gpus.h + L.pack.h + L.jobs.h + L.findings.h == h - 2;
            if (n <= 2)
                live_room &= L.pack.h >= 3;
        }
        if (tui_layout_trace_pack(w, h, 4, &T) < 0) {
            good_trace = 0;
            continue;
        }
        tui_rect r[9] = { T.header, T.summary, T.idle, T.pack, T.timeline, T.kernels, T.findings,
                          T.status, T.keybar };
        good_trace &= fits(r, 9, w, h) && T.timeline.h >= 5 && (T.pack.h == 0 || T.pack.h >= 3);
    }
    ok(good_live, "live panels with the co-scheduler fit without overlap, 60x16 to 250x80, 0-16 GPUs");
    ok(live_room, "with up to 2 GPUs the co-scheduler panel always has a line");
    ok(good_trace, "trace panels with the co-scheduler fit without overlap; the timeline keeps 5 rows");

    /* 80x24, 1 GPU: body 22, GPUs 2 + 2 = 4, findings 18 / 3 = 6, the jobs keep 4:
     * 8 rows could go, the panel needs 2 + 4 */
    tui_layout_live_pack(80, 24, 1, 4, &L);
    is_int(L.pack.h, 6, "80x24, 1 GPU: the panel shows all 4 lines");
    is_int(L.pack.y, L.gpus.y + L.gpus.h, "right under the GPUs");
    is_int(L.jobs.h, 22 - 4 - 6 - 6, "the jobs get the rest");
    tui_layout_live_pack(80, 24, 1, 0, &L);
    is_int(L.pack.h, 0, "no pack run: no panel");
    /* 80x24 trace: body 21, bottom (14 * 2 / 5) = 5, top 7, timeline 9: 4 to spare */
    tui_layout_trace_pack(80, 24, 4, &T);
    is_int(T.pack.h, 4, "80x24 trace: two lines of the recorded panel");
    is_int(T.timeline.h, 5, "the timeline keeps 5 rows");
    /* 60x16 trace: body 13, bottom 4, top 4, timeline 5: nothing to spare */
    tui_layout_trace_pack(60, 16, 4, &T);
    is_int(T.pack.h, 0, "60x16 trace: no room, no panel");
}

static void test_lines(void)
{
    char out[4][TUI_PACK_LINE];
    tui_pack P;
    gp_cosched_summary s;

    tui_pack_init(&P);
    is_int(tui_pack_live_lines(&P, out, 4), 0, "nothing followed: no lines");
    P.ok = 1;
    P.pack_pid = 4242;
    P.st = (gp_cosched_state){ .policy = GP_POLICY_SLO, .gate = GP_GATE_HOLDING,
                               .hp_in_flight = 2, .budget_ns = 2 * MS, .hp_pid = 11, .be_pid = 12,
                               .hp_p50_ns = 1500 * 1000, .hp_p99_ns = 0 /* none finished yet */,
                               .hp_requests = 77, .be_ops = 900, .be_holds = 5, .be_timeouts = 3,
                               .be_drains = 8, .be_watchdog = 1 };
    P.req_rate = 250;
    P.be_rate = -1;
    is_int(tui_pack_live_lines(&P, out, 4), 4, "four lines");
    like(out[0], "policy slo  gate holding  serve in flight 2", "policy, gate, work in flight");
    like(out[0], "pack pid 4242", "and whose run it is");
    like(out[1], "serve pid 11", "the serve job");
    like(out[1], "p99 -", "no p99 yet: a dash");
    like(out[1], "250/s requests (77)", "requests per second and in all");
    like(out[2], "train pid 12", "the training job");
    like(out[2], "- launches (900)", "an unknown rate is a dash");
    like(out[2], "holds 5", "holds");
    like(out[3], "timeouts 3  drains 8  watchdog releases 1", "timeouts, drains, watchdog");
    is_int(tui_pack_live_lines(&P, out, 2), 2, "max is respected");

    memset(&s, 0, sizeof s);
    is_int(tui_pack_trace_lines(&s, out, 4), 0, "no cosched records: no lines");
    s = (gp_cosched_summary){ .present = 1, .serve.pid = 21, .train.pid = 22, .requests = 1234,
                              .p50_ns = 1 * MS, .p95_ns = 2 * MS, .p99_ns = 3 * MS, .max_ns = 4 * MS,
                              .serve_kps = 850, .train_kps = 12300, .train_share = 0.25,
                              .holds = 6, .timeouts = 2, .watchdog = 1 };
    is_int(tui_pack_trace_lines(&s, out, 4), 4, "four lines");
    like(out[0], "serve pid 21: 1234 requests", "requests of the serve job");
    like(out[1], "serve 850/s  train 12.3k/s", "both jobs' kernel rates");
    like(out[1], "training 25%", "the training share");
    like(out[2], "holds 6", "holds");
    like(out[2], "timeouts 2  watchdog 1", "timeouts and watchdog releases");
    like(out[3], "unchanged", "no budget change");
    s.budget_changes = 3;
    s.budget_min_ns = 1 * MS;
    s.budget_max_ns = 5 * MS;
    s.budget_last_ns = 2 * MS;
    tui_pack_trace_lines(&s, out, 4);
    like(out[3], "budget 3 changes", "budget changes counted");
}

static gp_region *map_region(const char *path)
{
    int fd = open(path, O_RDWR);
    void *p;

    if (fd < 0)
        return NULL;
    p = mmap(NULL, sizeof(gp_region), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    return p == MAP_FAILED ? NULL : p;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_follow(void)
{
    gp_coord_opts o;
    gp_error err = { 0 };
    gp_coord *c;
    gp_region *r;
    tui_pack P;
    char name[64], dir[256], path[512];

    if (gp_rundir(dir, sizeof dir, &err) != GP_OK) { /* where gpupack pack puts regions */
        ok(0, "runtime folder: %s", err.msg);
        return;
    }
    /* stale files first: a dead pid, and this (live) pid with a file that is no region */
    snprintf(path, sizeof path, "%s/pack-2147483000.region", dir);
    write_file(path, "old");
    snprintf(name, sizeof name, "pack-%d.region", (int)getpid());
    snprintf(path, sizeof path, "%s/%s", dir, name);
    tui_pack_init(&P);
    write_file(path, "junk");
    tui_pack_refresh(&P, dir, 1 * SEC);
    ok(!P.ok, "a dead pid's region and a file that is no region are skipped");
    unlink(path);

    o = (gp_coord_opts){ .policy = gp_policy_find("priority"), .max_wait_ns = 50 * MS,
                         .stale_ns = 1000 * MS, .decide_ns = 100 * MS };
    gp_policy_conf_default(&o.conf, 0);
    c = gp_coord_new(&o, &err); /* pack-<this pid>.region in XDG_RUNTIME_DIR */
    ok(c != NULL, "a coordinator's region (%s)", err.msg);
    if (!c)
        return;
    r = map_region(gp_coord_path(c));
    ok(r != NULL, "the region maps");
    if (!r) {
        gp_coord_free(c);
        return;
    }
    tui_pack_refresh(&P, dir, 1 * SEC);
    ok(P.ok, "the live region is followed");
    like(P.path, name, "the one of this process");
    is_int(P.pack_pid, getpid(), "owned by this pid");
    is_str(gp_cosched_policy_name(P.st.policy), "priority", "its policy");
    ok(P.req_rate < 0 && P.be_rate < 0, "one read: no rates yet");
    atomic_store(&r->hp_requests, 30);
    atomic_store(&r->be_ops, 400);
    tui_pack_refresh(&P, dir, 1 * SEC + 500 * MS);
    ok(P.req_rate == 60.0, "30 requests in 0.5 s: 60/s (got %g)", P.req_rate);
    ok(P.be_rate == 800.0, "400 launches in 0.5 s: 800/s (got %g)", P.be_rate);
    is_int(P.n_hist, 1, "one history sample per later read");
    ok(P.be_hist[0] == 800.0, "the training rate's history");
    for (int i = 0; i < TUI_PACK_HIST + 5; i++)
        tui_pack_refresh(&P, dir, 2 * SEC + i * 100 * MS);
    is_int(P.n_hist, TUI_PACK_HIST, "the history is bounded");
    ok(P.be_hist[TUI_PACK_HIST - 1] == 0.0, "the newest sample last: no launches lately");
    munmap(r, sizeof(gp_region));
    gp_coord_free(c);
    tui_pack_refresh(&P, dir, 20 * SEC);
    ok(!P.ok, "the region removed at the end: nothing followed");
}

static void test_snapshot_job2(void)
{
    static const struct { const char *text, *why; } bads[] = {
        { "gpupack-live 1\npid 5\npid2 0\nend\n", "bad pid2" },
        { "gpupack-live 1\npid 5\npid2 x\nend\n", "bad pid2" },
        { "gpupack-live 1\npid 5\npid2 4294967296\nend\n", "bad pid2" },
        { "gpupack-live 1\npid 5\npid2 6\npid2 7\nend\n", "bad pid2" },
        { "gpupack-live 1\npid 5\npid2 6 7\nend\n", "trailing text" },
        { "gpupack-live 1\npid 5\ncmd2 serve\nend\n", "cmd2 before pid2" },
    };
    gp_live_snap s, p;
    char buf[GP_LIVE_SNAP_MAX], why[200];
    size_t n;

    memset(&s, 0, sizeof s);
    s.pid = 100;
    snprintf(s.cmd, sizeof s.cmd, "sh -c serve");
    n = gp_live_format(&s, buf, sizeof buf);
    ok(!strstr(buf, "pid2"), "one job: no pid2 line");
    s.pid2 = 101;
    snprintf(s.cmd2, sizeof s.cmd2, "python train.py\n--evil");
    n = gp_live_format(&s, buf, sizeof buf);
    is_int(tui_live_parse(buf, n, &p, why, sizeof why), 0, "a snapshot with two jobs parses");
    is_int(p.pid2, 101, "the second job's pid");
    is_str(p.cmd2, "python train.py?--evil", "and command (a newline cannot break the format)");
    is_str(p.cmd, "sh -c serve", "the first job unchanged");
    for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
        is_int(tui_live_parse(bads[i].text, strlen(bads[i].text), &p, why, sizeof why), -1,
               "rejected: %s", bads[i].why);
        like(why, bads[i].why, "  with the reason");
    }
}

int main(void)
{
    if (tmpdir_create() < 0)
        return 1;
    setenv("XDG_RUNTIME_DIR", tmpdir(), 1);
    test_rate();
    test_layout();
    test_lines();
    test_follow();
    test_snapshot_job2();
    tmpdir_remove();
    return done_testing();
}
