/* sqlprog.c: SQL-level mutation for the SQLite readers' harnesses: the
 * input is a small program of edits applied to a copy of a valid file.
 *
 * Byte mutations of an SQLite file mostly give a damaged database, which
 * SQLite itself refuses; edits made through SQL give well-formed files
 * with hostile contents (values of any type and size, rows gone or
 * doubled, columns renamed, retyped or dropped, tables dropped or
 * replaced by others), which is what the readers must withstand.
 *
 * Program: a sequence of ops, each one byte (the op, modulo the count)
 * followed by its argument bytes; reads past the end give 0. Tables and
 * columns are chosen by index (modulo how many there are), so a program
 * means something for any seed. No op takes SQL text from the input.
 */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/sqlprog.h"

#define MAX_OPS 24
#define MAX_TABLES 64
#define MAX_COLS 64
#define NAME_MAX_BYTES 64

enum {
    OP_SET_ROW,     /* UPDATE one row's column to a value */
    OP_SET_ALL,     /* ... every row's */
    OP_ARITH,       /* column = an expression of itself and a value, one row or all */
    OP_SWAP,        /* two columns' values swapped in every row (start <-> end) */
    OP_INSERT,      /* a new row of values */
    OP_DUP_ROW,     /* a row inserted again */
    OP_DELETE_ROW,
    OP_DELETE_ALL,
    OP_DROP_TABLE,
    OP_REPLACE_TABLE, /* table B dropped, table A renamed to B */
    OP_RENAME_COL,  /* to the name of a column of another table, or "x" */
    OP_DROP_COL,
    OP_ADD_COL,
    OP_RETYPE_COL,  /* the table made again with one column declared otherwise */
    OP_PRAGMA,      /* application_id or user_version */
    OP_COUNT
};

typedef struct prog {
    sqlite3 *db;
    fz_bytes in;
    char tables[MAX_TABLES][NAME_MAX_BYTES];
    int n_tables;
} prog;

typedef struct cols {
    char name[MAX_COLS][NAME_MAX_BYTES];
    char type[MAX_COLS][NAME_MAX_BYTES];
    int n;
} cols;

static void list_tables(prog *P)
{
    sqlite3_stmt *st;

    P->n_tables = 0;
    if (sqlite3_prepare_v2(P->db,
                           "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                           "LIKE 'sqlite_%' ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    while (sqlite3_step(st) == SQLITE_ROW && P->n_tables < MAX_TABLES) {
        const char *s = (const char *)sqlite3_column_text(st, 0);
        if (s && strlen(s) < NAME_MAX_BYTES && !strchr(s, '"'))
            snprintf(P->tables[P->n_tables++], NAME_MAX_BYTES, "%s", s);
    }
    sqlite3_finalize(st);
}

static void list_cols(prog *P, const char *table, cols *C)
{
    sqlite3_stmt *st;

    C->n = 0;
    if (sqlite3_prepare_v2(P->db, "SELECT name, type FROM pragma_table_info(?1)", -1, &st, NULL) !=
        SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW && C->n < MAX_COLS) {
        const char *n = (const char *)sqlite3_column_text(st, 0);
        const char *t = (const char *)sqlite3_column_text(st, 1);
        if (!n || strlen(n) >= NAME_MAX_BYTES || strchr(n, '"'))
            continue;
        snprintf(C->name[C->n], NAME_MAX_BYTES, "%s", n);
        snprintf(C->type[C->n], NAME_MAX_BYTES, "%s", t && !strchr(t, '"') ? t : "");
        C->n++;
    }
    sqlite3_finalize(st);
}

/* Runs sql with ?1 (and ?2) bound to values from the input; errors ignored. */
static void exec_bound(prog *P, const char *sql, int n_values)
{
    static const int64_t extremes[] = {
        INT64_MIN, INT64_MAX, INT64_MIN + 1, INT64_MAX - 1, -1, 0, 1, INT32_MAX, INT32_MIN,
        UINT32_MAX, (int64_t)1 << 53, (int64_t)1 << 62, -((int64_t)1 << 62), 4294967296LL,
        1000000000LL * 86400 * 365 * 100,
    };
    sqlite3_stmt *st;
    char text[64];

    if (sqlite3_prepare_v2(P->db, sql, -1, &st, NULL) != SQLITE_OK)
        return;
    for (int i = 1; i <= n_values; i++) {
        unsigned kind = fz_u8(&P->in) % 9, len;
        int64_t v;
        double d;
        switch (kind) {
        case 0: sqlite3_bind_null(st, i); break;
        case 1: sqlite3_bind_int64(st, i, (int8_t)fz_u8(&P->in)); break;
        case 2: sqlite3_bind_int64(st, i, (int32_t)fz_u64(&P->in, 4)); break;
        case 3: sqlite3_bind_int64(st, i, (int64_t)fz_u64(&P->in, 8)); break;
        case 4:
            v = extremes[fz_u8(&P->in) % (sizeof extremes / sizeof extremes[0])];
            sqlite3_bind_int64(st, i, v);
            break;
        case 5:
            v = (int64_t)fz_u64(&P->in, 8);
            memcpy(&d, &v, sizeof d);
            sqlite3_bind_double(st, i, d);
            break;
        case 6:
        case 7:
            len = fz_u8(&P->in) % 48;
            for (unsigned k = 0; k < len; k++)
                text[k] = (char)fz_u8(&P->in);
            if (kind == 6)
                sqlite3_bind_text(st, i, text, (int)len, SQLITE_TRANSIENT);
            else
                sqlite3_bind_blob(st, i, text, (int)len, SQLITE_TRANSIENT);
            break;
        default:
            snprintf(text, sizeof text, "%lld", (long long)(int64_t)fz_u64(&P->in, 8));
            sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
            break;
        }
    }
    while (sqlite3_step(st) == SQLITE_ROW)
        ;
    sqlite3_finalize(st);
}

static void exec(prog *P, const char *sql)
{
    sqlite3_exec(P->db, sql, NULL, NULL, NULL);
}

/* "WHERE rowid = (the row at an offset from the input)". */
static void row_clause(prog *P, const char *table, char *out, size_t cap)
{
    snprintf(out, cap, "WHERE rowid = (SELECT rowid FROM \"%s\" LIMIT 1 OFFSET %u)", table,
             fz_u8(&P->in));
}

static const char *pick_type(prog *P)
{
    static const char *const types[] = { "INTEGER", "TEXT", "REAL", "BLOB", "", "NUMERIC",
                                         "INTEGER NOT NULL", "VARCHAR(10)" };
    return types[fz_u8(&P->in) % (sizeof types / sizeof types[0])];
}

/* A column name: that of a column of some table (so a table can gain
 * another's column), or "x". */
static void pick_name(prog *P, char *out)
{
    cols C;

    list_cols(P, P->tables[fz_u8(&P->in) % P->n_tables], &C);
    snprintf(out, NAME_MAX_BYTES, "%s", C.n ? C.name[fz_u8(&P->in) % C.n] : "x");
}

static void retype(prog *P, const char *table, const cols *C, int col, const char *type)
{
    char sql[8192];
    size_t len;

    exec(P, "DROP TABLE IF EXISTS fz_tmp");
    len = (size_t)snprintf(sql, sizeof sql, "CREATE TABLE fz_tmp (");
    for (int i = 0; i < C->n && len < sizeof sql; i++)
        len += (size_t)snprintf(sql + len, sizeof sql - len, "%s\"%s\" %s", i ? ", " : "",
                                C->name[i], i == col ? type : C->type[i]);
    if (len + 2 >= sizeof sql)
        return;
    strcat(sql, ")");
    exec(P, sql);
    snprintf(sql, sizeof sql, "INSERT INTO fz_tmp SELECT * FROM \"%s\"", table);
    exec(P, sql);
    snprintf(sql, sizeof sql, "DROP TABLE \"%s\"", table);
    exec(P, sql);
    snprintf(sql, sizeof sql, "ALTER TABLE fz_tmp RENAME TO \"%s\"", table);
    exec(P, sql);
}

static void insert_row(prog *P, const char *table, const cols *C)
{
    char sql[4096];
    size_t len = (size_t)snprintf(sql, sizeof sql, "INSERT INTO \"%s\" VALUES (", table);
    sqlite3_stmt *st;

    for (int i = 0; i < C->n && len < sizeof sql; i++)
        len += (size_t)snprintf(sql + len, sizeof sql - len, "%s?%d", i ? ", " : "", i + 1);
    if (len + 2 >= sizeof sql || C->n == 0)
        return;
    strcat(sql, ")");
    /* exec_bound binds ?1..?n: check it prepares first (the count must match) */
    if (sqlite3_prepare_v2(P->db, sql, -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_finalize(st);
    exec_bound(P, sql, C->n);
}

/* An expression of column col and ?1. */
static void arith_expr(prog *P, const char *col, char *out, size_t cap)
{
    switch (fz_u8(&P->in) % 7) {
    case 0: snprintf(out, cap, "\"%s\" + ?1", col); break;
    case 1: snprintf(out, cap, "\"%s\" - ?1", col); break;
    case 2: snprintf(out, cap, "\"%s\" * ?1", col); break;
    case 3: snprintf(out, cap, "-\"%s\"", col); break;
    case 4: snprintf(out, cap, "?1 - \"%s\"", col); break;
    case 5: snprintf(out, cap, "\"%s\" / ?1", col); break;
    default: snprintf(out, cap, "\"%s\" || ?1", col); break;
    }
}

static void one_op(prog *P)
{
    unsigned op = fz_u8(&P->in) % OP_COUNT;
    const char *table;
    char sql[8192], where[256], name[NAME_MAX_BYTES], expr[160];
    cols C;
    int a, b;

    if (P->n_tables == 0)
        return;
    table = P->tables[fz_u8(&P->in) % P->n_tables];
    list_cols(P, table, &C);
    a = C.n ? (int)(fz_u8(&P->in) % (unsigned)C.n) : 0;
    switch (op) {
    case OP_SET_ROW:
    case OP_SET_ALL:
        if (!C.n)
            break;
        if (op == OP_SET_ROW)
            row_clause(P, table, where, sizeof where);
        else
            where[0] = 0;
        snprintf(sql, sizeof sql, "UPDATE \"%s\" SET \"%s\" = ?1 %s", table, C.name[a], where);
        exec_bound(P, sql, 1);
        break;
    case OP_ARITH:
        if (!C.n)
            break;
        arith_expr(P, C.name[a], expr, sizeof expr);
        if (fz_u8(&P->in) & 1)
            row_clause(P, table, where, sizeof where);
        else
            where[0] = 0;
        snprintf(sql, sizeof sql, "UPDATE \"%s\" SET \"%s\" = %s %s", table, C.name[a], expr,
                 where);
        exec_bound(P, sql, 1);
        break;
    case OP_SWAP:
        if (C.n < 2)
            break;
        b = (int)(fz_u8(&P->in) % (unsigned)C.n);
        snprintf(sql, sizeof sql, "UPDATE \"%s\" SET \"%s\" = \"%s\", \"%s\" = \"%s\"", table,
                 C.name[a], C.name[b], C.name[b], C.name[a]);
        exec(P, sql);
        break;
    case OP_INSERT:
        insert_row(P, table, &C);
        break;
    case OP_DUP_ROW:
        snprintf(sql, sizeof sql, "INSERT INTO \"%s\" SELECT * FROM \"%s\" LIMIT 1 OFFSET %u",
                 table, table, fz_u8(&P->in));
        exec(P, sql);
        break;
    case OP_DELETE_ROW:
        row_clause(P, table, where, sizeof where);
        snprintf(sql, sizeof sql, "DELETE FROM \"%s\" %s", table, where);
        exec(P, sql);
        break;
    case OP_DELETE_ALL:
        snprintf(sql, sizeof sql, "DELETE FROM \"%s\"", table);
        exec(P, sql);
        break;
    case OP_DROP_TABLE:
        snprintf(sql, sizeof sql, "DROP TABLE \"%s\"", table);
        exec(P, sql);
        break;
    case OP_REPLACE_TABLE: {
        const char *other = P->tables[fz_u8(&P->in) % P->n_tables];
        if (strcmp(other, table) == 0)
            break;
        snprintf(sql, sizeof sql, "DROP TABLE \"%s\"; ALTER TABLE \"%s\" RENAME TO \"%s\"", other,
                 table, other);
        exec(P, sql);
        break;
    }
    case OP_RENAME_COL:
        if (!C.n)
            break;
        pick_name(P, name);
        snprintf(sql, sizeof sql, "ALTER TABLE \"%s\" RENAME COLUMN \"%s\" TO \"%s\"", table,
                 C.name[a], name);
        exec(P, sql);
        break;
    case OP_DROP_COL:
        if (!C.n)
            break;
        snprintf(sql, sizeof sql, "ALTER TABLE \"%s\" DROP COLUMN \"%s\"", table, C.name[a]);
        exec(P, sql);
        break;
    case OP_ADD_COL:
        pick_name(P, name);
        snprintf(sql, sizeof sql, "ALTER TABLE \"%s\" ADD COLUMN \"%s\" %s", table, name,
                 pick_type(P));
        exec(P, sql);
        break;
    case OP_RETYPE_COL:
        if (C.n)
            retype(P, table, &C, a, pick_type(P));
        break;
    default: /* OP_PRAGMA */
        snprintf(sql, sizeof sql, "PRAGMA %s = %d",
                 fz_u8(&P->in) & 1 ? "user_version" : "application_id", (int32_t)fz_u64(&P->in, 4));
        exec(P, sql);
        break;
    }
    list_tables(P);
}

void fz_sql_mutate(const uint8_t *seed, size_t seed_n, const uint8_t *program, size_t n,
                   const char *path)
{
    prog P = { 0 };
    unsigned char *copy;
    sqlite3_int64 out_n = 0;
    unsigned char *out;

    if (sqlite3_open(":memory:", &P.db) != SQLITE_OK || !(copy = sqlite3_malloc64(seed_n)))
        fz_fail("cannot open an in-memory database");
    memcpy(copy, seed, seed_n);
    if (seed_n > 19)
        copy[18] = copy[19] = 1; /* rollback journal: an in-memory copy cannot use WAL */
    if (sqlite3_deserialize(P.db, "main", copy, (sqlite3_int64)seed_n, (sqlite3_int64)seed_n,
                            SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE) !=
        SQLITE_OK)
        fz_fail("the seed is not an SQLite database");
    P.in = (fz_bytes){ program, n, 0 };
    list_tables(&P);
    for (int i = 0; i < MAX_OPS && P.in.at < P.in.n; i++)
        one_op(&P);
    out = sqlite3_serialize(P.db, "main", &out_n, 0);
    if (!out)
        fz_fail("cannot serialize the edited database");
    fz_write_file(path, out, (size_t)out_n);
    sqlite3_free(out);
    sqlite3_close(P.db);
}

void fz_sql_seed_load(fz_sql_seed *s, const char *rel, const char *out_name)
{
    if (!(s->data = fz_read_file(fz_src(rel), &s->n)))
        fz_fail("cannot read the seed %s (set GP_SRCDIR to the source tree)", fz_src(rel));
    s->path = fz_path(out_name);
}
