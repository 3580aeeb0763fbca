/* fuzz_nsys.c: an Nsight Systems SQLite export, as bytes, through the
 * importer (analyzer/formats/nsys.h), the analyses and both renderers.
 *
 * Input: the file's bytes. Seeds: the exports tests/nsys/make_fixture.py
 * writes, with 512-byte pages so that they are small (make_seeds.sh).
 * fuzz_nsys_sql.c mutates the same exports through SQL instead. */
#include "config.h"

#include "analyzer/formats/nsys.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *path;

    if (!path)
        path = fz_path("export.sqlite");
    fz_write_file(path, data, size);
    fz_load_nsys(path);
    return 0;
}
