/* test_store_bad.c: files that are not (whole) traces get clear errors that
 * name the file; nothing crashes. */
#include "config.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/store.h"
#include "records.h"
#include "tmpdir.h"
#include "tests/tap.h"

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(data, 1, n, f);
        fclose(f);
    }
}

/* Reads the whole file at path into a malloc'd buffer. */
static unsigned char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long len;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)len);
    *n = fread(buf, 1, (size_t)len, f);
    fclose(f);
    return buf;
}

/* A complete trace with enough records to span many pages. */
static void make_trace(const char *path)
{
    gp_error err = { 0 };
    gp_writer *w = gp_writer_create(path, GP_WRITER_OVERWRITE, &err);
    gp_strid id;
    gp_record r;

    gp_writer_begin(w, &err);
    id = gp_writer_intern(w, "volta_sgemm_128x64_nn", 21, &err);
    for (int i = 0; i < 3000; i++) {
        rec_random(&r, GP_KIND_KERNEL, (uint64_t)i, i, &id, 1);
        gp_writer_put(w, &r, &err);
        rec_random(&r, GP_KIND_API, (uint64_t)i, i, &id, 1);
        gp_writer_put(w, &r, &err);
    }
    gp_writer_close(w, &err);
}

static void sql(const char *path, const char *stmt)
{
    sqlite3 *db;
    if (sqlite3_open(path, &db) == SQLITE_OK)
        sqlite3_exec(db, stmt, NULL, NULL, NULL);
    sqlite3_close(db);
}

/* Opens path and reads every kernel; returns the first error status. */
static gp_status read_all(const char *path, gp_error *err)
{
    gp_trace *t = gp_trace_open(path, err);
    gp_iter *it;
    gp_record r;
    int rc;

    if (!t)
        return err->code;
    it = gp_trace_iter(t, GP_KIND_KERNEL, NULL, err);
    if (!it) {
        gp_trace_close(t);
        return err->code;
    }
    while ((rc = gp_iter_next(it, &r, err)) > 0)
        gp_trace_string(t, r.u.kernel.name);
    gp_iter_free(it);
    gp_trace_close(t);
    return rc < 0 ? err->code : GP_OK;
}

int main(void)
{
    gp_error err = { 0 };
    const char *good;
    unsigned char *bytes;
    size_t n = 0;

    if (tmpdir_create() < 0)
        return 1;
    good = tmpdir_path("good.gpupack");
    make_trace(good);
    is_int(read_all(good, &err), GP_OK, "the intact trace reads");
    bytes = read_file(good, &n);
    ok(bytes && n > 100000, "trace is %zu bytes", n);

    /* Newer schema: refused, with the versions and what to do. */
    {
        const char *p = tmpdir_path("newer.gpupack");
        make_trace(p);
        sql(p, "PRAGMA user_version = 99");
        is_int(read_all(p, &err), GP_ERR_VERSION, "newer schema refused");
        like(err.msg, "newer.gpupack: written by a newer gpupack (trace format 99",
             "message names the file and the version");
        like(err.msg, "upgrade gpupack", "message says what to do");
    }
    /* A trace whose schema was never written (killed at creation). */
    {
        const char *p = tmpdir_path("noschema.gpupack");
        char q[64];
        snprintf(q, sizeof q, "PRAGMA application_id = %d", GP_STORE_APPLICATION_ID);
        sql(p, q);
        sql(p, "CREATE TABLE x(a)");
        is_int(read_all(p, &err), GP_ERR_INPUT, "no schema version: refused");
        like(err.msg, "no schema", "message");
    }
    /* Another program's SQLite file. */
    {
        const char *p = tmpdir_path("other.sqlite");
        sql(p, "CREATE TABLE t(a); INSERT INTO t VALUES(1)");
        is_int(read_all(p, &err), GP_ERR_INPUT, "foreign SQLite file refused");
        like(err.msg, "other.sqlite: not a gpupack trace (an SQLite database of another program",
             "message");
    }
    /* Not SQLite at all. */
    {
        const char *p = tmpdir_path("trace.json");
        write_file(p, "{\"traceEvents\": []}\n", 20);
        is_int(read_all(p, &err), GP_ERR_INPUT, "JSON refused");
        like(err.msg, "trace.json: a PyTorch profiler (JSON) trace, not a gpupack trace",
             "message");
        like(err.msg, "gpupack import", "and points to import");
    }
    {
        const char *p = tmpdir_path("empty.gpupack");
        write_file(p, "", 0);
        is_int(read_all(p, &err), GP_ERR_INPUT, "empty file refused");
        like(err.msg, "empty.gpupack: the file is empty", "message");
    }
    {
        is_int(read_all(tmpdir_path("missing.gpupack"), &err), GP_ERR_INPUT, "missing file");
        like(err.msg, "missing.gpupack: No such file", "message");
        is_int(read_all(tmpdir(), &err), GP_ERR_INPUT, "a folder");
        like(err.msg, "not a regular file", "message");
    }
    /* A strings table with ids no writer gives: 2^32 - 1 (a reader sized by
     * the largest id would ask for 32 GiB), 2^32, 0 and negative ones (not
     * gp_strid values: left out). The table is read whole, by its rows. */
    {
        const char *p = tmpdir_path("far.gpupack");
        gp_writer *w = gp_writer_create(p, GP_WRITER_OVERWRITE, &err);
        gp_trace *t;

        gp_writer_intern(w, "first", 5, &err);
        gp_writer_intern(w, "second", 6, &err);
        gp_writer_close(w, &err);
        sql(p, "INSERT INTO strings VALUES (4294967295, 'far'), (4294967296, 'too far'), "
               "(0, 'zero'), (-5, 'negative')");
        t = gp_trace_open(p, &err);
        ok(t != NULL, "a trace with string ids up to 2^32 opens");
        if (t) {
            is_str(gp_trace_string(t, 1), "first", "string 1 reads back");
            is_str(gp_trace_string(t, 2), "second", "string 2 reads back");
            is_str(gp_trace_string(t, 4294967295u), "far", "string 2^32 - 1 reads back");
            is_str(gp_trace_string(t, 3), "", "an id between them is unknown: \"\"");
            is_str(gp_trace_string(t, 0), "", "id 0 is \"\", not the row with id 0");
            gp_trace_close(t);
        }
    }
    /* Random bytes, with and without a valid SQLite magic. */
    {
        const char *p = tmpdir_path("random.gpupack");
        unsigned char junk[65536];
        for (size_t i = 0; i < sizeof junk; i++)
            junk[i] = (unsigned char)tap_rand();
        write_file(p, junk, sizeof junk);
        is_int(read_all(p, &err), GP_ERR_INPUT, "random bytes refused");
        memcpy(junk, "SQLite format 3", 16);
        write_file(p, junk, sizeof junk);
        is_int(read_all(p, &err), GP_ERR_INPUT, "random bytes behind an SQLite magic refused");
        like(err.msg, "random.gpupack", "message names the file");
    }
    /* Truncated copies: every cut is caught at open, by the header's size. */
    {
        const char *p = tmpdir_path("cut.gpupack");
        static const double fractions[] = { 0.0005, 0.003, 0.1, 0.25, 0.5, 0.9, 0.999 };
        for (size_t i = 0; i < sizeof fractions / sizeof fractions[0]; i++) {
            size_t len = (size_t)((double)n * fractions[i]);
            write_file(p, bytes, len);
            is_int(read_all(p, &err), GP_ERR_INPUT, "cut at %zu of %zu bytes: refused", len, n);
            like(err.msg, "cut.gpupack: the trace is truncated", "message says truncated");
        }
    }
    /* Damaged pages behind an intact header: each read either succeeds or
     * fails with an input error naming the file; never a crash. */
    {
        const char *p = tmpdir_path("damaged.gpupack");
        int odd = 0, failed = 0;
        for (int trial = 0; trial < 40; trial++) {
            unsigned char *copy = malloc(n);
            memcpy(copy, bytes, n);
            for (int j = 0; j < 64; j++) {
                size_t at = 8192 + (size_t)(tap_rand() % (n - 8192));
                copy[at] = (unsigned char)tap_rand();
            }
            write_file(p, copy, n);
            free(copy);
            gp_status st = read_all(p, &err);
            if (st != GP_OK && st != GP_ERR_INPUT) {
                diag("trial %d: status %d: %s", trial, st, err.msg);
                odd = 1;
            }
            if (st == GP_ERR_INPUT) {
                failed++;
                odd |= strstr(err.msg, "damaged.gpupack") == NULL;
            }
        }
        ok(!odd, "40 damaged copies: read or refused as input errors naming the file");
        ok(failed > 0, "and damage was detected in %d of them", failed);
    }
    free(bytes);
    tmpdir_remove();
    return done_testing();
}
