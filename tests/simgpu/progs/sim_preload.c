/* sim_preload: a job that loads a CUPTI of its own before CUDA starts, as
 * PyTorch does (libtorch_cuda links libcupti.so.12 or .so.13).
 *
 *   sim_preload [LIB]
 * dlopens LIB (if given) before cuInit, then one context, 4 kernels
 * "preK" (10 us) on one stream and its synchronize. At exit it counts the
 * loaded objects that are a CUPTI (define cuptiGetVersion) and adds
 * "cupti_libs=N" to its summary line.
 * Totals: kernels=4 memcpy=0 memset=0 sync=1 nvtx_ranges=0 nvtx_marks=0
 * graphs=0. */
#include "config.h"

#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

#include "tests/simgpu/progs/simprog.h"

static int cuptis;

static int count(struct dl_phdr_info *info, size_t size, void *arg)
{
    void *h;

    (void)size;
    (void)arg;
    if (!info->dlpi_name || !info->dlpi_name[0])
        return 0;
    h = dlopen(info->dlpi_name, RTLD_NOW | RTLD_NOLOAD);
    if (h) {
        if (dlsym(h, "cuptiGetVersion"))
            cuptis++;
        dlclose(h);
    }
    return 0;
}

int main(int argc, char **argv)
{
    sp_counts n = { 0 };
    sp_job j;
    char extra[64];

    if (argc > 1 && !dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL)) {
        fprintf(stderr, "sim_preload: cannot load %s: %s\n", argv[1], dlerror());
        return 1;
    }
    sp_job_start(&j, "sim_preload", "preK", 10000, SP_RT_LAUNCH_KERNEL);
    for (int i = 0; i < 4; i++)
        sp_launch(&n, j.kernel, j.stream);
    CK(cuStreamSynchronize(j.stream));
    n.sync++;
    sp_job_end(&j);
    dl_iterate_phdr(count, NULL);
    snprintf(extra, sizeof extra, "cupti_libs=%d", cuptis);
    sp_summary("sim_preload", &n, extra);
    return 0;
}
