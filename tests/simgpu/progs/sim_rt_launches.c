/* sim_rt_launches [N]: launch overhead through the CUDA
 * runtime, for the collector's benchmark.
 *
 * The runtime's primary context, one non-blocking stream, N (default 1000)
 * launches of a 1 us kernel "rt_tiny" with cudaLaunchKernel, each preceded
 * by cudaGetDevice as PyTorch asks around every operation; then one
 * cudaStreamSynchronize. Prints the mean host time of one launch with its
 * query, measured around the loop only, as launch_ns=... on the summary
 * line.
 * Totals: kernels=N memcpy=0 memset=0 sync=1 nvtx_ranges=0 nvtx_marks=0
 * graphs=0. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "tests/simgpu/progs/simprog_rt.h"

static void rt_tiny(void)
{
}

int main(int argc, char **argv)
{
    long count = argc > 1 ? atol(argv[1]) : 1000;
    sp_counts n = { 0 };
    dim3 grid = { 1, 1, 1 }, block = { 32, 1, 1 };
    cudaStream_t s;
    cudaFunction_t f;
    void **fb;
    uint64_t t0, t1;
    char extra[64];
    int dev;

    if (count <= 0) {
        fprintf(stderr, "usage: sim_rt_launches [N > 0]\n");
        return 2;
    }
    fb = __cudaRegisterFatBinary((void *)"sim_rt_launches");
    if (!fb)
        return 1;
    __cudaRegisterFunction(fb, (const char *)rt_tiny, (char *)"rt_tiny", "rt_tiny", -1, NULL, NULL,
                           NULL, NULL, NULL);
    __cudaRegisterFatBinaryEnd(fb);
    RK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    RK(cudaGetFuncBySymbol(&f, (const void *)rt_tiny));
    CK(simgpuFuncSetDuration(f, 1000));
    t0 = sp_now_ns();
    for (long i = 0; i < count; i++) {
        RK(cudaGetDevice(&dev));
        RK(cudaLaunchKernel((const void *)rt_tiny, grid, block, NULL, 0, s));
        n.kernels++;
    }
    t1 = sp_now_ns();
    RK(cudaStreamSynchronize(s));
    n.sync++;
    RK(cudaStreamDestroy(s));
    snprintf(extra, sizeof extra, "launch_ns=%llu",
             (unsigned long long)((t1 - t0) / (uint64_t)count));
    sp_summary("sim_rt_launches", &n, extra);
    return 0;
}
