/* store_writer.c: appends records to a trace (one writer per file).
 *
 * Cost: one prepared INSERT per record (about 1 us for a kernel on one
 * core); a transaction per batch. The file is in WAL mode while it is
 * written, so every committed transaction survives the writer being killed;
 * indexes are built once, at close. Memory is
 * bounded: SQLite's page cache (8 MiB), the string cache (64 Ki entries or
 * 16 MiB of text) and one prepared statement per kind.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "store.h"
#include "store_internal.h"
#include "strcache.h"

#define STRCACHE_ENTRIES 65536
#define STRCACHE_BYTES (16u << 20)

struct gp_writer {
    sqlite3 *db;
    char *path;
    int in_txn;
    sqlite3_stmt *insert[GP_KIND_COUNT];
    sqlite3_stmt *str_insert, *str_select, *meta_set;
    sqlite3_stmt *str_text; /* text by id, prepared on first use */
    gp_strcache *strings;
};

static gp_status prepare(gp_writer *w, const char *sql, sqlite3_stmt **st, gp_error *err)
{
    int rc = sqlite3_prepare_v3(w->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);

    if (rc != SQLITE_OK)
        return gp_store_fail(w->db, rc, w->path, "preparing a statement", err);
    return GP_OK;
}

static void free_writer(gp_writer *w)
{
    for (int k = 0; k < GP_KIND_COUNT; k++)
        sqlite3_finalize(w->insert[k]);
    sqlite3_finalize(w->str_insert);
    sqlite3_finalize(w->str_select);
    sqlite3_finalize(w->meta_set);
    sqlite3_finalize(w->str_text);
    sqlite3_close(w->db);
    gp_strcache_free(w->strings);
    free(w->path);
    free(w);
}

/* Claims path for a new trace: fails if it exists, unless overwriting. */
static gp_status claim_path(const char *path, unsigned flags, gp_error *err)
{
    int fd;

    if (flags & GP_WRITER_OVERWRITE) {
        char side[4096];
        static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
        for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
            snprintf(side, sizeof side, "%s%s", path, sfx[i]);
            if (unlink(side) < 0 && errno != ENOENT)
                return gp_error_set(err, GP_ERR_IO, "%s: cannot replace it: %s", side,
                                    strerror(errno));
        }
    }
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (errno == EEXIST)
            return gp_error_set(err, GP_ERR_EXISTS,
                                "%s already exists; choose another name or remove it first",
                                path);
        return gp_error_set(err, GP_ERR_IO, "%s: cannot create the trace: %s", path,
                            strerror(errno));
    }
    close(fd);
    return GP_OK;
}

gp_writer *gp_writer_create(const char *path, unsigned flags, gp_error *err)
{
    gp_writer *w;
    char created[32];
    int rc;

    if (claim_path(path, flags, err) != GP_OK)
        return NULL;
    w = calloc(1, sizeof *w);
    if (!w || !(w->path = strdup(path)) ||
        !(w->strings = gp_strcache_new(STRCACHE_ENTRIES, STRCACHE_BYTES))) {
        gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory", path);
        goto fail;
    }
    rc = sqlite3_open_v2(path, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        gp_store_fail(w->db, rc, path, "creating the trace", err);
        goto fail;
    }
    sqlite3_extended_result_codes(w->db, 1);
    /* page_size must precede WAL. In WAL mode synchronous=OFF still keeps
     * every committed transaction when the recorder is killed (the OS has
     * the pages); only an OS crash or power loss mid-recording can lose or
     * damage the trace. It makes writing ~20 % faster; close() turns it
     * back on for the final checkpoint, so a finished trace is durable. */
    if (gp_store_exec(w->db,
                      "PRAGMA page_size = 8192; PRAGMA journal_mode = WAL;"
                      "PRAGMA synchronous = OFF; PRAGMA cache_size = -8192;"
                      "BEGIN;", path, err) != GP_OK ||
        gp_store_create_schema(w->db, path, err) != GP_OK)
        goto fail;
    if (prepare(w, "INSERT OR IGNORE INTO strings(text) VALUES(?)", &w->str_insert, err) ||
        prepare(w, "SELECT id FROM strings WHERE text = ?", &w->str_select, err) ||
        prepare(w, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", &w->meta_set, err))
        goto fail;
    snprintf(created, sizeof created, "%" PRId64, gp_wall_ns());
    if (gp_writer_set_meta(w, "format", "gpupack-trace", err) ||
        gp_writer_set_meta(w, "gpupack_version", PACKAGE_VERSION, err) ||
        gp_writer_set_meta(w, "created_wall_ns", created, err) ||
        gp_writer_set_meta(w, "clock", "CLOCK_MONOTONIC", err) ||
        gp_writer_set_meta(w, "complete", "0", err) ||
        gp_store_exec(w->db, "COMMIT;", path, err))
        goto fail;
    return w;
fail:
    if (w)
        free_writer(w);
    return NULL;
}

gp_status gp_writer_begin(gp_writer *w, gp_error *err)
{
    gp_status st;

    if (w->in_txn)
        return GP_OK;
    st = gp_store_exec(w->db, "BEGIN;", w->path, err);
    w->in_txn = st == GP_OK;
    return st;
}

gp_status gp_writer_commit(gp_writer *w, gp_error *err)
{
    if (!w->in_txn)
        return GP_OK;
    w->in_txn = 0;
    return gp_store_exec(w->db, "COMMIT;", w->path, err);
}

static gp_status insert_stmt(gp_writer *w, int kind, sqlite3_stmt **out, gp_error *err)
{
    char sql[1024];
    size_t n;
    int nf;

    if (w->insert[kind]) {
        *out = w->insert[kind];
        return GP_OK;
    }
    gp_kind_fields(kind, &nf);
    n = (size_t)snprintf(sql, sizeof sql, "INSERT %sINTO %s VALUES(",
                         gp_store_table(kind)->key ? "OR REPLACE " : "", gp_kind_name(kind));
    for (int i = 0; i < nf && n < sizeof sql; i++)
        n += (size_t)snprintf(sql + n, sizeof sql - n, i ? ",?" : "?");
    if (n + 2 >= sizeof sql)
        return gp_error_set(err, GP_ERR_INTERNAL, "insert statement too long");
    strcpy(sql + n, ")");
    gp_status st = prepare(w, sql, &w->insert[kind], err);
    *out = w->insert[kind];
    return st;
}

/* Binds every field of a record of `kind` held at base, in column order. */
static void bind_fields(sqlite3_stmt *st, gp_kind kind, const unsigned char *base)
{
    int nf;
    const gp_field *f = gp_kind_fields(kind, &nf);

    for (int i = 0; i < nf; i++) {
        const void *p = base + f[i].offset;
        switch (f[i].type) {
        case GP_F_I32:
        case GP_F_BOOL: sqlite3_bind_int(st, i + 1, *(const int32_t *)p); break;
        case GP_F_U32:
        case GP_F_STR: sqlite3_bind_int64(st, i + 1, *(const uint32_t *)p); break;
        case GP_F_I64: sqlite3_bind_int64(st, i + 1, *(const int64_t *)p); break;
        case GP_F_U64: sqlite3_bind_int64(st, i + 1, (int64_t)*(const uint64_t *)p); break;
        case GP_F_F64: sqlite3_bind_double(st, i + 1, *(const double *)p); break;
        }
    }
}

gp_status gp_writer_put(gp_writer *w, const gp_record *r, gp_error *err)
{
    return gp_writer_put_item(w, r->kind, &r->u, err);
}

gp_status gp_writer_put_item(gp_writer *w, gp_kind kind, const void *item, gp_error *err)
{
    sqlite3_stmt *st;
    gp_status s;
    int rc;

    if ((unsigned)kind >= GP_KIND_COUNT)
        return gp_error_set(err, GP_ERR_INTERNAL, "%s: record of unknown kind %d", w->path,
                            (int)kind);
    if ((s = insert_stmt(w, kind, &st, err)) != GP_OK)
        return s;
    bind_fields(st, kind, item);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return gp_store_fail(w->db, rc, w->path, "writing a record", err);
    return GP_OK;
}

gp_strid gp_writer_intern(gp_writer *w, const char *s, size_t len, gp_error *err)
{
    int64_t id;
    int rc;

    if (gp_strcache_find(w->strings, s, len, &id))
        return (gp_strid)id;
    if (len > INT32_MAX) {
        gp_error_set(err, GP_ERR_INPUT, "%s: string of %zu bytes is too long", w->path, len);
        return 0;
    }
    sqlite3_bind_text(w->str_insert, 1, s, (int)len, SQLITE_STATIC);
    rc = sqlite3_step(w->str_insert);
    sqlite3_reset(w->str_insert);
    if (rc != SQLITE_DONE)
        goto fail;
    if (sqlite3_changes(w->db) == 1) {
        id = sqlite3_last_insert_rowid(w->db);
    } else {
        sqlite3_bind_text(w->str_select, 1, s, (int)len, SQLITE_STATIC);
        rc = sqlite3_step(w->str_select);
        id = rc == SQLITE_ROW ? sqlite3_column_int64(w->str_select, 0) : 0;
        sqlite3_reset(w->str_select);
        if (rc != SQLITE_ROW)
            goto fail;
    }
    if (id <= 0 || id > UINT32_MAX) {
        gp_error_set(err, GP_ERR_INTERNAL, "%s: string id %" PRId64 " out of range", w->path, id);
        return 0;
    }
    if (gp_strcache_put(w->strings, s, len, id) < 0) {
        gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory interning a string", w->path);
        return 0;
    }
    return (gp_strid)id;
fail:
    gp_store_fail(w->db, rc, w->path, "writing a string", err);
    return 0;
}

gp_status gp_writer_string(gp_writer *w, gp_strid id, char *out, size_t cap, size_t *len,
                           gp_error *err)
{
    const unsigned char *text;
    size_t n = 0;
    int rc;

    out[0] = '\0';
    *len = 0;
    if (id == 0)
        return GP_OK;
    if (!w->str_text && prepare(w, "SELECT text FROM strings WHERE id = ?", &w->str_text, err))
        return err->code;
    sqlite3_bind_int64(w->str_text, 1, id);
    rc = sqlite3_step(w->str_text);
    if (rc == SQLITE_ROW && (text = sqlite3_column_text(w->str_text, 0))) {
        *len = (size_t)sqlite3_column_bytes(w->str_text, 0);
        n = *len < cap - 1 ? *len : cap - 1;
        memcpy(out, text, n);
        out[n] = '\0';
    }
    sqlite3_reset(w->str_text);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return gp_store_fail(w->db, rc, w->path, "reading a string", err);
    return GP_OK;
}

gp_status gp_writer_set_meta(gp_writer *w, const char *key, const char *value, gp_error *err)
{
    int rc;

    sqlite3_bind_text(w->meta_set, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(w->meta_set, 2, value, -1, SQLITE_STATIC);
    rc = sqlite3_step(w->meta_set);
    sqlite3_reset(w->meta_set);
    if (rc != SQLITE_DONE)
        return gp_store_fail(w->db, rc, w->path, "writing trace metadata", err);
    return GP_OK;
}

gp_status gp_writer_close(gp_writer *w, gp_error *err)
{
    char done[32];
    gp_status st;
    int rc;

    snprintf(done, sizeof done, "%" PRId64, gp_wall_ns());
    st = gp_writer_commit(w, err);
    if (st == GP_OK)
        st = gp_writer_begin(w, err);
    if (st == GP_OK)
        st = gp_store_create_indexes(w->db, w->path, err);
    if (st == GP_OK)
        st = gp_writer_set_meta(w, "complete", "1", err);
    if (st == GP_OK)
        st = gp_writer_set_meta(w, "finished_wall_ns", done, err);
    if (st == GP_OK)
        st = gp_writer_commit(w, err);
    /* Fold the WAL into the file so the trace is one self-contained file. */
    if (st == GP_OK)
        st = gp_store_exec(w->db,
                           "PRAGMA synchronous = NORMAL; PRAGMA wal_checkpoint(TRUNCATE);"
                           "PRAGMA journal_mode = DELETE;", w->path, err);
    for (int k = 0; k < GP_KIND_COUNT; k++) {
        sqlite3_finalize(w->insert[k]);
        w->insert[k] = NULL;
    }
    sqlite3_finalize(w->str_insert);
    sqlite3_finalize(w->str_select);
    sqlite3_finalize(w->meta_set);
    sqlite3_finalize(w->str_text);
    w->str_insert = w->str_select = w->meta_set = w->str_text = NULL;
    rc = sqlite3_close(w->db);
    w->db = NULL;
    if (rc != SQLITE_OK && st == GP_OK)
        st = gp_error_set(err, GP_ERR_IO, "%s: closing the trace failed (%s)", w->path,
                          sqlite3_errstr(rc));
    free_writer(w);
    return st;
}

void gp_writer_abandon(gp_writer *w)
{
    if (w)
        free_writer(w);
}
