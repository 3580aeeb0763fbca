/* fuzz_nsys_sql.c: the Nsight Systems importer on exports edited through
 * SQL (sqlprog.c): wrong types and extreme values in every column, rows
 * reversed, doubled or gone, columns and tables renamed, retyped, dropped.
 *
 * Input: an edit program; the seed export is
 * $GP_SRCDIR/tests/fuzz/corpus/nsys/full.sqlite (tests/nsys/make_fixture.py). */
#include "config.h"

#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/sqlprog.h"

static fz_sql_seed seed;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fz_sql_seed_load(&seed, "tests/fuzz/corpus/nsys/full.sqlite", "export.sqlite");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_sql_mutate(seed.data, seed.n, data, size, seed.path);
    fz_load_nsys(seed.path);
    return 0;
}
