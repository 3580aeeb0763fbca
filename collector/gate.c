/* gate.c: the co-scheduler's gate inside the collector (gate.h). */
#include "config.h"

#include <cuda.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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

static struct {
    gp_region *r;
    int role;
    void (*say)(const char *line);
    void (*emit)(const gp_record *r);
    CUresult (*ctx_sync)(void);
    _Atomic int captures;         /* stream captures in progress */
    _Atomic int64_t burst_start;  /* HP: first launch after its last synchronize */
    _Atomic int saw_ranges;       /* HP: request latency comes from NVTX ranges */
    _Atomic int64_t be_first_ns;  /* BE: first op since its last drain */
    _Atomic int dead;             /* BE: the serve job or coordinator is gone */
} G;

static __thread int tl_depth;       /* NVTX push depth of this thread */
static __thread int64_t tl_start;   /* when its outermost range began */
static __thread int tl_in_gate;     /* calls the gate itself makes are not gated */

int gp_gate_classify(const char *name)
{
    if (!name)
        return GP_GATE_OP_NONE;
    if (strncmp(name, "cuStreamBeginCapture", 20) == 0)
        return GP_GATE_OP_CAPTURE_BEGIN;
    if (strncmp(name, "cuStreamEndCapture", 18) == 0)
        return GP_GATE_OP_CAPTURE_END;
    if (strncmp(name, "cuCtxSynchronize", 16) == 0 ||
        strncmp(name, "cuStreamSynchronize", 19) == 0 ||
        strncmp(name, "cuEventSynchronize", 18) == 0)
        return GP_GATE_OP_SYNC;
    if (strncmp(name, "cuGraphLaunch", 13) == 0 || strncmp(name, "cuMemset", 8) == 0 ||
        (strncmp(name, "cuLaunch", 8) == 0 && !strstr(name, "HostFunc")))
        return GP_GATE_OP_LAUNCH;
    if (strncmp(name, "cuMemcpy", 8) == 0)
        return strstr(name, "Async") ? GP_GATE_OP_LAUNCH : GP_GATE_OP_SYNC;
    return GP_GATE_OP_NONE;
}

static void say(const char *path, const char *what)
{
    char line[900];

    snprintf(line, sizeof line, "%s: %s; this process is not co-scheduled", path, what);
    if (G.say)
        G.say(line);
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
        void *cuda = dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD);
        if (cuda)
            *(void **)&G.ctx_sync = dlsym(cuda, "cuCtxSynchronize");
        atomic_store(&G.r->be_pid, (int32_t)getpid());
        atomic_store(&G.r->gate, GP_GATE_OPEN);
    }
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

static void hp_api(int op, int enter)
{
    int64_t now = gp_now_ns();

    if (op == GP_GATE_OP_LAUNCH && enter) {
        atomic_fetch_add_explicit(&G.r->hp_ops, 1, memory_order_relaxed);
        if (!atomic_load_explicit(&G.r->hp_dirty, memory_order_relaxed)) {
            atomic_store(&G.r->hp_dirty, 1);
            atomic_store_explicit(&G.burst_start, now, memory_order_relaxed);
        }
        hp_beat(now);
    } else if (op == GP_GATE_OP_SYNC && !enter) {
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

/* The job's queued work (out ops) just finished: updates the estimate of
 * an op's GPU time (an upper bound: host time between launches counts). */
static void be_synced(int64_t out)
{
    int64_t now = gp_now_ns(), first = atomic_exchange(&G.be_first_ns, 0);
    int64_t op_ns = atomic_load_explicit(&G.r->be_op_ns, memory_order_relaxed);

    if (out > 0 && first > 0 && now > first) {
        int64_t est = (now - first) / out;
        atomic_store(&G.r->be_op_ns, op_ns > 0 ? (3 * op_ns + est) / 4 : est);
    }
}

/* Waits for the job's own queued work when it is over the budget. */
static void be_cap(void)
{
    gp_region *r = G.r;
    int64_t out = atomic_load_explicit(&r->be_outstanding, memory_order_relaxed);
    int64_t op_ns = atomic_load_explicit(&r->be_op_ns, memory_order_relaxed);
    int64_t budget = atomic_load_explicit(&r->budget_ns, memory_order_relaxed);
    int over = op_ns > 0 ? out * op_ns >= budget : out >= FIRST_CAP_OPS;

    if (out == 0 || !over || !G.ctx_sync)
        return;
    atomic_store_explicit(&r->gate, GP_GATE_DRAINING, memory_order_relaxed);
    if (G.ctx_sync() == CUDA_SUCCESS) {
        be_synced(out);
        atomic_fetch_add_explicit(&r->be_drains, 1, memory_order_relaxed);
    }
    atomic_store(&r->be_outstanding, 0);
}

static void be_api(int op, int enter)
{
    gp_region *r = G.r;

    if (op == GP_GATE_OP_CAPTURE_BEGIN && enter)
        atomic_fetch_add(&G.captures, 1);
    else if (op == GP_GATE_OP_CAPTURE_END && !enter && atomic_load(&G.captures) > 0)
        atomic_fetch_sub(&G.captures, 1);
    else if (op == GP_GATE_OP_SYNC && !enter)
        be_synced(atomic_exchange(&r->be_outstanding, 0));
    if (op != GP_GATE_OP_LAUNCH || !enter)
        return;
    atomic_fetch_add_explicit(&r->be_ops, 1, memory_order_relaxed);
    /* Launches into a capture are not GPU work, and a synchronize would break it. */
    if (r->policy == GP_POLICY_OFF || atomic_load_explicit(&G.captures, memory_order_relaxed))
        return;
    if (hp_busy())
        be_hold();
    if (!atomic_load_explicit(&G.dead, memory_order_relaxed))
        be_cap();
    if (atomic_fetch_add_explicit(&r->be_outstanding, 1, memory_order_relaxed) == 0)
        atomic_store_explicit(&G.be_first_ns, gp_now_ns(), memory_order_relaxed);
    atomic_store_explicit(&r->gate, atomic_load_explicit(&G.dead, memory_order_relaxed)
                                        ? GP_GATE_FORCED : GP_GATE_OPEN, memory_order_relaxed);
}

void gp_gate_api(int op, int enter)
{
    if (!G.r || tl_in_gate)
        return;
    tl_in_gate = 1;
    if (G.role == ROLE_HP)
        hp_api(op, enter);
    else
        be_api(op, enter);
    tl_in_gate = 0;
}
