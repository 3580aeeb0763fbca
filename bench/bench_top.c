/* bench_top.c: what `gpupack top` costs.
 *
 *   bench_top [KERNELS]      (default 1000000; run from the build folder)
 *
 * Live: 8 GPUs from the fake NVML (tests/fakenvml, built by make check)
 * and 4 recorded jobs, each a child process serving a real live socket
 * (recorder/live.h) with a snapshot of 8 kernels; the CPU time of top
 * (this process only) over 40 refreshes (NVML readings, 4 socket round
 * trips, drawing a 200x60 screen off-screen) as % of one core at the
 * default 0.5 s refresh. Target: under 2 %. Writing the screen to a
 * terminal (ncurses) is not included.
 * Recorder side: the writer thread's cost per kernel record of keeping
 * the live figures (gp_live_kernel, gp_live_api, gp_live_publish).
 * Trace browser: a synthetic trace of KERNELS kernels (4 streams, a launch
 * call each, a sync every 1000) written with the store writer; the time to
 * open it (load, analyze, lanes; target under 1 s) and to redraw a 200x60
 * screen at several zooms (target under 50 ms). */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "recorder/live.h"
#include "common/clock.h"
#include "common/store.h"
#include "tui/app.h"

#define FAKE_NVML "tests/fakenvml/.libs/libnvidia-ml.so.1"
#define REFRESHES 40

static int64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A recorder stand-in: serves a live snapshot of a busy job until killed. */
static pid_t start_job(int j)
{
    pid_t pid = fork();

    if (pid != 0)
        return pid;
    gp_live *l = gp_live_new();
    gp_error err = { 0 };
    char cmd[64];
    int64_t t = gp_now_ns() - 4000000000LL;

    snprintf(cmd, sizeof cmd, "python train_%d.py --epochs 90", j);
    gp_live_job(l, getpid(), cmd, t);
    for (uint32_t k = 1; k <= 8; k++) {
        char name[64];
        snprintf(name, sizeof name, "void kernel_%u<float>(float*, int)", k);
        gp_live_string(l, k, name, strlen(name));
    }
    for (int i = 0; i < 200000; i++) {
        gp_kernel kr;
        memset(&kr, 0, sizeof kr);
        kr.start_ns = t;
        kr.end_ns = t + 10000 + (i % 8) * 1000;
        kr.name = 1 + (uint32_t)(i % 8);
        gp_live_kernel(l, &kr);
        t = kr.end_ns + 5000;
    }
    gp_live_publish(l, gp_now_ns());
    if (gp_live_serve(l, NULL, 0, &err) != GP_OK) {
        fprintf(stderr, "bench_top: %s\n", err.msg);
        _exit(1);
    }
    for (;;)
        pause();
}

static int bench_live(void)
{
    char dir[] = "/tmp/gp-bench-top-XXXXXX", sockdir[64];
    pid_t jobs[4];
    tui_app *a = calloc(1, sizeof *a);
    tui_grid g;
    int64_t c0, w0, rc = 0;

    if (!getenv("GPUPACK_NVML_PATH")) {
        if (access(FAKE_NVML, R_OK) != 0) {
            printf("top live: skipped (the fake NVML is built by make check)\n");
            free(a);
            return 0;
        }
        setenv("GPUPACK_NVML_PATH", FAKE_NVML, 1);
    }
    setenv("FAKENVML_GPUS", "8", 1);
    if (!mkdtemp(dir)) {
        free(a);
        return -1;
    }
    setenv("XDG_RUNTIME_DIR", dir, 1);
    for (int j = 0; j < 4; j++)
        jobs[j] = start_job(j);
    snprintf(sockdir, sizeof sockdir, "%s/gpupack", dir);
    tui_app_init_live(a, 500000000);
    tui_grid_init(&g, 200, 60);
    for (int tries = 0; tries < 100 && a->jobs.n < 4; tries++) { /* the jobs start */
        usleep(20000);
        tui_app_tick(a, gp_now_ns());
    }
    if (a->gpus.n != 8 || a->jobs.n != 4) {
        printf("top live: FAILED to see 8 GPUs and 4 jobs (saw %d and %d)\n", a->gpus.n, a->jobs.n);
        rc = -1;
    } else {
        c0 = cpu_ns();
        w0 = gp_now_ns();
        for (int i = 0; i < REFRESHES; i++) {
            tui_app_tick(a, gp_now_ns());
            tui_app_render(a, &g);
        }
        double per = (double)(cpu_ns() - c0) / REFRESHES;
        double pct = 100.0 * per / 0.5e9;
        printf("top live: 8 GPUs (fake NVML), 4 jobs: %.2f ms CPU per refresh (%.1f ms wall) = "
               "%.3f %% of one core at 0.5 s (target < 2 %%) %s\n", per / 1e6,
               (double)(gp_now_ns() - w0) / REFRESHES / 1e6, pct, pct < 2 ? "ok" : "OVER");
    }
    for (int j = 0; j < 4; j++) { /* killed, they leave their sockets */
        char sock[128];
        kill(jobs[j], SIGKILL);
        waitpid(jobs[j], NULL, 0);
        snprintf(sock, sizeof sock, "%s/live-%d.sock", sockdir, (int)jobs[j]);
        unlink(sock);
    }
    rmdir(sockdir);
    rmdir(dir);
    tui_grid_free(&g);
    tui_app_free(a);
    free(a);
    return (int)rc;
}

/* n kernels on 4 streams of one GPU, each with its launch call; a
 * synchronize every 1000 kernels. */
static int write_trace(const char *path, int64_t n)
{
    gp_error err = { 0 };
    gp_writer *w = gp_writer_create(path, GP_WRITER_OVERWRITE, &err);
    gp_strid kn[4], launch, sync;
    gp_record r;
    int64_t t = 1000000000;

    if (!w)
        return -1;
    gp_writer_begin(w, &err);
    static const char *const names[4] = {
        "volta_sgemm_128x64_nn", "void at::native::vectorized_elementwise_kernel<4>(int)",
        "ampere_bf16_s16816gemm_bf16_128x128_ldg8_f2f_tn", "void reduce_kernel<512, 1>(float*)" };
    for (int i = 0; i < 4; i++)
        kn[i] = gp_writer_intern(w, names[i], strlen(names[i]), &err);
    launch = gp_writer_intern(w, "cudaLaunchKernel", 16, &err);
    sync = gp_writer_intern(w, "cudaDeviceSynchronize", 21, &err);
    gp_record_init(&r, GP_KIND_PROCESS);
    r.u.process.pid = 7;
    r.u.process.start_ns = t;
    r.u.process.rank = -1;
    gp_writer_put(w, &r, &err);
    for (int64_t i = 0; i < n; i++) {
        int64_t len = 3000 + (i % 5) * 2000;
        gp_record_init(&r, GP_KIND_API);
        r.u.api = (gp_api){ .start_ns = t, .end_ns = t + 2500, .tid = 7, .correlation = i + 1,
                            .name = launch, .pid = 7 };
        gp_writer_put(w, &r, &err);
        gp_record_init(&r, GP_KIND_KERNEL);
        r.u.kernel.start_ns = t + 3000;
        r.u.kernel.end_ns = t + 3000 + len;
        r.u.kernel.stream = 13 + i % 4;
        r.u.kernel.correlation = i + 1;
        r.u.kernel.name = kn[i % 4];
        r.u.kernel.pid = 7;
        r.u.kernel.device = 0;
        r.u.kernel.grid_x = r.u.kernel.grid_y = r.u.kernel.grid_z = 1;
        r.u.kernel.block_x = 128;
        r.u.kernel.block_y = r.u.kernel.block_z = 1;
        if (gp_writer_put(w, &r, &err) != GP_OK)
            return -1;
        t += len + 1000;
        if (i % 1000 == 999) {
            gp_record_init(&r, GP_KIND_API);
            r.u.api = (gp_api){ .start_ns = t, .end_ns = t + 40000, .tid = 7, .name = sync, .pid = 7 };
            gp_writer_put(w, &r, &err);
            t += 60000;
            gp_writer_commit(w, &err);
            gp_writer_begin(w, &err);
        }
    }
    gp_writer_commit(w, &err);
    return gp_writer_close(w, &err) == GP_OK ? 0 : -1;
}

static int bench_trace(int64_t n)
{
    char path[] = "/tmp/gp-bench-top-XXXXXX.gpupack";
    tui_app *a = calloc(1, sizeof *a);
    gp_error err = { 0 };
    tui_grid g;
    int fd = mkstemps(path, 8);
    int64_t t0, c0, open_ns, open_cpu_ns, worst = 0, total = 0;
    int draws = 0;

    if (fd < 0 || !a)
        return -1;
    close(fd);
    if (write_trace(path, n) < 0) {
        fprintf(stderr, "bench_top: cannot write %s\n", path);
        unlink(path);
        free(a);
        return -1;
    }
    t0 = gp_now_ns();
    c0 = cpu_ns();
    if (tui_app_init_trace(a, path, &err) != GP_OK) {
        fprintf(stderr, "bench_top: %s\n", err.msg);
        unlink(path);
        free(a);
        return -1;
    }
    open_ns = gp_now_ns() - t0;
    open_cpu_ns = cpu_ns() - c0;
    tui_grid_init(&g, 200, 60);
    static const int keys[] = { 0, '+', '+', '+', '+', ']', ']', '+', '+', '+', '+', '+', '+',
                                '[', '-', '-', 'n', TUI_K_DOWN, TUI_K_RIGHT, '0' };
    for (int rep = 0; rep < 2; rep++)
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
            int64_t d;
            if (keys[i])
                tui_app_key(a, keys[i]);
            t0 = gp_now_ns();
            tui_app_render(a, &g);
            d = gp_now_ns() - t0;
            total += d;
            worst = d > worst ? d : worst;
            draws++;
        }
    printf("top trace: %lld kernels: open %.3f s (%.3f s CPU; load %.3f s; target < 1 s) %s; redraw 200x60 "
           "mean %.2f ms, worst %.2f ms over %d zooms (target < 50 ms) %s\n", (long long)n,
           (double)open_ns / 1e9, (double)open_cpu_ns / 1e9, (double)a->trace.load_ns / 1e9, open_ns < 1000000000 ? "ok" : "OVER",
           (double)total / draws / 1e6, (double)worst / 1e6, draws, worst < 50000000 ? "ok" : "OVER");
    tui_grid_free(&g);
    tui_app_free(a);
    free(a);
    unlink(path);
    return 0;
}

/* What the recorder's writer thread pays per record for the live view. */
static void bench_accumulate(void)
{
    gp_live *l = gp_live_new();
    const int n = 5000000;
    int64_t t = 1000000000, t0;

    if (!l)
        return;
    for (uint32_t k = 1; k <= 64; k++) {
        char name[64];
        snprintf(name, sizeof name, "void kernel_%u<float>(float*, int)", k);
        gp_live_string(l, k, name, strlen(name));
    }
    gp_live_string(l, 100, "cudaStreamSynchronize", 21);
    t0 = gp_now_ns();
    for (int i = 0; i < n; i++) {
        gp_kernel kr;
        gp_api a;
        memset(&kr, 0, sizeof kr);
        kr.start_ns = t;
        kr.end_ns = t + 4000;
        kr.device = i % 2;
        kr.name = 1 + (uint32_t)(i % 64);
        gp_live_kernel(l, &kr);
        if (i % 100 == 99) {
            memset(&a, 0, sizeof a);
            a.start_ns = t + 4000;
            a.end_ns = t + 9000;
            a.name = 100;
            gp_live_api(l, &a);
            gp_live_publish(l, t); /* a batch ends every 100 kernels */
        }
        t += 3000 + (i % 100 == 99 ? 10000 : 0);
    }
    printf("top live accumulator (recorder side): %.1f ns per kernel record, batches of 100 "
           "with a sync each, 2 GPUs, 64 names\n", (double)(gp_now_ns() - t0) / n);
    gp_live_free(l);
}

int main(int argc, char **argv)
{
    int64_t n = argc > 1 ? atoll(argv[1]) : 1000000;

    if (n < 1) {
        fprintf(stderr, "usage: bench_top [KERNELS]\n");
        return 2;
    }
    bench_accumulate();
    if (bench_live() < 0)
        return 1;
    return bench_trace(n) < 0 ? 1 : 0;
}
