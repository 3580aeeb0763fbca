/* nsys.c: Nsight Systems SQLite exports into a job: opening, schema,
 * strings, processes, finishing. The per-table readers are nsys_tables.c.
 *
 * ---- Contract: what this importer relies on ---------------------------------
 * No real export was at hand when this was written. The facts come from
 * NVIDIA's documentation and from code that reads these files; [unverified]
 * marks what no source states outright.
 *
 * Sources
 *  [S1] Nsight Systems Post-Collection Analysis Guide, "SQLite Schema
 *       Reference", schema 3.28.1 (release 2026.4)
 *       (docs.nvidia.com/nsight-systems/AnalysisGuide, sqlite-schema-reference).
 *  [S2] Same guide, "SQLite Schema Event Values" (sqlite-schema-event-values).
 *  [S3] The `.schema` dump, with its ENUM_* rows, of an export by nsys
 *       2024.6.2 (EXPORT_SCHEMA_VERSION 3.16.1), in a public repository.
 *  [S4] nsys-exporter 2021.5, "Common SQLite examples" and "JSON and Text
 *       Format" (docs.nvidia.com/nsight-systems/2021.5/nsys-exporter/).
 *  [S5] NVIDIA's stats report cuda_gpu_trace.py (nsys 2024, reports/): joins
 *       ENUM_CUDA_MEMCPY_OPER, ENUM_CUDA_MEM_KIND and TARGET_INFO_GPU
 *       (gpu.id == deviceId) and checks tables exist before using them.
 *
 * Tables and columns
 *  - Tables are created lazily: one exists only when the report has that
 *    kind of data (a trace without memsets has no CUPTI_ACTIVITY_KIND_MEMSET)
 *    [S1, S4]. So only StringIds and one CUPTI_ACTIVITY_KIND_* table are
 *    required; every column is looked up (PRAGMA table_info) before it is
 *    read, and a missing one reads as NULL -- except the columns every
 *    listed release has (table_spec below: times, ids, names): a table of a
 *    known name without one of them, or with a column read declared with
 *    another type than nsys gives it (INTEGER, or TEXT for strings), is
 *    refused with an error naming the table and the column.
 *  - The schema changes between releases (META_DATA_EXPORT
 *    EXPORT_SCHEMA_VERSION: minor = renamed/retyped column, micro = added
 *    table or column) [S1]. Seen: KERNEL.graphId is in 3.28.1 [S1], not in
 *    3.16.1 [S3]; SYNCHRONIZATION gained deprecatedSyncType beside syncType
 *    ("for older report") [S1] and syncType is read; mangledName,
 *    greenContextId, NVTX endGlobalTid, MEMCPY copyCount are newer columns.
 *  - StringIds(id INTEGER PRIMARY KEY, value TEXT): kernel names
 *    (demangledName, shortName, mangledName), API names (RUNTIME.nameId),
 *    registered NVTX strings (NVTX_EVENTS.textId) are ids into it [S1].
 *  - KERNEL/MEMCPY/MEMSET/SYNCHRONIZATION: start, end, deviceId, streamId,
 *    correlationId, globalPid; KERNEL gridX..Z, blockX..Z,
 *    registersPerThread, staticSharedMemory, dynamicSharedMemory; MEMCPY
 *    bytes, copyKind, srcKind, dstKind; MEMSET bytes, memKind; SYNC
 *    syncType. RUNTIME: start, end, eventClass, globalTid, correlationId,
 *    nameId (no cbid). NVTX_EVENTS: start, end, eventType, text, textId,
 *    globalTid. TARGET_INFO_GPU: id, name, smCount, computeMajor,
 *    computeMinor, memoryBandwidth, clockRate (Hz) [S1, S3].
 *
 * Identifiers
 *  - PID = globalTid / 0x1000000 % 0x1000000, TID = globalTid % 0x1000000;
 *    globalPid holds the pid the same way [S4]. Higher bits hold hardware/VM
 *    ids: globalTid 72057844756653436 = 1<<56 | 14944<<24 | 9596 [S4].
 *  - deviceId in the activity tables is TARGET_INFO_GPU.id [S5].
 *  - A GPU record's correlationId is that of the RUNTIME row that issued it
 *    ("REFERENCES CUPTI_ACTIVITY_KIND_RUNTIME(correlationId)") [S1], per
 *    process.
 *  - A synchronization not tied to a stream has streamId 4294967295
 *    (CUPTI_INVALID_STREAM_ID) [unverified: third-party fixtures].
 *
 * Times
 *  - start/end are int64 ns [S1] on the session timeline, one clock for
 *    CPU and GPU records: TARGET_INFO_SESSION_START_TIME.utcEpochNs is the
 *    UTC time of the capture start and SessionNs = 0 the session start
 *    [S1]. Events from before collection may be negative [unverified:
 *    users' scripts filter start >= 0]. Times are copied unchanged, so ranks
 *    are session-relative; two exports in one job are not aligned.
 *  - One rule for times, as in the Kineto reader and the gpupack-trace
 *    loader: a GPU row (KERNEL, MEMCPY, MEMSET, SYNCHRONIZATION) whose
 *    start or end is NULL or not an integer makes the export damaged (an
 *    error naming the table and the row's correlationId); such a host row
 *    (RUNTIME, NVTX_EVENTS) is left out. A row whose times are impossible
 *    (outside common/checked.h's range [0, 2^62) ns, so also a negative
 *    one, or ending before it starts) is left out and counted in its
 *    rank's bad_times, which analyze and import report. An NVTX mark is
 *    an instant at its start; an NVTX range whose end is NULL was never
 *    closed and ends with the trace.
 *
 * Enumerations: nsys's own, not all CUPTI's [S2, S3]
 *  - copyKind (ENUM_CUDA_MEMCPY_OPER): 0..10 = CUPTI's memcpy kinds
 *    (unknown, HtoD, DtoH, HtoA, AtoH, AtoA, AtoD, DtoA, DtoD, HtoH, PtoP);
 *    11..13 = unified-memory HtoD, DtoH, DtoD (nsys only).
 *  - srcKind/dstKind/memKind (ENUM_CUDA_MEM_KIND): 0 pageable, 1 pinned,
 *    2 device, 3 array, 4 managed, 5 device static, 6 managed static,
 *    7 unknown -- NOT CUPTI's order (0 is unknown there): mapped +1, 7 -> 0.
 *  - syncType (ENUM_CUPTI_SYNC_TYPE): CUPTI's: 0 unknown, 1 event, 2 stream
 *    wait event, 3 stream, 4 context.
 *  - When the ENUM_* tables are in the file, their symbol names
 *    (CUDA_MEMCPY_KIND_HTOD, ...) decide the mapping, as NVIDIA's reports
 *    join them [S5]; the values above are the fallback.
 *  - RUNTIME.eventClass: 0 CUDA runtime, 1 CUDA driver [S2].
 *  - NVTX_EVENTS.eventType: 34 NvtxMark, 59 NvtxPushPopRange,
 *    60 NvtxStartEndRange; 33, 39, 75, 76 (category, thread, domain
 *    create/destroy) are not ranges [S2, S3]. The text is StringIds[textId]
 *    when the message was a registered string, else `text` [S2]. end is
 *    NULL for marks and for ranges never closed [S1: the column is nullable].
 *  - TARGET_INFO_GPU.memoryBandwidth is taken as bytes/s [unverified: the
 *    doc says "Amount of memory transferred (B)"].
 *
 * Mapping to model.h
 *  - Ranks: one per pid in KERNEL, MEMCPY or MEMSET, in pid order, labelled
 *    "FILE pid N". RUNTIME, NVTX and SYNCHRONIZATION rows of other
 *    processes are dropped. If no GPU table has globalPid (old exports) the
 *    file is one rank with pid 0 and every host record joins it with pid 0,
 *    so launches still join by correlation.
 *  - Kernel: name = demangledName, else shortName, else mangledName (first
 *    that resolves); blocks and threads are products of the grid and block
 *    sizes, saturating; smem = static + dynamic; graph_id = graphId or 0.
 *  - Memcpy: kinds mapped as above, named "Memcpy HtoD (Pageable -> Device)"
 *    (the PyTorch profiler's form, docs/kernel-names.md); unified-memory
 *    migrations "Memcpy Unified HtoD (Managed -> Device)" with copy kind
 *    HtoD/DtoH/DtoD. Memset: dst_kind = memKind, "Memset (Device)".
 *    async = 1 when the launching call's name contains "Async" (nsys
 *    exports no CUPTI flags), set after gp_rank_finish joined launches.
 *  - Calls: name = StringIds[nameId] (nsys adds version suffixes such as
 *    cudaLaunchKernel_v7000; roles match by substring); domain from
 *    eventClass; cbid 0.
 *  - Syncs: stream -1 for 4294967295, NULL or negative.
 *  - NVTX: GP_RANGE_NVTX; a mark ends where it starts; a range never closed
 *    ends at the rank's last record end.
 *  - Devices: the TARGET_INFO_GPU rows (first per id) whose id the rank's
 *    ops ran on; sm_clock_khz = clockRate / 1000.
 *  - job_start_ns/job_end_ns, dropped_records and the HTA events stay
 *    empty (no per-process lifetime or loss counts are read); hta_rounding
 *    0 (integer ns).
 *  - Not read: CUPTI_ACTIVITY_KIND_GRAPH_TRACE (--cuda-graph-trace=graph
 *    gives whole graphs, not kernels), OS runtime, GPU metrics, MPI.
 * ---------------------------------------------------------------------------
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/formats/nsys.h"
#include "analyzer/formats/nsys_internal.h"

const char *const nsys_table_names[NSYS_T_COUNT] = {
    "StringIds",
    "CUPTI_ACTIVITY_KIND_KERNEL",
    "CUPTI_ACTIVITY_KIND_MEMCPY",
    "CUPTI_ACTIVITY_KIND_MEMSET",
    "CUPTI_ACTIVITY_KIND_RUNTIME",
    "CUPTI_ACTIVITY_KIND_SYNCHRONIZATION",
    "NVTX_EVENTS",
    "TARGET_INFO_GPU",
    "ENUM_CUDA_MEMCPY_OPER",
    "ENUM_CUDA_MEM_KIND",
    "ENUM_CUPTI_SYNC_TYPE",
};

static const char SQLITE_MAGIC[16] = "SQLite format 3"; /* with its NUL */

/* ---- errors ---- */

gp_status nsys_nomem(nsys_ctx *c)
{
    return gp_error_set(c->err, GP_ERR_NOMEM, "%s: out of memory loading the Nsight Systems export",
                        c->path);
}

gp_status nsys_db_error(nsys_ctx *c, const char *what)
{
    int rc = sqlite3_errcode(c->db) & 0xff;

    if (rc == SQLITE_NOMEM)
        return nsys_nomem(c);
    if (rc == SQLITE_IOERR)
        return gp_error_set(c->err, GP_ERR_IO, "%s: cannot read it while %s (SQLite: %s)", c->path,
                            what, sqlite3_errmsg(c->db));
    if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB || rc == SQLITE_FORMAT)
        return gp_error_set(c->err, GP_ERR_INPUT,
                            "%s: damaged database while %s (SQLite: %s); export the report "
                            "again with nsys export --type sqlite",
                            c->path, what, sqlite3_errmsg(c->db));
    return gp_error_set(c->err, GP_ERR_INPUT, "%s: cannot read it while %s (SQLite: %s)", c->path,
                        what, sqlite3_errmsg(c->db));
}

/* ---- opening ---- */

/* 1: starts with the SQLite header; 0: not; -1: cannot be read (errno set). */
static int sqlite_header(const char *path)
{
    char head[sizeof SQLITE_MAGIC];
    FILE *f = fopen(path, "rb");
    size_t n;
    int bad;

    if (!f)
        return -1;
    n = fread(head, 1, sizeof head, f);
    bad = ferror(f);
    fclose(f);
    if (bad) {
        if (!errno)
            errno = EIO;
        return -1;
    }
    return n == sizeof head && memcmp(head, SQLITE_MAGIC, sizeof head) == 0;
}

/* Lists the tables: which known ones exist, and whether any is CUPTI's. */
static gp_status scan_schema(nsys_ctx *c)
{
    static const char sql[] = "SELECT name FROM sqlite_master WHERE type = 'table'";
    sqlite3_stmt *st;
    int rc;

    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
        return nsys_db_error(c, "listing its tables");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (!name)
            continue;
        for (int t = 0; t < NSYS_T_COUNT; t++)
            if (strcmp(name, nsys_table_names[t]) == 0)
                c->has[t] = 1;
        if (strncmp(name, "CUPTI_ACTIVITY_KIND_", 20) == 0)
            c->has_cupti = 1;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? GP_OK : nsys_db_error(c, "listing its tables");
}

/* Opens path read-only and lists its tables. The caller closes c->db. */
static gp_status open_export(nsys_ctx *c)
{
    int h = sqlite_header(c->path);

    if (h < 0)
        return gp_error_set(c->err, GP_ERR_IO, "%s: cannot read it: %s", c->path, strerror(errno));
    if (h == 0)
        return gp_error_set(c->err, GP_ERR_INPUT,
                            "%s: not an SQLite database; expected an Nsight Systems export "
                            "(nsys export --type sqlite REPORT.nsys-rep)",
                            c->path);
    if (sqlite3_open_v2(c->path, &c->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        if (!c->db)
            return nsys_nomem(c);
        return nsys_db_error(c, "opening it");
    }
    return scan_schema(c);
}

int gp_nsys_sniff(const char *path)
{
    nsys_ctx c = { 0 };
    gp_error err = { 0 };
    int h = sqlite_header(path), r;

    if (h <= 0)
        return h;
    c.path = path;
    c.err = &err;
    if (open_export(&c) != GP_OK)
        r = -1;
    else
        r = c.has[NSYS_T_STRINGS] && c.has_cupti;
    sqlite3_close(c.db);
    return r;
}

/* ---- queries ---- */

/* ---- schema ---- */

/* What the readers need of each table: the columns it must have (those a
 * table of that name has in every export the contract lists; a table
 * without them is not what nsys writes), and which columns read are TEXT
 * (every other column read is an integer). Space-separated names. */
static const struct {
    const char *required, *text;
} table_spec[NSYS_T_COUNT] = {
    [NSYS_T_STRINGS] = { "id value", "value" },
    [NSYS_T_KERNEL] = { "start end deviceId streamId correlationId shortName", "" },
    [NSYS_T_MEMCPY] = { "start end deviceId streamId correlationId bytes copyKind", "" },
    [NSYS_T_MEMSET] = { "start end deviceId streamId correlationId bytes", "" },
    [NSYS_T_RUNTIME] = { "start end globalTid correlationId nameId", "" },
    [NSYS_T_SYNC] = { "start end streamId correlationId syncType", "" },
    [NSYS_T_NVTX] = { "start end eventType globalTid", "text" },
    [NSYS_T_GPU] = { "id", "name" },
    [NSYS_T_ENUM_COPY] = { "id name", "name" },
    [NSYS_T_ENUM_MEM] = { "id name", "name" },
    [NSYS_T_ENUM_SYNC] = { "id name", "name" },
};

/* 1 if word is one of the space-separated names in list (SQLite's column
 * names ignore case). */
static int in_list(const char *list, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = list; *p; p += *p == ' ') {
        size_t k = strcspn(p, " ");
        if (k == n && sqlite3_strnicmp(p, word, (int)n) == 0)
            return 1;
        p += k;
    }
    return 0;
}

/* SQLite's affinity rules for a declared type (datatype3.html, 3.1): 1 if a
 * column so declared keeps integers (INTEGER or NUMERIC affinity), 0 if
 * not; 2 if it is TEXT. */
static int decl_kind(const char *decl)
{
    static const char *const text[] = { "CHAR", "CLOB", "TEXT" };
    static const char *const other[] = { "BLOB", "REAL", "FLOA", "DOUB" };
    char up[64];
    size_t n = 0;

    for (; decl && decl[n] && n < sizeof up - 1; n++)
        up[n] = (char)(decl[n] >= 'a' && decl[n] <= 'z' ? decl[n] - 32 : decl[n]);
    up[n] = 0;
    if (strstr(up, "INT"))
        return 1;
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
        if (strstr(up, text[i]))
            return 2;
    if (n == 0)
        return 0; /* no type: BLOB affinity */
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        if (strstr(up, other[i]))
            return 0;
    return 1; /* NUMERIC */
}

static gp_status schema_error(nsys_ctx *c, nsys_table t, const char *col, const char *decl)
{
    char shown[41];
    size_t n = 0;

    for (; decl && decl[n] && n < sizeof shown - 1; n++) /* printable ASCII only */
        shown[n] = decl[n] >= ' ' && decl[n] <= '~' && decl[n] != '"' ? decl[n] : '?';
    shown[n] = 0;
    if (!decl)
        return gp_error_set(c->err, GP_ERR_INPUT,
                            "%s: table %s has no column %s: not a table as Nsight Systems "
                            "exports it; export the report again with nsys export --type sqlite",
                            c->path, nsys_table_names[t], col);
    return gp_error_set(c->err, GP_ERR_INPUT,
                        "%s: column %s of table %s is declared \"%s\", not %s as Nsight "
                        "Systems exports it; export the report again with nsys export "
                        "--type sqlite",
                        c->path, col, nsys_table_names[t], shown,
                        in_list(table_spec[t].text, col) ? "TEXT" : "INTEGER");
}

gp_status nsys_columns(nsys_ctx *c, nsys_table t, const char *const *cols, int n, nsys_query *q)
{
    static const char sql[] = "SELECT name, type FROM pragma_table_info(?1)";
    char what[96];
    sqlite3_stmt *info;
    gp_status st = GP_OK;
    int rc;

    assert(n > 0 && n <= NSYS_MAX_COLS);
    memset(q, 0, sizeof *q);
    q->n = n;
    snprintf(what, sizeof what, "reading the columns of %s", nsys_table_names[t]);
    if (sqlite3_prepare_v2(c->db, sql, -1, &info, NULL) != SQLITE_OK)
        return nsys_db_error(c, what);
    sqlite3_bind_text(info, 1, nsys_table_names[t], -1, SQLITE_STATIC);
    while (st == GP_OK && (rc = sqlite3_step(info)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(info, 0);
        const char *decl = (const char *)sqlite3_column_text(info, 1);
        for (int i = 0; name && i < q->n; i++) {
            if (sqlite3_stricmp(name, cols[i]) != 0)
                continue;
            q->has[i] = 1;
            if (decl_kind(decl) != (in_list(table_spec[t].text, cols[i]) ? 2 : 1))
                st = schema_error(c, t, cols[i], decl ? decl : "");
        }
    }
    if (st == GP_OK && rc != SQLITE_DONE)
        st = nsys_db_error(c, what);
    sqlite3_finalize(info);
    for (int i = 0; st == GP_OK && i < q->n; i++)
        if (!q->has[i] && in_list(table_spec[t].required, cols[i]))
            st = schema_error(c, t, cols[i], NULL);
    return st;
}

gp_status nsys_prepare(nsys_ctx *c, nsys_table t, const char *const *cols, const char *tail,
                       nsys_query *q)
{
    char sql[1024], what[96];
    size_t len;

    /* Table and column names come from this program's fixed lists. */
    len = (size_t)snprintf(sql, sizeof sql, "SELECT ");
    for (int i = 0; i < q->n && len < sizeof sql; i++)
        len += (size_t)snprintf(sql + len, sizeof sql - len, q->has[i] ? "%s\"%s\"" : "%sNULL",
                                i ? ", " : "", cols[i]);
    if (len < sizeof sql)
        len += (size_t)snprintf(sql + len, sizeof sql - len, " FROM \"%s\" %s",
                                nsys_table_names[t], tail);
    if (len >= sizeof sql)
        return gp_error_set(c->err, GP_ERR_INTERNAL, "%s: query for %s too long", c->path,
                            nsys_table_names[t]);
    snprintf(what, sizeof what, "reading %s", nsys_table_names[t]);
    if (sqlite3_prepare_v2(c->db, sql, -1, &q->st, NULL) != SQLITE_OK)
        return nsys_db_error(c, what);
    return GP_OK;
}

gp_status nsys_select(nsys_ctx *c, nsys_table t, const char *const *cols, int n, nsys_query *q)
{
    gp_status st = nsys_columns(c, t, cols, n, q);

    return st != GP_OK ? st : nsys_prepare(c, t, cols, "", q);
}

gp_status nsys_done(nsys_ctx *c, nsys_table t, nsys_query *q, gp_status st, int rc)
{
    char what[96];

    if (st == GP_OK && rc != SQLITE_DONE) {
        snprintf(what, sizeof what, "reading %s", nsys_table_names[t]);
        st = nsys_db_error(c, what);
    }
    sqlite3_finalize(q->st);
    q->st = NULL;
    return st;
}

/* ---- strings: nsys id -> job id, each looked up once ---- */

static size_t str_hash(int64_t key, size_t mask)
{
    uint64_t h = (uint64_t)key * 0x9e3779b97f4a7c15ull;
    return (size_t)(h >> 32) & mask;
}

static int str_grow(nsys_ctx *c)
{
    size_t cap = c->cap_strs ? 2 * c->cap_strs : 1024;
    nsys_strslot *s = calloc(cap, sizeof *s);

    if (!s)
        return -1;
    for (size_t i = 0; i < c->cap_strs; i++) {
        size_t k;
        if (!c->strs[i].used)
            continue;
        for (k = str_hash(c->strs[i].key, cap - 1); s[k].used; k = (k + 1) & (cap - 1))
            ;
        s[k] = c->strs[i];
    }
    free(c->strs);
    c->strs = s;
    c->cap_strs = cap;
    return 0;
}

gp_status nsys_string(nsys_ctx *c, sqlite3_stmt *row, int col, gp_strid *out)
{
    int64_t key;
    size_t k;
    int rc;

    *out = 0;
    if (nsys_null(row, col) || !c->has[NSYS_T_STRINGS])
        return GP_OK;
    key = sqlite3_column_int64(row, col);
    if (2 * (c->n_strs + 1) > c->cap_strs && str_grow(c) < 0)
        return nsys_nomem(c);
    for (k = str_hash(key, c->cap_strs - 1); c->strs[k].used; k = (k + 1) & (c->cap_strs - 1))
        if (c->strs[k].key == key) {
            *out = c->strs[k].val;
            return GP_OK;
        }
    if (!c->str_stmt &&
        sqlite3_prepare_v2(c->db, "SELECT value FROM StringIds WHERE id = ?1", -1, &c->str_stmt,
                           NULL) != SQLITE_OK)
        return nsys_db_error(c, "reading StringIds");
    sqlite3_bind_int64(c->str_stmt, 1, key);
    rc = sqlite3_step(c->str_stmt);
    if (rc == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(c->str_stmt, 0);
        size_t len = s ? (size_t)sqlite3_column_bytes(c->str_stmt, 0) : 0;
        *out = gp_job_intern(c->job, s, len);
        if (len && !*out) {
            sqlite3_reset(c->str_stmt);
            return nsys_nomem(c);
        }
    } else if (rc != SQLITE_DONE) { /* an id missing from StringIds reads as "" */
        gp_status st = nsys_db_error(c, "reading StringIds");
        sqlite3_reset(c->str_stmt);
        return st;
    }
    sqlite3_reset(c->str_stmt);
    c->strs[k] = (nsys_strslot){ key, *out, 1 };
    c->n_strs++;
    return GP_OK;
}

/* ---- processes ---- */

nsys_proc *nsys_proc_of(nsys_ctx *c, uint32_t pid)
{
    size_t lo = 0, hi = c->n_procs;

    if (c->one_rank)
        return c->n_procs ? &c->procs[0] : NULL;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->procs[mid].pid < pid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->n_procs && c->procs[lo].pid == pid ? &c->procs[lo] : NULL;
}

static gp_status make_ranks(nsys_ctx *c)
{
    const char *base = strrchr(c->path, '/');
    char label[sizeof ((gp_rank *)0)->label];

    base = base ? base + 1 : c->path;
    for (size_t i = 0; i < c->n_procs; i++) {
        if (c->one_rank)
            snprintf(label, sizeof label, "%s", base);
        else
            snprintf(label, sizeof label, "%s pid %u", base, c->procs[i].pid);
        c->procs[i].rank = gp_job_add_rank(c->job, label);
        if (!c->procs[i].rank)
            return nsys_nomem(c);
        c->procs[i].rank->pid = c->procs[i].pid;
    }
    return GP_OK;
}

/* ---- finishing ---- */

/* The end of the rank's last record, for ranges never closed. */
static int64_t last_end(const gp_rank *r)
{
    int64_t end = INT64_MIN;

    for (size_t i = 0; i < r->n_ops; i++)
        end = r->ops[i].end_ns > end ? r->ops[i].end_ns : end;
    for (size_t i = 0; i < r->n_calls; i++)
        end = r->calls[i].end_ns > end ? r->calls[i].end_ns : end;
    for (size_t i = 0; i < r->n_syncs; i++)
        end = r->syncs[i].end_ns > end ? r->syncs[i].end_ns : end;
    for (size_t i = 0; i < r->n_ranges; i++)
        end = r->ranges[i].end_ns > end ? r->ranges[i].end_ns : end;
    return end;
}

static gp_status finish_rank(nsys_ctx *c, gp_rank *r)
{
    int64_t end = INT64_MIN;
    int have_end = 0;

    for (size_t i = 0; i < r->n_ranges; i++) {
        gp_range *g = &r->ranges[i];
        if (g->end_ns != NSYS_OPEN_END)
            continue;
        if (!have_end) {
            end = last_end(r);
            have_end = 1;
        }
        g->end_ns = end > g->start_ns ? end : g->start_ns;
    }
    if (gp_rank_finish(c->job, r) < 0)
        return nsys_nomem(c);
    /* nsys has no async flag: the API that issued the copy tells. */
    for (size_t i = 0; i < r->n_ops; i++) {
        gp_op *o = &r->ops[i];
        if (o->kind != GP_OP_KERNEL && o->launch >= 0 && (size_t)o->launch < r->n_calls)
            o->async = strstr(gp_job_str(c->job, r->calls[o->launch].name), "Async") != NULL;
    }
    return GP_OK;
}

/* ---- loading ---- */

static gp_status check_export(nsys_ctx *c)
{
    static const char *const string_cols[] = { "id", "value" };
    nsys_query q;

    if (!c->has[NSYS_T_STRINGS] && !c->has_cupti)
        return gp_error_set(c->err, GP_ERR_INPUT,
                            "%s: an SQLite database, but not an Nsight Systems export: it has "
                            "no StringIds table and no CUPTI_ACTIVITY_KIND_* table",
                            c->path);
    if (!c->has[NSYS_T_STRINGS])
        return gp_error_set(c->err, GP_ERR_INPUT,
                            "%s: not a complete Nsight Systems export: it has no StringIds "
                            "table; export the report again with nsys export --type sqlite",
                            c->path);
    if (!c->has_cupti)
        return gp_error_set(c->err, GP_ERR_INPUT,
                            "%s: an Nsight Systems export without CUDA data: it has no "
                            "CUPTI_ACTIVITY_KIND_* table; record with nsys profile --trace=cuda",
                            c->path);
    return nsys_columns(c, NSYS_T_STRINGS, string_cols, 2, &q); /* nsys_string reads them */
}

static gp_status load(nsys_ctx *c)
{
    static gp_status (*const readers[])(nsys_ctx *) = {
        nsys_read_kernels, nsys_read_memcpys, nsys_read_memsets, nsys_read_runtime,
        nsys_read_syncs, nsys_read_nvtx, nsys_read_gpus,
    };
    gp_status st;

    if ((st = open_export(c)) != GP_OK || (st = check_export(c)) != GP_OK ||
        (st = nsys_read_enums(c)) != GP_OK || (st = nsys_read_pids(c)) != GP_OK)
        return st;
    if (c->n_procs == 0)
        return gp_error_set(c->err, GP_ERR_INPUT,
                            "%s: no GPU activity: no rows in CUPTI_ACTIVITY_KIND_KERNEL, "
                            "_MEMCPY or _MEMSET; record with nsys profile --trace=cuda",
                            c->path);
    if ((st = make_ranks(c)) != GP_OK)
        return st;
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++)
        if ((st = readers[i](c)) != GP_OK)
            return st;
    for (size_t i = 0; i < c->n_procs; i++)
        if ((st = finish_rank(c, c->procs[i].rank)) != GP_OK)
            return st;
    return GP_OK;
}

gp_status gp_nsys_load(gp_job *job, const char *path, gp_error *err)
{
    nsys_ctx c = { 0 };
    gp_status st;

    c.job = job;
    c.path = path;
    c.err = err;
    st = load(&c);
    sqlite3_finalize(c.str_stmt);
    sqlite3_close(c.db);
    free(c.strs);
    free(c.procs);
    return st;
}
