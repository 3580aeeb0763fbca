/* test_opcount.c: GPU operations a call issues (collector/opcount.h), from
 * CUPTI callback names as the driver and runtime domains give them and
 * from the <name>_params structs of CUPTI's generated headers. Expected
 * values are the counts stored in the structs. */
#include "config.h"

#include <cupti.h>
#include <string.h>

#include "collector/opcount.h"
#include "tests/tap.h"

int main(void)
{
    static const struct {
        const char *name;
        int kind;
    } names[] = {
        { "cuLaunchKernel", GP_OP_ONE },
        { "cuLaunchKernelEx", GP_OP_ONE },
        { "cuLaunchCooperativeKernel", GP_OP_ONE },
        { "cudaLaunchKernel_v7000", GP_OP_ONE },
        { "__cudaLaunchKernel_v13000", GP_OP_ONE },
        { "cudaLaunchKernelExC_v11060", GP_OP_ONE },
        { "cuLaunchHostFunc", GP_OP_NONE },
        { "cudaLaunchHostFunc_v10000", GP_OP_NONE },
        { "cuMemcpyHtoDAsync_v2", GP_OP_ONE },
        { "cudaMemcpyAsync_v3020", GP_OP_ONE },
        { "cuMemsetD8Async", GP_OP_ONE },
        { "cudaMemset_v3020", GP_OP_ONE },
        { "cuGraphLaunch", GP_OP_GRAPH },
        { "cudaGraphLaunch_v10000", GP_OP_GRAPH },
        { "cuLaunchCooperativeKernelMultiDevice", GP_OP_MULTIDEV },
        { "cudaLaunchCooperativeKernelMultiDevice_v9000", GP_OP_MULTIDEV },
        { "cuMemcpyBatchAsync_v2", GP_OP_BATCH },
        { "cudaMemcpyBatchAsync_v13000", GP_OP_BATCH },
        { "cuMemcpy3DBatchAsync", GP_OP_BATCH3D },
        { "cudaMemcpy3DBatchAsync_v13000", GP_OP_BATCH3D },
        { "cuStreamSynchronize", GP_OP_NONE },
        { "cudaGetDevice_v3020", GP_OP_NONE },
        { NULL, GP_OP_NONE },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        is_int(gp_op_kind(names[i].name), names[i].kind, "kind of %s",
               names[i].name ? names[i].name : "NULL");

    {
        cuLaunchCooperativeKernelMultiDevice_params p;
        memset(&p, 0, sizeof p);
        p.numDevices = 4;
        is_int((int)gp_op_count(GP_OP_MULTIDEV, &p), 4, "a launch on 4 devices issues 4 kernels");
    }
    {
        cuMemcpyBatchAsync_params p;
        memset(&p, 0, sizeof p);
        p.count = 7;
        is_int((int)gp_op_count(GP_OP_BATCH, &p), 7, "a batch of 7 copies (driver)");
    }
    {
        cudaMemcpyBatchAsync_v13000_params p;
        memset(&p, 0, sizeof p);
        p.count = 9;
        is_int((int)gp_op_count(GP_OP_BATCH, &p), 9, "a batch of 9 copies (runtime)");
    }
    {
        cudaMemcpy3DBatchAsync_v13000_params p;
        memset(&p, 0, sizeof p);
        p.numOps = 3;
        is_int((int)gp_op_count(GP_OP_BATCH3D, &p), 3, "a batch of 3 3D copies (runtime)");
    }
    {
        cuMemcpyBatchAsync_params p;
        memset(&p, 0, sizeof p);
        p.count = (size_t)1 << 40;
        is_int((int)gp_op_count(GP_OP_BATCH, &p), 1, "an absurd count is not believed");
    }
    is_int((int)gp_op_count(GP_OP_ONE, NULL), 1, "a launch issues one");
    is_int((int)gp_op_count(GP_OP_BATCH, NULL), 1, "no parameters: one");
    is_int((int)gp_op_count(GP_OP_GRAPH, NULL), 0, "a graph launch is not counted (its kernels carry a graph id)");
    is_int((int)gp_op_count(GP_OP_NONE, NULL), 0, "nothing issued");
    return done_testing();
}
