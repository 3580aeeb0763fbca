/* store_internal.h: what the store's writer and reader share. Not public. */
#ifndef GP_STORE_INTERNAL_H
#define GP_STORE_INTERNAL_H

#include <sqlite3.h>

#include "error.h"
#include "event.h"
#include "fields.h"

/* Per-kind table facts. */
typedef struct gp_table_info {
    const char *time_col;  /* start column, NULL if the kind has no time */
    const char *end_expr;  /* SQL expression of the end time */
    const char *key;       /* unique key columns of metadata kinds, else NULL */
    int has_device, has_stream, has_pid;
} gp_table_info;

const gp_table_info *gp_store_table(int kind);

/* 1 if a trace of schema version `version` has the column `name` of a
 * kind's table (columns added in later versions are missing from older
 * traces); *def is then NULL, else the SQL literal a reader selects in its
 * place (the column's value for "unknown"). */
int gp_store_has_column(int kind, const char *name, int version, const char **def);
/* Creates every table of the current schema in db and sets user_version and
 * application_id. Runs inside the caller's transaction. */
gp_status gp_store_create_schema(sqlite3 *db, const char *path, gp_error *err);
/* Creates the indexes readers use (idempotent). O(N log N) in records. */
gp_status gp_store_create_indexes(sqlite3 *db, const char *path, gp_error *err);
/* Checks db is a gpupack trace this build reads; sets *version. */
gp_status gp_store_check_version(sqlite3 *db, const char *path, int *version, gp_error *err);
/* Turns an SQLite failure into a gpupack error naming the file. */
gp_status gp_store_fail(sqlite3 *db, int rc, const char *path, const char *doing, gp_error *err);
/* Runs a query that returns one row and stores its first n columns as
 * integers in out (NULL reads as 0). */
gp_status gp_store_row_int64(sqlite3 *db, const char *sql, int64_t *out, int n, const char *path,
                             const char *doing, gp_error *err);
/* Executes SQL with no results. */
gp_status gp_store_exec(sqlite3 *db, const char *sql, const char *path, gp_error *err);

#endif
