/* sim_exit CODE: exits with CODE right after queuing work.
 *
 * One context, one kernel "lastK" (10 us) on the legacy stream, no
 * synchronize, no cleanup, then exit(CODE) (atexit handlers run).
 * Totals: kernels=1 memcpy=0 memset=0 sync=0 nvtx_ranges=0 nvtx_marks=0
 * graphs=0; the summary line adds exit=CODE. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "tests/simgpu/progs/simprog.h"

int main(int argc, char **argv)
{
    int code = argc > 1 ? atoi(argv[1]) : 0;
    sp_counts n = { 0 };
    CUmodule mod;
    char extra[32];

    sp_context(0);
    CK(cuModuleLoadData(&mod, "sim_exit"));
    sp_launch(&n, sp_kernel(mod, "lastK", 10000), NULL);
    snprintf(extra, sizeof extra, "exit=%d", code);
    sp_summary("sim_exit", &n, extra);
    exit(code);
}
