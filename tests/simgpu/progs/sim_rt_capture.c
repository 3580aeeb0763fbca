/* sim_rt_capture: a CUDA graph captured through the runtime while another
 * stream keeps running work, as torch.compile(mode="reduce-overhead") does
 * (its Triton kernels launched through the driver inside the capture).
 *
 *   sim_rt_capture [--rounds R] [--gap-us G] [--replays N]
 *
 * Two non-blocking streams, cap and side, on the runtime's primary
 * context. cudaStreamBeginCapture(cap, cudaStreamCaptureModeGlobal), then
 * R rounds (default 40), G us apart (default 2000), each:
 *   cudaLaunchKernel     "cap_k"    on cap   (captured)
 *   cuLaunchKernel       "triton_k" on cap   (driver level, captured)
 *   __cudaLaunchKernel   "side_k"   on side  (runs now, 100 us)
 *   cudaLaunchKernelExC  "cap_ex"   on cap   (captured)
 * with cudaStreamIsCapturing(cap) active and (side) not after each round;
 * then cudaStreamEndCapture (which fails if anything invalidated the
 * capture, e.g. a context synchronize in global mode), cudaGraphInstantiate,
 * N graph launches (default 3) on cap, cudaStreamSynchronize of both.
 * Captured kernels run 20 us. Any failing call exits 1.
 * Totals: kernels=R+3*R*N memcpy=0 memset=0 sync=2 nvtx_ranges=0
 * nvtx_marks=0 graphs=N, and captured=3*R (launches into the capture). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/simgpu/progs/simprog_rt.h"

/* Host stubs of the runtime's kernels: only their addresses are used. */
static void cap_k(void)
{
}
static void cap_ex(void)
{
}
static void side_k(void)
{
}

static void set_duration(const void *stub, uint64_t ns)
{
    cudaFunction_t f;

    RK(cudaGetFuncBySymbol(&f, stub));
    CK(simgpuFuncSetDuration(f, ns));
}

int main(int argc, char **argv)
{
    int rounds = 40, replays = 3;
    long gap_us = 2000;
    sp_counts n = { 0 };
    unsigned captured = 0;
    dim3 grid = { 1, 1, 1 }, block = { 32, 1, 1 };
    cudaLaunchConfig_t cfg;
    cudaStream_t cap, side;
    cudaKernel_t side_handle;
    enum cudaStreamCaptureStatus st;
    cudaGraph_t graph;
    cudaGraphExec_t exec;
    CUmodule mod;
    CUfunction triton;
    void **fb;
    char extra[32];

    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : "0";
        if (strcmp(argv[i], "--rounds") == 0) rounds = atoi(v), i++;
        else if (strcmp(argv[i], "--gap-us") == 0) gap_us = atol(v), i++;
        else if (strcmp(argv[i], "--replays") == 0) replays = atoi(v), i++;
        else {
            fprintf(stderr, "sim_rt_capture: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    if (rounds < 1 || replays < 0 || gap_us < 0 || gap_us > 1000000) {
        fprintf(stderr, "sim_rt_capture: --rounds >= 1, --replays >= 0, --gap-us <= 1000000\n");
        return 2;
    }
    fb = __cudaRegisterFatBinary((void *)"sim_rt_capture");
    if (!fb)
        return 1;
    __cudaRegisterFunction(fb, (const char *)cap_k, (char *)"cap_k", "cap_k", -1, NULL, NULL, NULL,
                           NULL, NULL);
    __cudaRegisterFunction(fb, (const char *)cap_ex, (char *)"cap_ex", "cap_ex", -1, NULL, NULL,
                           NULL, NULL, NULL);
    __cudaRegisterFunction(fb, (const char *)side_k, (char *)"side_k", "side_k", -1, NULL, NULL,
                           NULL, NULL, NULL);
    __cudaRegisterFatBinaryEnd(fb);

    RK(cudaStreamCreateWithFlags(&cap, cudaStreamNonBlocking));
    RK(cudaStreamCreateWithFlags(&side, cudaStreamNonBlocking));
    set_duration((const void *)cap_k, 20000);
    set_duration((const void *)cap_ex, 20000);
    set_duration((const void *)side_k, 100000);
    RK(__cudaGetKernel(&side_handle, (const void *)side_k));
    /* A Triton-style kernel: its own module, launched through the driver
     * in the runtime's (current, primary) context. */
    CK(cuModuleLoadData(&mod, "sim_rt_capture.triton"));
    triton = sp_kernel(mod, "triton_k", 20000);
    memset(&cfg, 0, sizeof cfg);
    cfg.gridDim = grid;
    cfg.blockDim = block;
    cfg.stream = cap;

    RK(cudaStreamBeginCapture(cap, cudaStreamCaptureModeGlobal));
    for (int r = 0; r < rounds; r++) {
        struct timespec gap = { gap_us / 1000000, (gap_us % 1000000) * 1000 };
        RK(cudaLaunchKernel((const void *)cap_k, grid, block, NULL, 0, cap));
        CK(cuLaunchKernel(triton, 1, 1, 1, 32, 1, 1, 0, (CUstream)cap, NULL, NULL));
        RK(__cudaLaunchKernel(side_handle, grid, block, NULL, 0, side));
        n.kernels++;
        RK(cudaLaunchKernelExC(&cfg, (const void *)cap_ex, NULL));
        captured += 3;
        RK(cudaStreamIsCapturing(cap, &st));
        if (st != cudaStreamCaptureStatusActive) {
            fprintf(stderr, "sim_rt_capture: round %d: the capture is no longer active (%d)\n", r,
                    (int)st);
            return 1;
        }
        RK(cudaStreamIsCapturing(side, &st));
        if (st != cudaStreamCaptureStatusNone) {
            fprintf(stderr, "sim_rt_capture: round %d: the side stream captures\n", r);
            return 1;
        }
        nanosleep(&gap, NULL);
    }
    RK(cudaStreamEndCapture(cap, &graph));
    RK(cudaGraphInstantiate(&exec, graph, 0));
    for (int i = 0; i < replays; i++) {
        RK(cudaGraphLaunch(exec, cap));
        n.graphs++;
        n.kernels += captured;
    }
    RK(cudaStreamSynchronize(cap));
    RK(cudaStreamSynchronize(side));
    n.sync += 2;
    RK(cudaGraphExecDestroy(exec));
    RK(cudaGraphDestroy(graph));
    CK(cuModuleUnload(mod));
    RK(cudaStreamDestroy(cap));
    RK(cudaStreamDestroy(side));
    __cudaUnregisterFatBinary(fb);
    snprintf(extra, sizeof extra, "captured=%u", captured);
    sp_summary("sim_rt_capture", &n, extra);
    return 0;
}
