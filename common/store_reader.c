/* store_reader.c: reads a trace (read-only; any number of readers).
 *
 * Opening checks, before SQLite sees the file, that it is not empty, is an
 * SQLite file, and is as long as its header says (a truncated copy is
 * caught here, with a message saying so); then that it is a gpupack trace
 * of a schema version this build reads. Damage found later, while
 * iterating, is reported by gp_iter_next with the file named.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "infile.h"
#include "store.h"
#include "store_internal.h"

struct gp_trace {
    sqlite3 *db;
    char *path;
    int version, complete;
    /* strings table, loaded on first use */
    int strings_loaded;
    const char **strings; /* strings[i]: the text of string_ids[i] */
    uint32_t *string_ids; /* ascending */
    size_t n_strings;
    gp_arena string_text;
};

struct gp_iter {
    gp_trace *t;
    sqlite3_stmt *st;
    gp_kind kind;
    int done;
    uint64_t fields; /* which fields the SELECT returns, in order */
};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Checks the file before SQLite opens it: exists, not empty, an SQLite
 * file, not shorter than its header says. */
static gp_status precheck(const char *path, gp_error *err)
{
    unsigned char hdr[GP_INFILE_HEAD_BYTES];
    char wal[4096];
    struct stat wsb;
    uint64_t page_size, pages;
    int64_t size_bytes;
    gp_infile_kind kind;
    size_t n;

    if (gp_infile_sniff(path, hdr, &n, &size_bytes, &kind, err) != GP_OK)
        return err ? err->code : GP_ERR_INPUT;
    if (kind == GP_INFILE_GZIP || kind == GP_INFILE_JSON)
        return gp_error_set(err, GP_ERR_INPUT, "%s: a PyTorch profiler (JSON) trace, not a gpupack "
                            "trace; analyze and report read it as it is, gpupack import "
                            "converts it", path);
    if (kind == GP_INFILE_SPOOL)
        return gp_error_set(err, GP_ERR_INPUT, "%s: a collector spool file, not a gpupack trace; "
                            "convert it with gpupack import", path);
    page_size = (uint64_t)hdr[16] << 8 | hdr[17];
    if (page_size == 1)
        page_size = 65536;
    if (page_size < 512 || (page_size & (page_size - 1)))
        return gp_error_set(err, GP_ERR_INPUT, "%s: the trace is damaged (bad page size %" PRIu64
                            ")", path, page_size);
    /* The page count at offset 28 is valid when the change counters agree.
     * With a WAL beside the file, committed pages may live in the WAL. */
    snprintf(wal, sizeof wal, "%s-wal", path);
    pages = be32(hdr + 28);
    if (be32(hdr + 24) == be32(hdr + 92) && pages > 0 && stat(wal, &wsb) < 0 &&
        (uint64_t)size_bytes < pages * page_size)
        return gp_error_set(err, GP_ERR_INPUT,
                            "%s: the trace is truncated: its header says %" PRIu64
                            " bytes but the file has %lld; it was cut short while being copied "
                            "or written", path, pages * page_size, (long long)size_bytes);
    return GP_OK;
}

gp_trace *gp_trace_open(const char *path, gp_error *err)
{
    gp_trace *t;
    char *complete;
    int rc;

    if (precheck(path, err) != GP_OK)
        return NULL;
    t = calloc(1, sizeof *t);
    if (!t || !(t->path = strdup(path))) {
        free(t);
        gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory", path);
        return NULL;
    }
    rc = sqlite3_open_v2(path, &t->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        gp_store_fail(t->db, rc, path, "opening the trace", err);
        goto fail;
    }
    sqlite3_extended_result_codes(t->db, 1);
    if (gp_store_check_version(t->db, path, &t->version, err) != GP_OK)
        goto fail;
    complete = gp_trace_meta(t, "complete");
    t->complete = complete && strcmp(complete, "1") == 0;
    free(complete);
    return t;
fail:
    gp_trace_close(t);
    return NULL;
}

void gp_trace_close(gp_trace *t)
{
    if (!t)
        return;
    sqlite3_close(t->db);
    free(t->strings);
    free(t->string_ids);
    gp_arena_free(&t->string_text);
    free(t->path);
    free(t);
}

const char *gp_trace_path(const gp_trace *t)
{
    return t->path;
}

int gp_trace_schema_version(const gp_trace *t)
{
    return t->version;
}

int gp_trace_complete(const gp_trace *t)
{
    return t->complete;
}

char *gp_trace_meta(gp_trace *t, const char *key)
{
    sqlite3_stmt *st = NULL;
    char *value = NULL;

    if (sqlite3_prepare_v2(t->db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            value = strdup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return value;
}

/* Loads the whole strings table: O(strings) time and memory, whatever the
 * ids (the table is sized by its rows, never by its largest id). Rows whose
 * id is not a gp_strid (0, negative, over 2^32 - 1) are left out. On
 * failure every lookup returns "" (records stay readable). */
static void load_strings(gp_trace *t)
{
    sqlite3_stmt *st = NULL;
    int64_t rows = 0;
    size_t n = 0;

    t->strings_loaded = 1;
    if (sqlite3_prepare_v2(t->db, "SELECT count(*) FROM strings WHERE id BETWEEN 1 AND 4294967295",
                           -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        rows = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rows <= 0 || (uint64_t)rows > SIZE_MAX / sizeof(const char *))
        return;
    t->strings = calloc((size_t)rows, sizeof *t->strings);
    t->string_ids = calloc((size_t)rows, sizeof *t->string_ids);
    if (!t->strings || !t->string_ids)
        return;
    st = NULL;
    if (sqlite3_prepare_v2(t->db, "SELECT id, text FROM strings WHERE id BETWEEN 1 AND 4294967295 "
                           "ORDER BY id", -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return;
    }
    while (n < (size_t)rows && sqlite3_step(st) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        const unsigned char *text = sqlite3_column_text(st, 1);
        int len = sqlite3_column_bytes(st, 1);
        char *copy;

        if (!text || (n && (uint32_t)id <= t->string_ids[n - 1]))
            continue; /* ascending ids only: the binary search relies on it */
        copy = gp_arena_alloc(&t->string_text, (size_t)len + 1);
        if (!copy)
            break;
        memcpy(copy, text, (size_t)len);
        copy[len] = '\0';
        t->string_ids[n] = (uint32_t)id;
        t->strings[n++] = copy;
    }
    sqlite3_finalize(st);
    t->n_strings = n;
}

gp_status gp_trace_quick_check(gp_trace *t, int *problems, char *first, size_t cap,
                               gp_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc, n = 0;
    char sql[64];

    *problems = 0;
    if (cap)
        first[0] = '\0';
    snprintf(sql, sizeof sql, "PRAGMA quick_check(%d)", GP_QUICK_CHECK_MAX);
    rc = sqlite3_prepare_v2(t->db, sql, -1, &st, NULL);
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        const char *msg;
        if ((rc = sqlite3_step(st)) != SQLITE_ROW)
            break;
        msg = (const char *)sqlite3_column_text(st, 0);
        if (!msg || strcmp(msg, "ok") == 0)
            continue;
        if (n++ == 0 && cap)
            snprintf(first, cap, "%s", msg);
    }
    if (rc != SQLITE_DONE) {
        /* damage bad enough that the check itself stops counts as one problem */
        if (n++ == 0 && cap)
            snprintf(first, cap, "%s", sqlite3_errmsg(t->db));
        if (rc == SQLITE_NOMEM || rc == SQLITE_IOERR) {
            sqlite3_finalize(st);
            return gp_error_set(err, rc == SQLITE_NOMEM ? GP_ERR_NOMEM : GP_ERR_IO,
                                "%s: checking the trace: %s", t->path, first);
        }
    }
    sqlite3_finalize(st);
    *problems = n;
    return GP_OK;
}

size_t gp_trace_string_count(gp_trace *t)
{
    if (!t->strings_loaded)
        load_strings(t);
    return t->n_strings + 1;
}

/* Index of id in the ascending string_ids, or -1: O(1) where the ids are
 * dense from 1 (as the writer gives them), else O(log strings). */
static ptrdiff_t string_index(const gp_trace *t, gp_strid id)
{
    size_t lo = 0, hi = t->n_strings;

    if (id == 0)
        return -1;
    if (id <= t->n_strings && t->string_ids[id - 1] == id)
        return (ptrdiff_t)id - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->string_ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->n_strings && t->string_ids[lo] == id ? (ptrdiff_t)lo : -1;
}

const char *gp_trace_string(gp_trace *t, gp_strid id)
{
    ptrdiff_t i;

    if (!t->strings_loaded)
        load_strings(t);
    i = string_index(t, id);
    return i < 0 ? "" : t->strings[i];
}

/* Appends " WHERE ..." for filter f to sql; binds come in order
 * device, stream, pid, t1, t0, t0. Returns GP_OK or GP_ERR_USAGE. */
static gp_status where_clause(gp_trace *t, gp_kind kind, const gp_filter *f, char *sql,
                              size_t cap, gp_error *err)
{
    const gp_table_info *ti = gp_store_table(kind);
    size_t n = strlen(sql);
    const char *missing = NULL;

    if (!f)
        return GP_OK;
    if ((f->flags & GP_FILTER_DEVICE) && !ti->has_device)
        missing = "device";
    else if ((f->flags & GP_FILTER_STREAM) && !ti->has_stream)
        missing = "stream";
    else if ((f->flags & GP_FILTER_PID) && !ti->has_pid)
        missing = "process";
    else if ((f->flags & GP_FILTER_TIME) && (!ti->time_col || kind == GP_KIND_PROCESS))
        missing = "time";
    if (missing)
        return gp_error_set(err, GP_ERR_USAGE, "%s: %s records cannot be filtered by %s",
                            t->path, gp_kind_name(kind), missing);
    n += (size_t)snprintf(sql + n, cap - n, " WHERE 1");
    if (f->flags & GP_FILTER_DEVICE)
        n += (size_t)snprintf(sql + n, cap - n, " AND device = ?1");
    if (f->flags & GP_FILTER_STREAM)
        n += (size_t)snprintf(sql + n, cap - n, " AND stream = ?2");
    if (f->flags & GP_FILTER_PID)
        n += (size_t)snprintf(sql + n, cap - n, " AND pid = ?3");
    if (f->flags & GP_FILTER_TIME)
        n += (size_t)snprintf(sql + n, cap - n, " AND %s < ?4 AND (%s > ?5 OR %s >= ?5)",
                              ti->time_col, ti->end_expr, ti->time_col);
    if (f->flags & GP_FILTER_ROWS)
        n += (size_t)snprintf(sql + n, cap - n, " AND rowid >= ?6 AND rowid < ?7");
    if (n >= cap)
        return gp_error_set(err, GP_ERR_INTERNAL, "query too long");
    return GP_OK;
}

static void bind_filter(sqlite3_stmt *st, const gp_filter *f)
{
    if (!f)
        return;
    if (f->flags & GP_FILTER_DEVICE)
        sqlite3_bind_int(st, 1, f->device);
    if (f->flags & GP_FILTER_STREAM)
        sqlite3_bind_int64(st, 2, f->stream);
    if (f->flags & GP_FILTER_PID)
        sqlite3_bind_int64(st, 3, f->pid);
    if (f->flags & GP_FILTER_TIME) {
        sqlite3_bind_int64(st, 4, f->t1_ns);
        sqlite3_bind_int64(st, 5, f->t0_ns);
    }
    if (f->flags & GP_FILTER_ROWS) {
        sqlite3_bind_int64(st, 6, f->row0);
        sqlite3_bind_int64(st, 7, f->row1);
    }
}

gp_iter *gp_trace_iter(gp_trace *t, gp_kind kind, const gp_filter *f, gp_error *err)
{
    char sql[2048];
    const gp_field *fields;
    const gp_table_info *ti = gp_store_table(kind);
    gp_iter *it;
    size_t n;
    int nf, rc;

    if (!ti) {
        gp_error_set(err, GP_ERR_USAGE, "%s: no record kind %d", t->path, (int)kind);
        return NULL;
    }
    fields = gp_kind_fields(kind, &nf);
    n = (size_t)snprintf(sql, sizeof sql, "SELECT ");
    {
        uint64_t want = f && f->fields ? f->fields : ~(uint64_t)0;
        int first = 1;
        for (int i = 0; i < nf; i++) {
            const char *def;
            if (!(want >> i & 1))
                continue;
            /* A column this trace's version lacks reads as its default. */
            gp_store_has_column(kind, fields[i].name, t->version, &def);
            n += (size_t)snprintf(sql + n, sizeof sql - n, "%s%s", first ? "" : ", ",
                                  def ? def : fields[i].name);
            first = 0;
        }
        if (first)
            n += (size_t)snprintf(sql + n, sizeof sql - n, "1");
    }
    snprintf(sql + n, sizeof sql - n, " FROM %s", gp_kind_name(kind));
    if (where_clause(t, kind, f, sql, sizeof sql, err) != GP_OK)
        return NULL;
    n = strlen(sql);
    if (f && (f->flags & GP_FILTER_UNORDERED))
        ; /* table order: SQLite's cheapest */
    else if (ti->time_col)
        snprintf(sql + n, sizeof sql - n, " ORDER BY %s, rowid", ti->time_col);
    else
        snprintf(sql + n, sizeof sql - n, " ORDER BY rowid");
    it = calloc(1, sizeof *it);
    if (!it) {
        gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory", t->path);
        return NULL;
    }
    it->t = t;
    it->kind = kind;
    it->fields = f && f->fields ? f->fields : ~(uint64_t)0;
    rc = sqlite3_prepare_v2(t->db, sql, -1, &it->st, NULL);
    if (rc != SQLITE_OK) {
        gp_store_fail(t->db, rc, t->path, "reading records", err);
        gp_iter_free(it);
        return NULL;
    }
    bind_filter(it->st, f);
    return it;
}

static void read_fields(sqlite3_stmt *st, gp_kind kind, uint64_t want, gp_record *r)
{
    int nf, col = 0;
    const gp_field *f = gp_kind_fields(kind, &nf);
    unsigned char *base = (unsigned char *)&r->u;

    memset(r, 0, sizeof *r);
    r->kind = kind;
    for (int i = 0; i < nf; i++) {
        void *p = base + f[i].offset;
        if (!(want >> i & 1))
            continue;
        switch (f[i].type) {
        case GP_F_I32:
        case GP_F_BOOL: *(int32_t *)p = sqlite3_column_int(st, col); break;
        case GP_F_U32:
        case GP_F_STR: *(uint32_t *)p = (uint32_t)sqlite3_column_int64(st, col); break;
        case GP_F_I64: *(int64_t *)p = sqlite3_column_int64(st, col); break;
        case GP_F_U64: *(uint64_t *)p = (uint64_t)sqlite3_column_int64(st, col); break;
        case GP_F_F64: *(double *)p = sqlite3_column_double(st, col); break;
        }
        col++;
    }
}

int gp_iter_next(gp_iter *it, gp_record *r, gp_error *err)
{
    int rc;

    if (it->done)
        return 0;
    rc = sqlite3_step(it->st);
    if (rc == SQLITE_ROW) {
        read_fields(it->st, it->kind, it->fields, r);
        return 1;
    }
    it->done = 1;
    if (rc == SQLITE_DONE)
        return 0;
    gp_store_fail(it->t->db, rc, it->t->path, "reading records", err);
    return -1;
}

void gp_iter_free(gp_iter *it)
{
    if (!it)
        return;
    sqlite3_finalize(it->st);
    free(it);
}

/* Runs a query that returns one integer (NULL reads as 0). */
static gp_status query_int64(gp_trace *t, const char *sql, const gp_filter *f, int64_t *out,
                             const char *doing, gp_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(t->db, sql, -1, &st, NULL);

    if (rc == SQLITE_OK) {
        bind_filter(st, f);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int64(st, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK)
        return gp_store_fail(t->db, rc, t->path, doing, err);
    return GP_OK;
}

gp_status gp_trace_count(gp_trace *t, gp_kind kind, const gp_filter *f, int64_t *count,
                         gp_error *err)
{
    char sql[512];
    gp_status s;

    if (!gp_store_table(kind))
        return gp_error_set(err, GP_ERR_USAGE, "%s: no record kind %d", t->path, (int)kind);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", gp_kind_name(kind));
    if ((s = where_clause(t, kind, f, sql, sizeof sql, err)) != GP_OK)
        return s;
    return query_int64(t, sql, f, count, "counting records", err);
}

gp_status gp_trace_last_row(gp_trace *t, gp_kind kind, int64_t *row, gp_error *err)
{
    char sql[128];

    *row = 0;
    if (!gp_store_table(kind))
        return gp_error_set(err, GP_ERR_USAGE, "%s: no record kind %d", t->path, (int)kind);
    snprintf(sql, sizeof sql, "SELECT max(rowid) FROM %s", gp_kind_name(kind));
    return query_int64(t, sql, NULL, row, "reading the row count", err);
}

gp_status gp_trace_time_range(gp_trace *t, gp_kind kind, int64_t *first_ns, int64_t *last_ns,
                              int64_t *count, gp_error *err)
{
    const gp_table_info *ti = gp_store_table(kind);
    int64_t row[3] = { 0, 0, 0 };
    char sql[256];
    gp_status st;

    *first_ns = *last_ns = *count = 0;
    if (!ti || !ti->time_col)
        return gp_error_set(err, GP_ERR_USAGE, "%s: %s records have no time", t->path,
                            ti ? gp_kind_name(kind) : "unknown");
    snprintf(sql, sizeof sql, "SELECT min(%s), max(%s), count(*) FROM %s", ti->time_col,
             ti->end_expr, gp_kind_name(kind));
    st = gp_store_row_int64(t->db, sql, row, 3, t->path, "reading the time range", err);
    *first_ns = row[0];
    *last_ns = row[1];
    *count = row[2];
    return st;
}

uint64_t gp_trace_fields_mask(gp_kind kind, const char *names)
{
    int nf;
    const gp_field *f = gp_kind_fields(kind, &nf);
    uint64_t m = 0;

    for (int i = 0; i < nf; i++) {
        size_t len = strlen(f[i].name);
        for (const char *p = names; (p = strstr(p, f[i].name)); p += len)
            if ((p == names || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0'))
                m |= (uint64_t)1 << i;
    }
    return m;
}
