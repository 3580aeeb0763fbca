/* sim_stress: many host threads creating streams and launching at once, to
 * shake out lock-order bugs between a CUPTI client and CUPTI's own lock
 * (the fake CUPTI holds it around RESOURCE callbacks and the worker's
 * buffer deliveries, as a real one does).
 *
 * One context; THREADS threads, each ROUNDS times: create a stream (a
 * RESOURCE callback), launch BURST kernels "stressK" (1 us) on it,
 * synchronize it, destroy it.
 *   sim_stress [ROUNDS]     (default 200)
 * Totals: kernels=THREADS*ROUNDS*BURST memcpy=0 memset=0
 * sync=THREADS*ROUNDS nvtx_ranges=0 nvtx_marks=0 graphs=0. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>

#include "tests/simgpu/progs/simprog.h"

#define THREADS 8
#define BURST 20

static CUcontext ctx;
static CUfunction f;
static int rounds = 200;
static sp_counts per_thread[THREADS];

static void *run(void *arg)
{
    sp_counts *n = arg;

    CK(cuCtxSetCurrent(ctx));
    for (int r = 0; r < rounds; r++) {
        CUstream s;
        CK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
        for (int i = 0; i < BURST; i++)
            sp_launch(n, f, s);
        CK(cuStreamSynchronize(s));
        n->sync++;
        CK(cuStreamDestroy_v2(s));
    }
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t th[THREADS];
    sp_counts total = { 0 };
    CUmodule mod;

    if (argc > 1 && atoi(argv[1]) > 0)
        rounds = atoi(argv[1]);
    ctx = sp_context(0);
    CK(cuModuleLoadData(&mod, "sim_stress"));
    f = sp_kernel(mod, "stressK", 1000);
    for (int i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, run, &per_thread[i]);
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        total.kernels += per_thread[i].kernels;
        total.sync += per_thread[i].sync;
    }
    CK(cuModuleUnload(mod));
    CK(cuCtxDestroy_v2(ctx));
    sp_summary("sim_stress", &total, "");
    return 0;
}
