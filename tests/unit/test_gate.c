/* test_gate.c: the collector's gate (collector/gate.c) against a real
 * region, without a GPU: classification, the bounded wait, passing when
 * serving is idle, captures, a dead serve job, the off policy, and the
 * serve job's published state (in a child process: the gate has one role
 * per process). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

#include "collector/gate.h"
#include "common/clock.h"
#include "cosched/cosched.h"
#include "cosched/region.h"
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

/* One launch through the gate; its wait in ns. */
static int64_t launch(void)
{
    int64_t t0 = gp_now_ns();
    gp_gate_api(GP_GATE_OP_LAUNCH, 1);
    gp_gate_api(GP_GATE_OP_LAUNCH, 0);
    return gp_now_ns() - t0;
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
    gp_gate_api(GP_GATE_OP_LAUNCH, 1);
    bad |= (atomic_load(&r->hp_dirty) != 1) << 6;
    gp_gate_api(GP_GATE_OP_SYNC, 1);
    bad |= (atomic_load(&r->hp_dirty) != 1) << 7; /* still busy until the sync returns */
    gp_gate_api(GP_GATE_OP_SYNC, 0);
    bad |= (atomic_load(&r->hp_dirty) != 0) << 8;
    /* ranges were seen, so bursts are not latencies */
    bad |= (atomic_load(&r->lat_count) != 1) << 9;
    bad |= (events[GP_COSCHED_HP_LATENCY] != 1) << 10;
    return bad;
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
    is_int(gp_gate_classify("cuMemcpyDtoH_v2"), GP_GATE_OP_SYNC, "synchronous copy ends a burst");
    is_int(gp_gate_classify("cuStreamSynchronize"), GP_GATE_OP_SYNC, "stream sync");
    is_int(gp_gate_classify("cuCtxSynchronize"), GP_GATE_OP_SYNC, "context sync");
    is_int(gp_gate_classify("cuEventSynchronize"), GP_GATE_OP_SYNC, "event sync");
    is_int(gp_gate_classify("cuStreamBeginCapture_v2"), GP_GATE_OP_CAPTURE_BEGIN, "capture begins");
    is_int(gp_gate_classify("cuStreamEndCapture"), GP_GATE_OP_CAPTURE_END, "capture ends");
    is_int(gp_gate_classify("cuLaunchHostFunc"), GP_GATE_OP_NONE, "host functions are not GPU work");
    is_int(gp_gate_classify("cuMemAlloc_v2"), GP_GATE_OP_NONE, "allocation is not gated");
    is_int(gp_gate_classify(NULL), GP_GATE_OP_NONE, "NULL name");

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

    /* the serve side, in a child */
    kid = fork();
    if (kid == 0) {
        int bad = hp_child(r);
        if (bad)
            printf("# serve-side checks failed: mask 0x%x\n", (unsigned)bad);
        fflush(stdout);
        _exit(bad ? 1 : 0);
    }
    waitpid(kid, &st, 0);
    is_int(WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0,
           "serve side: pid, outermost ranges, latency, in-flight until the sync returns");

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

    gp_gate_api(GP_GATE_OP_CAPTURE_BEGIN, 1);
    w = launch();
    ok(w < 100 * MS && atomic_load(&r->be_holds) == 1, "launches into a stream capture are not held");
    gp_gate_api(GP_GATE_OP_CAPTURE_END, 0);

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
