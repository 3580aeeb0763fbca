/* simprog_drv.c: a test program's job through the driver API (simprog.h). */
#include "config.h"

#include "tests/simgpu/progs/simprog.h"

const char sp_api[] = "driver";

void sp_job_start(sp_job *j, const char *prog, const char *name, uint64_t ns, int rt_launch)
{
    (void)rt_launch;
    j->ctx = sp_context(0);
    CK(cuStreamCreate(&j->stream, CU_STREAM_NON_BLOCKING));
    CK(cuModuleLoadData(&j->mod, prog));
    j->kernel = sp_kernel(j->mod, name, ns);
}

void sp_job_launch(sp_counts *c, sp_job *j, unsigned blocks)
{
    sp_launch_blocks(c, j->kernel, j->stream, blocks);
}

void sp_job_sync(sp_counts *c, sp_job *j)
{
    CK(cuStreamSynchronize(j->stream));
    c->sync++;
}

void sp_job_set_duration(sp_job *j, uint64_t ns)
{
    CK(simgpuFuncSetDuration(j->kernel, ns));
}

void sp_job_end(sp_job *j)
{
    CK(cuModuleUnload(j->mod));
    CK(cuStreamDestroy_v2(j->stream));
    CK(cuCtxDestroy_v2(j->ctx));
}
