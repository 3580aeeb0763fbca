/* sim_taken: CUPTI already taken by another profiler.
 *
 * Before cuInit, loads the CUPTI named by GPUPACK_CUPTI_PATH (dlopen) and
 * subscribes as "other-profiler", as a framework's own profiler would;
 * CUPTI 13 allows one subscriber, so a collector injected by cuInit cannot
 * subscribe. Then one context, 3 kernels "takenK" (10 us) on the legacy
 * stream and one cuCtxSynchronize; exits 0 whatever the collector did.
 * Without GPUPACK_CUPTI_PATH it only runs the CUDA part (subscribed=no).
 * Totals: kernels=3 memcpy=0 memset=0 sync=1 nvtx_ranges=0 nvtx_marks=0
 * graphs=0; the summary line adds subscribed=yes|no. */
#include "config.h"

#include <cupti.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/simgpu/progs/simprog.h"

static void CUPTIAPI ignore(void *ud, CUpti_CallbackDomain d, CUpti_CallbackId id, const void *p)
{
    (void)ud, (void)d, (void)id, (void)p;
}

/* Subscribes through the CUPTI at path; returns 1 on success. */
static int take_cupti(const char *path)
{
    CUptiResult (*subscribe)(CUpti_SubscriberHandle *, CUpti_CallbackFunc, void *, CUpti_SubscriberParams *);
    CUpti_SubscriberParams p = { CUpti_SubscriberParams_STRUCT_SIZE, "other-profiler", NULL, 0 };
    CUpti_SubscriberHandle sub;
    void *h;

    if (!path || !*path)
        return 0;
    h = dlopen(path, RTLD_NOW | RTLD_GLOBAL); /* kept open, as a profiler would */
    if (!h) {
        fprintf(stderr, "sim_taken: cannot load %s: %s\n", path, dlerror());
        return 0;
    }
    *(void **)&subscribe = dlsym(h, "cuptiSubscribe_v2");
    return subscribe && subscribe(&sub, ignore, NULL, &p) == CUPTI_SUCCESS;
}

int main(void)
{
    int taken = take_cupti(getenv("GPUPACK_CUPTI_PATH"));
    sp_counts n = { 0 };
    CUcontext ctx = sp_context(0);
    CUmodule mod;
    CUfunction f;

    CK(cuModuleLoadData(&mod, "sim_taken"));
    f = sp_kernel(mod, "takenK", 10000);
    for (int i = 0; i < 3; i++)
        sp_launch(&n, f, NULL);
    CK(cuCtxSynchronize());
    n.sync++;
    CK(cuModuleUnload(mod));
    CK(cuCtxDestroy_v2(ctx));
    sp_summary("sim_taken", &n, taken ? "subscribed=yes" : "subscribed=no");
    return 0;
}
