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
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "store.h"
#include "store_internal.h"
#include "strcache.h"

#define STRCACHE_ENTRIES 65536
#define STRCACHE_BYTES (16u << 20)
#define PAGE_BYTES 8192            /* PRAGMA page_size below */
#define WAL_CHECKPOINT_FRAMES 1000 /* SQLite's default autocheckpoint */
#define WAL_RESERVE_FRAMES 16      /* room kept for the last transaction after a disk full */

struct gp_writer {
    sqlite3 *db;
    char *path;
    int lock_fd; /* the trace, flock()ed while it is written; closed after the database */
    dev_t dev;   /* the trace's file, in the list of those this process writes */
    ino_t ino;
    int in_txn;
    int full;          /* a checkpoint failed (disk full): gp_writer_begin fails */
    gp_error full_err; /* why */
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

/* The traces this process is writing. Another descriptor of one of them
 * must never be opened and closed here: closing it would drop the locks
 * SQLite holds on the file (POSIX locks belong to the process, not to a
 * descriptor). Beyond MAX_HELD writers at once, the others are not listed. */
#define MAX_HELD 64
static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;
static struct { dev_t dev; ino_t ino; } held[MAX_HELD];
static int n_held;

static int held_here(const char *path)
{
    struct stat sb;
    int found = 0;

    if (stat(path, &sb) < 0)
        return 0;
    pthread_mutex_lock(&held_lock);
    for (int i = 0; i < n_held && !found; i++)
        found = held[i].dev == sb.st_dev && held[i].ino == sb.st_ino;
    pthread_mutex_unlock(&held_lock);
    return found;
}

static void hold(gp_writer *w)
{
    struct stat sb;

    if (fstat(w->lock_fd, &sb) < 0)
        return;
    pthread_mutex_lock(&held_lock);
    if (n_held < MAX_HELD) {
        held[n_held].dev = w->dev = sb.st_dev;
        held[n_held].ino = w->ino = sb.st_ino;
        n_held++;
    }
    pthread_mutex_unlock(&held_lock);
}

static void unhold(gp_writer *w)
{
    pthread_mutex_lock(&held_lock);
    for (int i = 0; i < n_held; i++)
        if (held[i].dev == w->dev && held[i].ino == w->ino) {
            held[i] = held[--n_held];
            break;
        }
    pthread_mutex_unlock(&held_lock);
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
    /* Only now: closing another descriptor of the file while SQLite has it
     * open would drop SQLite's own (POSIX) locks on it. */
    if (w->lock_fd >= 0) {
        unhold(w);
        close(w->lock_fd);
    }
    gp_strcache_free(w->strings);
    free(w->path);
    free(w);
}

static const char *const side_files[] = { "", "-wal", "-shm", "-journal" };

/* Removes path and the files SQLite keeps beside it. Returns 0, or -1
 * with errno and the file that could not go in failed (cap bytes). */
static int remove_trace(const char *path, char *failed, size_t cap)
{
    for (size_t i = 0; i < sizeof side_files / sizeof side_files[0]; i++) {
        snprintf(failed, cap, "%s%s", path, side_files[i]);
        if (unlink(failed) < 0 && errno != ENOENT)
            return -1;
    }
    return 0;
}

/* Takes the writer's lock on fd (an exclusive flock). A reader probing
 * with gp_writer_busy holds a shared one for microseconds, so a few short
 * retries tell it from a writer, which holds it for the whole recording.
 * Returns 0, or -1 with errno EWOULDBLOCK when another writer has it. */
static int lock_trace(int fd)
{
    for (int tries = 0;; tries++) {
        struct timespec ts = { 0, 5000000 };
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return 0;
        if ((errno != EWOULDBLOCK && errno != EINTR) || tries >= 20)
            return -1;
        nanosleep(&ts, NULL);
    }
}

int gp_writer_busy(const char *path)
{
    int fd, busy;

    if (held_here(path))
        return 1;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
        return 0;
    busy = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
    close(fd);
    return busy;
}

static gp_status busy_error(const char *path, gp_error *err)
{
    return gp_error_set(err, GP_ERR_EXISTS, "%s is being written by another gpupack (a "
                        "recording under way); choose another name, or wait for it to finish",
                        path);
}

/* Claims path for a new trace: fails if it exists, unless overwriting, and
 * never replaces a trace another writer holds. Returns the new file's
 * descriptor, locked, or -1 with err set. */
static int claim_path(const char *path, unsigned flags, gp_error *err)
{
    char side[4096];
    int fd, old = -1;

    if (flags & GP_WRITER_OVERWRITE) {
        if (held_here(path)) {
            busy_error(path, err);
            return -1;
        }
        old = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (old >= 0 && lock_trace(old) < 0) {
            close(old);
            busy_error(path, err);
            return -1;
        }
        if (remove_trace(path, side, sizeof side) < 0) {
            gp_error_set(err, GP_ERR_IO, "%s: cannot replace it: %s", side, strerror(errno));
            if (old >= 0)
                close(old);
            return -1;
        }
    }
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        int e = errno;
        if (old >= 0)
            close(old);
        if (e == EEXIST && gp_writer_busy(path))
            busy_error(path, err);
        else if (e == EEXIST)
            gp_error_set(err, GP_ERR_EXISTS,
                         "%s already exists; choose another name or remove it first", path);
        else
            gp_error_set(err, GP_ERR_IO, "%s: cannot create the trace: %s", path, strerror(e));
        return -1;
    }
    if (old >= 0)
        close(old); /* the old file is gone; the new one is locked below */
    if (lock_trace(fd) < 0) {
        /* Another writer claimed the new file between its creation and now. */
        close(fd);
        busy_error(path, err);
        return -1;
    }
    return fd;
}

/* A full disk, and what is left of it for the last words.
 *
 * While a trace is written, its file grows only at checkpoints (SQLite
 * copies the WAL into it every WAL_CHECKPOINT_FRAMES frames, then writes
 * the WAL again from its start), and its WAL is given all its room when
 * the trace is created (reserve_wal): the checkpoint frames and
 * WAL_RESERVE_FRAMES more. So when the disk fills, a checkpoint fails
 * first, and the WAL still has room: this hook, in place of SQLite's
 * autocheckpoint, does not fail the COMMIT that ran the checkpoint (it has
 * committed) but the next gp_writer_begin; after gp_writer_rollback the
 * caller may write one small transaction (a few pages) into the reserve.
 * A transaction that needs the WAL to grow past its room on a full disk
 * fails on its own and is rolled back. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
    gp_writer *w = arg;
    int rc;

    if (frames < WAL_CHECKPOINT_FRAMES)
        return SQLITE_OK;
    rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    if (!w->full && ((rc & 0xff) == SQLITE_FULL || (rc & 0xff) == SQLITE_IOERR)) {
        w->full = 1;
        gp_store_fail(db, rc, w->path, "checkpointing the trace", &w->full_err);
    }
    return SQLITE_OK;
}

/* Gives the WAL its room on the disk now (see wal_hook). Only a full disk
 * is an error: a file system that cannot reserve space simply does not. */
static gp_status reserve_wal(gp_writer *w, gp_error *err)
{
    off_t bytes = 32 + (off_t)(WAL_CHECKPOINT_FRAMES + WAL_RESERVE_FRAMES) * (PAGE_BYTES + 24);
    char wal[4096];
    int fd, rc;

    snprintf(wal, sizeof wal, "%s-wal", w->path);
    fd = open(wal, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return GP_OK;
    rc = posix_fallocate(fd, 0, bytes);
    close(fd); /* SQLite holds no lock on the WAL itself: closing is safe */
    if (rc == ENOSPC || rc == EDQUOT)
        return gp_error_set(err, GP_ERR_IO, "%s: disk full (%s) while reserving room for the "
                            "trace", w->path, rc == ENOSPC ? "ENOSPC" : "EDQUOT");
    return GP_OK;
}

/* Runs SQL with no results; err says what was being done. */
static gp_status exec_doing(gp_writer *w, const char *sql, const char *doing, gp_error *err)
{
    int rc = sqlite3_exec(w->db, sql, NULL, NULL, NULL);

    if (rc != SQLITE_OK)
        return gp_store_fail(w->db, rc, w->path, doing, err);
    return GP_OK;
}

gp_writer *gp_writer_create(const char *path, unsigned flags, gp_error *err)
{
    gp_writer *w;
    char created[32], side[4096];
    int rc, fd = claim_path(path, flags, err);

    if (fd < 0)
        return NULL;
    w = calloc(1, sizeof *w);
    if (!w) {
        close(fd);
        unlink(path);
        gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory", path);
        return NULL;
    }
    w->lock_fd = fd;
    hold(w);
    if (!(w->path = strdup(path)) ||
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
    sqlite3_wal_hook(w->db, wal_hook, w);
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
        exec_doing(w, "COMMIT;", "creating the trace", err) || reserve_wal(w, err))
        goto fail;
    return w;
fail:
    /* What was created is not a trace: leave nothing behind (removed while
     * the lock is held, so no other writer's file goes with it). */
    remove_trace(path, side, sizeof side);
    free_writer(w);
    return NULL;
}

gp_status gp_writer_begin(gp_writer *w, gp_error *err)
{
    gp_status st;

    if (w->in_txn)
        return GP_OK;
    if (w->full)
        return gp_error_set(err, w->full_err.code, "%s", w->full_err.msg);
    st = exec_doing(w, "BEGIN;", "starting a transaction", err);
    w->in_txn = st == GP_OK;
    return st;
}

gp_status gp_writer_commit(gp_writer *w, gp_error *err)
{
    if (!w->in_txn)
        return GP_OK;
    w->in_txn = 0;
    return exec_doing(w, "COMMIT;", "committing records", err);
}

void gp_writer_rollback(gp_writer *w)
{
    /* SQLite may have rolled back already (SQLITE_FULL, SQLITE_IOERR). */
    if (!sqlite3_get_autocommit(w->db))
        sqlite3_exec(w->db, "ROLLBACK;", NULL, NULL, NULL);
    w->in_txn = 0;
    w->full = 0; /* the reserve is the caller's now */
    gp_strcache_clear(w->strings); /* ids handed out in the transaction are gone */
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
        st = exec_doing(w, "PRAGMA synchronous = NORMAL; PRAGMA wal_checkpoint(TRUNCATE);"
                        "PRAGMA journal_mode = DELETE;", "finishing the trace", err);
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
