/* fuzz_trace.c: a gpupack trace, as bytes, through the store reader
 * (common/store_reader.c: records of every kind, strings, meta, counts,
 * filters), the loader (analyzer/formats/load_trace.c), the analyses and
 * both renderers.
 *
 * Input: the file's bytes. Seeds: small traces imported from slices of
 * samples/traces and from the nsys fixtures, with 512-byte pages
 * (make_seeds.sh). fuzz_trace_sql.c edits them through SQL instead. */
#include "config.h"

#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *path;

    if (!path)
        path = fz_path("trace.gpupack");
    fz_write_file(path, data, size);
    fz_load_trace(path);
    return 0;
}
