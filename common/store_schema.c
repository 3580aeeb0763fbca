/* store_schema.c: the trace store's schema, its version checks and indexes.
 *
 * Schema history (PRAGMA user_version):
 *   1  first version (gpupack 0.1).
 *   2  process: anchor_start_ns, anchor_start_err_ns, anchor_end_ns,
 *      anchor_end_err_ns (clock anchors; docs/trace-format.md).
 * A reader refuses a newer version with a message to upgrade gpupack. An
 * older one is read as it is (traces are opened read-only): the columns
 * `added` after its version are selected as their "unknown" value instead.
 * Columns are only ever added, so this table is the whole upgrade.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "store.h"
#include "store_internal.h"

static const gp_table_info tables[GP_KIND_COUNT] = {
    [GP_KIND_PROCESS] = { "start_ns", "end_ns", "pid, start_ns", 0, 0, 1 },
    [GP_KIND_DEVICE] = { NULL, NULL, "id", 0, 0, 0 },
    [GP_KIND_CONTEXT] = { NULL, NULL, "pid, id", 1, 0, 1 },
    [GP_KIND_STREAM] = { NULL, NULL, "pid, id", 1, 0, 1 },
    [GP_KIND_KERNEL] = { "start_ns", "end_ns", NULL, 1, 1, 1 },
    [GP_KIND_MEMCPY] = { "start_ns", "end_ns", NULL, 1, 1, 1 },
    [GP_KIND_MEMSET] = { "start_ns", "end_ns", NULL, 1, 1, 1 },
    [GP_KIND_SYNC] = { "start_ns", "end_ns", NULL, 1, 1, 1 },
    [GP_KIND_API] = { "start_ns", "end_ns", NULL, 0, 0, 1 },
    [GP_KIND_NVTX] = { "start_ns", "end_ns", NULL, 0, 0, 1 },
    [GP_KIND_METRIC] = { "ts_ns", "ts_ns + dur_ns", NULL, 1, 0, 1 },
    [GP_KIND_DROPPED] = { "ts_ns", "ts_ns", NULL, 0, 0, 1 },
    [GP_KIND_COSCHED] = { "ts_ns", "ts_ns + dur_ns", NULL, 0, 0, 1 },
    [GP_KIND_OVERHEAD] = { "start_ns", "end_ns", NULL, 0, 0, 1 },
    [GP_KIND_EXTCORR] = { NULL, NULL, NULL, 0, 0, 1 },
};

/* Columns added after version 1, with the version that added them and what
 * an older trace reads in their place. */
static const struct {
    int kind;
    const char *name;
    int since;
    const char *def;
} added[] = {
    { GP_KIND_PROCESS, "anchor_start_ns", 2, "0" },
    { GP_KIND_PROCESS, "anchor_start_err_ns", 2, "0" },
    { GP_KIND_PROCESS, "anchor_end_ns", 2, "0" },
    { GP_KIND_PROCESS, "anchor_end_err_ns", 2, "0" },
};

int gp_store_has_column(int kind, const char *name, int version, const char **def)
{
    *def = NULL;
    for (size_t i = 0; i < sizeof added / sizeof added[0]; i++)
        if (added[i].kind == kind && version < added[i].since && strcmp(added[i].name, name) == 0) {
            *def = added[i].def;
            return 0;
        }
    return 1;
}

/* Kinds joined to API calls by (pid, correlation). */
static const int corr_kinds[] = {
    GP_KIND_KERNEL, GP_KIND_MEMCPY, GP_KIND_MEMSET, GP_KIND_SYNC, GP_KIND_API, GP_KIND_EXTCORR,
};
/* Kinds read per stream. */
static const int stream_kinds[] = { GP_KIND_KERNEL, GP_KIND_MEMCPY, GP_KIND_MEMSET };

const gp_table_info *gp_store_table(int kind)
{
    return kind >= 0 && kind < GP_KIND_COUNT ? &tables[kind] : NULL;
}

gp_status gp_store_fail(sqlite3 *db, int rc, const char *path, const char *doing, gp_error *err)
{
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);

    switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_FORMAT:
    case SQLITE_RANGE:
        return gp_error_set(err, GP_ERR_INPUT,
                            "%s: the trace is damaged (%s while %s); it may have been truncated "
                            "or overwritten", path, msg, doing);
    case SQLITE_NOMEM:
        return gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory while %s", path, doing);
    case SQLITE_FULL: /* SQLite's own code for ENOSPC */
        return gp_error_set(err, GP_ERR_IO, "%s: disk full (ENOSPC) while %s", path, doing);
    case SQLITE_IOERR: /* the OS's reason, when SQLite kept it (EDQUOT, EIO, ...) */
        if (db && sqlite3_system_errno(db))
            return gp_error_set(err, GP_ERR_IO, "%s: %s (%s) while %s", path, msg,
                                strerror(sqlite3_system_errno(db)), doing);
        /* fall through */
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return gp_error_set(err, GP_ERR_IO, "%s: %s while %s", path, msg, doing);
    default:
        return gp_error_set(err, GP_ERR_INTERNAL, "%s: %s while %s (SQLite error %d)", path, msg,
                            doing, rc);
    }
}

gp_status gp_store_exec(sqlite3 *db, const char *sql, const char *path, gp_error *err)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

    if (rc != SQLITE_OK)
        return gp_store_fail(db, rc, path, "updating the schema", err);
    return GP_OK;
}

static int append(gp_buf *b, const char *s)
{
    return gp_buf_append(b, s, strlen(s));
}

gp_status gp_store_create_schema(sqlite3 *db, const char *path, gp_error *err)
{
    gp_buf sql = GP_BUF_INIT;
    char tail[128];
    gp_status st;
    int bad = 0;

    bad |= append(&sql,
                  "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;\n"
                  "CREATE TABLE strings(id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);\n");
    for (int k = 0; k < GP_KIND_COUNT; k++) {
        int nf;
        const gp_field *f = gp_kind_fields(k, &nf);

        bad |= append(&sql, "CREATE TABLE ");
        bad |= append(&sql, gp_kind_name(k));
        bad |= append(&sql, "(");
        for (int i = 0; i < nf; i++) {
            bad |= append(&sql, i ? ", " : "");
            bad |= append(&sql, f[i].name);
            bad |= append(&sql, f[i].type == GP_F_F64 ? " REAL" : " INTEGER");
        }
        if (tables[k].key) {
            bad |= append(&sql, ", UNIQUE(");
            bad |= append(&sql, tables[k].key);
            bad |= append(&sql, ")");
        }
        bad |= append(&sql, ");\n");
    }
    snprintf(tail, sizeof tail, "PRAGMA user_version = %d; PRAGMA application_id = %d;",
             GP_STORE_SCHEMA_VERSION, GP_STORE_APPLICATION_ID);
    bad |= append(&sql, tail);
    bad |= gp_buf_append(&sql, "", 1);
    if (bad) {
        gp_buf_free(&sql);
        return gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory creating the schema", path);
    }
    st = gp_store_exec(db, (const char *)sql.data, path, err);
    gp_buf_free(&sql);
    return st;
}

static gp_status index_one(sqlite3 *db, const char *path, const char *suffix, int kind,
                           const char *cols, gp_error *err)
{
    char sql[256];

    snprintf(sql, sizeof sql, "CREATE INDEX IF NOT EXISTS %s_%s ON %s(%s);", gp_kind_name(kind),
             suffix, gp_kind_name(kind), cols);
    return gp_store_exec(db, sql, path, err);
}

gp_status gp_store_create_indexes(sqlite3 *db, const char *path, gp_error *err)
{
    gp_status st = GP_OK;
    char cols[64];

    for (int k = 0; k < GP_KIND_COUNT && st == GP_OK; k++)
        if (tables[k].time_col && !tables[k].key)
            st = index_one(db, path, "time", k, tables[k].time_col, err);
    for (size_t i = 0; i < sizeof corr_kinds / sizeof corr_kinds[0] && st == GP_OK; i++)
        st = index_one(db, path, "corr", corr_kinds[i], "pid, correlation", err);
    for (size_t i = 0; i < sizeof stream_kinds / sizeof stream_kinds[0] && st == GP_OK; i++) {
        snprintf(cols, sizeof cols, "device, stream, %s", tables[stream_kinds[i]].time_col);
        st = index_one(db, path, "stream", stream_kinds[i], cols, err);
    }
    return st;
}

gp_status gp_store_row_int64(sqlite3 *db, const char *sql, int64_t *out, int n, const char *path,
                             const char *doing, gp_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            for (int i = 0; i < n; i++)
                out[i] = sqlite3_column_int64(st, i);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK)
        return gp_store_fail(db, rc, path, doing, err);
    return GP_OK;
}

gp_status gp_store_check_version(sqlite3 *db, const char *path, int *version, gp_error *err)
{
    int64_t app = 0, ver = 0;
    gp_status st;

    if ((st = gp_store_row_int64(db, "PRAGMA application_id", &app, 1, path,
                                 "reading the trace header", err)) != GP_OK ||
        (st = gp_store_row_int64(db, "PRAGMA user_version", &ver, 1, path,
                                 "reading the trace header", err)) != GP_OK)
        return st;
    if (app != GP_STORE_APPLICATION_ID)
        return gp_error_set(err, GP_ERR_INPUT,
                            "%s: not a gpupack trace (an SQLite database of another program, "
                            "application id 0x%08" PRIx64 ")", path, (uint64_t)app);
    if (ver > GP_STORE_SCHEMA_VERSION)
        return gp_error_set(err, GP_ERR_VERSION,
                            "%s: written by a newer gpupack (trace format %" PRId64
                            "; this gpupack " PACKAGE_VERSION " reads up to %d): upgrade gpupack "
                            "to read it", path, ver, GP_STORE_SCHEMA_VERSION);
    if (ver < 1)
        return gp_error_set(err, GP_ERR_INPUT,
                            "%s: the trace has no schema (trace format %" PRId64
                            "): it was cut short while being created", path, ver);
    *version = (int)ver;
    return GP_OK;
}
