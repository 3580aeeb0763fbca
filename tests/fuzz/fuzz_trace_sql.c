/* fuzz_trace_sql.c: the gpupack trace readers (as fuzz_trace.c) on traces
 * edited through SQL (sqlprog.c).
 *
 * Input: an edit program; the seed trace is
 * $GP_SRCDIR/tests/fuzz/corpus/trace/sim_basic.gpupack (recorded on the
 * simulated GPU with the fake NVML: processes, devices, contexts, streams,
 * GPU work, API calls, NVTX, metrics). */
#include "config.h"

#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/sqlprog.h"

static fz_sql_seed seed;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fz_sql_seed_load(&seed, "tests/fuzz/corpus/trace/sim_basic.gpupack", "trace.gpupack");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_sql_mutate(seed.data, seed.n, data, size, seed.path);
    fz_load_trace(seed.path);
    return 0;
}
