/* nsys_tables.c: one reader per Nsight Systems export table, each a single
 * streamed SELECT of the columns it needs (the contract is in nsys.c).
 * O(rows) each, plus one StringIds lookup per distinct string. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/formats/nsys_internal.h"
#include "common/checked.h"

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* a * b * c for sizes that should not be negative, saturating at max. */
static uint32_t product3(int64_t a, int64_t b, int64_t c, uint32_t max)
{
    uint64_t p = (uint64_t)clamp64(a, 0, max);

    p *= (uint64_t)clamp64(b, 0, max);
    p = p > max ? max : p;
    p *= (uint64_t)clamp64(c, 0, max);
    return (uint32_t)(p > max ? max : p);
}

/* The gpupack value of an nsys enum column; NULL and ids out of range are unknown (0). */
static uint8_t enum_of(const uint8_t *map, sqlite3_stmt *s, int col)
{
    int64_t v;

    if (nsys_null(s, col))
        return 0;
    v = sqlite3_column_int64(s, col);
    return v >= 0 && v < NSYS_ENUM_IDS ? map[v] : 0;
}

static uint32_t row_pid(const nsys_ctx *c, sqlite3_stmt *s, int col)
{
    return c->one_rank || nsys_null(s, col) ? 0 : nsys_pid_of(sqlite3_column_int64(s, col));
}

static gp_status text_string(nsys_ctx *c, sqlite3_stmt *s, int col, gp_strid *out)
{
    const char *t = (const char *)sqlite3_column_text(s, col);
    size_t len = t ? (size_t)sqlite3_column_bytes(s, col) : 0;

    *out = gp_job_intern(c->job, t, len);
    return len && !*out ? nsys_nomem(c) : GP_OK;
}

/* ---- enumerations ---- */

typedef struct nsys_sym {
    const char *name;
    uint8_t value;
} nsys_sym;

static const nsys_sym copy_syms[] = {
    { "CUDA_MEMCPY_KIND_UNKNOWN", GP_COPY_UNKNOWN },
    { "CUDA_MEMCPY_KIND_HTOD", GP_COPY_HTOD },
    { "CUDA_MEMCPY_KIND_DTOH", GP_COPY_DTOH },
    { "CUDA_MEMCPY_KIND_HTOA", GP_COPY_HTOA },
    { "CUDA_MEMCPY_KIND_ATOH", GP_COPY_ATOH },
    { "CUDA_MEMCPY_KIND_ATOA", GP_COPY_ATOA },
    { "CUDA_MEMCPY_KIND_ATOD", GP_COPY_ATOD },
    { "CUDA_MEMCPY_KIND_DTOA", GP_COPY_DTOA },
    { "CUDA_MEMCPY_KIND_DTOD", GP_COPY_DTOD },
    { "CUDA_MEMCPY_KIND_HTOH", GP_COPY_HTOH },
    { "CUDA_MEMCPY_KIND_PTOP", GP_COPY_PTOP },
    { "CUDA_MEMCPY_KIND_UVM_HTOD", GP_COPY_HTOD | NSYS_COPY_UNIFIED },
    { "CUDA_MEMCPY_KIND_UVM_DTOH", GP_COPY_DTOH | NSYS_COPY_UNIFIED },
    { "CUDA_MEMCPY_KIND_UVM_DTOD", GP_COPY_DTOD | NSYS_COPY_UNIFIED },
};

static const nsys_sym mem_syms[] = { /* the documented order: see nsys.c */
    { "CUDA_MEMOPR_MEMORY_KIND_PAGEABLE", GP_MEM_PAGEABLE },
    { "CUDA_MEMOPR_MEMORY_KIND_PINNED", GP_MEM_PINNED },
    { "CUDA_MEMOPR_MEMORY_KIND_DEVICE", GP_MEM_DEVICE },
    { "CUDA_MEMOPR_MEMORY_KIND_ARRAY", GP_MEM_ARRAY },
    { "CUDA_MEMOPR_MEMORY_KIND_MANAGED", GP_MEM_MANAGED },
    { "CUDA_MEMOPR_MEMORY_KIND_DEVICE_STATIC", GP_MEM_DEVICE_STATIC },
    { "CUDA_MEMOPR_MEMORY_KIND_MANAGED_STATIC", GP_MEM_MANAGED_STATIC },
    { "CUDA_MEMOPR_MEMORY_KIND_UNKNOWN", GP_MEM_UNKNOWN },
};

static const nsys_sym sync_syms[] = {
    { "CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_UNKNOWN", GP_SYNC_UNKNOWN },
    { "CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_EVENT_SYNCHRONIZE", GP_SYNC_EVENT },
    { "CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_WAIT_EVENT", GP_SYNC_STREAM_WAIT_EVENT },
    { "CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_SYNCHRONIZE", GP_SYNC_STREAM },
    { "CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_CONTEXT_SYNCHRONIZE", GP_SYNC_CONTEXT },
};

#define NSYMS(a) (sizeof (a) / sizeof (a)[0])

/* Without the table, id i means syms[i] (the documented values). With it,
 * each listed id means the symbol it names; an unknown symbol is unknown. */
static gp_status read_enum(nsys_ctx *c, nsys_table t, const nsys_sym *syms, size_t n, uint8_t *map)
{
    static const char *const cols[] = { "id", "name" };
    nsys_query q;
    gp_status st;
    int rc;

    for (size_t i = 0; i < n; i++)
        map[i] = syms[i].value;
    if (!c->has[t])
        return GP_OK;
    if ((st = nsys_select(c, t, cols, 2, &q)) != GP_OK)
        return st;
    while ((rc = sqlite3_step(q.st)) == SQLITE_ROW) {
        int64_t id = nsys_i64(q.st, 0, -1);
        const char *name = (const char *)sqlite3_column_text(q.st, 1);
        if (id < 0 || id >= NSYS_ENUM_IDS)
            continue;
        map[id] = 0;
        for (size_t i = 0; name && i < n; i++)
            if (strcmp(name, syms[i].name) == 0)
                map[id] = syms[i].value;
    }
    return nsys_done(c, t, &q, GP_OK, rc);
}

gp_status nsys_read_enums(nsys_ctx *c)
{
    gp_status st;

    if ((st = read_enum(c, NSYS_T_ENUM_COPY, copy_syms, NSYMS(copy_syms), c->copy_map)) != GP_OK ||
        (st = read_enum(c, NSYS_T_ENUM_MEM, mem_syms, NSYMS(mem_syms), c->mem_map)) != GP_OK)
        return st;
    return read_enum(c, NSYS_T_ENUM_SYNC, sync_syms, NSYMS(sync_syms), c->sync_map);
}

/* ---- processes ---- */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Adds the pids of one GPU table to *pids. */
static gp_status table_pids(nsys_ctx *c, nsys_table t, uint32_t **pids, size_t *n, size_t *cap)
{
    static const char *const cols[] = { "globalPid" };
    nsys_query q;
    gp_status st = GP_OK;
    int rc = SQLITE_DONE;

    if (!c->has[t])
        return GP_OK;
    if ((st = nsys_columns(c, t, cols, 1, &q)) != GP_OK ||
        (st = nsys_prepare(c, t, cols, q.has[0] ? "GROUP BY \"globalPid\"" : "LIMIT 1", &q)) != GP_OK)
        return st;
    while (st == GP_OK && (rc = sqlite3_step(q.st)) == SQLITE_ROW) {
        if (!q.has[0])
            c->one_rank = 1; /* rows, but no process to put them in */
        if (*n == *cap) {
            size_t nc = *cap ? 2 * *cap : 16;
            uint32_t *p = realloc(*pids, nc * sizeof *p);
            if (!p) {
                st = nsys_nomem(c);
                break;
            }
            *pids = p;
            *cap = nc;
        }
        (*pids)[(*n)++] = nsys_null(q.st, 0) ? 0 : nsys_pid_of(sqlite3_column_int64(q.st, 0));
    }
    return nsys_done(c, t, &q, st, rc);
}

gp_status nsys_read_pids(nsys_ctx *c)
{
    static const nsys_table gpu[] = { NSYS_T_KERNEL, NSYS_T_MEMCPY, NSYS_T_MEMSET };
    uint32_t *pids = NULL;
    size_t n = 0, cap = 0, u = 0;
    gp_status st = GP_OK;

    for (size_t i = 0; i < NSYMS(gpu) && st == GP_OK; i++)
        st = table_pids(c, gpu[i], &pids, &n, &cap);
    if (st == GP_OK && n) {
        if (c->one_rank)
            n = 1, pids[0] = 0;
        qsort(pids, n, sizeof *pids, cmp_u32);
        for (size_t i = 0; i < n; i++)
            if (!u || pids[i] != pids[u - 1])
                pids[u++] = pids[i];
        c->procs = calloc(u, sizeof *c->procs);
        if (!c->procs)
            st = nsys_nomem(c);
        for (size_t i = 0; c->procs && i < u; i++)
            c->procs[i].pid = pids[i];
        c->n_procs = c->procs ? u : 0;
    }
    free(pids);
    return st;
}

/* ---- GPU operations ---- */

/* The first columns of every GPU table read here. */
enum { G_START, G_END, G_DEV, G_STREAM, G_CORR, G_PID, G_NCOMMON };
#define GPU_COMMON_COLS "start", "end", "deviceId", "streamId", "correlationId", "globalPid"

/* How a row's times stand, by the one rule of every reader (nsys.c). */
enum { ROW_OK, ROW_ABSENT, ROW_IMPOSSIBLE };

/* ABSENT: the start or the end is NULL or not an integer; IMPOSSIBLE: they
 * are integers but not an interval of the trusted range (common/checked.h:
 * outside [0, 2^62) ns, or ending before the start). */
static int row_span(sqlite3_stmt *s, int c_start, int c_end, int64_t *start, int64_t *end)
{
    if (sqlite3_column_type(s, c_start) != SQLITE_INTEGER ||
        sqlite3_column_type(s, c_end) != SQLITE_INTEGER)
        return ROW_ABSENT;
    *start = sqlite3_column_int64(s, c_start);
    *end = sqlite3_column_int64(s, c_end);
    return gp_interval_ok(*start, *end) ? ROW_OK : ROW_IMPOSSIBLE;
}

/* The start and end of a GPU row (an op or a synchronization). As in the
 * Kineto reader, a GPU row without integer times means the export is
 * damaged: an error naming the table and the row. A row with impossible
 * times is left out and counted in its rank's bad_times (p may be NULL: a
 * process without a rank). *keep: 1 if the row is to be read. */
static gp_status gpu_times(nsys_ctx *c, nsys_table t, const nsys_proc *p, sqlite3_stmt *s,
                           int64_t *start, int64_t *end, int *keep)
{
    int how = row_span(s, G_START, G_END, start, end);

    *keep = how == ROW_OK;
    if (how == ROW_IMPOSSIBLE && p)
        p->rank->bad_times++;
    if (how != ROW_ABSENT)
        return GP_OK;
    return gp_error_set(c->err, GP_ERR_INPUT,
                        "%s: a row of %s (correlationId %lld) has a %s that is not an integer; "
                        "the export is damaged: export the report again",
                        c->path, nsys_table_names[t], (long long)nsys_i64(s, G_CORR, -1),
                        sqlite3_column_type(s, G_START) != SQLITE_INTEGER ? "start" : "end");
}

/* Host rows (API calls, NVTX ranges): 1 if the row is to be read. One
 * without integer times is left out, as the Kineto reader leaves out host
 * events without times; one with impossible times is left out and counted. */
static int host_times(const nsys_proc *p, sqlite3_stmt *s, int c_start, int c_end, int64_t *start,
                      int64_t *end)
{
    int how = row_span(s, c_start, c_end, start, end);

    if (how == ROW_IMPOSSIBLE)
        p->rank->bad_times++;
    return how == ROW_OK;
}

/* Adds an op for the row's process with the common fields; NULL if the
* process has no rank or the row's times are impossible (counted), or NULL
 * with *st set if out of memory or the row's times are absent (a damaged
 * export). */
static gp_op *op_for_row(nsys_ctx *c, nsys_table t, sqlite3_stmt *s, gp_op_kind kind, gp_status *st)
{
    nsys_proc *p = nsys_proc_of(c, row_pid(c, s, G_PID));
    int64_t dev = nsys_i64(s, G_DEV, -1), stream = nsys_i64(s, G_STREAM, -1);
    int64_t corr = nsys_i64(s, G_CORR, -1), start = 0, end = 0;
    int keep;
    gp_op *o;

    if ((*st = gpu_times(c, t, p, s, &start, &end, &keep)) != GP_OK || !p || !keep)
        return NULL;
    if (!(o = gp_rank_add_op(p->rank))) {
        *st = nsys_nomem(c);
        return NULL;
    }
    o->kind = (uint8_t)kind;
    o->start_ns = start;
    o->end_ns = end;
    o->correlation = corr < 0 ? -1 : corr;
    o->stream = stream < 0 || stream > INT32_MAX ? -1 : (int32_t)stream;
    o->device = dev < 0 || dev > INT16_MAX ? -1 : (int16_t)dev;
    o->pid = p->pid;
    if (dev >= 0 && dev < 64)
        p->dev_mask |= UINT64_C(1) << dev;
    else if (dev >= 64)
        p->dev_high = 1;
    return o;
}

gp_status nsys_read_kernels(nsys_ctx *c)
{
    enum { DEMANGLED = G_NCOMMON, SHORT, MANGLED, GX, GY, GZ, BX, BY, BZ, REGS, SSMEM, DSMEM, GRAPH, N };
    static const char *const cols[N] = {
        GPU_COMMON_COLS, "demangledName", "shortName", "mangledName",
        "gridX", "gridY", "gridZ", "blockX", "blockY", "blockZ",
        "registersPerThread", "staticSharedMemory", "dynamicSharedMemory", "graphId",
    };
    nsys_query q;
    gp_status st;
    int rc = SQLITE_DONE;

    if (!c->has[NSYS_T_KERNEL])
        return GP_OK;
    if ((st = nsys_select(c, NSYS_T_KERNEL, cols, N, &q)) != GP_OK)
        return st;
    while (st == GP_OK && (rc = sqlite3_step(q.st)) == SQLITE_ROW) {
        sqlite3_stmt *s = q.st;
        gp_op *o = op_for_row(c, NSYS_T_KERNEL, s, GP_OP_KERNEL, &st);
        gp_strid name = 0;
        if (!o)
            continue;
        for (int col = DEMANGLED; col <= MANGLED && !name && st == GP_OK; col++)
            st = nsys_string(c, s, col, &name);
        o->name = name;
        o->blocks = product3(nsys_i64(s, GX, 0), nsys_i64(s, GY, 0), nsys_i64(s, GZ, 0), UINT32_MAX);
        o->threads = (uint16_t)product3(nsys_i64(s, BX, 0), nsys_i64(s, BY, 0), nsys_i64(s, BZ, 0),
                                        UINT16_MAX);
        o->registers = (uint16_t)clamp64(nsys_i64(s, REGS, 0), 0, UINT16_MAX);
        o->smem_bytes = (uint32_t)clamp64(clamp64(nsys_i64(s, SSMEM, 0), 0, UINT32_MAX) +
                                              clamp64(nsys_i64(s, DSMEM, 0), 0, UINT32_MAX),
                                          0, UINT32_MAX);
        o->graph_id = (uint32_t)clamp64(nsys_i64(s, GRAPH, 0), 0, UINT32_MAX);
    }
    return nsys_done(c, NSYS_T_KERNEL, &q, st, rc);
}

static const char *const copy_names[] = {
    "Unknown", "HtoD", "DtoH", "HtoA", "AtoH", "AtoA", "AtoD", "DtoA", "DtoD", "HtoH", "PtoP",
};
static const char *const mem_names[] = { /* by gp_mem_kind, as the PyTorch profiler writes them */
    "Unknown", "Pageable", "Pinned", "Device", "Array", "Managed", "Device Static", "Managed Static",
};

/* "Memcpy HtoD (Pageable -> Device)", made once per combination. */
static gp_status copy_label(nsys_ctx *c, unsigned kind, unsigned unified, unsigned src, unsigned dst,
                            gp_strid *out)
{
    gp_strid *slot = &c->copy_names[kind][unified][src][dst];
    char buf[96];
    int len;

    if (!*slot) {
        len = snprintf(buf, sizeof buf, "Memcpy %s%s (%s -> %s)", unified ? "Unified " : "",
                       copy_names[kind], mem_names[src], mem_names[dst]);
        if (!(*slot = gp_job_intern(c->job, buf, (size_t)len)))
            return nsys_nomem(c);
    }
    *out = *slot;
    return GP_OK;
}

gp_status nsys_read_memcpys(nsys_ctx *c)
{
    enum { BYTES = G_NCOMMON, COPY, SRC, DST, N };
    static const char *const cols[N] = { GPU_COMMON_COLS, "bytes", "copyKind", "srcKind", "dstKind" };
    nsys_query q;
    gp_status st;
    int rc = SQLITE_DONE;

    if (!c->has[NSYS_T_MEMCPY])
        return GP_OK;
    if ((st = nsys_select(c, NSYS_T_MEMCPY, cols, N, &q)) != GP_OK)
        return st;
    while (st == GP_OK && (rc = sqlite3_step(q.st)) == SQLITE_ROW) {
        gp_op *o = op_for_row(c, NSYS_T_MEMCPY, q.st, GP_OP_MEMCPY, &st);
        uint8_t copy = enum_of(c->copy_map, q.st, COPY);
        if (!o)
            continue;
        o->bytes = clamp64(nsys_i64(q.st, BYTES, 0), 0, INT64_MAX);
        o->copy_kind = copy & ~NSYS_COPY_UNIFIED;
        o->src_kind = enum_of(c->mem_map, q.st, SRC);
        o->dst_kind = enum_of(c->mem_map, q.st, DST);
        st = copy_label(c, o->copy_kind, !!(copy & NSYS_COPY_UNIFIED), o->src_kind, o->dst_kind,
                        &o->name);
    }
    return nsys_done(c, NSYS_T_MEMCPY, &q, st, rc);
}

gp_status nsys_read_memsets(nsys_ctx *c)
{
    enum { BYTES = G_NCOMMON, MEM, N };
    static const char *const cols[N] = { GPU_COMMON_COLS, "bytes", "memKind" };
    nsys_query q;
    gp_status st;
    int rc = SQLITE_DONE;
    char buf[64];

    if (!c->has[NSYS_T_MEMSET])
        return GP_OK;
    if ((st = nsys_select(c, NSYS_T_MEMSET, cols, N, &q)) != GP_OK)
        return st;
    while (st == GP_OK && (rc = sqlite3_step(q.st)) == SQLITE_ROW) {
        gp_op *o = op_for_row(c, NSYS_T_MEMSET, q.st, GP_OP_MEMSET, &st);
        uint8_t mem = enum_of(c->mem_map, q.st, MEM);
        if (!o)
            continue;
        o->bytes = clamp64(nsys_i64(q.st, BYTES, 0), 0, INT64_MAX);
        o->dst_kind = mem;
        if (!c->memset_names[mem]) {
            int len = snprintf(buf, sizeof buf, "Memset (%s)", mem_names[mem]);
            if (!(c->memset_names[mem] = gp_job_intern(c->job, buf, (size_t)len)))
                st = nsys_nomem(c);
        }
        o->name = c->memset_names[mem];
    }
    return nsys_done(c, NSYS_T_MEMSET, &q, st, rc);
}

/* ---- host side ---- */

gp_status nsys_read_runtime(nsys_ctx *c)
{
    enum { START, END, CLASS, TID, CORR, NAME, N };
    static const char *const cols[N] = {
        "start", "end", "eventClass", "globalTid", "correlationId", "nameId",
    };
    nsys_query q;
    gp_status st;
    int rc = SQLITE_DONE;

    if (!c->has[NSYS_T_RUNTIME])
        return GP_OK;
    if ((st = nsys_select(c, NSYS_T_RUNTIME, cols, N, &q)) != GP_OK)
        return st;
    while (st == GP_OK && (rc = sqlite3_step(q.st)) == SQLITE_ROW) {
        sqlite3_stmt *s = q.st;
        nsys_proc *p = nsys_proc_of(c, row_pid(c, s, TID));
        int64_t corr = nsys_i64(s, CORR, -1), cls = nsys_i64(s, CLASS, -1), start, end;
        gp_call *a;
        if (!p || !host_times(p, s, START, END, &start, &end))
            continue;
        if (!(a = gp_rank_add_call(p->rank))) {
            st = nsys_nomem(c);
            break;
        }
        a->start_ns = start;
        a->end_ns = end;
        a->correlation = corr < 0 ? -1 : corr;
        a->tid = nsys_tid_of(nsys_i64(s, TID, 0));
        a->pid = p->pid;
        a->domain = cls == 0 ? GP_API_RUNTIME : cls == 1 ? GP_API_DRIVER : 0;
        st = nsys_string(c, s, NAME, &a->name);
    }
    return nsys_done(c, NSYS_T_RUNTIME, &q, st, rc);
}

gp_status nsys_read_syncs(nsys_ctx *c)
{
    enum { TYPE = G_NCOMMON, N };
    static const char *const cols[N] = { GPU_COMMON_COLS, "syncType" };
    nsys_query q;
    gp_status st;
    int rc = SQLITE_DONE;

    if (!c->has[NSYS_T_SYNC])
        return GP_OK;
    if ((st = nsys_select(c, NSYS_T_SYNC, cols, N, &q)) != GP_OK)
        return st;
    while (st == GP_OK && (rc = sqlite3_step(q.st)) == SQLITE_ROW) {
        sqlite3_stmt *s = q.st;
        nsys_proc *p = nsys_proc_of(c, row_pid(c, s, G_PID));
        int64_t stream = nsys_i64(s, G_STREAM, -1), corr = nsys_i64(s, G_CORR, -1);
        int64_t start = 0, end = 0;
        int keep;
        gp_syncrec *y;
        if ((st = gpu_times(c, NSYS_T_SYNC, p, s, &start, &end, &keep)) != GP_OK)
            break;
        if (!p || !keep)
            continue;
        if (!(y = gp_rank_add_sync(p->rank))) {
            st = nsys_nomem(c);
            break;
        }
        y->start_ns = start;
        y->end_ns = end;
        y->correlation = corr < 0 ? -1 : corr;
        y->stream = stream < 0 || stream > INT32_MAX ? -1 : (int32_t)stream; /* 0xffffffff: none */
        y->pid = p->pid;
        y->type = enum_of(c->sync_map, s, TYPE);
    }
    return nsys_done(c, NSYS_T_SYNC, &q, st, rc);
}

#define NVTX_MARK 34
#define NVTX_PUSHPOP 59
#define NVTX_STARTEND 60

gp_status nsys_read_nvtx(nsys_ctx *c)
{
    enum { START, END, TYPE, TEXT, TID, TEXTID, N };
    static const char *const cols[N] = { "start", "end", "eventType", "text", "globalTid", "textId" };
    nsys_query q;
    gp_status st;
    int rc = SQLITE_DONE;

    if (!c->has[NSYS_T_NVTX])
        return GP_OK;
    if ((st = nsys_columns(c, NSYS_T_NVTX, cols, N, &q)) != GP_OK)
        return st;
    if ((st = nsys_prepare(c, NSYS_T_NVTX, cols, "WHERE \"eventType\" IN (34, 59, 60)", &q)) != GP_OK)
        return st;
    while (st == GP_OK && (rc = sqlite3_step(q.st)) == SQLITE_ROW) {
        sqlite3_stmt *s = q.st;
        nsys_proc *p = nsys_proc_of(c, row_pid(c, s, TID));
        int mark = nsys_i64(s, TYPE, 0) == NVTX_MARK, open = !mark && nsys_null(s, END);
        int64_t start = 0, end = 0;
        gp_range *g;
        /* a mark is an instant and an open range has no end yet: their start alone */
        if (!p || !host_times(p, s, START, mark || open ? START : END, &start, &end))
            continue;
        if (!(g = gp_rank_add_range(p->rank))) {
            st = nsys_nomem(c);
            break;
        }
        g->kind = GP_RANGE_NVTX;
        g->start_ns = start;
        /* a range never closed ends with the trace (finish_rank) */
        g->end_ns = open ? NSYS_OPEN_END : end;
        g->tid = nsys_tid_of(nsys_i64(s, TID, 0));
        g->pid = p->pid;
        st = nsys_string(c, s, TEXTID, &g->name);
        if (st == GP_OK && !g->name)
            st = text_string(c, s, TEXT, &g->name);
    }
    return nsys_done(c, NSYS_T_NVTX, &q, st, rc);
}

/* ---- devices ---- */

static int ran_on(const nsys_proc *p, int64_t dev)
{
    if (dev >= 0 && dev < 64)
        return (p->dev_mask >> dev) & 1;
    for (size_t i = 0; p->dev_high && i < p->rank->n_ops; i++)
        if (p->rank->ops[i].device == dev)
            return 1;
    return 0;
}

gp_status nsys_read_gpus(nsys_ctx *c)
{
    enum { ID, NAME, SMS, CC_MAJOR, CC_MINOR, BANDWIDTH, CLOCK, N };
    static const char *const cols[N] = {
        "id", "name", "smCount", "computeMajor", "computeMinor", "memoryBandwidth", "clockRate",
    };
    nsys_query q;
    gp_status st;
    int rc = SQLITE_DONE;

    if (!c->has[NSYS_T_GPU])
        return GP_OK;
    if ((st = nsys_select(c, NSYS_T_GPU, cols, N, &q)) != GP_OK)
        return st;
    while (st == GP_OK && (rc = sqlite3_step(q.st)) == SQLITE_ROW) {
        sqlite3_stmt *s = q.st;
        int64_t id = nsys_i64(s, ID, -1);
        gp_strid name = 0;
        int named = 0;
        if (id < 0 || id > INT16_MAX)
            continue;
        for (size_t i = 0; i < c->n_procs && st == GP_OK; i++) {
            gp_rank *r = c->procs[i].rank;
            gp_devinfo *d;
            if (!ran_on(&c->procs[i], id) || gp_rank_device(r, (int32_t)id))
                continue;
            if (!named && (st = text_string(c, s, NAME, &name)) != GP_OK)
                break;
            named = 1;
            if (!(d = gp_rank_add_device(r))) {
                st = nsys_nomem(c);
                break;
            }
            d->id = (int32_t)id;
            d->name = name;
            d->sm_count = (int32_t)clamp64(nsys_i64(s, SMS, 0), 0, INT32_MAX);
            d->cc_major = (int32_t)clamp64(nsys_i64(s, CC_MAJOR, 0), 0, INT32_MAX);
            d->cc_minor = (int32_t)clamp64(nsys_i64(s, CC_MINOR, 0), 0, INT32_MAX);
            d->mem_bandwidth_bps = clamp64(nsys_i64(s, BANDWIDTH, 0), 0, INT64_MAX);
            d->sm_clock_khz = clamp64(nsys_i64(s, CLOCK, 0), 0, INT64_MAX) / 1000; /* Hz */
        }
    }
    return nsys_done(c, NSYS_T_GPU, &q, st, rc);
}
