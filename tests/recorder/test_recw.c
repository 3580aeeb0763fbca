/* test_recw.c: the recorder's writer merges what it learns about a process
 * in any order: the job reaped before its first batch is read, and a pid
 * reused by a later process; it bounds what a process says about its host
 * and clock, and records its own. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "recorder/writer.h"
#include "common/batch.h"
#include "common/wire.h"
#include "tests/tap.h"
#include "tests/unit/tmpdir.h"

static gp_batch *process(uint32_t pid, int64_t start, int64_t end)
{
    gp_batch *b = gp_batch_new();
    gp_record r;

    gp_batch_set_header(b, GP_WIRE_VERSION, pid, 1);
    gp_record_init(&r, GP_KIND_PROCESS);
    r.u.process.pid = pid;
    r.u.process.start_ns = start;
    r.u.process.end_ns = end;
    r.u.process.ppid = 77;
    gp_batch_add(b, &r);
    return b;
}

static int rows(const char *path, int64_t *n)
{
    gp_error err = { 0 };
    gp_trace *t = gp_trace_open(path, &err);
    if (!t)
        return -1;
    gp_trace_count(t, GP_KIND_PROCESS, NULL, n, &err);
    gp_trace_close(t);
    return 0;
}

/* Bounds [*lo, *hi] on CLOCK_REALTIME - CLOCK_MONOTONIC now, read here
 * independently of gpupack: realtime read between two monotonic reads. */
static void anchor_bounds(int64_t *lo, int64_t *hi)
{
    struct timespec m1, r, m2;

    clock_gettime(CLOCK_MONOTONIC, &m1);
    clock_gettime(CLOCK_REALTIME, &r);
    clock_gettime(CLOCK_MONOTONIC, &m2);
#define NS(ts) ((int64_t)(ts).tv_sec * 1000000000 + (ts).tv_nsec)
    *lo = NS(r) - NS(m2);
    *hi = NS(r) - NS(m1);
#undef NS
}

/* 1 if anchor a with error e is consistent with the bounds [lo, hi]. */
static int within(int64_t a, int64_t e, int64_t lo, int64_t hi)
{
    return a != 0 && e >= 0 && e < 1000000000 && a >= lo - e && a <= hi + e;
}

static char *meta(const char *path, const char *key)
{
    gp_error err = { 0 };
    gp_trace *t = gp_trace_open(path, &err);
    char *v = t ? gp_trace_meta(t, key) : NULL;
    gp_trace_close(t);
    return v;
}

/* The process row of pid in the trace at path (its host name's text in host). */
static int process_row(const char *path, uint32_t pid, gp_process *out, char *host, size_t cap)
{
    gp_error err = { 0 };
    gp_trace *t = gp_trace_open(path, &err);
    gp_filter f = { .flags = GP_FILTER_PID, .pid = pid };
    gp_iter *it = t ? gp_trace_iter(t, GP_KIND_PROCESS, &f, &err) : NULL;
    gp_record r;
    int rc = it ? gp_iter_next(it, &r, &err) : -1;

    if (rc == 1) {
        *out = r.u.process;
        snprintf(host, cap, "%s", gp_trace_string(t, r.u.process.hostname));
    }
    gp_iter_free(it);
    gp_trace_close(t);
    return rc;
}

/* A hostile process record: a 10000-byte host name full of control
 * characters and anchors out of every bound. The row keeps a cleaned,
 * bounded name and unknown anchors; each bad value is counted. */
static void hostile_process(void)
{
    const char *path = tmpdir_path("hostile.gpupack");
    static const int64_t bad[][2] = {
        { -5, 0 },                                   /* before 1970 */
        { 7258118400LL * 1000000000LL + 1, 0 },      /* after 2200-01-01 UTC */
        { 1700000000000000000LL, -1 },               /* a negative error */
        { 1700000000000000000LL, 1000000001 },       /* an error over 1 s */
        { INT64_MIN, INT64_MAX },
    };
    char name[10000], expect[256], host[1024];
    gp_error err = { 0 };
    gp_recw_stats st;
    gp_process p;
    gp_batch *b = gp_batch_new();
    gp_record r;
    gp_recw *q;
    char *v;

    /* 16 bytes: ESC, newline, tab, DEL, ^A, space and a non-ASCII byte. */
    for (size_t i = 0; i < sizeof name; i++)
        name[i] = "ev\x1b[31mil\n\t\x7f\x01 \xc3z"[i % 16];
    /* By the rule of docs/trace-format.md: printable ASCII kept, others '?',
     * cut to 252 bytes and "...". */
    for (size_t i = 0; i < 252; i++)
        expect[i] = "ev?[31mil??????z"[i % 16];
    memcpy(expect + 252, "...", 4);
    gp_batch_set_header(b, GP_WIRE_VERSION, 100, 1);
    gp_batch_add_string(b, 1, name, sizeof name);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gp_record_init(&r, GP_KIND_PROCESS);
        r.u.process.pid = 100;
        r.u.process.start_ns = 1000;
        r.u.process.hostname = 1;
        if (i % 2) {
            r.u.process.anchor_end_ns = bad[i][0];
            r.u.process.anchor_end_err_ns = bad[i][1];
        } else {
            r.u.process.anchor_start_ns = bad[i][0];
            r.u.process.anchor_start_err_ns = bad[i][1];
        }
        gp_batch_add(b, &r);
    }
    q = gp_recw_start(gp_writer_create(path, 0, &err), 1 << 20);
    gp_recw_conn_open(q, 0, 100);
    gp_recw_batch(q, 0, b);
    /* A well-behaved process beside it keeps its anchors. */
    b = gp_batch_new();
    gp_batch_set_header(b, GP_WIRE_VERSION, 200, 1);
    gp_batch_add_string(b, 1, "node-7", 6);
    gp_record_init(&r, GP_KIND_PROCESS);
    r.u.process.pid = 200;
    r.u.process.start_ns = 1000;
    r.u.process.hostname = 1;
    r.u.process.anchor_start_ns = 1700000000123456789LL;
    r.u.process.anchor_start_err_ns = 25;
    r.u.process.anchor_end_ns = 7258118400LL * 1000000000LL; /* the last valid one */
    r.u.process.anchor_end_err_ns = 1000000000;
    gp_batch_add(b, &r);
    gp_recw_conn_open(q, 1, 200);
    gp_recw_batch(q, 1, b);
    gp_recw_conn_closed(q, 0, 5000);
    gp_recw_conn_closed(q, 1, 5000);
    is_int(gp_recw_finish(q, &st, &err), GP_OK, "a hostile process is written: %s", err.msg);
    is_int(st.rejected_values, 6, "5 bad anchors and 1 bad host name counted");
    is_int(st.rejected, 0, "and no record rejected: the process is kept");
    v = meta(path, "rejected_values");
    is_str(v ? v : "(none)", "6", "the trace's meta says so");
    free(v);
    is_int(process_row(path, 100, &p, host, sizeof host), 1, "the hostile process has its row");
    is_int(strlen(host), 255, "its host name is cut to 255 bytes");
    is_str(host, expect, "control characters, space and non-ASCII as '?', ending in ...");
    ok(p.anchor_start_ns == 0 && p.anchor_start_err_ns == 0 && p.anchor_end_ns == 0 &&
           p.anchor_end_err_ns == 0, "its anchors are unknown");
    is_int(process_row(path, 200, &p, host, sizeof host), 1, "the good process has its row");
    is_str(host, "node-7", "with its host name");
    ok(p.anchor_start_ns == 1700000000123456789LL && p.anchor_start_err_ns == 25 &&
           p.anchor_end_ns == 7258118400LL * 1000000000LL && p.anchor_end_err_ns == 1000000000,
       "and its anchors, the bounds included");
}

/* The job's direct child: the recorder fills in its own host and the
 * anchors at spawn and reap, and the trace's meta gets the recorder's. */
static void own_child(void)
{
    const char *path = tmpdir_path("child.gpupack");
    char me[256] = "", host[1024];
    int64_t lo0, hi0, lo1, hi1, a, e;
    gp_error err = { 0 };
    gp_process p;
    gp_recw *q;
    char *v, *ve;

    gethostname(me, sizeof me - 1);
    q = gp_recw_start(gp_writer_create(path, 0, &err), 1 << 20);
    anchor_bounds(&lo0, &hi0);
    gp_recw_child_started(q, 300, "job", 1000);
    gp_recw_child_ended(q, 300, 5000, 1, 0);
    is_int(gp_recw_finish(q, NULL, &err), GP_OK, "written");
    anchor_bounds(&lo1, &hi1);
    if (lo1 < lo0)
        lo0 = lo1;
    if (hi1 > hi0)
        hi0 = hi1;
    is_int(process_row(path, 300, &p, host, sizeof host), 1, "the child has its row");
    is_str(host, me, "on this host");
    ok(within(p.anchor_start_ns, p.anchor_start_err_ns, lo0, hi0),
       "its start anchor %lld +/- %lld is within [%lld, %lld]", (long long)p.anchor_start_ns,
       (long long)p.anchor_start_err_ns, (long long)lo0, (long long)hi0);
    ok(within(p.anchor_end_ns, p.anchor_end_err_ns, lo0, hi0), "its end anchor too");
    v = meta(path, "host");
    is_str(v ? v : "(none)", me, "the trace's host is this host");
    free(v);
    for (int end = 0; end < 2; end++) {
        v = meta(path, end ? "anchor_end_ns" : "anchor_start_ns");
        ve = meta(path, end ? "anchor_end_err_ns" : "anchor_start_err_ns");
        a = v ? strtoll(v, NULL, 10) : 0;
        e = ve ? strtoll(ve, NULL, 10) : -1;
        ok(within(a, e, lo0, hi0), "the recorder's %s anchor is within the bounds",
           end ? "end" : "start");
        free(v);
        free(ve);
    }
    v = meta(path, "rejected_values");
    ok(v == NULL, "no rejected values, no meta key");
    free(v);
}

int main(void)
{
    gp_error err = { 0 };
    gp_recw *q;
    int64_t n = -1;
    const char *p1, *p2;

    if (tmpdir_create() < 0)
        return 1;
    p1 = tmpdir_path("reaped.gpupack");
    /* The job (pid 100) starts at 1000 and is reaped at 5000 before the
     * recorder reads its hello (start 1010) and goodbye (end 4900). */
    q = gp_recw_start(gp_writer_create(p1, 0, &err), 1 << 20);
    gp_recw_child_started(q, 100, "job", 1000);
    gp_recw_child_ended(q, 100, 5000, 1, 0);
    gp_recw_conn_open(q, 0, 100);
    gp_recw_batch(q, 0, process(100, 1010, 0));
    gp_recw_batch(q, 0, process(100, 1010, 4900));
    gp_recw_conn_closed(q, 0, 4950);
    is_int(gp_recw_finish(q, NULL, &err), GP_OK, "written");
    rows(p1, &n);
    is_int(n, 1, "reaped before its hello was read: still one process");

    p2 = tmpdir_path("reused.gpupack");
    /* pid 100 ends at 5000; a new process gets pid 100 at 6000. */
    q = gp_recw_start(gp_writer_create(p2, 0, &err), 1 << 20);
    gp_recw_conn_open(q, 0, 100);
    gp_recw_batch(q, 0, process(100, 1000, 0));
    gp_recw_batch(q, 0, process(100, 1000, 5000));
    gp_recw_conn_closed(q, 0, 5000);
    gp_recw_conn_open(q, 1, 100);
    gp_recw_batch(q, 1, process(100, 6000, 0));
    gp_recw_conn_closed(q, 1, 7000);
    is_int(gp_recw_finish(q, NULL, &err), GP_OK, "written");
    rows(p2, &n);
    is_int(n, 2, "a reused pid that started after the first ended: two processes");
    hostile_process();
    own_child();
    tmpdir_remove();
    return done_testing();
}
