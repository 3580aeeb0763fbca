/* sqlprog.h: SQL-level mutation of an SQLite file for the fuzz harnesses
 * (the program's format is described in sqlprog.c). */
#ifndef GP_TESTS_FUZZ_SQLPROG_H
#define GP_TESTS_FUZZ_SQLPROG_H

#include <stddef.h>
#include <stdint.h>

/* Loads the database file image seed into memory, applies the edits of
 * program (errors of single edits are ignored) and writes the result to
 * path (fz_write_file). Aborts only if the seed is not a database. */
void fz_sql_mutate(const uint8_t *seed, size_t seed_n, const uint8_t *program, size_t n,
                   const char *path);

/* A SQL-level harness's seed: the file's bytes and where the edited copy goes. */
typedef struct fz_sql_seed {
    uint8_t *data;
    size_t n;
    const char *path;
} fz_sql_seed;

/* Reads $GP_SRCDIR/rel (aborts if it cannot) and names the edited copy
 * out_name in the private folder (fz_path). */
void fz_sql_seed_load(fz_sql_seed *s, const char *rel, const char *out_name);

#endif
