/* simprog_rt.c: a test program's job through the CUDA runtime API
 * (simprog.h), on the fake runtime (libcudart.so.13). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "tests/simgpu/progs/simprog_rt.h"

const char sp_api[] = "runtime";

/* The job's kernel's host stub, as nvcc emits one: only its address is
 * used; and its handle for __cudaLaunchKernel (nvcc's code keeps it in a
 * static too). */
static void job_kernel(void)
{
}
static cudaKernel_t job_handle;

void sp_rt_check(cudaError_t e, const char *call, const char *file, int line)
{
    if (e == cudaSuccess)
        return;
    fprintf(stderr, "%s:%d: %s failed: %s\n", file, line, call, cudaGetErrorName(e));
    exit(1);
}

void sp_job_start(sp_job *j, const char *prog, const char *name, uint64_t ns, int rt_launch)
{
    cudaFunction_t f;

    j->rt_launch = rt_launch;
    j->fatbin = __cudaRegisterFatBinary((void *)prog);
    if (!j->fatbin)
        exit(1);
    __cudaRegisterFunction(j->fatbin, (const char *)job_kernel, (char *)name, name, -1, NULL, NULL,
                           NULL, NULL, NULL);
    __cudaRegisterFatBinaryEnd(j->fatbin);
    RK(cudaStreamCreateWithFlags(&j->stream, cudaStreamNonBlocking));
    RK(cudaGetFuncBySymbol(&f, (const void *)job_kernel));
    j->kernel = f;
    RK(__cudaGetKernel(&job_handle, (const void *)job_kernel));
    CK(cuCtxGetCurrent(&j->ctx)); /* the primary context the runtime made current */
    CK(simgpuFuncSetDuration(j->kernel, ns));
}

void sp_job_launch(sp_counts *c, sp_job *j, unsigned blocks)
{
    dim3 grid = { blocks, 1, 1 }, block = { 32, 1, 1 };

    if (j->rt_launch == SP_RT_LAUNCH_CU13) {
        RK(__cudaLaunchKernel(job_handle, grid, block, NULL, 0, j->stream));
    } else {
        RK(cudaLaunchKernel((const void *)job_kernel, grid, block, NULL, 0, j->stream));
    }
    c->kernels++;
}

void sp_job_sync(sp_counts *c, sp_job *j)
{
    RK(cudaStreamSynchronize(j->stream));
    c->sync++;
}

void sp_job_set_duration(sp_job *j, uint64_t ns)
{
    CK(simgpuFuncSetDuration(j->kernel, ns));
}

void sp_job_end(sp_job *j)
{
    RK(cudaStreamDestroy(j->stream));
    __cudaUnregisterFatBinary(j->fatbin);
}
