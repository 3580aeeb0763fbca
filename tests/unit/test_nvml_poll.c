/* test_nvml_poll.c: gpumon/poller against the fake libnvidia-ml.so.1 of
 * tests/fakenvml with its modelled latencies (PCIe 20 ms a call, the fast
 * calls 0.4 to 1 ms; see its header). Rates are checked with wide margins
 * (70 % of the ideal count, where reading every GPU serially with PCIe gives
 * ~30 %); the rest is structural: which fields each kind of reading has,
 * PCIe windows, the order of the callbacks, a hung GPU, no callback after
 * stop, no thread left once stop is done. */
#include "config.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gpumon/poller.h"
#include "tests/fakenvml/fakenvml_env.h"
#include "tests/tap.h"

#define MAX_GPUS 8
#define MS 1000000LL

static char fake_path[1024];

/* What the callback saw, per GPU. */
typedef struct seen {
    pthread_mutex_t lock;
    int info[MAX_GPUS], fast[MAX_GPUS], pcie[MAX_GPUS], failed[MAX_GPUS];
    int info_after_fast;      /* an info reading came after a fast one */
    int bad_fast, bad_pcie;   /* readings with fields of the other kind */
    int short_window;         /* a PCIe window under 20 ms */
    int64_t tx_end[MAX_GPUS]; /* end of the last TX window */
    int overlap;              /* a PCIe window that starts before the previous ended */
    int lost_said;            /* a failed reading said the GPU fell off the bus */
    int calls;
} seen;

static void got(void *ctx, const gp_nvml_reading *r)
{
    const uint32_t pcie = GP_S_PCIE_TX | GP_S_PCIE_RX;
    seen *S = ctx;
    int i = r->index;

    pthread_mutex_lock(&S->lock);
    S->calls++;
    if (i < 0 || i >= MAX_GPUS) {
        pthread_mutex_unlock(&S->lock);
        return;
    }
    if (!r->ok) {
        S->failed[i]++;
        S->lost_said |= r->s && r->s->lost && strstr(r->why, "fallen off the bus") != NULL;
    } else if (r->kind == GP_POLL_INFO) {
        S->info[i]++;
        S->info_after_fast |= S->fast[i] > 0;
    } else if (r->kind == GP_POLL_FAST) {
        S->fast[i]++;
        S->bad_fast |= (r->s->valid & pcie) || !(r->s->valid & GP_S_GPU_UTIL);
    } else if (r->kind == GP_POLL_PCIE) {
        const gp_gpu_sample *s = r->s;
        S->pcie[i]++;
        S->bad_pcie |= s->valid != pcie;
        S->short_window |= s->pcie_tx_dur_ns < 20 * MS || s->pcie_rx_dur_ns < 20 * MS;
        S->overlap |= s->pcie_tx_start_ns < S->tx_end[i] ||
                      s->pcie_rx_start_ns < s->pcie_tx_start_ns + s->pcie_tx_dur_ns;
        S->tx_end[i] = s->pcie_rx_start_ns + s->pcie_rx_dur_ns;
    }
    pthread_mutex_unlock(&S->lock);
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_ns(int64_t ns)
{
    struct timespec ts = { (time_t)(ns / 1000000000), (long)(ns % 1000000000) };
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* Threads of this process (/proc/self/task), -1 if unknown. */
static int thread_count(void)
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static int calls(seen *S)
{
    int n;
    pthread_mutex_lock(&S->lock);
    n = S->calls;
    pthread_mutex_unlock(&S->lock);
    return n;
}

/* Opens the fake with `gpus` devices and, when name is not NULL, name=value
 * (the fake reads its configuration at nvmlInit). */
static gp_nvml *open_fake(const char *gpus, const char *name, const char *value)
{
    char why[512] = "";
    gp_nvml *nv;

    fakenvml_env_reset(fake_path);
    setenv("FAKENVML_GPUS", gpus, 1);
    if (name)
        setenv(name, value, 1);
    nv = gp_nvml_open(why, sizeof why);
    if (!nv)
        diag("gp_nvml_open: %s", why);
    return nv;
}

static gp_nvml_poll *start(gp_nvml *nv, seen *S)
{
    gp_nvml_poll_opts o = { .fast_period_ns = 100 * MS, .slow_period_ns = 1000 * MS,
                            .max_procs = 16, .read_info = 1, .on_reading = got, .ctx = S };
    memset(S, 0, sizeof *S);
    pthread_mutex_init(&S->lock, NULL);
    return gp_nvml_poll_start(nv, &o);
}

/* 8 GPUs at 10 Hz for 2 s: every GPU's fast readings keep their rate,
 * PCIe comes apart, each kind with its own fields. */
static void rate(void)
{
    gp_nvml *nv = open_fake("8", "FAKENVML_PIDS", "1:10:5:3");
    gp_nvml_poll *p;
    seen S;
    int before = thread_count(), min_fast = 1 << 30, min_pcie = 1 << 30, info = 1;

    ok(nv != NULL, "rate: open 8 fake GPUs, latencies on");
    if (!nv)
        return;
    p = start(nv, &S);
    ok(p != NULL, "rate: poller started");
    if (!p) {
        gp_nvml_close(nv);
        return;
    }
    is_int(thread_count(), before + 16, "rate: two threads per GPU");
    sleep_ns(2100 * MS);
    gp_nvml_poll_stop(p);
    is_int(thread_count(), before, "rate: stop leaves no thread behind");
    for (int i = 0; i < 8; i++) {
        min_fast = S.fast[i] < min_fast ? S.fast[i] : min_fast;
        min_pcie = S.pcie[i] < min_pcie ? S.pcie[i] : min_pcie;
        info &= S.info[i] == 1;
    }
    /* 2.1 s at 10 Hz is 21 readings a GPU (22 with the one at t=0); serially,
     * everything each tick, 8 GPUs make ~3 ticks a second: ~6. */
    ok(min_fast >= 15, "rate: >= 70 %% of 10 fast readings a second on every GPU (min %d)",
       min_fast);
    /* GPU i's PCIe at i/8 s, then every second: 2 or 3 each in 2.1 s. */
    ok(min_pcie >= 2 && min_pcie <= 4, "rate: PCIe about once a second (min %d)", min_pcie);
    ok(info, "rate: each GPU's facts once");
    ok(!S.info_after_fast, "rate: the facts before the first fast reading");
    ok(!S.bad_fast, "rate: fast readings without PCIe fields");
    ok(!S.bad_pcie, "rate: PCIe readings with only PCIe fields");
    ok(!S.short_window, "rate: every PCIe window covers the driver's 20 ms");
    ok(!S.overlap, "rate: PCIe windows of a GPU follow each other, TX then RX");
    pthread_mutex_destroy(&S.lock);
}

/* GPU 2 hangs (each of its calls takes 3 s more): the others keep their
 * rate, stop returns within its bound, makes no callback after, and the
 * stuck threads exit (and free the poller: valgrind checks) as soon as the
 * call they are in returns. */
static void hang(void)
{
    gp_nvml *nv = open_fake("4", "FAKENVML_HANG", "2:3000");
    gp_nvml_poll *p;
    seen S;
    int before = thread_count(), n_calls, after_stop;
    int64_t t0, stop_ns;

    ok(nv != NULL, "hang: open 4 fake GPUs");
    if (!nv)
        return;
    p = start(nv, &S);
    ok(p != NULL, "hang: poller started");
    if (!p) {
        gp_nvml_close(nv);
        return;
    }
    sleep_ns(1000 * MS);
    t0 = mono_ns();
    gp_nvml_poll_stop(p);
    stop_ns = mono_ns() - t0;
    n_calls = calls(&S);
    after_stop = thread_count();
    ok(S.fast[0] >= 7 && S.fast[1] >= 7 && S.fast[3] >= 7,
       "hang: the other GPUs read on (%d %d %d fast readings in 1 s)", S.fast[0], S.fast[1],
       S.fast[3]);
    is_int(S.fast[2], 0, "hang: the hung GPU has none (each of its calls takes 3 s)");
    ok(stop_ns <= GP_NVML_POLL_STOP_NS + 300 * MS, "hang: stop returns within its bound (%.0f ms)",
       stop_ns / 1e6);
    ok(stop_ns >= GP_NVML_POLL_STOP_NS - 50 * MS,
       "hang: after waiting its bound for the stuck threads (%.0f ms)", stop_ns / 1e6);
    ok(after_stop > before, "hang: the hung GPU's threads are still in their calls (%d > %d)",
       after_stop, before);
    /* The calls they are in end 3 s after the start, ~1 s from here; give them 4 s. */
    for (int k = 0; k < 80 && thread_count() > before; k++)
        sleep_ns(50 * MS);
    is_int(thread_count(), before, "hang: they exit when their calls return");
    is_int(calls(&S), n_calls, "hang: no callback after stop returned");
    pthread_mutex_destroy(&S.lock);
}

/* A lost GPU: its readings fail and say why; the others read. */
static void lost(void)
{
    gp_nvml *nv = open_fake("3", "FAKENVML_LOST", "1");
    gp_nvml_poll *p;
    seen S;

    ok(nv != NULL, "lost: open");
    if (!nv)
        return;
    p = start(nv, &S);
    sleep_ns(350 * MS);
    gp_nvml_poll_stop(p);
    ok(S.fast[0] >= 2 && S.fast[2] >= 2, "lost: GPUs 0 and 2 read (%d, %d)", S.fast[0],
       S.fast[2]);
    ok(S.fast[1] == 0 && S.failed[1] >= 2, "lost: GPU 1's readings fail (%d)", S.failed[1]);
    ok(S.lost_said, "lost: marked lost, and why says it fell off the bus");
    pthread_mutex_destroy(&S.lock);
}

static void options(void)
{
    gp_nvml *nv = open_fake("1", NULL, NULL);
    gp_nvml_poll_opts o = { .fast_period_ns = 100 * MS, .on_reading = got };

    ok(nv != NULL, "options: open");
    if (!nv)
        return;
    o.fast_period_ns = 0;
    ok(gp_nvml_poll_start(nv, &o) == NULL, "options: a period of 0 is refused");
    o.fast_period_ns = 100 * MS;
    o.on_reading = NULL;
    ok(gp_nvml_poll_start(nv, &o) == NULL, "options: no callback is refused");
    o.on_reading = got;
    o.max_procs = GP_NVML_POLL_MAX_PROCS + 1;
    ok(gp_nvml_poll_start(nv, &o) == NULL, "options: too many processes is refused");
    gp_nvml_close(nv); /* refused: still ours */
    gp_nvml_poll_stop(NULL);
    ok(1, "options: stop(NULL) is a no-op");
}

int main(void)
{
    const char *b = getenv("GP_BUILDDIR");

    if (!b || !*b)
        b = ".";
    snprintf(fake_path, sizeof fake_path, "%s/tests/fakenvml/.libs/libnvidia-ml.so.1", b);
    diag("fake NVML: %s (its latencies, not a GPU's)", fake_path);
    options();
    rate();
    lost();
    hang();
    return done_testing();
}
