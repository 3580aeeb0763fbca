/* gate.c: the co-scheduler's gate inside the collector (gate.h).
 *
 * What each API call is to the gate comes from the CUDA documentation:
 * "API synchronization behavior" (CUDA Driver API reference, section 2;
 * docs.nvidia.com/cuda/cuda-driver-api/api-sync-behavior.html):
 *   - synchronous copies to the host return once the copy has completed:
 *     a completed synchronization, of the legacy stream they run on only;
 *   - device-to-device copies perform "no host-side synchronization", and a
 *     copy from pageable host memory returns once the buffer is staged,
 *     before the DMA ends: GPU work issued, nothing completed;
 *   - "Async" copies and memsets are launches (memsets of device memory
 *     never block);
 * cuda.h: cuCtxSynchronize blocks for "the current context's tasks" only
 * (cuCtxSynchronize_v2 for a given one); cuStreamSynchronize and
 * cudaStreamSynchronize for one stream's; cuEventSynchronize up to an
 * event whose stream the call does not say; cuStreamIsCapturing tells
 * whether a stream captures; cuStreamEndCapture ends a capture even when it
 * fails as invalidated. Unknown directions count as launches: the gate
 * then holds or drains too much, never too little. */
#include "config.h"

#include <cupti.h> /* cuda.h, cuda_runtime_api.h and the <name>_params structs */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "cosched/region.h"
#include "gate.h"

enum { ROLE_NONE, ROLE_HP, ROLE_BE };

#define POLL_NS 50000          /* a held launch looks again this often */
#define LIVENESS_NS 1000000    /* and checks the other processes this often */
#define HEARTBEAT_NS 100000    /* the serve job refreshes its heartbeat at most this often */
#define FIRST_CAP_OPS 16       /* budget in ops until an op's GPU time is estimated */
#define MAX_QUEUES 64          /* (context, stream) pairs the training job's work is counted on */
/* CUDA_ERROR_STREAM_CAPTURE_INVALIDATED, equal to cudaErrorStreamCaptureInvalidated */
#define CAPTURE_INVALIDATED 901

/* Work the training job queued on one stream (or, when the table was full,
 * on some streams of a context: any = 1) since it was last known done. */
typedef struct queue {
    CUcontext ctx;
    CUstream stream;              /* NULL: the legacy stream */
    int any;
    int64_t ops, first_ns;
} queue;

static struct {
    gp_region *r;
    int role;
    void (*say)(const char *line);
    void (*emit)(const gp_record *r);
    /* The driver's functions the gate calls (dlsym; any may be NULL). */
    CUresult (*ctx_sync)(void);
    CUresult (*ctx_sync_v2)(CUcontext ctx);
    CUresult (*get_current)(CUcontext *ctx);
    CUresult (*set_current)(CUcontext ctx);
    CUresult (*is_capturing)(CUstream stream, CUstreamCaptureStatus *status);
    _Atomic int captures;         /* stream captures in progress in this process */
    _Atomic int64_t burst_start;  /* HP: first launch after its last synchronize */
    _Atomic int saw_ranges;       /* HP: request latency comes from NVTX ranges */
    _Atomic int dead;             /* BE: the serve job or coordinator is gone */
    pthread_mutex_t qmu;          /* BE: q, nq */
    queue q[MAX_QUEUES];
    int nq;
} G = { .qmu = PTHREAD_MUTEX_INITIALIZER };

static __thread int tl_depth;       /* NVTX push depth of this thread */
static __thread int64_t tl_start;   /* when its outermost range began */
static __thread int tl_in_gate;     /* calls the gate itself makes are not gated */

/* ---- what a function is ------------------------------------------------------ */

/* How to read a call's functionParams. */
enum { ARG_STREAM, ARG_CU_CONFIG, ARG_RT_CONFIG, ARG_CTX, ARG_RT_MEMCPY };

#define STREAM(fn, field) { #fn, ARG_STREAM, offsetof(fn##_params, field) }
static const struct {
    const char *name;
    int how;
    size_t off;
} args[] = {
    STREAM(cuLaunchKernel, hStream), STREAM(cuLaunchKernel_ptsz, hStream),
    { "cuLaunchKernelEx", ARG_CU_CONFIG, offsetof(cuLaunchKernelEx_params, config) },
    { "cuLaunchKernelEx_ptsz", ARG_CU_CONFIG, offsetof(cuLaunchKernelEx_ptsz_params, config) },
    STREAM(cuLaunchCooperativeKernel, hStream), STREAM(cuLaunchCooperativeKernel_ptsz, hStream),
    STREAM(cuGraphLaunch, hStream), STREAM(cuGraphLaunch_ptsz, hStream),
    STREAM(cuMemcpyAsync, hStream), STREAM(cuMemcpyAsync_ptsz, hStream),
    STREAM(cuMemcpyHtoDAsync_v2, hStream), STREAM(cuMemcpyHtoDAsync_v2_ptsz, hStream),
    STREAM(cuMemcpyDtoHAsync_v2, hStream), STREAM(cuMemcpyDtoHAsync_v2_ptsz, hStream),
    STREAM(cuMemcpyDtoDAsync_v2, hStream), STREAM(cuMemcpyDtoDAsync_v2_ptsz, hStream),
    STREAM(cuMemcpyPeerAsync, hStream), STREAM(cuMemcpyPeerAsync_ptsz, hStream),
    STREAM(cuMemsetD8Async, hStream), STREAM(cuMemsetD8Async_ptsz, hStream),
    STREAM(cuMemsetD16Async, hStream), STREAM(cuMemsetD16Async_ptsz, hStream),
    STREAM(cuMemsetD32Async, hStream), STREAM(cuMemsetD32Async_ptsz, hStream),
    STREAM(cuStreamSynchronize, hStream), STREAM(cuStreamSynchronize_ptsz, hStream),
    STREAM(cuStreamBeginCapture, hStream), STREAM(cuStreamBeginCapture_ptsz, hStream),
    STREAM(cuStreamBeginCapture_v2, hStream), STREAM(cuStreamBeginCapture_v2_ptsz, hStream),
    STREAM(cuStreamBeginCaptureToGraph, hStream),
    STREAM(cuStreamBeginCaptureToGraph_ptsz, hStream),
    STREAM(cuStreamEndCapture, hStream), STREAM(cuStreamEndCapture_ptsz, hStream),
    { "cuCtxSynchronize_v2", ARG_CTX, offsetof(cuCtxSynchronize_v2_params, ctx) },
    STREAM(cudaLaunchKernel_v7000, stream), STREAM(cudaLaunchKernel_ptsz_v7000, stream),
    /* CUDA 13's <<<>>>: no struct of its own in the headers; its arguments
     * are cudaLaunchKernel's with a cudaKernel_t first (crt/device_functions.h) */
    { "__cudaLaunchKernel_v13000", ARG_STREAM, offsetof(cudaLaunchKernel_v7000_params, stream) },
    { "__cudaLaunchKernel_ptsz_v13000", ARG_STREAM,
      offsetof(cudaLaunchKernel_ptsz_v7000_params, stream) },
    { "cudaLaunchKernelExC_v11060", ARG_RT_CONFIG,
      offsetof(cudaLaunchKernelExC_v11060_params, config) },
    { "cudaLaunchKernelExC_ptsz_v11060", ARG_RT_CONFIG,
      offsetof(cudaLaunchKernelExC_ptsz_v11060_params, config) },
    STREAM(cudaLaunchCooperativeKernel_v9000, stream),
    STREAM(cudaLaunchCooperativeKernel_ptsz_v9000, stream),
    STREAM(cudaGraphLaunch_v10000, stream), STREAM(cudaGraphLaunch_ptsz_v10000, stream),
    STREAM(cudaMemcpyAsync_v3020, stream), STREAM(cudaMemcpyAsync_ptsz_v7000, stream),
    STREAM(cudaMemcpyPeerAsync_v4000, stream),
    STREAM(cudaMemsetAsync_v3020, stream), STREAM(cudaMemsetAsync_ptsz_v7000, stream),
    STREAM(cudaStreamSynchronize_v3020, stream), STREAM(cudaStreamSynchronize_ptsz_v7000, stream),
    STREAM(cudaStreamBeginCapture_v10000, stream),
    STREAM(cudaStreamBeginCapture_ptsz_v10000, stream),
    STREAM(cudaStreamBeginCaptureToGraph_v12030, stream),
    STREAM(cudaStreamBeginCaptureToGraph_ptsz_v12030, stream),
    STREAM(cudaStreamEndCapture_v10000, stream), STREAM(cudaStreamEndCapture_ptsz_v10000, stream),
    { "cudaMemcpy_v3020", ARG_RT_MEMCPY, offsetof(cudaMemcpy_v3020_params, kind) },
    { "cudaMemcpy_ptds_v7000", ARG_RT_MEMCPY, offsetof(cudaMemcpy_ptds_v7000_params, kind) },
};
#undef STREAM

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Op and scope by name; "cu" and "cuda" names alike. */
static void classify(const char *name, gp_gate_fn *fn)
{
    const char *base = starts(name, "__") ? name + 2 : name; /* __cudaLaunchKernel */

    if (starts(base, "cuStreamBeginCapture") || starts(base, "cudaStreamBeginCapture"))
        fn->op = GP_GATE_OP_CAPTURE_BEGIN;
    else if (starts(base, "cuStreamEndCapture") || starts(base, "cudaStreamEndCapture"))
        fn->op = GP_GATE_OP_CAPTURE_END;
    else if (starts(base, "cuCtxSynchronize") || starts(base, "cudaDeviceSynchronize") ||
             starts(base, "cudaThreadSynchronize"))
        fn->op = GP_GATE_OP_SYNC, fn->scope = GP_GATE_SCOPE_CONTEXT;
    else if (starts(base, "cuStreamSynchronize") || starts(base, "cudaStreamSynchronize"))
        fn->op = GP_GATE_OP_SYNC, fn->scope = GP_GATE_SCOPE_STREAM;
    else if (starts(base, "cuEventSynchronize") || starts(base, "cudaEventSynchronize"))
        fn->op = GP_GATE_OP_SYNC, fn->scope = GP_GATE_SCOPE_EVENT;
    else if ((starts(base, "cuMemcpyDtoH") || starts(base, "cuMemcpyAtoH")) &&
             !strstr(base, "Async"))
        fn->op = GP_GATE_OP_SYNC, fn->scope = GP_GATE_SCOPE_LEGACY;
    else if (starts(base, "cuGraphLaunch") || starts(base, "cudaGraphLaunch") ||
             ((starts(base, "cuLaunch") || starts(base, "cudaLaunch")) &&
              !strstr(base, "HostFunc")) ||
             starts(base, "cuMemcpy") || starts(base, "cudaMemcpy") ||
             starts(base, "cuMemset") || starts(base, "cudaMemset"))
        fn->op = GP_GATE_OP_LAUNCH; /* cudaMemcpy: refined by its kind (gp_gate_call_init) */
}

gp_gate_fn gp_gate_describe(const char *name)
{
    gp_gate_fn fn = { GP_GATE_OP_NONE, GP_GATE_SCOPE_NONE, -1 };

    if (!name)
        return fn;
    classify(name, &fn);
    if (fn.op == GP_GATE_OP_NONE)
        return fn;
    for (size_t i = 0; i < sizeof args / sizeof args[0]; i++) {
        if (strcmp(args[i].name, name) == 0) {
            fn.args = (int16_t)i;
            break;
        }
    }
    return fn;
}

int gp_gate_classify(const char *name)
{
    return gp_gate_describe(name).op;
}

void gp_gate_call_init(gp_gate_call *call, gp_gate_fn fn, const void *params, int enter,
                       CUcontext ctx, int result, uint64_t *slot)
{
    const char *p = params;

    memset(call, 0, sizeof *call);
    call->op = fn.op;
    call->scope = fn.scope;
    call->enter = enter;
    call->ctx = ctx;
    call->result = enter ? 0 : result;
    call->slot = slot;
    if (!p || fn.args < 0 || (size_t)fn.args >= sizeof args / sizeof args[0])
        return;
    switch (args[fn.args].how) {
    case ARG_STREAM:
        memcpy(&call->stream, p + args[fn.args].off, sizeof call->stream);
        call->has_stream = 1;
        break;
    case ARG_CU_CONFIG: {
        const CUlaunchConfig *cfg;
        memcpy(&cfg, p + args[fn.args].off, sizeof cfg);
        if (cfg) {
            call->stream = cfg->hStream;
            call->has_stream = 1;
        }
        break;
    }
    case ARG_RT_CONFIG: {
        const cudaLaunchConfig_t *cfg;
        memcpy(&cfg, p + args[fn.args].off, sizeof cfg);
        if (cfg) {
            call->stream = cfg->stream;
            call->has_stream = 1;
        }
        break;
    }
    case ARG_CTX: {
        CUcontext given;
        memcpy(&given, p + args[fn.args].off, sizeof given);
        if (given)
            call->ctx = given;
        break;
    }
    case ARG_RT_MEMCPY: { /* synchronous cudaMemcpy: only to the host does it complete */
        enum cudaMemcpyKind kind;
        memcpy(&kind, p + args[fn.args].off, sizeof kind);
        if (kind == cudaMemcpyDeviceToHost)
            call->op = GP_GATE_OP_SYNC, call->scope = GP_GATE_SCOPE_LEGACY;
        break;
    }
    }
    if (call->has_stream && call->stream == CU_STREAM_LEGACY)
        call->stream = NULL; /* one key for the legacy stream */
}

static void say(const char *path, const char *what)
{
    char line[900];

    snprintf(line, sizeof line, "%s: %s; this process is not co-scheduled", path, what);
    if (G.say)
        G.say(line);
}

/* The driver functions the gate calls, from the driver already loaded
 * (the collector runs inside cuInit). Each may be missing: without
 * cuStreamIsCapturing a launch counts as captured while any capture runs;
 * without cuCtxSynchronize_v2 another context is synchronized by making it
 * current for the call. */
static void bind_driver(void)
{
    void *cuda = dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD);

    if (!cuda)
        return;
    *(void **)&G.ctx_sync = dlsym(cuda, "cuCtxSynchronize");
    *(void **)&G.ctx_sync_v2 = dlsym(cuda, "cuCtxSynchronize_v2");
    *(void **)&G.get_current = dlsym(cuda, "cuCtxGetCurrent");
    *(void **)&G.set_current = dlsym(cuda, "cuCtxSetCurrent");
    *(void **)&G.is_capturing = dlsym(cuda, "cuStreamIsCapturing");
    /* never dlclose'd: the reference keeps these pointers valid */
}

int gp_gate_init(void (*say_fn)(const char *line), void (*emit)(const gp_record *r))
{
    const char *path = getenv(GP_PACK_ENV_REGION), *role = getenv(GP_PACK_ENV_ROLE);
    struct stat sb;
    void *p;
    int fd;

    G.say = say_fn;
    G.emit = emit;
    if (!path || !*path || !role)
        return 0;
    if (strcmp(role, "hp") != 0 && strcmp(role, "be") != 0) {
        say(GP_PACK_ENV_ROLE, "the role is neither hp nor be");
        return 0;
    }
    fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 || fstat(fd, &sb) < 0 || sb.st_uid != getuid() || (sb.st_mode & 077) ||
        (size_t)sb.st_size != sizeof(gp_region)) {
        if (fd >= 0)
            close(fd);
        say(path, "not a usable co-scheduler region (missing, wrong size, or open to other users)");
        return 0;
    }
    p = mmap(NULL, sizeof(gp_region), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED || !gp_region_valid(p, sizeof(gp_region))) {
        if (p != MAP_FAILED)
            munmap(p, sizeof(gp_region));
        say(path, "not a co-scheduler region of this gpupack version");
        return 0;
    }
    G.r = p;
    G.role = role[0] == 'h' ? ROLE_HP : ROLE_BE;
    if (G.role == ROLE_HP) {
        atomic_store(&G.r->hp_heartbeat_ns, gp_now_ns());
        atomic_store(&G.r->hp_pid, (int32_t)getpid());
    } else {
        atomic_store(&G.r->be_pid, (int32_t)getpid());
        atomic_store(&G.r->gate, GP_GATE_OPEN);
    }
    bind_driver();
    return 1;
}

static void emit(int event, int64_t ts, int64_t dur, int64_t value)
{
    gp_record rec;

    if (!G.emit)
        return;
    gp_record_init(&rec, GP_KIND_COSCHED);
    rec.u.cosched.ts_ns = ts;
    rec.u.cosched.dur_ns = dur;
    rec.u.cosched.event = event;
    rec.u.cosched.value = value;
    rec.u.cosched.pid = (uint32_t)getpid();
    G.emit(&rec);
}

/* ---- the serve (high-priority) job ------------------------------------------ */

static void hp_latency(int64_t start, int64_t now)
{
    uint64_t i = atomic_fetch_add(&G.r->lat_count, 1);

    atomic_store_explicit(&G.r->lat_ns[i % GP_REGION_LAT_RING], now - start,
                          memory_order_release);
    atomic_fetch_add_explicit(&G.r->hp_requests, 1, memory_order_relaxed);
    emit(GP_COSCHED_HP_LATENCY, start, now - start, now - start);
}

static void hp_beat(int64_t now)
{
    if (now - atomic_load_explicit(&G.r->hp_heartbeat_ns, memory_order_relaxed) > HEARTBEAT_NS)
        atomic_store_explicit(&G.r->hp_heartbeat_ns, now, memory_order_relaxed);
}

/* 1 if a launch is captured into a graph rather than run: its stream
 * captures (asked of the driver now), or, when that cannot be told (no
 * stream known, no cuStreamIsCapturing, or an error such as
 * CUDA_ERROR_STREAM_CAPTURE_IMPLICIT on the legacy stream), while a capture
 * runs in the process. */
static int captured(const gp_gate_call *c)
{
    CUstreamCaptureStatus st = CU_STREAM_CAPTURE_STATUS_NONE;

    if (c->has_stream && G.is_capturing && G.is_capturing(c->stream, &st) == CUDA_SUCCESS)
        return st != CU_STREAM_CAPTURE_STATUS_NONE;
    return atomic_load_explicit(&G.captures, memory_order_relaxed) > 0;
}

/* Keeps G.captures: up when a capture begins (at EXIT, if it did), down
 * when one ends (cuStreamEndCapture ends it even when it fails as
 * invalidated; a call that found no capture ends none). */
static void track_capture(const gp_gate_call *c)
{
    uint64_t was = 1;

    if (c->op == GP_GATE_OP_CAPTURE_BEGIN) {
        if (!c->enter && c->result == 0)
            atomic_fetch_add(&G.captures, 1);
        return;
    }
    if (c->enter) { /* was the stream capturing? (EXIT reads it back) */
        if (c->slot)
            *c->slot = captured(c) ? 1 : 0;
        return;
    }
    if (c->slot)
        was = *c->slot;
    if (!was)
        return;
    if (c->result == 0 || c->result == CAPTURE_INVALIDATED || (c->has_stream && !captured(c))) {
        int n = atomic_load(&G.captures);
        while (n > 0 && !atomic_compare_exchange_weak(&G.captures, &n, n - 1))
            ;
    }
}

static void hp_api(const gp_gate_call *c)
{
    int64_t now = gp_now_ns();

    if (c->op == GP_GATE_OP_LAUNCH && c->enter) {
        if (captured(c))
            return; /* recorded into a graph: no GPU work */
        atomic_fetch_add_explicit(&G.r->hp_ops, 1, memory_order_relaxed);
        if (!atomic_load_explicit(&G.r->hp_dirty, memory_order_relaxed)) {
            atomic_store(&G.r->hp_dirty, 1);
            atomic_store_explicit(&G.burst_start, now, memory_order_relaxed);
        }
        hp_beat(now);
    } else if (c->op == GP_GATE_OP_SYNC && !c->enter && c->result == 0) {
        if (atomic_load_explicit(&G.r->hp_dirty, memory_order_relaxed)) {
            int64_t start = atomic_exchange(&G.burst_start, 0);
            atomic_store(&G.r->hp_dirty, 0);
            if (start > 0 && !atomic_load_explicit(&G.saw_ranges, memory_order_relaxed))
                hp_latency(start, now);
        }
        hp_beat(now);
    }
}

void gp_gate_nvtx(int push)
{
    int64_t now;

    if (!G.r || G.role != ROLE_HP)
        return;
    now = gp_now_ns();
    if (push) {
        if (tl_depth++ == 0) {
            tl_start = now;
            atomic_store_explicit(&G.saw_ranges, 1, memory_order_relaxed);
            atomic_fetch_add(&G.r->hp_ranges, 1);
        }
    } else if (tl_depth > 0 && --tl_depth == 0) {
        atomic_fetch_sub(&G.r->hp_ranges, 1);
        hp_latency(tl_start, now);
    }
    hp_beat(now);
}

/* ---- the training (best-effort) job --------------------------------------------- */

static int alive(int32_t pid)
{
    return pid <= 0 || kill(pid, 0) == 0 || errno != ESRCH;
}

/* 1 if the serve job has work in flight and is alive and not stuck. */
static int hp_busy(void)
{
    gp_region *r = G.r;

    if (atomic_load_explicit(&G.dead, memory_order_relaxed) ||
        atomic_load_explicit(&r->watchdog_open, memory_order_relaxed) ||
        atomic_load_explicit(&r->hp_pid, memory_order_relaxed) == 0)
        return 0;
    return atomic_load_explicit(&r->hp_ranges, memory_order_acquire) > 0 ||
           atomic_load_explicit(&r->hp_dirty, memory_order_acquire) != 0;
}

/* Opens the gate for good (the serve job or coordinator is gone). */
static void watchdog(int64_t now, const char *who)
{
    char line[200];

    if (atomic_exchange(&G.dead, 1))
        return;
    atomic_fetch_add(&G.r->be_watchdog, 1);
    atomic_store(&G.r->gate, GP_GATE_FORCED);
    emit(GP_COSCHED_WATCHDOG, now, 0, 0);
    snprintf(line, sizeof line, "co-scheduler: the %s is gone; training runs unhindered", who);
    if (G.say)
        G.say(line);
}

/* Waits while the serve job is busy, at most max_wait_ns. */
static void be_hold(void)
{
    gp_region *r = G.r;
    int64_t t0 = gp_now_ns(), now = t0, checked = t0;
    struct timespec nap = { 0, POLL_NS };
    int timed_out = 0;

    atomic_store_explicit(&r->gate, GP_GATE_HOLDING, memory_order_relaxed);
    while (hp_busy()) {
        now = gp_now_ns();
        if (now - t0 >= r->max_wait_ns) {
            timed_out = 1;
            break;
        }
        if (now - checked >= LIVENESS_NS) {
            checked = now;
            if (!alive(atomic_load(&r->hp_pid))) {
                watchdog(now, "serve job");
                break;
            }
            if (!alive(r->coord_pid)) {
                watchdog(now, "coordinator (gpupack pack)");
                break;
            }
            if (now - atomic_load_explicit(&r->hp_heartbeat_ns, memory_order_relaxed) >
                r->stale_ns) {
                timed_out = 1; /* busy but silent: do not wait on it */
                break;
            }
        }
        nanosleep(&nap, NULL);
    }
    now = gp_now_ns();
    atomic_fetch_add_explicit(&r->be_holds, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&r->be_hold_ns, (uint64_t)(now - t0), memory_order_relaxed);
    if (timed_out) {
        atomic_fetch_add_explicit(&r->be_timeouts, 1, memory_order_relaxed);
        emit(GP_COSCHED_GATE_TIMEOUT, t0, now - t0, 0);
    } else {
        emit(GP_COSCHED_GATE_HOLD, t0, now - t0, 0);
    }
}

/* ---- the training job's queued work ------------------------------------------ */

/* Publishes the ops counted in the table (qmu held). */
static void queues_publish(void)
{
    int64_t total = 0;

    for (int i = 0; i < G.nq; i++)
        total += G.q[i].ops;
    atomic_store_explicit(&G.r->be_outstanding, total, memory_order_relaxed);
}

/* Counts one op queued on (ctx, stream). A full table counts it on a
 * stream of the same context that only a context synchronize clears. */
static void queue_add(CUcontext ctx, CUstream stream, int has_stream)
{
    queue *q = NULL;
    int i;

    pthread_mutex_lock(&G.qmu);
    for (i = 0; i < G.nq && !q; i++)
        if (G.q[i].ctx == ctx && G.q[i].any == !has_stream &&
            (!has_stream || G.q[i].stream == stream))
            q = &G.q[i];
    if (!q) {
        for (i = 0; i < G.nq && G.q[i].ops; i++) /* an empty slot, else a new one */
            ;
        if (i < MAX_QUEUES) {
            q = &G.q[i];
            G.nq += i == G.nq;
            *q = (queue){ ctx, has_stream ? stream : NULL, !has_stream, 0, 0 };
        }
    }
    for (i = 0; !q && i < G.nq; i++) /* full: fold into one of the context's */
        if (G.q[i].ctx == ctx)
            (q = &G.q[i])->any = 1;
    if (q && q->ops++ == 0)
        q->first_ns = gp_now_ns();
    queues_publish();
    pthread_mutex_unlock(&G.qmu);
}

/* Forgets the ops of ctx's queues that a completed synchronization of scope
 * (on stream) has finished; returns them, with the earliest one's time. */
static int64_t queue_done(CUcontext ctx, int scope, CUstream stream, int64_t *first_ns)
{
    int64_t done = 0;

    *first_ns = 0;
    pthread_mutex_lock(&G.qmu);
    for (int i = 0; i < G.nq; i++) {
        queue *q = &G.q[i];
        if (!q->ops || q->ctx != ctx ||
            (scope != GP_GATE_SCOPE_CONTEXT && (q->any || q->stream != stream)))
            continue;
        done += q->ops;
        if (!*first_ns || q->first_ns < *first_ns)
            *first_ns = q->first_ns;
        q->ops = 0;
    }
    queues_publish();
    pthread_mutex_unlock(&G.qmu);
    return done;
}

/* The queued work (out ops, the first queued at first_ns) just finished:
 * updates the estimate of an op's GPU time (an upper bound: host time
 * between launches counts). */
static void be_synced(int64_t out, int64_t first_ns)
{
    int64_t now = gp_now_ns(), op_ns = atomic_load_explicit(&G.r->be_op_ns, memory_order_relaxed);

    if (out > 0 && first_ns > 0 && now > first_ns) {
        int64_t est = (now - first_ns) / out;
        atomic_store(&G.r->be_op_ns, op_ns > 0 ? (3 * op_ns + est) / 4 : est);
    }
}

/* Waits for every context's queued work: cuCtxSynchronize_v2(ctx), or
 * cuCtxSynchronize with ctx made current for the call. Returns the
 * driver's result. */
static CUresult sync_context(CUcontext ctx)
{
    CUcontext cur = NULL;
    CUresult r;

    if (G.ctx_sync_v2)
        return G.ctx_sync_v2(ctx);
    if (!G.ctx_sync || !G.get_current || !G.set_current ||
        G.get_current(&cur) != CUDA_SUCCESS)
        return CUDA_ERROR_NOT_SUPPORTED;
    if (cur == ctx)
        return G.ctx_sync();
    if ((r = G.set_current(ctx)) != CUDA_SUCCESS)
        return r;
    r = G.ctx_sync();
    G.set_current(cur);
    return r;
}

/* Waits for the job's own queued work, on every context it launched to,
 * when it is over the budget; never while a stream capture runs (a
 * synchronize would invalidate it). */
static void be_cap(void)
{
    gp_region *r = G.r;
    int64_t out = atomic_load_explicit(&r->be_outstanding, memory_order_relaxed);
    int64_t op_ns = atomic_load_explicit(&r->be_op_ns, memory_order_relaxed);
    int64_t budget = atomic_load_explicit(&r->budget_ns, memory_order_relaxed);
    int over = op_ns > 0 ? out * op_ns >= budget : out >= FIRST_CAP_OPS;
    CUcontext ctxs[MAX_QUEUES];
    int n = 0, drained = 1;

    if (out == 0 || !over || atomic_load(&G.captures) > 0)
        return;
    pthread_mutex_lock(&G.qmu);
    for (int i = 0; i < G.nq; i++) {
        int seen = 0;
        for (int j = 0; j < n; j++)
            seen |= ctxs[j] == G.q[i].ctx;
        if (G.q[i].ops && !seen)
            ctxs[n++] = G.q[i].ctx;
    }
    pthread_mutex_unlock(&G.qmu);
    atomic_store_explicit(&r->gate, GP_GATE_DRAINING, memory_order_relaxed);
    for (int i = 0; i < n; i++) {
        int64_t first = 0, done;
        if (sync_context(ctxs[i]) != CUDA_SUCCESS) {
            drained = 0;
            continue; /* its work stays counted */
        }
        done = queue_done(ctxs[i], GP_GATE_SCOPE_CONTEXT, NULL, &first);
        be_synced(done, first);
    }
    if (drained)
        atomic_fetch_add_explicit(&r->be_drains, 1, memory_order_relaxed);
}

/* A completed synchronization of the job: what it finished is done. */
static void be_sync_done(const gp_gate_call *c)
{
    int64_t first = 0, done;

    if (c->scope == GP_GATE_SCOPE_EVENT || c->scope == GP_GATE_SCOPE_NONE ||
        (c->scope == GP_GATE_SCOPE_STREAM && !c->has_stream))
        return; /* which stream it covers is not known: its work stays counted */
    done = queue_done(c->ctx, c->scope, c->scope == GP_GATE_SCOPE_STREAM ? c->stream : NULL,
                      &first);
    be_synced(done, first);
}

static void be_api(const gp_gate_call *c)
{
    gp_region *r = G.r;

    if (c->op == GP_GATE_OP_CAPTURE_BEGIN || c->op == GP_GATE_OP_CAPTURE_END)
        track_capture(c);
    else if (c->op == GP_GATE_OP_SYNC && !c->enter && c->result == 0)
        be_sync_done(c);
    if (c->op != GP_GATE_OP_LAUNCH || !c->enter)
        return;
    atomic_fetch_add_explicit(&r->be_ops, 1, memory_order_relaxed);
    /* A launch into a capture is not GPU work. */
    if (r->policy == GP_POLICY_OFF || captured(c))
        return;
    if (hp_busy())
        be_hold();
    if (!atomic_load_explicit(&G.dead, memory_order_relaxed))
        be_cap();
    queue_add(c->ctx, c->stream, c->has_stream);
    atomic_store_explicit(&r->gate, atomic_load_explicit(&G.dead, memory_order_relaxed)
                                        ? GP_GATE_FORCED : GP_GATE_OPEN, memory_order_relaxed);
}

void gp_gate_api(const gp_gate_call *call)
{
    if (!G.r || tl_in_gate || !call)
        return;
    tl_in_gate = 1;
    if (G.role == ROLE_HP) {
        if (call->op == GP_GATE_OP_CAPTURE_BEGIN || call->op == GP_GATE_OP_CAPTURE_END)
            track_capture(call);
        hp_api(call);
    } else {
        be_api(call);
    }
    tl_in_gate = 0;
}
