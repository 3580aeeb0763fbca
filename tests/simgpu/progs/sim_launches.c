/* sim_launches [N] [--query]: launch overhead, for the collector's benchmark.
 *
 * One context, N (default 1000) kernels "tiny" of 1 us back to back on the
 * legacy stream, then one cuStreamSynchronize. With --query each launch is
 * preceded by cuCtxGetCurrent, as frameworks ask for the current context
 * (or device) around every operation. Prints the mean host time of one
 * launch (with its query), measured around the launches only, as
 * launch_ns=... on the summary line.
 * Totals: kernels=N memcpy=0 memset=0 sync=1 nvtx_ranges=0 nvtx_marks=0
 * graphs=0. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/simgpu/progs/simprog.h"

int main(int argc, char **argv)
{
    long count = argc > 1 ? atol(argv[1]) : 1000;
    int query = argc > 2 && strcmp(argv[2], "--query") == 0;
    sp_counts n = { 0 };
    CUcontext ctx;
    CUmodule mod;
    CUfunction f;
    uint64_t t0, t1;
    char extra[64];

    if (count <= 0) {
        fprintf(stderr, "usage: sim_launches [N > 0] [--query]\n");
        return 2;
    }
    ctx = sp_context(0);
    CK(cuModuleLoadData(&mod, "sim_launches"));
    f = sp_kernel(mod, "tiny", 1000);
    t0 = sp_now_ns();
    for (long i = 0; i < count; i++) {
        if (query) {
            CUcontext cur;
            CK(cuCtxGetCurrent(&cur));
        }
        sp_launch(&n, f, NULL);
    }
    t1 = sp_now_ns();
    CK(cuStreamSynchronize(NULL));
    n.sync++;
    CK(cuModuleUnload(mod));
    CK(cuCtxDestroy_v2(ctx));
    snprintf(extra, sizeof extra, "launch_ns=%llu", (unsigned long long)((t1 - t0) / (uint64_t)count));
    sp_summary("sim_launches", &n, extra);
    return 0;
}
