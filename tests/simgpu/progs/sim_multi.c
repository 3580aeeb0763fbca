/* sim_multi: two devices.
 *
 * Sets SIMGPU_DEVICES=2 unless already set (fails if fewer than 2 devices).
 * One context on device 0 and one on device 1; on each, 4 kernels "multiK"
 * (200 us) on the legacy stream and one cuCtxSynchronize.
 * Totals: kernels=8 (4 per device) memcpy=0 memset=0 sync=2 nvtx_ranges=0
 * nvtx_marks=0 graphs=0; the summary line adds devices=2. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "tests/simgpu/progs/simprog.h"

int main(void)
{
    sp_counts n = { 0 };
    CUcontext ctx[2];
    CUmodule mod[2];
    int count = 0;

    setenv("SIMGPU_DEVICES", "2", 0);
    CK(cuInit(0));
    CK(cuDeviceGetCount(&count));
    if (count < 2) {
        fprintf(stderr, "sim_multi: needs 2 devices, SIMGPU_DEVICES gives %d\n", count);
        return 1;
    }
    for (int d = 0; d < 2; d++) {
        CUfunction f;
        ctx[d] = sp_context(d);
        CK(cuModuleLoadData(&mod[d], "sim_multi"));
        f = sp_kernel(mod[d], "multiK", 200000);
        for (int i = 0; i < 4; i++)
            sp_launch(&n, f, NULL);
    }
    for (int d = 0; d < 2; d++) {
        CK(cuCtxSetCurrent(ctx[d]));
        CK(cuCtxSynchronize());
        n.sync++;
        CK(cuModuleUnload(mod[d]));
        CK(cuCtxDestroy_v2(ctx[d]));
    }
    sp_summary("sim_multi", &n, "devices=2");
    return 0;
}
