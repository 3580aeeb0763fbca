/* simprog.h: what the simulated GPU's test programs (progs/sim_X.c) share.
 *
 * Each program states in its header comment what it does, in counts, and
 * prints the same counts as one line on stderr when it ends:
 *     <name>: kernels=K memcpy=C memset=M sync=S nvtx_ranges=R nvtx_marks=A graphs=G
 * so a test can compare a recorded trace with it. sync counts the calls
 * CUPTI reports as synchronization records (cuStreamSynchronize,
 * cuCtxSynchronize, cuEventSynchronize, cuStreamWaitEvent); graphs counts
 * graph launches. Any failing CUDA call ends the program with exit 1. */
#ifndef GP_SIMPROG_H
#define GP_SIMPROG_H

#include <cuda.h>
#include <stdint.h>

#include "tests/simgpu/simgpu.h"

typedef struct sp_counts {
    unsigned kernels, memcpy, memset, sync, nvtx_ranges, nvtx_marks, graphs;
} sp_counts;

/* Exits 1 with "prog: file:line: call failed: CUDA_ERROR_..." unless r is
 * CUDA_SUCCESS. */
#define CK(call) sp_check((call), #call, __FILE__, __LINE__)
void sp_check(CUresult r, const char *call, const char *file, int line);

/* cuInit, then a new context on device dev (current). */
CUcontext sp_context(int dev);
/* A kernel called name running ns per launch, from a module of ctx. */
CUfunction sp_kernel(CUmodule mod, const char *name, uint64_t ns);
/* Launches f on s (1x1x1 grid of 32 threads) and counts it. */
void sp_launch(sp_counts *c, CUfunction f, CUstream s);
/* The same over a grid of blocks x 1 x 1 (blocks > 0): blocks occupy SMs
 * when MPS clients share the device (tests/simgpu/README.md). */
void sp_launch_blocks(sp_counts *c, CUfunction f, CUstream s, unsigned blocks);
/* Prints the summary line (with extra text appended, may be "") on stderr. */
void sp_summary(const char *prog, const sp_counts *c, const char *extra);
uint64_t sp_now_ns(void);

/* One job on one stream: a context on device 0, a non-blocking stream, and
 * a kernel called name of ns per launch (from a module called prog). The
 * same calls run through the driver API (simprog_drv.c: a created context,
 * cuLaunchKernel, cuStreamSynchronize) or, in the programs' runtime
 * variants, the runtime API (simprog_rt.c: the primary context, a kernel
 * registered as nvcc's code does, cudaLaunchKernel or CUDA 13's
 * __cudaLaunchKernel as rt_launch says, cudaStreamSynchronize): the same
 * GPU work, with the same counts. Any failing call exits 1. */
enum { SP_RT_LAUNCH_KERNEL = 0, SP_RT_LAUNCH_CU13 = 1 };
typedef struct sp_job {
    CUcontext ctx;
    CUstream stream;
    CUmodule mod;                 /* driver variant */
    CUfunction kernel;
    void **fatbin;                /* runtime variant */
    int rt_launch;                /* runtime variant: SP_RT_LAUNCH_* */
} sp_job;
extern const char sp_api[];       /* "driver" or "runtime" */
void sp_job_start(sp_job *j, const char *prog, const char *name, uint64_t ns, int rt_launch);
/* Launches the kernel (a grid of blocks x 1 x 1 of 32 threads) on the
 * job's stream; counted. */
void sp_job_launch(sp_counts *c, sp_job *j, unsigned blocks);
/* Synchronizes the job's stream; counted. */
void sp_job_sync(sp_counts *c, sp_job *j);
/* Launches from now on run ns each. */
void sp_job_set_duration(sp_job *j, uint64_t ns);
void sp_job_end(sp_job *j);

#endif
