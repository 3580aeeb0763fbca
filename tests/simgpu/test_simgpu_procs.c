/* test_simgpu_procs.c: the simulated GPU across processes: time-slicing
 * under SIMGPU_SHARED (kernels of two processes never overlap, while one
 * process's streams still do; without it they overlap), a process killed
 * while holding the shared lock deadlocks no one, and cuInit's
 * CUDA_INJECTION64_PATH hook (called once, survives a missing library).
 * Each case runs in forked children that start CUDA after the fork. */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/simgpu/harness.h"
#include "tests/simgpu/simgpu.h"
#include "tests/tap.h"

#define KERNELS 8
#define KERNEL_NS 50000000ull

typedef struct span {
    uint64_t start, end;
    uint32_t stream;
} span;

static char dir[] = "/tmp/simgpu-procs-XXXXXX";

/* Child: waits for the parent's go, launches KERNELS kernels over two
 * streams, says so on launched_fd, writes their spans to dir/spans.<idx>.
 * Exits 0 or 1. */
static int child_kernels(int idx, int go_fd, int launched_fd, const char *cupti)
{
    char why[512], path[256], c;
    CUcontext ctx;
    CUstream s[2];
    CUmodule mod;
    CUfunction f;
    FILE *out;

    if (sh_load(cupti, why, sizeof why) != 0 || sh_start(SH_KINDS_NONE) != CUPTI_SUCCESS ||
        shc.ActivityEnable(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL) != CUPTI_SUCCESS)
        return 1;
    if (cuInit(0) || cuCtxCreate_v4(&ctx, NULL, 0, 0) || cuStreamCreate(&s[0], 0) || cuStreamCreate(&s[1], 0) ||
        cuModuleLoadData(&mod, "procs") || cuModuleGetFunction(&f, mod, "sliceK") ||
        simgpuFuncSetDuration(f, KERNEL_NS))
        return 1;
    if (read(go_fd, &c, 1) != 1)
        return 1;
    for (int i = 0; i < KERNELS; i++)
        if (cuLaunchKernel(f, 1, 1, 1, 1, 1, 1, 0, s[i % 2], NULL, NULL))
            return 1;
    if (write(launched_fd, "l", 1) != 1 || cuCtxSynchronize())
        return 1;
    sh_flush(1);
    snprintf(path, sizeof path, "%s/spans.%d", dir, idx);
    out = fopen(path, "w");
    if (!out)
        return 1;
    for (size_t i = 0; i < sh_count(); i++) {
        const sh_rec *r = sh_get(i);
        if (r->u.any.kind == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL)
            fprintf(out, "%llu %llu %u\n", (unsigned long long)r->u.k.start, (unsigned long long)r->u.k.end,
                    r->u.k.streamId);
    }
    fclose(out);
    cuCtxDestroy_v2(ctx);
    sh_free();
    return 0;
}

static size_t read_spans(int idx, span *v, size_t max)
{
    char path[256];
    unsigned long long a, b;
    unsigned st;
    size_t n = 0;
    FILE *in;

    snprintf(path, sizeof path, "%s/spans.%d", dir, idx);
    in = fopen(path, "r");
    if (!in)
        return 0;
    while (n < max && fscanf(in, "%llu %llu %u", &a, &b, &st) == 3)
        v[n++] = (span){ a, b, st };
    fclose(in);
    return n;
}

/* Runs two kernel children; staggered: the second is released once the
 * first has launched its kernels (while they still run), else both at
 * once. Returns 0 if both ran. */
static int run_pair(const char *cupti, const char *shared, int staggered)
{
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
            _exit(child_kernels(i, go[i][0], launched[1], cupti));
        }
        close(go[i][0]);
    }
    close(launched[1]);
    ok_all &= write(go[0][1], "g", 1) == 1;
    if (staggered)
        ok_all &= read(launched[0], &c, 1) == 1;
    ok_all &= write(go[1][1], "g", 1) == 1;
    for (int i = 0; i < 2; i++) {
        int st = 0;
        close(go[i][1]);
        waitpid(pid[i], &st, 0);
        ok_all &= WIFEXITED(st) && WEXITSTATUS(st) == 0;
    }
    close(launched[0]);
    return ok_all ? 0 : -1;
}

/* Counts pairs (one span of each process) that overlap, and pairs of one
 * process's two streams that overlap. */
static void overlaps(size_t *across, size_t *within)
{
    span a[KERNELS + 4], b[KERNELS + 4];
    size_t na = read_spans(0, a, KERNELS + 4), nb = read_spans(1, b, KERNELS + 4);

    *across = *within = 0;
    if (na != KERNELS || nb != KERNELS) {
        *across = *within = SIZE_MAX;
        return;
    }
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            *across += a[i].start < b[j].end && b[j].start < a[i].end;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < na; j++)
            *within += a[i].stream != a[j].stream && a[i].start < a[j].end && a[j].start < a[i].end;
}

static void test_time_slicing(const char *cupti)
{
    char shared[256];
    size_t across, within;

    snprintf(shared, sizeof shared, "%s/shared", dir);
    is_int(run_pair(cupti, shared, 1), 0, "a second process launches while the first one's kernels run");
    overlaps(&across, &within);
    is_int(across, 0, "SIMGPU_SHARED: its kernels wait, the two processes never overlap");
    ok(within > 0 && within != SIZE_MAX, "while a process's own two streams still overlap");
    is_int(run_pair(cupti, shared, 0), 0, "two processes launch at once on a shared device");
    overlaps(&across, &within);
    is_int(across, 0, "SIMGPU_SHARED: still no overlap between processes");
    is_int(run_pair(cupti, NULL, 1), 0, "the same without SIMGPU_SHARED");
    overlaps(&across, &within);
    ok(across > 0 && across != SIZE_MAX, "without it, their kernels overlap (each has its own GPU)");
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
    test_time_slicing(cupti);
    test_dead_holder();
    test_injection(); /* last: it initialises CUDA in this process */
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        diag("could not remove %s", dir);
    return done_testing();
}
