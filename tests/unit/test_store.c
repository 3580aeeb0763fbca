/* test_store.c: the trace store round trip, filters, strings and lifecycle. */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/store.h"
#include "records.h"
#include "tmpdir.h"
#include "tests/tap.h"

#define PER_KIND 300

/* Writes PER_KIND records of every kind in shuffled order, reads each kind
 * back and expects them in time order (kinds without a time: insertion
 * order), every field equal. */
static void round_trip(void)
{
    const char *path = tmpdir_path("rt.gpupack");
    gp_error err = { 0 };
    gp_writer *w = gp_writer_create(path, 0, &err);
    gp_strid ids[4];
    static const char *const texts[] = { "ampere_sgemm_128x64_nn", "cudaLaunchKernel",
                                         "ProfilerStep#3", "" };
    static gp_record recs[GP_KIND_COUNT][PER_KIND];
    int64_t order[PER_KIND];

    ok(w != NULL, "create: %s", err.msg);
    if (!w)
        return;
    is_int(gp_writer_begin(w, &err), GP_OK, "begin");
    for (int i = 0; i < 4; i++)
        ids[i] = gp_writer_intern(w, texts[i], strlen(texts[i]), &err);
    ok(ids[0] && ids[1] && ids[2] && ids[3], "strings interned");
    ok(ids[0] != ids[1] && ids[1] != ids[2], "distinct strings, distinct ids");
    is_int(gp_writer_intern(w, texts[1], strlen(texts[1]), &err), ids[1],
           "same string, same id");
    for (int i = 0; i < PER_KIND; i++)
        order[i] = i;
    for (int i = PER_KIND - 1; i > 0; i--) { /* shuffle */
        int j = (int)(tap_rand() % (uint64_t)(i + 1));
        int64_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (int k = 0; k < GP_KIND_COUNT; k++) {
        int bad = 0;
        for (int i = 0; i < PER_KIND; i++) {
            rec_random(&recs[k][order[i]], k, (uint64_t)k << 32 | (uint64_t)i, order[i], ids, 4);
            bad |= gp_writer_put(w, &recs[k][order[i]], &err) != GP_OK;
        }
        ok(!bad, "put %d %s records: %s", PER_KIND, gp_kind_name(k), bad ? err.msg : "ok");
    }
    is_int(gp_writer_set_meta(w, "command", "python train.py", &err), GP_OK, "meta");
    is_int(gp_writer_commit(w, &err), GP_OK, "commit");
    is_int(gp_writer_close(w, &err), GP_OK, "close: %s", err.msg);

    gp_trace *t = gp_trace_open(path, &err);
    ok(t != NULL, "open: %s", err.msg);
    if (!t)
        return;
    ok(gp_trace_complete(t), "finished trace is complete");
    is_int(gp_trace_schema_version(t), GP_STORE_SCHEMA_VERSION, "schema version");
    for (int i = 0; i < 4; i++)
        is_str(gp_trace_string(t, ids[i]), texts[i], "string %d reads back", i);
    is_str(gp_trace_string(t, 0), "", "id 0 is the empty string");
    is_str(gp_trace_string(t, 99999), "", "unknown id is the empty string");
    {
        char *v = gp_trace_meta(t, "command");
        is_str(v, "python train.py", "meta reads back");
        free(v);
        ok(gp_trace_meta(t, "no-such-key") == NULL, "absent meta is NULL");
    }
    for (int k = 0; k < GP_KIND_COUNT; k++) {
        gp_iter *it = gp_trace_iter(t, k, NULL, &err);
        gp_record r;
        int n = 0, bad = 0, timed = gp_record_time(&recs[k][0], NULL, NULL);
        const char *field = "";

        /* Expected order: by `unique` (the time) for timed kinds; for the
         * others, the order written (order[]). */
        while (it && gp_iter_next(it, &r, &err) > 0) {
            int64_t want = timed ? n : order[n];
            if (n < PER_KIND && !bad && !rec_equal(&r, &recs[k][want], &field)) {
                diag("%s record %d: field %s differs", gp_kind_name(k), n, field);
                bad = 1;
            }
            n++;
        }
        gp_iter_free(it);
        is_int(n, PER_KIND, "%s: %d records read back", gp_kind_name(k), PER_KIND);
        ok(!bad, "%s: all fields equal, in %s order", gp_kind_name(k),
           timed ? "time" : "insertion");
    }
    gp_trace_close(t);
}

static gp_record kernel(int32_t dev, int64_t stream, int64_t s, int64_t e, uint32_t pid)
{
    gp_record r;
    gp_record_init(&r, GP_KIND_KERNEL);
    r.u.kernel.device = dev;
    r.u.kernel.stream = stream;
    r.u.kernel.start_ns = s;
    r.u.kernel.end_ns = e;
    r.u.kernel.pid = pid;
    return r;
}

static int64_t count(gp_trace *t, gp_kind kind, const gp_filter *f)
{
    gp_error err = { 0 };
    int64_t n = -1;
    if (gp_trace_count(t, kind, f, &n, &err) != GP_OK)
        return -1;
    return n;
}

static void filters(void)
{
    const char *path = tmpdir_path("filter.gpupack");
    gp_error err = { 0 };
    gp_writer *w = gp_writer_create(path, 0, &err);
    gp_trace *t;
    gp_record r;

    gp_writer_begin(w, &err);
    /* device 0: streams 7 and 8; device 1: stream 7. Kernel i on stream s
     * runs [100*i, 100*i + 50). */
    for (int i = 0; i < 10; i++) {
        r = kernel(0, 7, 100 * i, 100 * i + 50, 1);
        gp_writer_put(w, &r, &err);
        r = kernel(0, 8, 100 * i + 10, 100 * i + 60, 1);
        gp_writer_put(w, &r, &err);
        r = kernel(1, 7, 100 * i, 100 * i + 50, 2);
        gp_writer_put(w, &r, &err);
    }
    gp_record_init(&r, GP_KIND_DROPPED);
    r.u.dropped.ts_ns = 250; /* an instant */
    r.u.dropped.count = 3;
    gp_writer_put(w, &r, &err);
    gp_writer_commit(w, &err);
    gp_writer_close(w, &err);

    t = gp_trace_open(path, &err);
    is_int(count(t, GP_KIND_KERNEL, NULL), 30, "30 kernels");
    is_int(count(t, GP_KIND_KERNEL, &(gp_filter){ .flags = GP_FILTER_DEVICE, .device = 0 }), 20,
           "device 0 has 20");
    is_int(count(t, GP_KIND_KERNEL,
                 &(gp_filter){ .flags = GP_FILTER_DEVICE | GP_FILTER_STREAM, .device = 0,
                               .stream = 8 }), 10, "device 0 stream 8 has 10");
    is_int(count(t, GP_KIND_KERNEL, &(gp_filter){ .flags = GP_FILTER_PID, .pid = 2 }), 10,
           "pid 2 has 10");
    /* [120, 300): on stream 7 kernels [100,150) [200,250) overlap, [300,350)
     * starts at the end (excluded); on stream 8 [110,160) [210,260) overlap. */
    is_int(count(t, GP_KIND_KERNEL,
                 &(gp_filter){ .flags = GP_FILTER_TIME | GP_FILTER_DEVICE, .device = 0,
                               .t0_ns = 120, .t1_ns = 300 }), 4, "time window [120,300)");
    /* [50, 100): kernel [0,50) ends at 50 (excluded), [10,60) overlaps. */
    is_int(count(t, GP_KIND_KERNEL,
                 &(gp_filter){ .flags = GP_FILTER_TIME | GP_FILTER_DEVICE, .device = 0,
                               .t0_ns = 50, .t1_ns = 100 }), 1, "window edges are half-open");
    is_int(count(t, GP_KIND_DROPPED,
                 &(gp_filter){ .flags = GP_FILTER_TIME, .t0_ns = 250, .t1_ns = 251 }), 1,
           "an instant at t0 is inside [t0, t1)");
    is_int(count(t, GP_KIND_DROPPED,
                 &(gp_filter){ .flags = GP_FILTER_TIME, .t0_ns = 200, .t1_ns = 250 }), 0,
           "an instant at t1 is outside");
    {
        int64_t n = 0;
        is_int(gp_trace_count(t, GP_KIND_API, &(gp_filter){ .flags = GP_FILTER_DEVICE }, &n,
                              &err), GP_ERR_USAGE, "API calls have no device");
        like(err.msg, "cannot be filtered by device", "message says so");
    }
    {
        int64_t first, last, n;
        is_int(gp_trace_time_range(t, GP_KIND_KERNEL, &first, &last, &n, &err), GP_OK,
               "time range");
        ok(first == 0 && last == 960 && n == 30, "kernels span [0, 960)");
        gp_trace_time_range(t, GP_KIND_MEMCPY, &first, &last, &n, &err);
        ok(n == 0 && first == 0 && last == 0, "no copies: empty range");
    }
    {
        gp_iter *it = gp_trace_iter(t, GP_KIND_KERNEL,
                                    &(gp_filter){ .flags = GP_FILTER_DEVICE, .device = 0 }, &err);
        int64_t prev = -1;
        int sorted = 1, n = 0;
        while (gp_iter_next(it, &r, &err) > 0) {
            sorted &= r.u.kernel.start_ns >= prev;
            prev = r.u.kernel.start_ns;
            n++;
        }
        gp_iter_free(it);
        ok(sorted && n == 20, "device 0 iterates in start order across streams");
    }
    gp_trace_close(t);
}

static void lifecycle(void)
{
    const char *path = tmpdir_path("life.gpupack");
    gp_error err = { 0 };
    gp_writer *w = gp_writer_create(path, 0, &err);
    gp_trace *t;
    gp_record r;
    int64_t n = 0;

    ok(gp_writer_create(path, 0, &err) == NULL, "an existing file is not overwritten");
    is_int(err.code, GP_ERR_EXISTS, "GP_ERR_EXISTS");
    like(err.msg, "life.gpupack is being written", "message names the file and its writer");
    ok(gp_writer_create(path, GP_WRITER_OVERWRITE, &err) == NULL,
       "nor overwritten while a writer holds it");
    like(err.msg, "life.gpupack is being written", "message names the file and its writer");
    ok(gp_writer_busy(path), "gp_writer_busy: a trace being written is busy");

    /* Two committed batches, then one left open: abandoning the writer is
     * what a killed recorder leaves. The committed ones must be readable. */
    for (int b = 0; b < 3; b++) {
        gp_writer_begin(w, &err);
        for (int i = 0; i < 100; i++) {
            r = kernel(0, 7, b * 1000 + i, b * 1000 + i + 1, 1);
            gp_writer_put(w, &r, &err);
        }
        if (b < 2)
            gp_writer_commit(w, &err);
    }
    gp_writer_abandon(w);
    ok(!gp_writer_busy(path), "gp_writer_busy: not once its writer is gone");
    err = (gp_error){ 0 };
    t = gp_trace_open(path, &err);
    ok(t != NULL, "a trace whose writer died opens: %s", err.msg);
    if (t) {
        ok(!gp_trace_complete(t), "and says it is not complete");
        gp_trace_count(t, GP_KIND_KERNEL, NULL, &n, &err);
        is_int(n, 200, "the two committed batches are there, the open one is not");
        gp_trace_close(t);
    }

    ok(gp_writer_create(path, 0, &err) == NULL, "a finished or abandoned trace is not "
       "overwritten either");
    like(err.msg, "life.gpupack already exists", "the message says it exists");
    err = (gp_error){ 0 };
    w = gp_writer_create(path, GP_WRITER_OVERWRITE, &err);
    ok(w != NULL, "overwrite replaces it: %s", err.msg);
    gp_writer_close(w, &err);
    t = gp_trace_open(path, &err);
    gp_trace_count(t, GP_KIND_KERNEL, NULL, &n, &err);
    is_int(n, 0, "the replaced trace is empty");
    ok(gp_trace_complete(t), "and complete");
    gp_trace_close(t);
    ok(access(tmpdir_path("life.gpupack-wal"), F_OK) != 0, "no WAL file left after close");

    ok(gp_writer_create(tmpdir_path("no/such/dir/x.gpupack"), 0, &err) == NULL, "bad folder");
    is_int(err.code, GP_ERR_IO, "is an I/O error");
    like(err.msg, "no/such/dir/x.gpupack", "naming the path");
}

/* Many distinct strings: more than the writer's cache holds. Every id must
 * still map to its own text. */
static void many_strings(void)
{
    const char *path = tmpdir_path("strings.gpupack");
    gp_error err = { 0 };
    gp_writer *w = gp_writer_create(path, 0, &err);
    enum { N = 70000 };
    static gp_strid ids[N];
    char s[32];
    int bad = 0;
    gp_trace *t;

    gp_writer_begin(w, &err);
    for (int i = 0; i < N; i++) {
        snprintf(s, sizeof s, "step %d", i);
        ids[i] = gp_writer_intern(w, s, strlen(s), &err);
    }
    /* After the cache has turned over, old strings still get their old id. */
    for (int i = 0; i < N; i += 997) {
        snprintf(s, sizeof s, "step %d", i);
        bad |= gp_writer_intern(w, s, strlen(s), &err) != ids[i];
    }
    ok(!bad, "re-interning after cache turnover returns the original ids");
    gp_writer_close(w, &err);
    t = gp_trace_open(path, &err);
    for (int i = 0; i < N; i++) {
        snprintf(s, sizeof s, "step %d", i);
        bad |= strcmp(gp_trace_string(t, ids[i]), s) != 0;
    }
    ok(!bad, "%d distinct strings read back", N);
    gp_trace_close(t);
}

/* A process's host and clock anchors are kept (schema 2). */
static void anchors(void)
{
    const char *path = tmpdir_path("anchors.gpupack");
    gp_error err = { 0 };
    gp_writer *w = gp_writer_create(path, 0, &err);
    gp_trace *t;
    gp_iter *it;
    gp_record r;

    gp_record_init(&r, GP_KIND_PROCESS);
    r.u.process.pid = 42;
    r.u.process.hostname = gp_writer_intern(w, "node-7", 6, &err);
    r.u.process.anchor_start_ns = 1700000000123456789LL;
    r.u.process.anchor_start_err_ns = 25;
    r.u.process.anchor_end_ns = 1700000000123457789LL;
    r.u.process.anchor_end_err_ns = 31;
    is_int(gp_writer_put(w, &r, &err), GP_OK, "a process with anchors is written");
    is_int(gp_writer_close(w, &err), GP_OK, "close: %s", err.msg);
    t = gp_trace_open(path, &err);
    it = t ? gp_trace_iter(t, GP_KIND_PROCESS, NULL, &err) : NULL;
    memset(&r, 0, sizeof r);
    is_int(it ? gp_iter_next(it, &r, &err) : -1, 1, "and read back: %s", err.msg);
    is_str(t ? gp_trace_string(t, r.u.process.hostname) : "", "node-7", "its host");
    ok(r.u.process.anchor_start_ns == 1700000000123456789LL &&
           r.u.process.anchor_start_err_ns == 25, "its start anchor");
    ok(r.u.process.anchor_end_ns == 1700000000123457789LL && r.u.process.anchor_end_err_ns == 31,
       "its end anchor");
    gp_iter_free(it);
    gp_trace_close(t);
}

/* A trace of schema version 1 (process table as docs/trace-format.md
 * described it, without the anchors) still opens: every old column reads
 * as written, the added ones as 0. */
static void older_version(void)
{
    const char *path = tmpdir_path("v1.gpupack");
    gp_error err = { 0 };
    gp_filter f = { 0 };
    sqlite3 *db = NULL;
    gp_trace *t;
    gp_iter *it;
    gp_record r;
    int rc = -1;

    if (sqlite3_open(path, &db) == SQLITE_OK)
        rc = sqlite3_exec(
            db,
            "PRAGMA application_id = 1196445771; PRAGMA user_version = 1;"
            "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
            "CREATE TABLE strings(id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);"
            "CREATE TABLE process(pid INTEGER, ppid INTEGER, cmdline INTEGER, start_ns INTEGER,"
            " end_ns INTEGER, exit_status INTEGER, end_reason INTEGER, signal INTEGER,"
            " collector_version INTEGER, hostname INTEGER, rank INTEGER, cupti_version INTEGER,"
            " driver_version INTEGER, UNIQUE(pid, start_ns));"
            "INSERT INTO meta VALUES('complete', '1');"
            "INSERT INTO strings VALUES(1, 'python train.py'), (2, 'node-3');"
            "INSERT INTO process VALUES(7, 1, 1, 1000, 9000, 0, 1, 0, 0, 2, 3, 130001, 13000);",
            NULL, NULL, NULL);
    sqlite3_close(db);
    is_int(rc, SQLITE_OK, "a version 1 trace made by hand");
    t = gp_trace_open(path, &err);
    ok(t != NULL, "opens: %s", err.msg);
    if (!t)
        return;
    is_int(gp_trace_schema_version(t), 1, "as version 1");
    it = gp_trace_iter(t, GP_KIND_PROCESS, NULL, &err);
    memset(&r, 0xff, sizeof r);
    is_int(it ? gp_iter_next(it, &r, &err) : -1, 1, "its process reads: %s", err.msg);
    ok(r.u.process.pid == 7 && r.u.process.ppid == 1 && r.u.process.start_ns == 1000 &&
           r.u.process.end_ns == 9000 && r.u.process.end_reason == 1 && r.u.process.rank == 3 &&
           r.u.process.cupti_version == 130001 && r.u.process.driver_version == 13000,
       "its version 1 columns as written");
    is_str(gp_trace_string(t, r.u.process.hostname), "node-3", "its host");
    ok(r.u.process.anchor_start_ns == 0 && r.u.process.anchor_start_err_ns == 0 &&
           r.u.process.anchor_end_ns == 0 && r.u.process.anchor_end_err_ns == 0,
       "the columns of version 2 read as 0, unknown");
    gp_iter_free(it);
    /* Asking for an added column alone works too. */
    f.fields = gp_trace_fields_mask(GP_KIND_PROCESS, "pid anchor_end_ns");
    it = gp_trace_iter(t, GP_KIND_PROCESS, &f, &err);
    memset(&r, 0xff, sizeof r);
    is_int(it ? gp_iter_next(it, &r, &err) : -1, 1, "a field mask with an added column: %s",
           err.msg);
    ok(r.u.process.pid == 7 && r.u.process.anchor_end_ns == 0, "reads the default");
    gp_iter_free(it);
    gp_trace_close(t);
}

int main(void)
{
    if (tmpdir_create() < 0)
        return 1;
    round_trip();
    filters();
    lifecycle();
    many_strings();
    anchors();
    older_version();
    tmpdir_remove();
    return done_testing();
}
