/* nsys_internal.h: what nsys.c (opening, schema, strings, ranks) shares
 * with nsys_tables.c (one reader per table). Not a public API. */
#ifndef GP_NSYS_INTERNAL_H
#define GP_NSYS_INTERNAL_H

#include <sqlite3.h>
#include <stdint.h>

#include "common/error.h"
#include "analyzer/model/model.h"

/* The tables the importer knows. */
typedef enum nsys_table {
    NSYS_T_STRINGS = 0,   /* StringIds */
    NSYS_T_KERNEL,        /* CUPTI_ACTIVITY_KIND_KERNEL */
    NSYS_T_MEMCPY,        /* CUPTI_ACTIVITY_KIND_MEMCPY */
    NSYS_T_MEMSET,        /* CUPTI_ACTIVITY_KIND_MEMSET */
    NSYS_T_RUNTIME,       /* CUPTI_ACTIVITY_KIND_RUNTIME */
    NSYS_T_SYNC,          /* CUPTI_ACTIVITY_KIND_SYNCHRONIZATION */
    NSYS_T_NVTX,          /* NVTX_EVENTS */
    NSYS_T_GPU,           /* TARGET_INFO_GPU */
    NSYS_T_ENUM_COPY,     /* ENUM_CUDA_MEMCPY_OPER */
    NSYS_T_ENUM_MEM,      /* ENUM_CUDA_MEM_KIND */
    NSYS_T_ENUM_SYNC,     /* ENUM_CUPTI_SYNC_TYPE */
    NSYS_T_COUNT
} nsys_table;

extern const char *const nsys_table_names[NSYS_T_COUNT];

#define NSYS_MAX_COLS 24
#define NSYS_ENUM_IDS 64     /* enum ids at or above this read as unknown */
#define NSYS_COPY_UNIFIED 0x80 /* in copy_map: a unified-memory migration */

/* One process that becomes a rank. */
typedef struct nsys_proc {
    uint32_t pid;
    gp_rank *rank;
    uint64_t dev_mask; /* device ids 0..63 its ops ran on */
    int dev_high;      /* some op ran on a device id outside 0..63 */
} nsys_proc;

/* nsys string id -> job string id. */
typedef struct nsys_strslot {
    int64_t key;
    gp_strid val;
    uint32_t used;
} nsys_strslot;

typedef struct nsys_ctx {
    gp_job *job;
    const char *path;
    gp_error *err;
    sqlite3 *db;
    unsigned char has[NSYS_T_COUNT]; /* table present */
    int has_cupti;                   /* some CUPTI_ACTIVITY_KIND_* table */
    /* strings */
    sqlite3_stmt *str_stmt;          /* SELECT value FROM StringIds WHERE id = ? */
    nsys_strslot *strs;
    size_t n_strs, cap_strs;         /* cap: power of two */
    /* enum ids of this file -> gpupack's (CUPTI's) values */
    uint8_t copy_map[NSYS_ENUM_IDS], mem_map[NSYS_ENUM_IDS], sync_map[NSYS_ENUM_IDS];
    /* readable copy/memset names, made once: [copy kind][unified][src][dst] */
    gp_strid copy_names[11][2][8][8], memset_names[8];
    /* processes */
    nsys_proc *procs;                /* sorted by pid */
    size_t n_procs;
    int one_rank;                    /* GPU tables have no globalPid: one rank, pid 0 */
} nsys_ctx;

/* A SELECT of named columns; a column the table lacks reads as NULL. */
typedef struct nsys_query {
    sqlite3_stmt *st;
    unsigned char has[NSYS_MAX_COLS];
    int n;
} nsys_query;

/* ---- nsys.c ---- */

/* Which of cols the table has (PRAGMA table_info), into q->has; q->n = n.
 * Checks the schema as it goes: an error (naming the file, the table and
 * the column) if one of cols the table must have (nsys.c table_spec) is
 * missing, or a present one is not declared as nsys declares it. */
gp_status nsys_columns(nsys_ctx *c, nsys_table t, const char *const *cols, int n, nsys_query *q);
/* Prepares "SELECT cols FROM table tail" into q->st after nsys_columns;
 * absent columns select NULL. tail is a fixed SQL fragment ("" for none)
 * naming only columns that q->has. */
gp_status nsys_prepare(nsys_ctx *c, nsys_table t, const char *const *cols, const char *tail,
                       nsys_query *q);
/* Both of the above, with no tail. */
gp_status nsys_select(nsys_ctx *c, nsys_table t, const char *const *cols, int n, nsys_query *q);
/* Ends a row loop: finalizes q; returns st, else an error if the last
 * sqlite3_step (rc) did not reach the end of the table. */
gp_status nsys_done(nsys_ctx *c, nsys_table t, nsys_query *q, gp_status st, int rc);
/* Error for a failed sqlite3 call while doing `what` (damaged file, out of memory, ...). */
gp_status nsys_db_error(nsys_ctx *c, const char *what);
gp_status nsys_nomem(nsys_ctx *c);
/* The job string of an nsys string id (0 if the column is NULL or the id
 * is not in StringIds). */
gp_status nsys_string(nsys_ctx *c, sqlite3_stmt *st, int col, gp_strid *out);
/* The process of a pid, or NULL if it has no GPU activity. */
nsys_proc *nsys_proc_of(nsys_ctx *c, uint32_t pid);

/* Column helpers: NULL reads as dflt. */
static inline int nsys_null(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL;
}

static inline int64_t nsys_i64(sqlite3_stmt *st, int col, int64_t dflt)
{
    return nsys_null(st, col) ? dflt : sqlite3_column_int64(st, col);
}

/* globalPid / globalTid: <hardware/VM ids><pid:24><tid:24>. */
static inline uint32_t nsys_pid_of(int64_t global_id)
{
    return (uint32_t)(((uint64_t)global_id >> 24) & 0xFFFFFFu);
}

static inline uint32_t nsys_tid_of(int64_t global_id)
{
    return (uint32_t)((uint64_t)global_id & 0xFFFFFFu);
}

/* ---- nsys_tables.c ---- */

/* Fills copy_map, mem_map and sync_map from the ENUM_* tables when present
 * (by symbol name), else with the documented values. */
gp_status nsys_read_enums(nsys_ctx *c);
/* The pids with GPU activity, sorted and unique, into c->procs (ranks not
 * yet made). Sets c->one_rank when the GPU tables have no globalPid. */
gp_status nsys_read_pids(nsys_ctx *c);
gp_status nsys_read_kernels(nsys_ctx *c);
gp_status nsys_read_memcpys(nsys_ctx *c);
gp_status nsys_read_memsets(nsys_ctx *c);
gp_status nsys_read_runtime(nsys_ctx *c);
gp_status nsys_read_syncs(nsys_ctx *c);
gp_status nsys_read_nvtx(nsys_ctx *c);
gp_status nsys_read_gpus(nsys_ctx *c);

/* Ranges still open at the end of the trace carry this end until finish. */
#define NSYS_OPEN_END INT64_MIN

#endif
