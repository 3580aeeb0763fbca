/* bench_nvml.c: NVML sampling of 8 GPUs at 10 Hz, the old way against the
 * new, both measured in this run, against the FAKE NVML (tests/fakenvml,
 * built by make check; run from the build folder). The fake sleeps in each
 * call as NVML blocks: PCIe throughput 20 ms a call (NVML's documentation),
 * the other calls 0.4 to 1 ms (estimates; see its header). No GPU is read:
 * the figures say what the schedule does with those latencies, not what a
 * driver costs.
 *
 *   old: every GPU read in full (gp_nvml_sample, PCIe included), one after
 *        the other, on one thread with 100 ms deadlines (the recorder before
 *        gpumon/poller.h);
 *   new: gpumon/poller.h: each GPU's fast reading on its own thread every
 *        100 ms, PCIe on another once a second.
 * Each runs RUN_NS; printed: the time to read all 8 GPUs once (a tick),
 * readings per second of the slowest GPU, the process's CPU as % of one
 * core, and new/old ratios. Then again with FAKENVML_SERIAL=1, the fake
 * playing a driver that serializes every call; then the new way at gpupack
 * top's rate (its CPU cost). */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gpumon/nvml.h"
#include "gpumon/poller.h"

#define FAKE_NVML "tests/fakenvml/.libs/libnvidia-ml.so.1"
#define GPUS 8
#define PERIOD_NS 100000000LL
#define PCIE_PERIOD_NS 1000000000LL
#define TOP_PERIOD_NS 250000000LL  /* tui/gpus.c */
#define RUN_NS 3000000000LL
#define MAX_TICKS 64

typedef struct result {
    double tick_ms;        /* mean time to read all GPUs once */
    double min_hz;         /* fast readings a second of the slowest GPU */
    double pcie_hz;        /* PCIe readings a second, per GPU (min) */
    double cpu_pct;        /* of one core */
} result;

static int64_t clock_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_until(int64_t t_ns)
{
    struct timespec ts = { (time_t)(t_ns / 1000000000), (long)(t_ns % 1000000000) };
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
        ;
}

static gp_nvml *open_fake(void)
{
    char why[512];
    gp_nvml *nv = gp_nvml_open(why, sizeof why);

    if (!nv)
        printf("nvml: cannot open the fake NVML: %s\n", why);
    else if (gp_nvml_device_count(nv) != GPUS) {
        printf("nvml: the fake NVML has %d GPUs, not %d\n", gp_nvml_device_count(nv), GPUS);
        gp_nvml_close(nv);
        nv = NULL;
    }
    return nv;
}

/* The recorder's loop before per-device threads. */
static int old_way(result *r)
{
    gp_nvml *nv = open_fake();
    gp_gpu_sample s;
    gp_gpu_proc procs[64];
    int np, ticks = 0, reads[GPUS] = { 0 }, pcie[GPUS] = { 0 }, min = 1 << 30, pmin = 1 << 30;
    int64_t c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID), t0 = clock_ns(CLOCK_MONOTONIC);
    int64_t next = t0, busy = 0;

    if (!nv)
        return -1;
    while (clock_ns(CLOCK_MONOTONIC) < t0 + RUN_NS) {
        int64_t a = clock_ns(CLOCK_MONOTONIC);
        for (int i = 0; i < GPUS; i++) {
            if (gp_nvml_sample(nv, i, &s, procs, 64, &np) == 0) {
                reads[i]++;
                pcie[i] += (s.valid & GP_S_PCIE_TX) != 0;
            }
        }
        busy += clock_ns(CLOCK_MONOTONIC) - a;
        ticks++;
        next += PERIOD_NS;
        if (next < clock_ns(CLOCK_MONOTONIC))
            next = clock_ns(CLOCK_MONOTONIC);
        sleep_until(next);
    }
    r->cpu_pct = 100.0 * (double)(clock_ns(CLOCK_PROCESS_CPUTIME_ID) - c0) /
                 (double)(clock_ns(CLOCK_MONOTONIC) - t0);
    gp_nvml_close(nv);
    for (int i = 0; i < GPUS; i++) {
        min = reads[i] < min ? reads[i] : min;
        pmin = pcie[i] < pmin ? pcie[i] : pmin;
    }
    r->tick_ms = ticks ? (double)busy / ticks / 1e6 : 0;
    r->min_hz = min / (RUN_NS / 1e9);
    r->pcie_hz = pmin / (RUN_NS / 1e9);
    return 0;
}

/* What the poller's callback counts. A fast reading belongs to the tick of
 * its start; a tick lasts from its first reading's start to its last's end. */
typedef struct counts {
    pthread_mutex_t lock;
    int64_t t0, period_ns;
    int fast[GPUS], pcie[GPUS];
    int64_t tick_start[MAX_TICKS], tick_end[MAX_TICKS];
} counts;

static void got(void *ctx, const gp_nvml_reading *r)
{
    counts *C = ctx;
    int64_t end = clock_ns(CLOCK_MONOTONIC), k;

    if (!r->ok || r->index < 0 || r->index >= GPUS || r->kind == GP_POLL_INFO)
        return;
    pthread_mutex_lock(&C->lock);
    if (r->kind == GP_POLL_PCIE) {
        C->pcie[r->index]++;
    } else {
        C->fast[r->index]++;
        k = (r->s->time_ns - C->t0 + C->period_ns / 2) / C->period_ns;
        if (k >= 0 && k < MAX_TICKS) {
            if (!C->tick_start[k] || r->s->time_ns < C->tick_start[k])
                C->tick_start[k] = r->s->time_ns;
            if (end > C->tick_end[k])
                C->tick_end[k] = end;
        }
    }
    pthread_mutex_unlock(&C->lock);
}

static int new_way(int64_t period_ns, result *r)
{
    gp_nvml *nv = open_fake();
    counts *C = calloc(1, sizeof *C);
    gp_nvml_poll_opts o = { .fast_period_ns = period_ns, .slow_period_ns = PCIE_PERIOD_NS,
                            .max_procs = 64, .on_reading = got };
    gp_nvml_poll *p = NULL;
    int64_t c0, t0, sum = 0;
    int n = 0, min = 1 << 30, pmin = 1 << 30;

    if (!nv || !C) {
        gp_nvml_close(nv);
        free(C);
        return -1;
    }
    pthread_mutex_init(&C->lock, NULL);
    C->period_ns = period_ns;
    o.ctx = C;
    c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    C->t0 = t0 = clock_ns(CLOCK_MONOTONIC);
    p = gp_nvml_poll_start(nv, &o);
    if (!p) {
        gp_nvml_close(nv);
        pthread_mutex_destroy(&C->lock);
        free(C);
        return -1;
    }
    sleep_until(t0 + RUN_NS);
    gp_nvml_poll_stop(p);
    r->cpu_pct = 100.0 * (double)(clock_ns(CLOCK_PROCESS_CPUTIME_ID) - c0) /
                 (double)(clock_ns(CLOCK_MONOTONIC) - t0);
    for (int i = 0; i < GPUS; i++) {
        min = C->fast[i] < min ? C->fast[i] : min;
        pmin = C->pcie[i] < pmin ? C->pcie[i] : pmin;
    }
    for (int k = 0; k < MAX_TICKS; k++) {
        if (C->tick_start[k] && C->tick_end[k] > C->tick_start[k]) {
            sum += C->tick_end[k] - C->tick_start[k];
            n++;
        }
    }
    r->tick_ms = n ? (double)sum / n / 1e6 : 0;
    r->min_hz = min / (RUN_NS / 1e9);
    r->pcie_hz = pmin / (RUN_NS / 1e9);
    pthread_mutex_destroy(&C->lock);
    free(C);
    return 0;
}

static void print(const char *what, const result *r)
{
    printf("  %-44s tick %6.1f ms  %5.1f readings/s per GPU (slowest), PCIe %4.1f/s, "
           "CPU %4.1f %% of a core\n", what, r->tick_ms, r->min_hz, r->pcie_hz, r->cpu_pct);
}

static int compare(const char *label)
{
    result o, n;

    printf(" %s\n", label);
    if (old_way(&o) < 0 || new_way(PERIOD_NS, &n) < 0)
        return -1;
    print("old: serial, every field every tick", &o);
    print("new: a thread per GPU, PCIe apart at 1 Hz", &n);
    printf("  new/old: %.2fx the readings per second, %.3fx the tick time\n",
           o.min_hz > 0 ? n.min_hz / o.min_hz : 0, o.tick_ms > 0 ? n.tick_ms / o.tick_ms : 0);
    return 0;
}

int main(void)
{
    if (!getenv("GPUPACK_NVML_PATH")) {
        if (access(FAKE_NVML, R_OK) != 0) {
            printf("nvml sampling: skipped (the fake NVML is built by make check)\n");
            return 0;
        }
        setenv("GPUPACK_NVML_PATH", FAKE_NVML, 1);
    }
    setenv("FAKENVML_GPUS", "8", 1);
    unsetenv("FAKENVML_LATENCY");
    unsetenv("FAKENVML_HANG");
    unsetenv("FAKENVML_SERIAL");
    printf("nvml sampling: 8 GPUs of the FAKE NVML (tests/fakenvml: its modelled latencies, "
           "PCIe 20 ms a call), NOT a GPU; 10 Hz asked, %.0f s each way\n", RUN_NS / 1e9);
    if (compare("calls for different GPUs overlap (the fake's default):") < 0)
        return 1;
    setenv("FAKENVML_SERIAL", "1", 1);
    if (compare("FAKENVML_SERIAL=1, a driver that serializes every call:") < 0)
        return 1;
    unsetenv("FAKENVML_SERIAL");
    {
        result t;
        printf(" at gpupack top's rates (fast 4 a second):\n");
        if (new_way(TOP_PERIOD_NS, &t) < 0)
            return 1;
        print("new: a thread per GPU, PCIe apart at 1 Hz", &t);
    }
    return 0;
}
