/* test_simgpu_procs.c: the simulated GPU across processes: under
 * SIMGPU_SHARED two processes with work queued on one device time-slice it
 * (the later one's kernel waits for the running slice only, not for all
 * the other's queued work, and is stretched by the slices the other gets;
 * the other pays that time at its next kernel), a process alone is not
 * slowed, clients of one MPS server run side by side sharing the SMs, and
 * without SIMGPU_SHARED each process has a device of its own; a process
 * killed while holding the shared lock deadlocks no one; and cuInit's
 * CUDA_INJECTION64_PATH hook (called once, survives a missing library).
 * Each case runs in forked children that start CUDA after the fork. The
 * expected times follow from the rules in fakecuda_share.h; placements are
 * decided at launch, so only the launches' host timing varies. */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/simgpu/harness.h"
#include "tests/simgpu/simgpu.h"
#include "tests/tap.h"

#define MS 1000000ull
#define SLICE_NS ((uint64_t)SIMGPU_TIMESLICE_DEFAULT_NS)
#define MAX_SPANS 16

/* What one child launches: kernels of ns each over blocks blocks, on
 * streams streams in turn, then (after) kernels more after a
 * cuCtxSynchronize. */
typedef struct job {
    int kernels, streams, after;
    uint64_t ns;
    unsigned blocks;
} job;

/* One kernel record: launched (the host call), start, end, stream. */
typedef struct span {
    uint64_t launch, start, end;
    uint32_t stream;
} span;

static char dir[] = "/tmp/simgpu-procs-XXXXXX";

/* Where a kernel launched after the others it follows on its stream must
 * start when its process owes debt ns: after the recorded end of the one
 * before plus the debt, or at launch if that is later. */
static int pays(const span *k, const span *before, uint64_t debt)
{
    uint64_t ready = k->launch + SIMGPU_LAUNCH_LATENCY_NS, due = before->end + debt;

    return k->start == (ready > due ? ready : due);
}

/* Whether k ran as if alone: from its launch (or from the end of before,
 * its stream's previous kernel, if NULL none), for ns. */
static int unshared(const span *k, const span *before, uint64_t ns)
{
    uint64_t ready = k->launch + SIMGPU_LAUNCH_LATENCY_NS;

    if (before && before->end > ready)
        ready = before->end;
    return k->start == ready && k->end - k->start == ns;
}

/* Writes the kernel records of this child to dir/spans.<idx>. */
static int write_spans(int idx)
{
    char path[256];
    FILE *out;

    snprintf(path, sizeof path, "%s/spans.%d", dir, idx);
    out = fopen(path, "w");
    if (!out)
        return 1;
    for (size_t i = 0; i < sh_count(); i++) {
        const sh_rec *r = sh_get(i);
        if (r->u.any.kind == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL)
            fprintf(out, "%llu %llu %llu %u\n", (unsigned long long)r->u.k.queued,
                    (unsigned long long)r->u.k.start, (unsigned long long)r->u.k.end,
                    r->u.k.streamId);
    }
    return fclose(out) == 0 ? 0 : 1;
}

/* Child: waits for the parent's go, runs j, says so on launched_fd once
 * its first kernels are launched, writes their spans. Exits 0 or 1. */
static int child_kernels(int idx, const job *j, int go_fd, int launched_fd, const char *cupti)
{
    char why[512], c;
    CUcontext ctx;
    CUstream s[2];
    CUmodule mod;
    CUfunction f;

    if (sh_load(cupti, why, sizeof why) != 0 || sh_start(SH_KINDS_NONE) != CUPTI_SUCCESS ||
        shc.ActivityEnableLatencyTimestamps(1) != CUPTI_SUCCESS ||
        shc.ActivityEnable(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL) != CUPTI_SUCCESS)
        return 1;
    if (cuInit(0) || cuCtxCreate_v4(&ctx, NULL, 0, 0) || cuStreamCreate(&s[0], 0) ||
        cuStreamCreate(&s[1], 0) || cuModuleLoadData(&mod, "procs") ||
        cuModuleGetFunction(&f, mod, "sliceK") || simgpuFuncSetDuration(f, j->ns))
        return 1;
    if (read(go_fd, &c, 1) != 1)
        return 1;
    for (int i = 0; i < j->kernels; i++)
        if (cuLaunchKernel(f, j->blocks, 1, 1, 32, 1, 1, 0, s[i % j->streams], NULL, NULL))
            return 1;
    if (write(launched_fd, "l", 1) != 1 || cuCtxSynchronize())
        return 1;
    for (int i = 0; i < j->after; i++)
        if (cuLaunchKernel(f, j->blocks, 1, 1, 32, 1, 1, 0, s[0], NULL, NULL))
            return 1;
    if (cuCtxSynchronize())
        return 1;
    sh_flush(1);
    if (write_spans(idx) != 0)
        return 1;
    cuCtxDestroy_v2(ctx);
    sh_free();
    return 0;
}

/* Reads child idx's spans; returns how many. */
static size_t read_spans(int idx, span *v, size_t max)
{
    char path[256];
    unsigned long long l, a, b;
    unsigned st;
    size_t n = 0;
    FILE *in;

    snprintf(path, sizeof path, "%s/spans.%d", dir, idx);
    in = fopen(path, "r");
    if (!in)
        return 0;
    while (n < max && fscanf(in, "%llu %llu %llu %u", &l, &a, &b, &st) == 4)
        v[n++] = (span){ l, a, b, st };
    fclose(in);
    unlink(path);
    return n;
}

/* Runs child 0 with a and child 1 with b, with SIMGPU_SHARED=shared (NULL:
 * unset) and CUDA_MPS_PIPE_DIRECTORY=mps (NULL: unset); b is released once
 * a has launched its kernels (while they still run). Reads their spans into
 * sa and sb. Returns 0 if both ran and recorded every kernel. */
static int run_pair(const char *cupti, const char *shared, const char *mps, const job *a,
                    const job *b, span *sa, span *sb)
{
    const job *jobs[2] = { a, b };
    int go[2][2], launched[2], ok_all = 1;
    pid_t pid[2];
    char c;

    if (pipe(launched) != 0 || pipe(go[0]) != 0 || pipe(go[1]) != 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        pid[i] = fork();
        if (pid[i] == 0) {
            close(launched[0]);
            if (shared)
                setenv("SIMGPU_SHARED", shared, 1);
            else
                unsetenv("SIMGPU_SHARED");
            if (mps)
                setenv("CUDA_MPS_PIPE_DIRECTORY", mps, 1);
            else
                unsetenv("CUDA_MPS_PIPE_DIRECTORY");
            _exit(child_kernels(i, jobs[i], go[i][0], launched[1], cupti));
        }
        close(go[i][0]);
    }
    close(launched[1]);
    ok_all &= write(go[0][1], "g", 1) == 1;
    ok_all &= read(launched[0], &c, 1) == 1;
    ok_all &= write(go[1][1], "g", 1) == 1;
    for (int i = 0; i < 2; i++) {
        int st = 0;
        close(go[i][1]);
        waitpid(pid[i], &st, 0);
        ok_all &= WIFEXITED(st) && WEXITSTATUS(st) == 0;
    }
    close(launched[0]);
    ok_all &= read_spans(0, sa, MAX_SPANS) == (size_t)(a->kernels + a->after);
    ok_all &= read_spans(1, sb, MAX_SPANS) == (size_t)(b->kernels + b->after);
    return ok_all ? 0 : -1;
}

/* A: 8 x 50 ms on one stream (400 ms queued), then one more after its
 * synchronize; B, launched while A's work runs: one kernel of 20 ms. */
static const job job_a = { 8, 1, 1, 50 * MS, SIMGPU_SM_COUNT };
static const job job_b = { 1, 1, 0, 20 * MS, SIMGPU_SM_COUNT };

static void test_time_slices(const char *cupti)
{
    char shared[256];
    span a[MAX_SPANS], b[MAX_SPANS];
    /* B's 20 ms in slices, one of A's between two of B's: 20 ms + A's
     * slices (19 of 1.024 ms) */
    uint64_t want = 20 * MS + (20 * MS / SLICE_NS) * SLICE_NS;
    int alone = 1;

    snprintf(shared, sizeof shared, "%s/shared", dir);
    if (run_pair(cupti, shared, NULL, &job_a, &job_b, a, b) != 0) {
        ok(0, "two processes run kernels on a shared device");
        return;
    }
    ok(b[0].launch < a[7].end, "B launches while A's 400 ms of kernels are queued");
    ok(b[0].start - b[0].launch <= SLICE_NS + 1 * MS,
       "B's kernel waits for the running slice only (%.3f ms, slice %.3f ms), not for A's queue",
       (double)(b[0].start - b[0].launch) / 1e6, (double)SLICE_NS / 1e6);
    is_int(b[0].end - b[0].start, want, "and ends later by the slices A gets meanwhile");
    ok(b[0].start < a[7].end && b[0].end > a[0].start, "the two processes' kernels interleave");
    for (int i = 0; i < 8; i++)
        alone &= unshared(&a[i], i ? &a[i - 1] : NULL, 50 * MS);
    ok(alone, "A's kernels, placed before B came, keep their times (records already out)");
    ok(pays(&a[8], &a[7], 20 * MS),
       "A's kernel after its synchronize pays the 20 ms B ran meanwhile (%.3f ms after A's end)",
       (double)(a[8].start - a[7].end) / 1e6);
}

static void test_alone(const char *cupti)
{
    char shared[256];
    span a[MAX_SPANS], b[MAX_SPANS];
    job one = { 4, 2, 0, 200 * MS, 1 }, none = { 0, 1, 0, 20 * MS, 1 };
    int exact = 1, overlap = 0;

    snprintf(shared, sizeof shared, "%s/shared-alone", dir);
    if (run_pair(cupti, shared, NULL, &one, &none, a, b) != 0) {
        ok(0, "a process runs kernels alone on a shared device");
        return;
    }
    for (int i = 0; i < 4; i++) { /* two streams: i behind i - 2 */
        exact &= unshared(&a[i], i >= 2 ? &a[i - 2] : NULL, 200 * MS);
        overlap += i > 0 && a[i].start < a[i - 1].end;
    }
    ok(exact, "a process alone on a shared device runs its kernels at once, unsliced");
    ok(overlap > 0, "and its own two streams still overlap");
}

static void test_mps(const char *cupti)
{
    char shared[256], pipe_dir[256], fifo[300];
    span a[MAX_SPANS], b[MAX_SPANS];
    job small_a = job_a, small_b = job_b;

    snprintf(shared, sizeof shared, "%s/shared-mps", dir);
    snprintf(pipe_dir, sizeof pipe_dir, "%s/mps", dir);
    snprintf(fifo, sizeof fifo, "%s/control", pipe_dir);
    if (mkdir(pipe_dir, 0700) != 0 || mkfifo(fifo, 0600) != 0) {
        ok(0, "make an MPS control pipe");
        return;
    }
    if (run_pair(cupti, shared, pipe_dir, &job_a, &job_b, a, b) != 0) {
        ok(0, "two MPS clients run kernels on a shared device");
        return;
    }
    ok(b[0].start - b[0].launch < 1 * MS, "MPS: B's kernel starts at once beside A's (%.3f ms)",
       (double)(b[0].start - b[0].launch) / 1e6);
    is_int(b[0].end - b[0].start, 40 * MS,
           "both on all 16 SMs: B runs at half speed (20 ms in 40)");
    ok(pays(&a[8], &a[7], 20 * MS),
       "A pays the half of its speed it lost over those 40 ms at its next kernel");
    small_a.blocks = small_b.blocks = 4;
    snprintf(shared, sizeof shared, "%s/shared-mps-small", dir);
    if (run_pair(cupti, shared, pipe_dir, &small_a, &small_b, a, b) != 0) {
        ok(0, "two MPS clients run small kernels");
        return;
    }
    ok(b[0].start - b[0].launch < 1 * MS && b[0].end - b[0].start == 20 * MS,
       "kernels whose blocks fit in the SMs together run side by side, unslowed");
    unlink(fifo);
    snprintf(shared, sizeof shared, "%s/shared-mps-none", dir);
    if (run_pair(cupti, shared, pipe_dir, &job_a, &job_b, a, b) != 0) {
        ok(0, "two processes with a pipe folder but no daemon");
        return;
    }
    ok(b[0].end - b[0].start > 30 * MS && b[0].start - b[0].launch <= SLICE_NS + 1 * MS,
       "no control pipe (no daemon): not MPS clients, they time-slice");
    rmdir(pipe_dir);
}

static void test_not_shared(const char *cupti)
{
    span a[MAX_SPANS], b[MAX_SPANS];

    if (run_pair(cupti, NULL, NULL, &job_a, &job_b, a, b) != 0) {
        ok(0, "two processes run kernels without SIMGPU_SHARED");
        return;
    }
    ok(b[0].start - b[0].launch < 1 * MS && b[0].end - b[0].start == 20 * MS &&
       a[8].start - a[8].launch < 1 * MS,
       "without SIMGPU_SHARED each has its own GPU: no wait, no stretch, no debt");
}

/* Child: one kernel on the shared device, within 20 s. */
static int child_one_kernel(void)
{
    CUcontext ctx;
    CUmodule mod;
    CUfunction f;

    alarm(20); /* a deadlock ends as SIGALRM */
    if (cuInit(0) || cuCtxCreate_v4(&ctx, NULL, 0, 0) || cuModuleLoadData(&mod, "x") ||
        cuModuleGetFunction(&f, mod, "k") || cuLaunchKernel(f, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, NULL) ||
        cuCtxSynchronize())
        return 1;
    return 0;
}

static int run_child(int (*fn)(void), const char *env, const char *value)
{
    int st = 0;
    pid_t pid = fork();

    if (pid == 0) {
        if (value)
            setenv(env, value, 1);
        _exit(fn());
    }
    waitpid(pid, &st, 0);
    return st;
}

static void test_dead_holder(void)
{
    char shared[256];
    int st;

    snprintf(shared, sizeof shared, "%s/shared-dead", dir);
    setenv("SIMGPU_SHARED", shared, 1);
    st = run_child(child_one_kernel, "SIMGPU_TEST_DIE_HOLDING_LOCK", "1");
    ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "a process is killed holding the shared lock");
    st = run_child(child_one_kernel, "SIMGPU_TEST_DIE_HOLDING_LOCK", NULL);
    ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the next process is not deadlocked (robust mutex)");
    unsetenv("SIMGPU_SHARED");
}

static int child_no_device(void)
{
    return cuInit(0) == CUDA_ERROR_NO_DEVICE ? 0 : 1;
}

static int child_bad_injection(void)
{
    int n = 0;

    return cuInit(0) == CUDA_SUCCESS && cuDeviceGetCount(&n) == CUDA_SUCCESS && n == 1 ? 0 : 1;
}

static void *init_again(void *arg)
{
    *(CUresult *)arg = cuInit(0);
    return NULL;
}

static void test_injection(void)
{
    int (*calls)(void) = NULL;
    CUresult second = CUDA_ERROR_UNKNOWN;
    pthread_t th;
    void *h;
    int st;

    st = run_child(child_no_device, "SIMGPU_DEVICES", "0");
    ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "SIMGPU_DEVICES=0: cuInit fails with CUDA_ERROR_NO_DEVICE");
    st = run_child(child_bad_injection, "CUDA_INJECTION64_PATH", "/nonexistent/libinject.so");
    ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "an injection library that does not load leaves cuInit working");

    setenv("CUDA_INJECTION64_PATH", SIMGPU_TRACE_PATH, 1);
    unsetenv("SIMTRACE_OUT");
    ok(dlopen(SIMGPU_TRACE_PATH, RTLD_NOW | RTLD_NOLOAD) == NULL, "the injection library is not loaded before cuInit");
    is_int(cuInit(0), CUDA_SUCCESS, "cuInit with CUDA_INJECTION64_PATH");
    h = dlopen(SIMGPU_TRACE_PATH, RTLD_NOW | RTLD_NOLOAD);
    ok(h != NULL, "cuInit loaded it");
    if (h)
        *(void **)&calls = dlsym(h, "simtrace_init_calls");
    is_int(calls ? calls() : -1, 1, "and called its InitializeInjection");
    pthread_create(&th, NULL, init_again, &second);
    pthread_join(th, NULL);
    cuInit(0);
    is_int(second, CUDA_SUCCESS, "cuInit again, from another thread");
    is_int(calls ? calls() : -1, 1, "InitializeInjection ran once per process");
    if (h)
        dlclose(h);
}

int main(void)
{
    const char *cupti = getenv("GPUPACK_CUPTI_PATH");
    char cmd[64 + sizeof dir];

    if (!cupti || !*cupti)
        cupti = SIMGPU_CUPTI_PATH;
    unsetenv("CUDA_INJECTION64_PATH");
    unsetenv("SIMGPU_DEVICES");
    unsetenv("SIMGPU_TEST_DIE_HOLDING_LOCK");
    if (!mkdtemp(dir)) {
        ok(0, "make a temporary folder");
        return done_testing();
    }
    test_time_slices(cupti);
    test_alone(cupti);
    test_mps(cupti);
    test_not_shared(cupti);
    test_dead_holder();
    test_injection(); /* last: it initialises CUDA in this process */
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        diag("could not remove %s", dir);
    return done_testing();
}
