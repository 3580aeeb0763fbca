/* sim_basic: the simulated GPU's basic workload.
 *
 * One context, streams s1 and s2, kernels "kernA" (50 us) and "kernB"
 * (20 us), a 1 MiB pinned host buffer and two 1 MiB device buffers.
 * 5 iterations, each inside an NVTX push/pop range "step":
 *   - cuMemcpyHtoDAsync_v2 from pinned memory on s1 (async H2D),
 *   - on the first iteration only, cuMemsetD8Async on s1,
 *   - kernA on s1, kernB on s2,
 *   - cuMemcpyDtoH_v2 into pageable memory (synchronous D2H),
 *   - cuStreamSynchronize(s1).
 * Then one NVTX mark "done"; the data copied back is checked; exit 0.
 * Totals: kernels=10 memcpy=10 memset=1 sync=5 nvtx_ranges=5 nvtx_marks=1
 * graphs=0. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <nvtx3/nvToolsExt.h>

#include "tests/simgpu/progs/simprog.h"

#define BYTES (1u << 20)

int main(void)
{
    sp_counts n = { 0 };
    CUcontext ctx = sp_context(0);
    CUstream s1, s2;
    CUmodule mod;
    CUfunction ka, kb;
    CUdeviceptr din, dout;
    unsigned char *pinned, *back = malloc(BYTES);

    CK(cuStreamCreate(&s1, CU_STREAM_DEFAULT));
    CK(cuStreamCreate(&s2, CU_STREAM_DEFAULT));
    CK(cuModuleLoadData(&mod, "sim_basic"));
    ka = sp_kernel(mod, "kernA", 50000);
    kb = sp_kernel(mod, "kernB", 20000);
    CK(cuMemAllocHost_v2((void **)&pinned, BYTES));
    CK(cuMemAlloc_v2(&din, BYTES));
    CK(cuMemAlloc_v2(&dout, BYTES));
    for (unsigned i = 0; i < BYTES; i++)
        pinned[i] = (unsigned char)(i * 7);
    for (int it = 0; it < 5; it++) {
        nvtxRangePushA("step");
        CK(cuMemcpyHtoDAsync_v2(din, pinned, BYTES, s1));
        n.memcpy++;
        if (it == 0) {
            CK(cuMemsetD8Async(dout, 0, BYTES, s1));
            n.memset++;
        }
        sp_launch(&n, ka, s1);
        sp_launch(&n, kb, s2);
        CK(cuMemcpyDtoH_v2(back, din, BYTES));
        n.memcpy++;
        CK(cuStreamSynchronize(s1));
        n.sync++;
        nvtxRangePop();
        n.nvtx_ranges++;
    }
    nvtxMarkA("done");
    n.nvtx_marks++;
    if (memcmp(back, pinned, BYTES) != 0) {
        fprintf(stderr, "sim_basic: the data copied back differs\n");
        return 1;
    }
    CK(cuMemFree_v2(din));
    CK(cuMemFree_v2(dout));
    CK(cuMemFreeHost(pinned));
    CK(cuModuleUnload(mod));
    CK(cuStreamDestroy_v2(s1));
    CK(cuStreamDestroy_v2(s2));
    CK(cuCtxDestroy_v2(ctx));
    free(back);
    sp_summary("sim_basic", &n, "");
    return 0;
}
