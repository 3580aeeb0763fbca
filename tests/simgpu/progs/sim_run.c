/* sim_run SECONDS: a long-running job, for kill and live-view tests.
 *
 * One context; until SECONDS (default 1, may be fractional) have passed:
 * one kernel "runK" (1 ms) on the legacy stream, then cuStreamSynchronize.
 * Prints "sim_run: progress t=<s> kernels=<n>" on stderr about every
 * 100 ms, then the summary line.
 * Totals: kernels=K sync=K memcpy=0 memset=0 nvtx_ranges=0 nvtx_marks=0
 * graphs=0, K depending on the time. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "tests/simgpu/progs/simprog.h"

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 1.0;
    sp_counts n = { 0 };
    CUcontext ctx = sp_context(0);
    CUmodule mod;
    CUfunction f;
    uint64_t t0 = sp_now_ns(), next = t0, end = t0 + (uint64_t)(seconds * 1e9);

    CK(cuModuleLoadData(&mod, "sim_run"));
    f = sp_kernel(mod, "runK", 1000000);
    while (sp_now_ns() < end) {
        sp_launch(&n, f, NULL);
        CK(cuStreamSynchronize(NULL));
        n.sync++;
        if (sp_now_ns() >= next) {
            fprintf(stderr, "sim_run: progress t=%.1f kernels=%u\n", (double)(sp_now_ns() - t0) / 1e9, n.kernels);
            next += 100000000;
        }
    }
    CK(cuModuleUnload(mod));
    CK(cuCtxDestroy_v2(ctx));
    sp_summary("sim_run", &n, "");
    return 0;
}
