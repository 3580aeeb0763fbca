/* sim_kineto [finalize]: a job with its own CUPTI profiler window, as a
 * torch.profiler window (Kineto) makes one.
 *
 * Loads the job's CUPTI (SIM_KINETO_CUPTI, a path, else libcupti.so.13)
 * as PyTorch's libraries link it, and calls its activity functions as a
 * linked library would: through the process's global symbol lookup. Then:
 *   before  10 kernels "beforeK" (100 us), synchronize, 300 ms of host
 *           work (a training loop runs a while before its profiler window);
 *   window  registers its own buffer callbacks and a timestamp callback
 *           (its clock: CLOCK_MONOTONIC + 10^15 ns), enables
 *           CONCURRENT_KERNEL and RUNTIME, 10 kernels "windowK",
 *           synchronize, cuptiActivityFlushAll(FORCED), disables both kinds
 *           and, with "finalize", calls cuptiFinalize (Kineto's
 *           TEARDOWN_CUPTI=1);
 *   after   10 kernels "afterK", synchronize.
 * Its summary line adds own_kernels=N (kernel records its buffers got),
 * own_window=W (of those, "windowK" ones) and own_in_clock=C (of those,
 * with start and end inside its window on its own clock).
 * Totals: kernels=30 memcpy=0 memset=0 sync=3 nvtx_ranges=0 nvtx_marks=0
 * graphs=0. */
#include "config.h"

#include <cupti.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/simgpu/progs/simprog.h"

#define CLOCK_BASE 1000000000000000ull /* 10^15 ns: a clock no other resembles */

static struct {
    __typeof__(cuptiActivityRegisterCallbacks) *RegisterCallbacks;
    __typeof__(cuptiActivityRegisterTimestampCallback) *RegisterTimestampCallback;
    __typeof__(cuptiActivityEnable) *Enable;
    __typeof__(cuptiActivityDisable) *Disable;
    __typeof__(cuptiActivityFlushAll) *FlushAll;
    __typeof__(cuptiActivityGetNextRecord) *GetNextRecord;
    __typeof__(cuptiFinalize) *Finalize;
} C;

static unsigned own_kernels, own_window, own_in_clock;
static uint64_t window_start, window_end = UINT64_MAX;

static uint64_t CUPTIAPI my_clock(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return CLOCK_BASE + (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void CUPTIAPI my_request(uint8_t **buf, size_t *size, size_t *max)
{
    *size = 1 << 20;
    *buf = aligned_alloc(8, *size);
    *max = 0;
}

static void CUPTIAPI my_done(CUcontext ctx, uint32_t stream, uint8_t *buf, size_t size,
                             size_t valid)
{
    CUpti_Activity *r = NULL;

    (void)ctx, (void)stream, (void)size;
    while (buf && C.GetNextRecord(buf, valid, &r) == CUPTI_SUCCESS) {
        const CUpti_ActivityKernel10 *k = (const CUpti_ActivityKernel10 *)r;
        if (r->kind != CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL &&
            r->kind != CUPTI_ACTIVITY_KIND_KERNEL)
            continue;
        own_kernels++;
        if (k->name && strcmp(k->name, "windowK") == 0)
            own_window++;
        if (k->start >= window_start && k->end <= window_end && k->start < k->end)
            own_in_clock++;
    }
    free(buf);
}

#define SYM(f, name)                                                                  \
    do {                                                                              \
        *(void **)&C.f = dlsym(RTLD_DEFAULT, name);                                   \
        if (!C.f) {                                                                   \
            fprintf(stderr, "sim_kineto: %s not found\n", name);                      \
            exit(1);                                                                  \
        }                                                                             \
    } while (0)

static void burst(sp_counts *n, sp_job *j, CUfunction f)
{
    for (int i = 0; i < 10; i++)
        sp_launch(n, f, j->stream);
    CK(cuStreamSynchronize(j->stream));
    n->sync++;
}

int main(int argc, char **argv)
{
    const char *lib = getenv("SIM_KINETO_CUPTI");
    int finalize = argc > 1 && strcmp(argv[1], "finalize") == 0;
    sp_counts n = { 0 };
    sp_job j;
    CUfunction window_k, after_k;
    char extra[128];

    if (!dlopen(lib && *lib ? lib : "libcupti.so.13", RTLD_NOW | RTLD_GLOBAL)) {
        fprintf(stderr, "sim_kineto: cannot load CUPTI: %s\n", dlerror());
        return 1;
    }
    SYM(RegisterCallbacks, "cuptiActivityRegisterCallbacks");
    SYM(RegisterTimestampCallback, "cuptiActivityRegisterTimestampCallback");
    SYM(Enable, "cuptiActivityEnable");
    SYM(Disable, "cuptiActivityDisable");
    SYM(FlushAll, "cuptiActivityFlushAll");
    SYM(GetNextRecord, "cuptiActivityGetNextRecord");
    SYM(Finalize, "cuptiFinalize");

    sp_job_start(&j, "sim_kineto", "beforeK", 100000, SP_RT_LAUNCH_KERNEL);
    window_k = sp_kernel(j.mod, "windowK", 100000);
    after_k = sp_kernel(j.mod, "afterK", 100000);
    burst(&n, &j, j.kernel);
    {
        struct timespec host_work = { 0, 300000000 };
        nanosleep(&host_work, NULL);
    }

    if (C.RegisterTimestampCallback(my_clock) != CUPTI_SUCCESS ||
        C.RegisterCallbacks(my_request, my_done) != CUPTI_SUCCESS ||
        C.Enable(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL) != CUPTI_SUCCESS ||
        C.Enable(CUPTI_ACTIVITY_KIND_RUNTIME) != CUPTI_SUCCESS) {
        fprintf(stderr, "sim_kineto: could not start its profiler window\n");
        return 1;
    }
    window_start = my_clock();
    burst(&n, &j, window_k);
    C.FlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
    window_end = my_clock();
    C.Disable(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL);
    C.Disable(CUPTI_ACTIVITY_KIND_RUNTIME);
    if (finalize)
        C.Finalize();

    burst(&n, &j, after_k);
    sp_job_end(&j);
    snprintf(extra, sizeof extra, "own_kernels=%u own_window=%u own_in_clock=%u", own_kernels,
             own_window, own_in_clock);
    sp_summary("sim_kineto", &n, extra);
    return 0;
}
