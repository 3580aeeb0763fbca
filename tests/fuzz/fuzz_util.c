/* fuzz_util.c: files, analysis and checks the fuzz harnesses share. */
#include "config.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fields.h"
#include "common/store.h"
#include "analyzer/analyses/analyze.h"
#include "analyzer/formats/json.h"
#include "analyzer/formats/load.h"
#include "analyzer/formats/nsys.h"
#include "analyzer/render/render.h"
#include "tests/fuzz/fuzz.h"

void fz_fail(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "fuzz harness: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    abort();
}

/* ---- files ---- */

static char dir[64];

static void remove_dir(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[sizeof dir + 256];

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

const char *fz_path(const char *name)
{
    char *p;

    if (!dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/gp-fuzz-XXXXXX",
                 tmp && *tmp && strlen(tmp) < sizeof dir - 16 ? tmp : "/tmp");
        if (!mkdtemp(dir))
            fz_fail("cannot create a folder from %s", dir);
        atexit(remove_dir);
    }
    p = malloc(strlen(dir) + strlen(name) + 2);
    if (!p)
        fz_fail("out of memory");
    sprintf(p, "%s/%s", dir, name);
    return p;
}

void fz_remove_db(const char *path)
{
    static const char *const tails[] = { "", "-wal", "-shm", "-journal" };
    char p[512];

    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        snprintf(p, sizeof p, "%s%s", path, tails[i]);
        unlink(p);
    }
}

void fz_write_file(const char *path, const uint8_t *data, size_t n)
{
    FILE *f;

    fz_remove_db(path);
    f = fopen(path, "wb");
    if (!f || (n && fwrite(data, 1, n, f) != n) || fclose(f) != 0)
        fz_fail("cannot write %s", path);
}

uint8_t *fz_read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t cap = 0, len = 0, got;

    *n = 0;
    if (!f)
        return NULL;
    do {
        if (len == cap) {
            uint8_t *nb = realloc(buf, cap = cap ? 2 * cap : 65536);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    fclose(f);
    *n = len;
    return buf;
}

const char *fz_src(const char *rel)
{
    static char path[1024];
    const char *src = getenv("GP_SRCDIR");

    snprintf(path, sizeof path, "%s%s%s", src && *src ? src : "", src && *src ? "/" : "", rel);
    return path;
}

/* ---- analysis ---- */

/* One strict JSON document, nothing after it. */
static void check_json(const char *text, size_t len)
{
    gp_json *j = gp_json_new_mem(text, len);
    gp_json_tok t;

    if (!j)
        fz_fail("out of memory");
    while ((t = gp_json_next(j)) > GP_JSON_END)
        ;
    if (t == GP_JSON_ERROR)
        fz_fail("gp_render_json wrote invalid JSON: %s", gp_json_error(j));
    gp_json_free(j);
}

void fz_analyze_render(const gp_job *job)
{
    static const char *const inputs[] = { "input" };
    gp_analyze_opts ao = { 0, 30.0 };
    gp_render_opts ro = { 0 };
    gp_analysis *a;
    char *buf = NULL;
    size_t len = 0;
    FILE *m;

    if (gp_job_rank_count(job) == 0)
        return;
    a = gp_analyze(job, &ao);
    if (!a)
        return; /* out of memory */
    ro.inputs = inputs;
    ro.n_inputs = 1;
    if ((m = open_memstream(&buf, &len)) != NULL) {
        gp_render_text(m, a, &ro);
        fclose(m);
        free(buf);
    }
    buf = NULL;
    len = 0;
    if ((m = open_memstream(&buf, &len)) != NULL) {
        int rc = gp_render_json(m, a, &ro);
        fclose(m);
        if (rc == 0)
            check_json(buf, len);
        free(buf);
    }
    gp_analysis_free(a);
}

/* ---- loading ---- */

static void check_error(gp_status st, const gp_error *err, const char *what)
{
    if (st != GP_OK && !err->msg[0])
        fz_fail("%s failed (%d) without a message", what, (int)st);
}

void fz_load_nsys(const char *path)
{
    gp_error err = { 0 };
    gp_job *job;
    gp_status st;

    (void)gp_nsys_sniff(path);
    if (!(job = gp_job_new()))
        return;
    st = gp_nsys_load(job, path, &err);
    check_error(st, &err, "gp_nsys_load");
    if (st == GP_OK)
        fz_analyze_render(job);
    gp_job_free(job);
}

/* The record's string fields looked up, as `info` and `report` do. */
static void record_strings(gp_trace *t, const gp_record *r)
{
    int nf;
    const gp_field *f = gp_kind_fields(r->kind, &nf);

    for (int i = 0; f && i < nf; i++)
        if (f[i].type == GP_F_STR)
            (void)gp_trace_string(t, *(const gp_strid *)((const char *)&r->u + f[i].offset));
}

/* Reads every record of kind, through f; at most 1e6. */
static void each_record(gp_trace *t, gp_kind kind, const gp_filter *f)
{
    gp_error err = { 0 };
    gp_iter *it = gp_trace_iter(t, kind, f, &err);
    gp_record r;
    int rc = 0;

    if (!it) {
        check_error(GP_ERR_INPUT, &err, "gp_trace_iter");
        return;
    }
    for (int i = 0; i < 1000000 && (rc = gp_iter_next(it, &r, &err)) == 1; i++)
        record_strings(t, &r);
    if (rc < 0)
        check_error(GP_ERR_INPUT, &err, "gp_iter_next");
    gp_iter_free(it);
}

/* The store reader (common/store.h) over the whole trace, as `info` reads it. */
static void walk_store(const char *path)
{
    static const char *const keys[] = { "format", "source", "clock", "complete", "host",
                                        "anchor_start_ns", "rejected_values" };
    gp_error err = { 0 };
    gp_trace *t = gp_trace_open(path, &err);
    size_t n;

    if (!t) {
        check_error(GP_ERR_INPUT, &err, "gp_trace_open");
        return;
    }
    (void)gp_trace_schema_version(t);
    (void)gp_trace_complete(t);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        free(gp_trace_meta(t, keys[i]));
    n = gp_trace_string_count(t);
    for (size_t i = 0; i <= n && i < 1000000; i++)
        (void)gp_trace_string(t, (gp_strid)i);
    (void)gp_trace_string(t, (gp_strid)-1);
    for (int k = 0; k < GP_KIND_COUNT; k++) {
        int64_t first = 0, last = 0, count = 0, row = 0;
        gp_filter f = { 0 };
        each_record(t, (gp_kind)k, NULL);
        (void)gp_trace_count(t, (gp_kind)k, NULL, &count, &err);
        (void)gp_trace_last_row(t, (gp_kind)k, &row, &err);
        if (gp_trace_time_range(t, (gp_kind)k, &first, &last, &count, &err) == GP_OK && count) {
            f.flags = GP_FILTER_TIME;
            f.t0_ns = first;
            f.t1_ns = last;
            each_record(t, (gp_kind)k, &f);
            f.flags = GP_FILTER_ROWS | GP_FILTER_UNORDERED;
            f.row0 = row / 2;
            f.row1 = row;
            each_record(t, (gp_kind)k, &f);
        }
    }
    gp_trace_close(t);
}

void fz_load_trace(const char *path)
{
    gp_error err = { 0 };
    gp_job *job;
    gp_status st;

    walk_store(path);
    (void)gp_input_sniff(path);
    if (!(job = gp_job_new()))
        return;
    st = gp_load_trace(job, path, &err);
    check_error(st, &err, "gp_load_trace");
    if (st == GP_OK)
        fz_analyze_render(job);
    gp_job_free(job);
}
