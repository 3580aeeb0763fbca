/* store.h: the trace store, one SQLite file per trace (docs/trace-format.md).
 *
 * One writer, many readers. The writer appends records in transactions
 * (WAL, prepared statements); while it writes, the file is a valid trace
 * holding every committed batch, so a trace survives the recorder being
 * killed. gp_writer_close() adds the indexes, checkpoints and leaves a
 * single self-contained file.
 *
 *     gp_writer *w = gp_writer_create("run.gpupack", 0, &err);
 *     gp_writer_begin(w, &err);
 *     gp_strid name = gp_writer_intern(w, "my_kernel", 9, &err);
 *     gp_record r; gp_record_init(&r, GP_KIND_KERNEL); r.u.kernel.name = name; ...
 *     gp_writer_put(w, &r, &err);
 *     gp_writer_commit(w, &err);
 *     gp_writer_close(w, &err);
 *
 *     gp_trace *t = gp_trace_open("run.gpupack", &err);
 *     gp_filter f = { .flags = GP_FILTER_DEVICE, .device = 0 };
 *     gp_iter *it = gp_trace_iter(t, GP_KIND_KERNEL, &f, &err);
 *     while ((rc = gp_iter_next(it, &r, &err)) > 0)
 *         printf("%s\n", gp_trace_string(t, r.u.kernel.name));
 *     gp_iter_free(it);   // rc < 0: err says what went wrong
 *     gp_trace_close(t);
 *
 * Error messages name the file. A file that is not a trace, is damaged or
 * truncated gives GP_ERR_INPUT; one written by a newer gpupack GP_ERR_VERSION.
 */
#ifndef GP_STORE_H
#define GP_STORE_H

#include <stdint.h>

#include "error.h"
#include "event.h"

/* Schema version this build writes and the newest it reads. */
#define GP_STORE_SCHEMA_VERSION 2
/* PRAGMA application_id of every gpupack trace ("GPPK"). */
#define GP_STORE_APPLICATION_ID 0x4750504b

/* ---- writer ------------------------------------------------------------ */

typedef struct gp_writer gp_writer;

enum {
    GP_WRITER_OVERWRITE = 1 /* replace an existing file instead of failing */
};

/* Creates a new trace. Fails with GP_ERR_EXISTS if path exists (unless
 * GP_WRITER_OVERWRITE), and, even with GP_WRITER_OVERWRITE, if another
 * writer holds path: the writer holds an exclusive flock(2) on the file
 * until it is closed or abandoned (the kernel drops it when the process
 * dies). If creating fails, nothing is left at path. Memory use is bounded
 * whatever the trace length. */
gp_writer *gp_writer_create(const char *path, unsigned flags, gp_error *err);
/* 1 if a writer (in any process) holds the trace at path: it is being
 * written. Not for a process that has path open with gp_trace_open (closing
 * the descriptor it opens to ask would drop SQLite's locks there); a
 * process's own writers it knows without opening the file. */
int gp_writer_busy(const char *path);
/* Starts a transaction; records put until gp_writer_commit land together. */
gp_status gp_writer_begin(gp_writer *w, gp_error *err);
/* Appends one record. String fields must hold ids from gp_writer_intern.
 * Outside a transaction each put is its own transaction (slow). */
gp_status gp_writer_put(gp_writer *w, const gp_record *r, gp_error *err);
/* The same for a record held as its kind's struct (gp_kernel for
 * GP_KIND_KERNEL, ...), e.g. an item of a gp_batch: no copy. */
gp_status gp_writer_put_item(gp_writer *w, gp_kind kind, const void *item, gp_error *err);
gp_status gp_writer_commit(gp_writer *w, gp_error *err);
/* After a failed begin, put, intern or commit: ends the transaction, whose
 * records and strings are then not in the trace (SQLite rolls a
 * transaction back itself on SQLITE_FULL and most I/O errors; this makes
 * it so in every case). The writer may be used again: string ids handed
 * out before the last commit stay valid, later ones do not.
 * A full disk (GP_ERR_IO, "ENOSPC" in the message) shows first as a
 * failed gp_writer_begin, while the trace still has room (reserved when it
 * was created) for one small transaction after this call: the caller's
 * last words, e.g. what it could not write. */
void gp_writer_rollback(gp_writer *w);
/* The store id of a string, adding it if new. Returns 0 on error (err set).
 * O(len) with a bounded cache in front of the strings table. */
gp_strid gp_writer_intern(gp_writer *w, const char *s, size_t len, gp_error *err);
/* Copies the text of store string id into out (at most cap - 1 bytes and a
 * NUL) and sets *len to its full length; "" and 0 for id 0 or an unknown
 * id. One indexed lookup; sees strings interned in the open transaction. */
gp_status gp_writer_string(gp_writer *w, gp_strid id, char *out, size_t cap, size_t *len,
                           gp_error *err);
/* Sets a key in the trace's meta table (replacing any earlier value). */
gp_status gp_writer_set_meta(gp_writer *w, const char *key, const char *value, gp_error *err);
/* Finishes the trace: commits an open transaction, creates the indexes,
 * marks it complete, checkpoints the WAL into the file and closes it.
 * Frees w even when it fails. */
gp_status gp_writer_close(gp_writer *w, gp_error *err);
/* Closes without finishing (what a crash leaves, minus the lost
 * transaction): for tests and for giving up after an error. Frees w. */
void gp_writer_abandon(gp_writer *w);

/* ---- reader ------------------------------------------------------------ */

typedef struct gp_trace gp_trace;
typedef struct gp_iter gp_iter;

enum {
    GP_FILTER_DEVICE = 1 << 0,
    GP_FILTER_STREAM = 1 << 1,
    GP_FILTER_PID = 1 << 2,
    GP_FILTER_TIME = 1 << 3, /* records overlapping [t0_ns, t1_ns) */
    GP_FILTER_UNORDERED = 1 << 4, /* any order: no sort, for bulk loads that sort themselves */
    GP_FILTER_ROWS = 1 << 5       /* records stored at row numbers [row0, row1) */
};

typedef struct gp_filter {
    unsigned flags;
    int32_t device;
    int64_t stream;
    uint32_t pid;
    int64_t t0_ns, t1_ns;
    int64_t row0, row1;  /* GP_FILTER_ROWS: rows are numbered from 1 in write order */
    /* Bit i set: read field i of the kind (fields.h order); 0: every field.
     * Fields not read are left 0. Fewer columns read faster. */
    uint64_t fields;
} gp_filter;

/* A gp_filter.fields mask from a space-separated list of field names
 * ("start_ns end_ns name"); unknown names are ignored. */
uint64_t gp_trace_fields_mask(gp_kind kind, const char *names);

/* Opens a trace read-only and checks it is one this build can read. */
gp_trace *gp_trace_open(const char *path, gp_error *err);
void gp_trace_close(gp_trace *t);
const char *gp_trace_path(const gp_trace *t);
int gp_trace_schema_version(const gp_trace *t);
/* 1 if the writer finished the trace (gp_writer_close), 0 if it was cut short. */
int gp_trace_complete(const gp_trace *t);

/* Text of a string id; "" for 0 or an id not in the trace. The first call
 * loads the strings table (O(strings) time and memory, whatever the ids);
 * later calls are O(1) for the dense ids a writer gives, O(log strings) for
 * others. The pointer lives as long as the trace. */
const char *gp_trace_string(gp_trace *t, gp_strid id);
/* The trace holds gp_trace_string_count() - 1 strings (loads the table).
 * A trace gp_writer wrote numbers them densely from 1; a damaged or edited
 * one may not, so an id may be larger than the count. */
size_t gp_trace_string_count(gp_trace *t);
/* SQLite's integrity check, PRAGMA quick_check: every page and record
 * format, not index contents; one read of the whole file. *problems: how
 * many it found (0: intact; at most GP_QUICK_CHECK_MAX, or 1 when the check
 * itself stops on the damage), the first one's text in first. GP_OK unless
 * it could not run (out of memory, I/O error: err set). */
#define GP_QUICK_CHECK_MAX 100
gp_status gp_trace_quick_check(gp_trace *t, int *problems, char *first, size_t cap,
                               gp_error *err);
/* Meta value for key as a malloc'd string (caller frees), or NULL if absent. */
char *gp_trace_meta(gp_trace *t, const char *key);

/* Records of one kind in time order (start, then insertion order; kinds
 * without a time in insertion order), restricted by f (may be NULL). A
 * filter field the kind lacks (e.g. a device filter on API calls) is a
 * GP_ERR_USAGE error. */
gp_iter *gp_trace_iter(gp_trace *t, gp_kind kind, const gp_filter *f, gp_error *err);
/* 1: r holds the next record; 0: no more; -1: error (err set). */
int gp_iter_next(gp_iter *it, gp_record *r, gp_error *err);
void gp_iter_free(gp_iter *it);
/* First start and last end over the records of a kind; *count = 0 (and
 * the times 0) when there are none. Kinds without a time: GP_ERR_USAGE. */
gp_status gp_trace_time_range(gp_trace *t, gp_kind kind, int64_t *first_ns, int64_t *last_ns,
                              int64_t *count, gp_error *err);
/* Number of records of a kind matching f. */
gp_status gp_trace_count(gp_trace *t, gp_kind kind, const gp_filter *f, int64_t *count,
                         gp_error *err);
/* The highest row number of a kind (0: none): an upper bound on its count
 * that costs one B-tree descent, where gp_trace_count reads the table. */
gp_status gp_trace_last_row(gp_trace *t, gp_kind kind, int64_t *row, gp_error *err);

#endif
