/* sim_fork: a process that forks before touching CUDA.
 *
 * Forks first; then the parent and the child each: cuInit, one context,
 * 3 kernels "forkK" (10 us) on the legacy stream, one cuCtxSynchronize.
 * The parent waits for the child and exits with 1 if the child failed.
 * Each process prints its own summary line (with role= and pid=).
 * Totals per process: kernels=3 memcpy=0 memset=0 sync=1 nvtx_ranges=0
 * nvtx_marks=0 graphs=0 (the trace holds two processes). */
#include "config.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/simgpu/progs/simprog.h"

static void work(const char *role)
{
    sp_counts n = { 0 };
    CUcontext ctx = sp_context(0);
    CUmodule mod;
    CUfunction f;
    char extra[64];

    CK(cuModuleLoadData(&mod, "sim_fork"));
    f = sp_kernel(mod, "forkK", 10000);
    for (int i = 0; i < 3; i++)
        sp_launch(&n, f, NULL);
    CK(cuCtxSynchronize());
    n.sync++;
    CK(cuModuleUnload(mod));
    CK(cuCtxDestroy_v2(ctx));
    snprintf(extra, sizeof extra, "role=%s pid=%ld", role, (long)getpid());
    sp_summary("sim_fork", &n, extra);
}

int main(void)
{
    int status = 0;
    pid_t child = fork();

    if (child < 0) {
        perror("sim_fork: fork");
        return 1;
    }
    work(child == 0 ? "child" : "parent");
    if (child == 0)
        return 0;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "sim_fork: the child failed\n");
        return 1;
    }
    return 0;
}
