/* test_store_full.c: the trace store on a disk that fills (tests/faults.sh
 * runs it with tests/faults/faultfs.c preloaded, FAULTFS_PROG naming this
 * program; alone it skips).
 *
 * The disk is made full right after a trace is created (faultfs_set_space:
 * no byte more for the trace's files). What must hold (store.h): every
 * transaction committed before the failure reads back; the failure says
 * ENOSPC; a failed transaction is rolled back whole; after
 * gp_writer_rollback one small transaction still fits (the room the WAL was
 * given at creation); the file is never left damaged (SQLite's
 * integrity_check). */
#include "config.h"

#include <dlfcn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "common/store.h"
#include "tests/tap.h"
#include "tests/unit/tmpdir.h"

static void (*set_space)(long long bytes);

static gp_record kernel(int64_t t)
{
    gp_record r;

    gp_record_init(&r, GP_KIND_KERNEL);
    r.u.kernel.start_ns = t;
    r.u.kernel.end_ns = t + 1;
    r.u.kernel.device = 0;
    r.u.kernel.stream = 7;
    return r;
}

/* Puts n kernels from t on; the first failure's status. */
static gp_status put_kernels(gp_writer *w, int64_t t, int n, gp_error *err)
{
    for (int i = 0; i < n; i++) {
        gp_record r = kernel(t + i);
        gp_status st = gp_writer_put(w, &r, err);
        if (st != GP_OK)
            return st;
    }
    return GP_OK;
}

/* The last words after a failure: one dropped record and a meta key. */
static gp_status last_words(gp_writer *w, uint64_t lost, gp_error *err)
{
    gp_record r;
    gp_status st;

    gp_record_init(&r, GP_KIND_DROPPED);
    r.u.dropped.ts_ns = 1;
    r.u.dropped.source = GP_DROP_WRITE;
    r.u.dropped.count = lost;
    if ((st = gp_writer_begin(w, err)) == GP_OK && (st = gp_writer_put(w, &r, err)) == GP_OK &&
        (st = gp_writer_set_meta(w, "write_error", err->msg, err)) == GP_OK)
        st = gp_writer_commit(w, err);
    return st;
}

/* Kernels and lost count in the trace at path, and SQLite's verdict on
 * the file (read-write, as any SQLite client would open it). */
static void check_file(const char *path, int64_t kernels, int64_t lost, const char *what)
{
    gp_error err = { 0 };
    gp_trace *t = gp_trace_open(path, &err);
    char *why;
    int64_t n = -1;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    char verdict[64] = "?";

    ok(t != NULL, "%s: the trace opens: %s", what, err.msg);
    if (!t)
        return;
    ok(!gp_trace_complete(t), "%s: and says it is not complete", what);
    gp_trace_count(t, GP_KIND_KERNEL, NULL, &n, &err);
    is_int(n, kernels, "%s: the committed kernels are all there, no other", what);
    gp_trace_count(t, GP_KIND_DROPPED, NULL, &n, &err);
    is_int(n, lost >= 0, "%s: the last words' dropped record is there", what);
    why = gp_trace_meta(t, "write_error");
    if (lost >= 0)
        like(why ? why : "", "ENOSPC", "%s: and the meta key, saying ENOSPC", what);
    free(why);
    gp_trace_close(t);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        snprintf(verdict, sizeof verdict, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    is_str(verdict, "ok", "%s: SQLite finds the file intact", what);
}

/* Small transactions until the disk being full shows: a checkpoint cannot
 * grow the file, so the next begin fails while the WAL still has room. */
static void small_transactions(void)
{
    const char *path = tmpdir_path("small.gpupack");
    gp_error err = { 0 };
    gp_writer *w = gp_writer_create(path, 0, &err);
    gp_status st = GP_OK;
    int committed = 0, batch = 200;

    ok(w != NULL, "create: %s", err.msg);
    if (!w)
        return;
    set_space(0);
    /* 200 kernels are a few pages; 1000 WAL frames come within ~3000 batches. */
    for (int b = 0; b < 5000; b++) {
        if ((st = gp_writer_begin(w, &err)) != GP_OK)
            break;
        if ((st = put_kernels(w, (int64_t)b * batch, batch, &err)) != GP_OK ||
            (st = gp_writer_commit(w, &err)) != GP_OK)
            break;
        committed++;
    }
    ok(st != GP_OK, "a full disk fails the writer (after %d batches)", committed);
    is_int(st, GP_ERR_IO, "as an I/O error");
    like(err.msg, "disk full (ENOSPC)", "saying ENOSPC");
    like(err.msg, "small.gpupack", "naming the file");
    ok(committed > 0, "batches were committed before");
    gp_writer_rollback(w);
    st = last_words(w, 123, &err);
    is_int(st, GP_OK, "after the rollback, the last words fit: %s", err.msg);
    gp_writer_abandon(w);
    check_file(path, (int64_t)committed * batch, 123, "small transactions");
}

/* One transaction bigger than the WAL's room: it cannot grow the WAL, fails
 * and is rolled back whole; what was committed before stays. */
static void big_transaction(void)
{
    const char *path = tmpdir_path("big.gpupack");
    gp_error err = { 0 };
    gp_writer *w = gp_writer_create(path, 0, &err);
    gp_status st;

    ok(w != NULL, "create: %s", err.msg);
    if (!w)
        return;
    gp_writer_begin(w, &err);
    put_kernels(w, 0, 1000, &err);
    is_int(gp_writer_commit(w, &err), GP_OK, "a first batch commits");
    set_space(0);
    /* 12000 strings of 1000 bytes: more than the WAL's room (8 MiB). */
    st = gp_writer_begin(w, &err);
    for (int i = 0; i < 12000 && st == GP_OK; i++) {
        char s[1000];
        memset(s, 'a' + i % 26, sizeof s);
        snprintf(s, 16, "%d:", i);
        if (!gp_writer_intern(w, s, sizeof s, &err))
            st = err.code;
    }
    if (st == GP_OK)
        st = gp_writer_commit(w, &err);
    ok(st != GP_OK, "a transaction bigger than the WAL's room fails");
    like(err.msg, "disk full (ENOSPC)", "saying ENOSPC: %s", err.msg);
    gp_writer_rollback(w);
    st = last_words(w, 12000, &err);
    is_int(st, GP_OK, "after the rollback, the last words fit: %s", err.msg);
    gp_writer_abandon(w);
    check_file(path, 1000, 12000, "one big transaction");
}

int main(void)
{
    set_space = (void (*)(long long))dlsym(RTLD_DEFAULT, "faultfs_set_space");
    if (!set_space) {
        skip("faultfs.so is not preloaded (tests/faults.sh runs this test)");
        return done_testing();
    }
    if (tmpdir_create() < 0)
        return 1;
    small_transactions();
    set_space(-1);
    big_transaction();
    tmpdir_remove();
    return done_testing();
}
