/* test_gate.c: the collector's gate (collector/gate.c) against a real
 * region, without a GPU: classification of driver and runtime functions
 * (the CUDA documentation's API synchronization behaviour, cited in
 * gate.c), the bounded wait, passing when serving is idle, captures, a
 * dead serve job, the off policy, the serve job's published state (in a
 * child process: the gate has one role per process), and, on the simulated
 * GPU's fake driver (tests/simgpu: two devices), per-stream capture
 * decisions, stream-scoped completion and the budget drain on every
 * device. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

#include <cupti.h> /* the <name>_params structs */

#include "collector/gate.h"
#include "common/clock.h"
#include "cosched/cosched.h"
#include "cosched/region.h"
#include "tests/simgpu/simgpu.h"
#include "tests/tap.h"
#include "tests/unit/tmpdir.h"

#define MS 1000000LL

static int events[8];
static char said[512];

static void on_emit(const gp_record *r)
{
    if (r->kind == GP_KIND_COSCHED && r->u.cosched.event > 0 && r->u.cosched.event < 8)
        events[r->u.cosched.event]++;
}

static void on_say(const char *line)
{
    snprintf(said, sizeof said, "%s", line);
}

static gp_region *map(const char *path)
{
    int fd = open(path, O_RDWR);
    void *p = mmap(NULL, sizeof(gp_region), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    return p == MAP_FAILED ? NULL : p;
}

/* A call of the function named name at ENTER then EXIT (its result), as
 * the collector's callback makes it; params may be NULL. */
static void api(const char *name, const void *params, CUcontext ctx, int result)
{
    gp_gate_fn fn = gp_gate_describe(name);
    uint64_t slot = 0;
    gp_gate_call c;

    gp_gate_call_init(&c, fn, params, 1, ctx, 0, &slot);
    gp_gate_api(&c);
    gp_gate_call_init(&c, fn, params, 0, ctx, result, &slot);
    gp_gate_api(&c);
}

/* One launch through the gate, its stream not known; its wait in ns. */
static int64_t launch(void)
{
    int64_t t0 = gp_now_ns();
    api("cuLaunchKernel", NULL, NULL, 0);
    return gp_now_ns() - t0;
}

/* One launch on stream s of ctx (cuLaunchKernel, or CUDA 13's
 * __cudaLaunchKernel through the runtime); its wait in ns. */
static int64_t launch_on(int runtime, CUcontext ctx, CUstream s)
{
    cuLaunchKernel_params d = { 0 };
    cudaLaunchKernel_v7000_params r = { 0 };
    int64_t t0 = gp_now_ns();

    d.hStream = s;
    r.stream = s;
    if (runtime)
        api("__cudaLaunchKernel_v13000", &r, ctx, 0);
    else
        api("cuLaunchKernel", &d, ctx, 0);
    return gp_now_ns() - t0;
}

static void stream_sync(int runtime, CUcontext ctx, CUstream s)
{
    cuStreamSynchronize_params d = { s };
    cudaStreamSynchronize_v3020_params r = { s };

    if (runtime)
        api("cudaStreamSynchronize_v3020", &r, ctx, 0);
    else
        api("cuStreamSynchronize", &d, ctx, 0);
}

/* The gate's view of a call at ENTER. */
static gp_gate_call view(const char *name, const void *params)
{
    gp_gate_call c;

    gp_gate_call_init(&c, gp_gate_describe(name), params, 1, NULL, 0, NULL);
    return c;
}

/* Driver and runtime functions the gate must treat alike. */
static void test_same_decisions(void)
{
    static const char *const pairs[][2] = {
        { "cuLaunchKernel", "cudaLaunchKernel_v7000" },
        { "cuLaunchKernel", "__cudaLaunchKernel_v13000" },
        { "cuLaunchKernelEx", "cudaLaunchKernelExC_v11060" },
        { "cuLaunchCooperativeKernel", "cudaLaunchCooperativeKernel_v9000" },
        { "cuGraphLaunch", "cudaGraphLaunch_v10000" },
        { "cuMemcpyHtoDAsync_v2", "cudaMemcpyAsync_v3020" },
        { "cuMemsetD8Async", "cudaMemsetAsync_v3020" },
        { "cuMemsetD8_v2", "cudaMemset_v3020" },
        { "cuStreamSynchronize", "cudaStreamSynchronize_v3020" },
        { "cuCtxSynchronize", "cudaDeviceSynchronize_v3020" },
        { "cuEventSynchronize", "cudaEventSynchronize_v3020" },
        { "cuStreamBeginCapture_v2", "cudaStreamBeginCapture_v10000" },
        { "cuStreamEndCapture", "cudaStreamEndCapture_v10000" },
        { "cuLaunchHostFunc", "cudaLaunchHostFunc_v10000" },
    };
    int bad = 0;

    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        gp_gate_fn a = gp_gate_describe(pairs[i][0]), b = gp_gate_describe(pairs[i][1]);
        if (a.op != b.op || a.scope != b.scope) {
            printf("# %s (%d/%d) != %s (%d/%d)\n", pairs[i][0], a.op, a.scope, pairs[i][1], b.op,
                   b.scope);
            bad++;
        }
    }
    is_int(bad, 0, "a runtime function is what the driver function it stands for is");
}

/* Streams and copy directions read from the callbacks' functionParams. */
static void test_params(void)
{
    CUstream s = (CUstream)(uintptr_t)0x5000;
    CUlaunchConfig cu_cfg = { 0 };
    cudaLaunchConfig_t rt_cfg;
    cuLaunchKernel_params kl = { 0 };
    cuLaunchKernelEx_params kx = { &cu_cfg, NULL, NULL, NULL };
    cudaLaunchKernel_v7000_params rl = { 0 };
    cudaLaunchKernelExC_v11060_params rx = { &rt_cfg, NULL, NULL };
    cudaMemcpy_v3020_params cp = { NULL, NULL, 8, cudaMemcpyDeviceToHost };
    cuStreamBeginCapture_v2_params bc = { s, CU_STREAM_CAPTURE_MODE_GLOBAL };
    gp_gate_call c;

    memset(&rt_cfg, 0, sizeof rt_cfg);
    kl.hStream = cu_cfg.hStream = rl.stream = rt_cfg.stream = s;
    c = view("cuLaunchKernel", &kl);
    ok(c.has_stream && c.stream == s, "cuLaunchKernel's stream");
    c = view("cuLaunchKernelEx", &kx);
    ok(c.has_stream && c.stream == s, "cuLaunchKernelEx's stream, from its CUlaunchConfig");
    c = view("cudaLaunchKernel_v7000", &rl);
    ok(c.has_stream && c.stream == s, "cudaLaunchKernel's stream");
    c = view("__cudaLaunchKernel_v13000", &rl);
    ok(c.has_stream && c.stream == s, "__cudaLaunchKernel's stream");
    c = view("cudaLaunchKernelExC_v11060", &rx);
    ok(c.has_stream && c.stream == s, "cudaLaunchKernelExC's stream, from its cudaLaunchConfig_t");
    c = view("cuStreamBeginCapture_v2", &bc);
    ok(c.has_stream && c.stream == s, "the capturing stream");
    kl.hStream = CU_STREAM_LEGACY;
    c = view("cuLaunchKernel", &kl);
    ok(c.has_stream && c.stream == NULL, "CU_STREAM_LEGACY and NULL are one stream");
    c = view("cuCtxSynchronize", NULL);
    ok(c.op == GP_GATE_OP_SYNC && c.scope == GP_GATE_SCOPE_CONTEXT && !c.has_stream,
       "cuCtxSynchronize: its context's work");
    c = view("cudaMemcpy_v3020", &cp);
    ok(c.op == GP_GATE_OP_SYNC && c.scope == GP_GATE_SCOPE_LEGACY,
       "cudaMemcpy device to host: returns once copied, the legacy stream's work done");
    cp.kind = cudaMemcpyDeviceToDevice;
    c = view("cudaMemcpy_v3020", &cp);
    is_int(c.op, GP_GATE_OP_LAUNCH, "cudaMemcpy device to device: no host-side synchronization");
    cp.kind = cudaMemcpyHostToDevice;
    c = view("cudaMemcpy_v3020", &cp);
    is_int(c.op, GP_GATE_OP_LAUNCH, "cudaMemcpy host to device: may return before the DMA ends");
    cp.kind = cudaMemcpyDefault;
    c = view("cudaMemcpy_v3020", &cp);
    is_int(c.op, GP_GATE_OP_LAUNCH, "cudaMemcpy of unknown direction: a launch, not a completion");
}

/* The serve job's side, in a child: returns a bit per failed check. */
static int hp_child(gp_region *r)
{
    int bad = 0;

    setenv(GP_PACK_ENV_ROLE, "hp", 1);
    if (gp_gate_init(on_say, on_emit) != 1)
        return 1;
    bad |= (atomic_load(&r->hp_pid) != getpid()) << 1;
    gp_gate_nvtx(1);
    gp_gate_nvtx(1); /* nested: not a new request */
    bad |= (atomic_load(&r->hp_ranges) != 1) << 2;
    gp_gate_nvtx(0);
    bad |= (atomic_load(&r->hp_ranges) != 1) << 3;
    usleep(2000);
    gp_gate_nvtx(0);
    bad |= (atomic_load(&r->hp_ranges) != 0) << 4;
    bad |= (atomic_load(&r->lat_count) != 1 || atomic_load(&r->lat_ns[0]) < 2 * MS) << 5;
    {
        gp_gate_call c;
        gp_gate_call_init(&c, gp_gate_describe("cuLaunchKernel"), NULL, 1, NULL, 0, NULL);
        gp_gate_api(&c);
        bad |= (atomic_load(&r->hp_dirty) != 1) << 6;
        gp_gate_call_init(&c, gp_gate_describe("cuStreamSynchronize"), NULL, 1, NULL, 0, NULL);
        gp_gate_api(&c);
        bad |= (atomic_load(&r->hp_dirty) != 1) << 7; /* still busy until the sync returns */
        gp_gate_call_init(&c, gp_gate_describe("cuStreamSynchronize"), NULL, 0, NULL, 0, NULL);
        gp_gate_api(&c);
        bad |= (atomic_load(&r->hp_dirty) != 0) << 8;
    }
    /* ranges were seen, so bursts are not latencies */
    bad |= (atomic_load(&r->lat_count) != 1) << 9;
    bad |= (events[GP_COSCHED_HP_LATENCY] != 1) << 10;
    return bad;
}

/* The serve job through the runtime, without NVTX ranges (a fresh child):
 * a burst of cudaLaunchKernel up to cudaStreamSynchronize is a request; a
 * device-to-device copy ends nothing; a failed synchronize ends nothing. */
static int hp_runtime_child(gp_region *r)
{
    cudaMemcpy_v3020_params d2d = { NULL, NULL, 64, cudaMemcpyDeviceToDevice };
    int bad = 0;

    setenv(GP_PACK_ENV_ROLE, "hp", 1);
    if (gp_gate_init(on_say, on_emit) != 1)
        return 1;
    atomic_store(&r->lat_count, 0);
    launch_on(1, NULL, NULL);
    bad |= (atomic_load(&r->hp_dirty) != 1) << 1;
    api("cudaMemcpy_v3020", &d2d, NULL, 0);
    bad |= (atomic_load(&r->hp_dirty) != 1) << 2;
    api("cuMemcpyDtoD_v2", NULL, NULL, 0);
    bad |= (atomic_load(&r->hp_dirty) != 1) << 3;
    api("cudaStreamSynchronize_v3020", NULL, NULL, 709); /* failed: waited for nothing */
    bad |= (atomic_load(&r->hp_dirty) != 1) << 4;
    usleep(1000);
    api("cudaStreamSynchronize_v3020", NULL, NULL, 0);
    bad |= (atomic_load(&r->hp_dirty) != 0) << 5;
    bad |= (atomic_load(&r->lat_count) != 1 || atomic_load(&r->lat_ns[0]) < MS) << 6;
    return bad;
}

/* Runs checks (a bit per failure) in a child; its exit status. */
static int in_child(int (*checks)(gp_region *r), gp_region *r)
{
    pid_t kid = fork();
    int st = 0;

    if (kid == 0) {
        int bad = checks(r);
        if (bad)
            printf("# checks failed in the child: mask 0x%x\n", (unsigned)bad);
        fflush(stdout);
        _exit(bad ? 1 : 0);
    }
    waitpid(kid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void serve_busy(gp_region *r, int busy)
{
    atomic_store(&r->hp_heartbeat_ns, gp_now_ns());
    atomic_store(&r->hp_ranges, busy);
}

/* A capture that failed to begin leaves no capture behind: the result is
 * read at API EXIT. */
static void test_failed_capture(gp_region *r)
{
    uint64_t holds = atomic_load(&r->be_holds);
    int64_t w;

    api("cuStreamBeginCapture_v2", NULL, NULL, CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED);
    api("cudaStreamBeginCapture_v10000", NULL, NULL, cudaErrorStreamCaptureUnsupported);
    r->max_wait_ns = 20 * MS;
    serve_busy(r, 1);
    w = launch();
    serve_busy(r, 0);
    r->max_wait_ns = 200 * MS;
    is_int(atomic_load(&r->be_holds), holds + 1,
           "a capture that failed to begin leaves none behind: launches are held again (%lld ms)",
           (long long)(w / MS));
}

/* A context on device dev with a non-blocking stream and a kernel of ns. */
static CUcontext sim_context(int dev, CUstream *s, CUfunction *f, uint64_t ns)
{
    CUcontext ctx = NULL;
    CUmodule mod;

    if (cuCtxCreate_v4(&ctx, NULL, 0, dev) != CUDA_SUCCESS ||
        cuStreamCreate(s, CU_STREAM_NON_BLOCKING) != CUDA_SUCCESS ||
        cuModuleLoadData(&mod, "test_gate") != CUDA_SUCCESS ||
        cuModuleGetFunction(f, mod, "k") != CUDA_SUCCESS || simgpuFuncSetDuration(*f, ns) != 0)
        return NULL;
    return ctx;
}

/* On the fake driver (two devices): captures decided per stream, no
 * synchronize while a stream captures, stream-scoped completion, and the
 * budget drain waiting on every device launched to. */
static void test_on_simulated_gpu(gp_region *r)
{
    CUcontext c0, c1;
    CUstream cap, side, other, s1;
    CUfunction f0, f1;
    CUstreamCaptureStatus st = CU_STREAM_CAPTURE_STATUS_NONE;
    CUgraph graph = NULL;
    cuStreamBeginCapture_v2_params bc;
    cuStreamEndCapture_params ec;
    gp_gate_call call;
    uint64_t holds, drains, busy_until = 0, slot = 0;
    int64_t budget;
    CUresult res;

    if (cuInit(0) != CUDA_SUCCESS || !(c1 = sim_context(1, &s1, &f1, 20 * MS)) ||
        !(c0 = sim_context(0, &cap, &f0, 1 * MS)) ||
        cuStreamCreate(&side, CU_STREAM_NON_BLOCKING) != CUDA_SUCCESS ||
        cuStreamCreate(&other, CU_STREAM_NON_BLOCKING) != CUDA_SUCCESS) {
        ok(0, "the simulated GPU's two devices");
        return;
    }
    r->max_wait_ns = 20 * MS;
    atomic_store(&r->be_op_ns, 0); /* budget: FIRST_CAP_OPS ops */
    api("cuCtxSynchronize", NULL, NULL, 0); /* the earlier tests' launches (no context) are done */
    is_int(atomic_load(&r->be_outstanding), 0, "nothing queued to start with");

    /* one stream captures; the decision is the launch's stream's */
    res = cuStreamBeginCapture_v2(cap, CU_STREAM_CAPTURE_MODE_GLOBAL);
    bc = (cuStreamBeginCapture_v2_params){ cap, CU_STREAM_CAPTURE_MODE_GLOBAL };
    api("cuStreamBeginCapture_v2", &bc, c0, res);
    holds = atomic_load(&r->be_holds);
    serve_busy(r, 1);
    launch_on(0, c0, cap);
    is_int(atomic_load(&r->be_holds), holds, "a launch into the capturing stream is not held");
    launch_on(1, c0, side);
    is_int(atomic_load(&r->be_holds), holds + 1,
           "a launch on another stream while one captures is held (GPU work)");
    serve_busy(r, 0);
    drains = atomic_load(&r->be_drains);
    for (int i = 0; i < 40; i++)
        launch_on(1, c0, side);
    is_int(atomic_load(&r->be_outstanding), 41, "the other stream's launches are counted");
    is_int(atomic_load(&r->be_drains), drains,
           "over the budget, no synchronize while a stream captures");
    cuStreamIsCapturing(cap, &st);
    is_int(st, CU_STREAM_CAPTURE_STATUS_ACTIVE, "and the capture is still valid");
    ec = (cuStreamEndCapture_params){ cap, &graph };
    gp_gate_call_init(&call, gp_gate_describe("cuStreamEndCapture"), &ec, 1, c0, 0, &slot);
    gp_gate_api(&call); /* ENTER: before the driver ends it */
    res = cuStreamEndCapture(cap, &graph);
    gp_gate_call_init(&call, gp_gate_describe("cuStreamEndCapture"), &ec, 0, c0, res, &slot);
    gp_gate_api(&call);
    is_int(res, CUDA_SUCCESS, "the capture ends with a graph");

    /* what a completed synchronization covers (a budget too large to drain) */
    budget = atomic_load(&r->budget_ns);
    atomic_store(&r->budget_ns, INT64_MAX / 4);
    stream_sync(0, c0, side);
    is_int(atomic_load(&r->be_outstanding), 0, "a stream synchronize completes that stream's work");
    for (int i = 0; i < 3; i++)
        launch_on(0, c0, side);
    for (int i = 0; i < 2; i++)
        launch_on(1, c0, other);
    stream_sync(1, c0, other);
    is_int(atomic_load(&r->be_outstanding), 3, "and no other stream's");
    api("cuMemcpyDtoD_v2", NULL, c0, 0);
    is_int(atomic_load(&r->be_outstanding), 4,
           "a device-to-device copy completes nothing (GPU work)");
    api("cuMemcpyHtoD_v2", NULL, c0, 0);
    is_int(atomic_load(&r->be_outstanding), 5, "nor does a host-to-device copy");
    api("cuEventSynchronize", NULL, c0, 0);
    is_int(atomic_load(&r->be_outstanding), 5, "nor an event synchronize of an unknown stream");
    api("cuCtxSynchronize", NULL, c0, 0);
    is_int(atomic_load(&r->be_outstanding), 0,
           "a context synchronize completes its context's work");

    /* the budget drain waits on every device the job launched to */
    atomic_store(&r->budget_ns, budget);
    atomic_store(&r->be_op_ns, 0); /* budget: FIRST_CAP_OPS ops */
    cuCtxSetCurrent(c1);
    for (int i = 0; i < 16; i++) {
        launch_on(0, c1, s1);
        cuLaunchKernel(f1, 1, 1, 1, 32, 1, 1, 0, s1, NULL, NULL);
    }
    cuCtxSetCurrent(c0);
    drains = atomic_load(&r->be_drains);
    launch_on(0, c0, side); /* over the budget: drains first */
    simgpuStreamBusyUntil(s1, &busy_until);
    is_int(atomic_load(&r->be_drains), drains + 1, "over the budget: one drain");
    ok(busy_until <= simgpuNow(),
       "it waited for the work queued on the other device (%lld ms left there)",
       busy_until > simgpuNow() ? (long long)((busy_until - simgpuNow()) / MS) : 0LL);
    is_int(atomic_load(&r->be_outstanding), 1, "what it waited for is no longer counted");
    stream_sync(0, c0, side);
    r->max_wait_ns = 200 * MS;
    if (graph)
        cuGraphDestroy(graph);
    cuCtxDestroy_v2(c0);
    cuCtxDestroy_v2(c1);
}

int main(void)
{
    gp_coord_opts o;
    static gp_coord *c; /* static: children that _exit leave it reachable */
    gp_error err = { 0 };
    gp_region *r;
    int64_t w;
    pid_t kid;
    int st;

    /* classification by CUPTI callback name */
    is_int(gp_gate_classify("cuLaunchKernel"), GP_GATE_OP_LAUNCH, "kernel launch");
    is_int(gp_gate_classify("cuLaunchKernelEx"), GP_GATE_OP_LAUNCH, "kernel launch (Ex)");
    is_int(gp_gate_classify("cuLaunchCooperativeKernel"), GP_GATE_OP_LAUNCH, "cooperative launch");
    is_int(gp_gate_classify("cuGraphLaunch"), GP_GATE_OP_LAUNCH, "graph launch, as a unit");
    is_int(gp_gate_classify("cuMemcpyHtoDAsync_v2"), GP_GATE_OP_LAUNCH, "async copy");
    is_int(gp_gate_classify("cuMemsetD8Async"), GP_GATE_OP_LAUNCH, "async memset");
    is_int(gp_gate_classify("cuMemcpyDtoH_v2"), GP_GATE_OP_SYNC,
           "synchronous copy to the host ends a burst");
    is_int(gp_gate_describe("cuMemcpyDtoH_v2").scope, GP_GATE_SCOPE_LEGACY,
           "of the legacy stream only");
    is_int(gp_gate_classify("cuMemcpyDtoD_v2"), GP_GATE_OP_LAUNCH,
           "device-to-device copy: no host-side synchronization, GPU work issued");
    is_int(gp_gate_classify("cuMemcpyHtoD_v2"), GP_GATE_OP_LAUNCH,
           "host-to-device copy: may return before the copy ends (pageable memory)");
    is_int(gp_gate_classify("cuMemcpy"), GP_GATE_OP_LAUNCH, "copy of unknown direction: a launch");
    is_int(gp_gate_describe("cuStreamSynchronize").scope, GP_GATE_SCOPE_STREAM,
           "stream sync: its stream");
    is_int(gp_gate_describe("cuEventSynchronize").scope, GP_GATE_SCOPE_EVENT,
           "event sync: no stream the gate can tell");
    is_int(gp_gate_classify("cudaLaunchKernel_v7000"), GP_GATE_OP_LAUNCH, "runtime kernel launch");
    is_int(gp_gate_classify("__cudaLaunchKernel_v13000"), GP_GATE_OP_LAUNCH,
           "CUDA 13's <<<>>> launch");
    is_int(gp_gate_classify("cudaLaunchKernelExC_v11060"), GP_GATE_OP_LAUNCH, "runtime Ex launch");
    is_int(gp_gate_classify("cudaGraphLaunch_v10000"), GP_GATE_OP_LAUNCH, "runtime graph launch");
    is_int(gp_gate_classify("cudaMemcpyAsync_v3020"), GP_GATE_OP_LAUNCH, "runtime async copy");
    is_int(gp_gate_classify("cudaStreamSynchronize_v3020"), GP_GATE_OP_SYNC, "runtime stream sync");
    is_int(gp_gate_classify("cudaDeviceSynchronize_v3020"), GP_GATE_OP_SYNC, "runtime device sync");
    is_int(gp_gate_classify("cudaStreamBeginCapture_v10000"), GP_GATE_OP_CAPTURE_BEGIN,
           "runtime capture begins");
    is_int(gp_gate_classify("cudaStreamEndCapture_v10000"), GP_GATE_OP_CAPTURE_END,
           "runtime capture ends");
    is_int(gp_gate_classify("cudaLaunchHostFunc_v10000"), GP_GATE_OP_NONE, "runtime host function");
    is_int(gp_gate_classify("cudaMalloc_v3020"), GP_GATE_OP_NONE, "runtime allocation");
    test_same_decisions();
    test_params();
    is_int(gp_gate_classify("cuStreamSynchronize"), GP_GATE_OP_SYNC, "stream sync");
    is_int(gp_gate_classify("cuCtxSynchronize"), GP_GATE_OP_SYNC, "context sync");
    is_int(gp_gate_classify("cuEventSynchronize"), GP_GATE_OP_SYNC, "event sync");
    is_int(gp_gate_classify("cuStreamBeginCapture_v2"), GP_GATE_OP_CAPTURE_BEGIN, "capture begins");
    is_int(gp_gate_classify("cuStreamEndCapture"), GP_GATE_OP_CAPTURE_END, "capture ends");
    is_int(gp_gate_classify("cuLaunchHostFunc"), GP_GATE_OP_NONE, "host functions are not GPU work");
    is_int(gp_gate_classify("cuMemAlloc_v2"), GP_GATE_OP_NONE, "allocation is not gated");
    is_int(gp_gate_classify(NULL), GP_GATE_OP_NONE, "NULL name");

    /* the simulated GPU (no injection: nothing traced here) */
    setenv("SIMGPU_DEVICES", "2", 1);
    unsetenv("CUDA_INJECTION64_PATH");

    /* no environment: the gate stays off */
    unsetenv(GP_PACK_ENV_REGION);
    is_int(gp_gate_init(on_say, on_emit), 0, "not a pack member: gate off");

    if (tmpdir_create() < 0)
        return 1;
    setenv("XDG_RUNTIME_DIR", tmpdir(), 1);
    memset(&o, 0, sizeof o);
    o.policy = gp_policy_find("priority");
    gp_policy_conf_default(&o.conf, 0);
    o.max_wait_ns = 200 * MS;
    o.stale_ns = 10000 * MS;
    o.decide_ns = 500 * MS;
    c = gp_coord_new(&o, &err);
    ok(c != NULL, "region created (%s)", err.msg);
    if (!c)
        return done_testing();
    r = map(gp_coord_path(c));
    setenv(GP_PACK_ENV_REGION, gp_coord_path(c), 1);

    /* a bad role is refused with a message */
    setenv(GP_PACK_ENV_ROLE, "boss", 1);
    is_int(gp_gate_init(on_say, on_emit), 0, "unknown role: gate off");
    like(said, "neither hp nor be", "and it says so");

    /* the serve side, in children */
    is_int(in_child(hp_child, r), 0,
           "serve side: pid, outermost ranges, latency, in-flight until the sync returns");
    is_int(in_child(hp_runtime_child, r), 0,
           "serve side through the runtime: a request per launch burst and completed sync; "
           "device-to-device copies and failed syncs end none");
    atomic_store(&r->hp_pid, 0);

    /* the training side, here */
    memset(r->lat_ns, 0, sizeof r->lat_ns);
    setenv(GP_PACK_ENV_ROLE, "be", 1);
    is_int(gp_gate_init(on_say, on_emit), 1, "training side: gate on");
    is_int(atomic_load(&r->be_pid), getpid(), "it published its pid");
    atomic_store(&r->hp_pid, getpid()); /* a live 'serve job' */
    atomic_store(&r->hp_dirty, 0);
    atomic_store(&r->hp_ranges, 0);
    w = launch();
    /* Timing is checked only against the 200 ms bounded wait (valgrind and
     * a loaded machine stretch everything); the counters say what happened. */
    ok(w < 100 * MS, "serving idle: the launch is not held (%lld ns)", (long long)w);
    is_int(atomic_load(&r->be_holds), 0, "not counted as a hold");

    atomic_store(&r->hp_heartbeat_ns, gp_now_ns());
    atomic_store(&r->hp_ranges, 1); /* serving busy, and stays busy */
    w = launch();
    ok(w >= 200 * MS && w < 1000 * MS, "serving always busy: held for the bounded wait (%lld ms)",
       (long long)(w / MS));
    is_int(atomic_load(&r->be_timeouts), 1, "counted as a timeout");
    is_int(events[GP_COSCHED_GATE_TIMEOUT], 1, "and recorded");

    api("cuStreamBeginCapture_v2", NULL, NULL, 0);
    w = launch();
    ok(w < 100 * MS && atomic_load(&r->be_holds) == 1,
       "while a capture runs, a launch on an unknown stream is not held");
    api("cuStreamEndCapture", NULL, NULL, 0);

    r->policy = GP_POLICY_OFF;
    w = launch();
    ok(w < 100 * MS && atomic_load(&r->be_holds) == 1, "policy off: never held");
    r->policy = GP_POLICY_PRIORITY;

    /* serving busy for 10 ms, then idle: held about that long */
    kid = fork();
    if (kid == 0) {
        usleep(10000);
        atomic_store(&r->hp_ranges, 0);
        _exit(0);
    }
    w = launch();
    waitpid(kid, &st, 0);
    ok(w >= 5 * MS, "held while serving was busy (%lld ms)", (long long)(w / MS));
    is_int(atomic_load(&r->be_timeouts), 1, "released because serving went idle, not by the bounded wait");
    is_int(events[GP_COSCHED_GATE_HOLD], 1, "recorded as a hold");

    {
        uint64_t timeouts = atomic_load(&r->be_timeouts);
        test_failed_capture(r);
        test_on_simulated_gpu(r);
        atomic_store(&r->be_timeouts, timeouts); /* the checks below count from here */
    }

    /* a serve job that died while busy releases the gate */
    kid = fork();
    if (kid == 0)
        _exit(0);
    waitpid(kid, &st, 0);
    atomic_store(&r->hp_pid, kid);
    atomic_store(&r->hp_ranges, 1);
    atomic_store(&r->hp_heartbeat_ns, gp_now_ns());
    w = launch();
    ok(w < 100 * MS && atomic_load(&r->be_timeouts) == 1, "a dead serve job is not waited on (%lld ns)",
       (long long)w);
    is_int(atomic_load(&r->be_watchdog), 1, "the watchdog opened the gate");
    is_int(atomic_load(&r->gate), GP_GATE_FORCED, "gate state says so");
    is_int(events[GP_COSCHED_WATCHDOG], 1, "recorded");
    like(said, "serve job is gone", "and said");
    w = launch();
    ok(w < 100 * MS && atomic_load(&r->be_timeouts) == 1, "later launches pass");

    munmap(r, sizeof *r);
    gp_coord_free(c);
    tmpdir_remove();
    return done_testing();
}
