/* sim_pageable: async copies from pageable memory block the host; from
 * pinned memory they do not.
 *
 * One context and stream s, a 1 MiB pinned and a 1 MiB pageable host
 * buffer. One copy of each on s first, as a warm-up (under valgrind the
 * first call of a code path is slow). Then 4 iterations: kernel "pageK"
 * (200 ms) on s, then
 * cuMemcpyHtoDAsync_v2 from pinned memory (queued behind the kernel: the
 * call returns at once) and cuMemcpyHtoDAsync_v2 from pageable memory (the
 * call returns only when the copy is done). Then one cuStreamSynchronize.
 * Checks both with simgpuStreamBusyUntil and exits 1 if a pinned copy
 * blocked or a pageable one did not.
 * Totals: kernels=4 memcpy=10 (5 pinned, 5 pageable) memset=0 sync=1
 * nvtx_ranges=0 nvtx_marks=0 graphs=0; the summary line adds
 * pinned_blocked=0 pageable_blocked=4. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "tests/simgpu/progs/simprog.h"

#define BYTES (1u << 20)

int main(void)
{
    sp_counts n = { 0 };
    CUcontext ctx = sp_context(0);
    CUstream s;
    CUmodule mod;
    CUfunction f;
    CUdeviceptr d;
    void *pinned, *pageable = calloc(1, BYTES);
    unsigned pinned_blocked = 0, pageable_blocked = 0;
    uint64_t busy;
    char extra[64];

    CK(cuStreamCreate(&s, CU_STREAM_DEFAULT));
    CK(cuModuleLoadData(&mod, "sim_pageable"));
    f = sp_kernel(mod, "pageK", 200000000);
    CK(cuMemAllocHost_v2(&pinned, BYTES));
    CK(cuMemAlloc_v2(&d, BYTES));
    CK(cuMemcpyHtoDAsync_v2(d, pinned, BYTES, s));
    CK(cuMemcpyHtoDAsync_v2(d, pageable, BYTES, s));
    n.memcpy += 2;
    for (int i = 0; i < 4; i++) {
        sp_launch(&n, f, s);
        CK(cuMemcpyHtoDAsync_v2(d, pinned, BYTES, s));
        n.memcpy++;
        CK(simgpuStreamBusyUntil(s, &busy));
        pinned_blocked += sp_now_ns() >= busy;
        CK(cuMemcpyHtoDAsync_v2(d, pageable, BYTES, s));
        n.memcpy++;
        CK(simgpuStreamBusyUntil(s, &busy));
        pageable_blocked += sp_now_ns() >= busy;
    }
    CK(cuStreamSynchronize(s));
    n.sync++;
    CK(cuMemFree_v2(d));
    CK(cuMemFreeHost(pinned));
    CK(cuModuleUnload(mod));
    CK(cuStreamDestroy_v2(s));
    CK(cuCtxDestroy_v2(ctx));
    free(pageable);
    snprintf(extra, sizeof extra, "pinned_blocked=%u pageable_blocked=%u", pinned_blocked, pageable_blocked);
    sp_summary("sim_pageable", &n, extra);
    return pinned_blocked == 0 && pageable_blocked == 4 ? 0 : 1;
}
