/* simprog.c: helpers of the simulated GPU's test programs (simprog.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tests/simgpu/progs/simprog.h"

void sp_check(CUresult r, const char *call, const char *file, int line)
{
    const char *name = NULL;

    if (r == CUDA_SUCCESS)
        return;
    cuGetErrorName(r, &name);
    fprintf(stderr, "%s:%d: %s failed: %s\n", file, line, call, name ? name : "unknown error");
    exit(1);
}

CUcontext sp_context(int dev)
{
    CUcontext ctx;
    CUdevice d;

    CK(cuInit(0));
    CK(cuDeviceGet(&d, dev));
    CK(cuCtxCreate_v4(&ctx, NULL, 0, d));
    return ctx;
}

CUfunction sp_kernel(CUmodule mod, const char *name, uint64_t ns)
{
    CUfunction f;

    CK(cuModuleGetFunction(&f, mod, name));
    CK(simgpuFuncSetDuration(f, ns));
    return f;
}

void sp_launch(sp_counts *c, CUfunction f, CUstream s)
{
    sp_launch_blocks(c, f, s, 1);
}

void sp_launch_blocks(sp_counts *c, CUfunction f, CUstream s, unsigned blocks)
{
    CK(cuLaunchKernel(f, blocks, 1, 1, 32, 1, 1, 0, s, NULL, NULL));
    c->kernels++;
}

void sp_summary(const char *prog, const sp_counts *c, const char *extra)
{
    fprintf(stderr, "%s: kernels=%u memcpy=%u memset=%u sync=%u nvtx_ranges=%u nvtx_marks=%u graphs=%u%s%s\n",
            prog, c->kernels, c->memcpy, c->memset, c->sync, c->nvtx_ranges, c->nvtx_marks, c->graphs,
            *extra ? " " : "", extra);
}

uint64_t sp_now_ns(void)
{
    return simgpuNow();
}
