/* sim_graph [killed]: a CUDA graph launched three times.
 *
 * One context and stream s. Captures on s (cuStreamBeginCapture_v2 ..
 * cuStreamEndCapture) 4 kernel launches "graphK0".."graphK3" (100 us each),
 * instantiates the graph (cuGraphInstantiateWithFlags), launches it 3 times
 * on s (cuGraphLaunch), then one cuStreamSynchronize(s). With "killed",
 * it then prints its summary, waits 500 ms (a recorder's periodic flush
 * has taken everything) and is killed by SIGKILL, with nothing left
 * unrecorded.
 * Totals: kernels=12 (executed; all carry the graph's id) memcpy=0
 * memset=0 sync=1 nvtx_ranges=0 nvtx_marks=0 graphs=3. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tests/simgpu/progs/simprog.h"

int main(int argc, char **argv)
{
    sp_counts n = { 0 }, captured = { 0 };
    CUcontext ctx = sp_context(0);
    CUstream s;
    CUmodule mod;
    CUgraph graph;
    CUgraphExec exec;
    char name[16];

    CK(cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
    CK(cuModuleLoadData(&mod, "sim_graph"));
    CK(cuStreamBeginCapture_v2(s, CU_STREAM_CAPTURE_MODE_GLOBAL));
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "graphK%d", i);
        sp_launch(&captured, sp_kernel(mod, name, 100000), s);
    }
    CK(cuStreamEndCapture(s, &graph));
    CK(cuGraphInstantiateWithFlags(&exec, graph, 0));
    for (int i = 0; i < 3; i++) {
        CK(cuGraphLaunch(exec, s));
        n.graphs++;
        n.kernels += captured.kernels;
    }
    CK(cuStreamSynchronize(s));
    n.sync++;
    if (argc > 1 && strcmp(argv[1], "killed") == 0) {
        struct timespec wait = { 0, 500000000 };
        sp_summary("sim_graph", &n, "");
        nanosleep(&wait, NULL);
        raise(SIGKILL);
    }
    CK(cuGraphExecDestroy(exec));
    CK(cuGraphDestroy(graph));
    CK(cuModuleUnload(mod));
    CK(cuStreamDestroy_v2(s));
    CK(cuCtxDestroy_v2(ctx));
    sp_summary("sim_graph", &n, "");
    return 0;
}
