/* bench_analyze.c: import + full analysis time.
 *
 *   bench_analyze KINETO_TRACE [N_KERNELS]
 *
 * 1. A real PyTorch profiler trace (samples/traces/a100_rank3_train): load and
 *    analyze, best and median of 7 runs, in this process.
 * 2. A synthetic gpupack trace of N kernels (default 10,000,000), each with
 *    its launch call, on 4 streams with gaps, a synchronize every 1000
 *    kernels and an NVTX step every 10,000: written by a child process,
 *    then loaded and analyzed here; peak memory of this process reported.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analyzer/analyses/analyze.h"
#include "analyzer/formats/load.h"
#include "common/clock.h"
#include "common/store.h"

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int64_t last_load_ns; /* of the last load_analyze */

/* Loads and analyzes path; returns ns, or -1. */
static int64_t load_analyze(const char *path, size_t *findings)
{
    gp_error err = { 0 };
    int64_t t0 = gp_now_ns();
    gp_job *job = gp_job_new();
    gp_analysis *a;

    if (gp_load_any(job, path, &err) != GP_OK) {
        fprintf(stderr, "bench_analyze: %s\n", err.msg);
        gp_job_free(job);
        return -1;
    }
    last_load_ns = gp_now_ns() - t0;
    a = gp_analyze(job, NULL);
    if (findings)
        *findings = a ? a->n_findings : 0;
    gp_analysis_free(a);
    gp_job_free(job);
    return gp_now_ns() - t0;
}

static int write_synthetic(const char *path, int64_t n)
{
    gp_error err = { 0 };
    gp_writer *w = gp_writer_create(path, GP_WRITER_OVERWRITE, &err);
    gp_strid names[8], launch, sync, step;
    gp_record r;
    int64_t t = 1000000000;

    if (!w)
        return -1;
    gp_writer_begin(w, &err);
    for (int i = 0; i < 8; i++) {
        char s[64];
        snprintf(s, sizeof s, "void kernel_%d<float>(float*, int)", i);
        names[i] = gp_writer_intern(w, s, strlen(s), &err);
    }
    launch = gp_writer_intern(w, "cudaLaunchKernel", 16, &err);
    sync = gp_writer_intern(w, "cudaStreamSynchronize", 21, &err);
    step = gp_writer_intern(w, "step", 4, &err);
    gp_record_init(&r, GP_KIND_DEVICE);
    r.u.device.id = 0;
    r.u.device.name = gp_writer_intern(w, "NVIDIA H100 80GB HBM3", 21, &err);
    r.u.device.sm_count = 132;
    r.u.device.cc_major = 9;
    gp_writer_put(w, &r, &err);
    gp_record_init(&r, GP_KIND_PROCESS); /* the recorder always writes one */
    r.u.process.pid = 1;
    r.u.process.cmdline = gp_writer_intern(w, "python train.py", 15, &err);
    r.u.process.start_ns = t;
    r.u.process.rank = -1;
    gp_writer_put(w, &r, &err);
    for (int64_t i = 0; i < n; i++) {
        int64_t dur = 2000 + (i % 7) * 1500, gap = i % 100 == 0 ? 50000 : 500;
        if (i % 10000 == 0) {
            gp_writer_commit(w, &err);
            gp_writer_begin(w, &err);
            gp_record_init(&r, GP_KIND_NVTX);
            r.u.nvtx.start_ns = t;
            r.u.nvtx.end_ns = t + 10000 * 4500;
            r.u.nvtx.name = step;
            r.u.nvtx.tid = 1;
            r.u.nvtx.pid = 1;
            gp_writer_put(w, &r, &err);
        }
        gp_record_init(&r, GP_KIND_API);
        r.u.api.start_ns = t;
        r.u.api.end_ns = t + 3000;
        r.u.api.tid = 1;
        r.u.api.pid = 1;
        r.u.api.correlation = i + 1;
        r.u.api.name = launch;
        gp_writer_put(w, &r, &err);
        gp_record_init(&r, GP_KIND_KERNEL);
        r.u.kernel.start_ns = t + 4000;
        r.u.kernel.end_ns = t + 4000 + dur;
        r.u.kernel.device = 0;
        r.u.kernel.stream = 7 + i % 4;
        r.u.kernel.correlation = i + 1;
        r.u.kernel.name = names[i % 8];
        r.u.kernel.grid_x = 264;
        r.u.kernel.grid_y = r.u.kernel.grid_z = 1;
        r.u.kernel.block_x = 256;
        r.u.kernel.block_y = r.u.kernel.block_z = 1;
        r.u.kernel.pid = 1;
        if (gp_writer_put(w, &r, &err) != GP_OK)
            return -1;
        t += dur + gap;
        if (i % 1000 == 999) {
            gp_record_init(&r, GP_KIND_API);
            r.u.api.start_ns = t;
            r.u.api.end_ns = t + 20000;
            r.u.api.tid = 1;
            r.u.api.pid = 1;
            r.u.api.name = sync;
            gp_writer_put(w, &r, &err);
            t += 25000;
        }
    }
    gp_writer_commit(w, &err);
    return gp_writer_close(w, &err) == GP_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    int64_t runs[7], loads[7], n = argc > 2 ? atoll(argv[2]) : 10000000, t;
    char dir[] = "/tmp/gp-bench-analyze-XXXXXX", path[300], cmd[330];
    struct rusage ru;
    size_t findings = 0;
    pid_t pid;
    int st;

    if (argc < 2) {
        fprintf(stderr, "usage: bench_analyze KINETO_TRACE [N_KERNELS]\n");
        return 2;
    }

    for (int i = 0; i < 7; i++) {
        if ((runs[i] = load_analyze(argv[1], &findings)) < 0)
            return 3;
        loads[i] = last_load_ns;
    }
    qsort(runs, 7, sizeof *runs, cmp_i64);
    qsort(loads, 7, sizeof *loads, cmp_i64);
    printf("analyze %s: import + full analysis best %.1f ms, median %.1f ms (import alone: "
           "best %.1f ms) (%zu findings; target < 100 ms)\n",
           strrchr(argv[1], '/') ? strrchr(argv[1], '/') + 1 : argv[1], (double)runs[0] / 1e6,
           (double)runs[3] / 1e6, (double)loads[0] / 1e6, findings);
    if (n <= 0 || !mkdtemp(dir))
        return 0;
    snprintf(path, sizeof path, "%s/synthetic.gpupack", dir);
    fflush(stdout);
    pid = fork();
    if (pid == 0)
        _exit(write_synthetic(path, n) == 0 ? 0 : 3);
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return 3;
    t = load_analyze(path, &findings);
    getrusage(RUSAGE_SELF, &ru);
    printf("analyze synthetic trace of %" PRId64 " kernels + %" PRId64 " launch calls: %.2f s, "
           "peak memory %.0f MiB (%zu findings; target < 10 s, < 2048 MiB)\n", n, n, (double)t / 1e9,
           (double)ru.ru_maxrss / 1024.0, findings);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 && t > 0 ? 0 : 3;
}
