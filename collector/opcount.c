/* opcount.c: GPU operations a call issues (opcount.h). */
#include "config.h"

#include <cupti.h> /* cuda.h, cuda_runtime_api.h and the <name>_params structs */
#include <stddef.h>
#include <string.h>

#include "collector/opcount.h"

/* The runtime's batched and multi-device calls keep the count where the
 * driver's do: one reader serves both. */
_Static_assert(offsetof(cudaMemcpyBatchAsync_v13000_params, count) ==
                   offsetof(cuMemcpyBatchAsync_params, count), "batch count");
_Static_assert(offsetof(cuMemcpyBatchAsync_v2_params, count) ==
                   offsetof(cuMemcpyBatchAsync_params, count), "batch count (v2)");
_Static_assert(offsetof(cudaMemcpy3DBatchAsync_v13000_params, numOps) ==
                   offsetof(cuMemcpy3DBatchAsync_params, numOps), "3D batch count");
/* cudaLaunchCooperativeKernelMultiDevice (CUDA 12 runtimes; removed in
 * 13) took (launchParamsList, numDevices, flags), as the driver's does. */

#define MAX_COUNT 1000000

static int starts(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

int gp_op_kind(const char *name)
{
    if (!name)
        return GP_OP_NONE;
    if (starts(name, "__"))
        name += 2; /* __cudaLaunchKernel: CUDA 13's <<<>>> */
    if (starts(name, "cuGraphLaunch") || starts(name, "cudaGraphLaunch"))
        return GP_OP_GRAPH;
    if (starts(name, "cuLaunchCooperativeKernelMultiDevice") ||
        starts(name, "cudaLaunchCooperativeKernelMultiDevice"))
        return GP_OP_MULTIDEV;
    if (starts(name, "cuMemcpy3DBatchAsync") || starts(name, "cudaMemcpy3DBatchAsync"))
        return GP_OP_BATCH3D;
    if (starts(name, "cuMemcpyBatchAsync") || starts(name, "cudaMemcpyBatchAsync"))
        return GP_OP_BATCH;
    if (((starts(name, "cuLaunch") || starts(name, "cudaLaunch")) && !strstr(name, "HostFunc")) ||
        starts(name, "cuMemcpy") || starts(name, "cudaMemcpy") || starts(name, "cuMemset") ||
        starts(name, "cudaMemset"))
        return GP_OP_ONE;
    return GP_OP_NONE;
}

uint64_t gp_op_count(int kind, const void *params)
{
    uint64_t n;

    switch (kind) {
    case GP_OP_ONE:
        return 1;
    case GP_OP_MULTIDEV:
        if (!params)
            return 1;
        n = ((const cuLaunchCooperativeKernelMultiDevice_params *)params)->numDevices;
        break;
    case GP_OP_BATCH:
        if (!params)
            return 1;
        n = ((const cuMemcpyBatchAsync_params *)params)->count;
        break;
    case GP_OP_BATCH3D:
        if (!params)
            return 1;
        n = ((const cuMemcpy3DBatchAsync_params *)params)->numOps;
        break;
    default:
        return 0;
    }
    return n <= MAX_COUNT ? n : 1;
}
