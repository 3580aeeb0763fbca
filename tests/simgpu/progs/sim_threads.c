/* sim_threads: several host threads share one context.
 *
 * One context; 4 threads, each with its own stream: inside one NVTX
 * push/pop range "thread", 25 kernels "threadK" (100 us) on its stream,
 * then cuStreamSynchronize of that stream.
 * Totals: kernels=100 memcpy=0 memset=0 sync=4 nvtx_ranges=4 nvtx_marks=0
 * graphs=0. */
#include "config.h"

#include <pthread.h>

#include <nvtx3/nvToolsExt.h>

#include "tests/simgpu/progs/simprog.h"

#define THREADS 4

static CUcontext ctx;
static CUfunction f;
static sp_counts per_thread[THREADS];

static void *run(void *arg)
{
    sp_counts *n = arg;
    CUstream s;

    CK(cuCtxSetCurrent(ctx));
    CK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
    nvtxRangePushA("thread");
    for (int i = 0; i < 25; i++)
        sp_launch(n, f, s);
    CK(cuStreamSynchronize(s));
    n->sync++;
    nvtxRangePop();
    n->nvtx_ranges++;
    CK(cuStreamDestroy_v2(s));
    return NULL;
}

int main(void)
{
    pthread_t th[THREADS];
    sp_counts total = { 0 };
    CUmodule mod;

    ctx = sp_context(0);
    CK(cuModuleLoadData(&mod, "sim_threads"));
    f = sp_kernel(mod, "threadK", 100000);
    for (int i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, run, &per_thread[i]);
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        total.kernels += per_thread[i].kernels;
        total.sync += per_thread[i].sync;
        total.nvtx_ranges += per_thread[i].nvtx_ranges;
    }
    CK(cuModuleUnload(mod));
    CK(cuCtxDestroy_v2(ctx));
    sp_summary("sim_threads", &total, "");
    return 0;
}
