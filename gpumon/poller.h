/* poller.h: every GPU of an NVML handle read on threads of its own, so that
 * no device's slow or hung calls hold up another device's readings, and the
 * slow PCIe counters never hold up the fast readings.
 *
 * Per device, two threads on CLOCK_MONOTONIC absolute deadlines:
 *   - fast: gp_nvml_read(GP_NVML_READ_FAST) every fast_period_ns (the device's
 *     facts first, when asked);
 *   - slow: gp_nvml_read(GP_NVML_READ_PCIE) every slow_period_ns (none when
 *     slow_period_ns is 0), device i starting i/n of a period late so that
 *     the devices' PCIe calls are spread over the period.
 * A reading that overruns its period is followed at once by the next one:
 * missed ticks are skipped, never made up in a burst. Each reading is handed
 * to a callback on the thread that made it.
 *
 *     static void got(void *ctx, const gp_nvml_reading *r) { ... }
 *     gp_nvml_poll_opts o = { .fast_period_ns = 100000000, .slow_period_ns = 1000000000,
 *                             .max_procs = 64, .on_reading = got, .ctx = me };
 *     gp_nvml_poll *p = gp_nvml_poll_start(nv, &o);   // p owns nv from here on
 *     ...
 *     gp_nvml_poll_stop(p);                           // at most GP_NVML_POLL_STOP_NS
 *
 * Stopping is bounded: the threads are woken, the ones that finish their
 * reading within GP_NVML_POLL_STOP_NS are joined, and a thread still inside
 * an NVML call after that (a hung GPU) is detached: it makes no further call
 * and no callback, and exits when the call under way returns; the last thread
 * out closes the NVML handle. No callback runs after gp_nvml_poll_stop
 * returns.
 *
 * Whether NVML lets calls for different GPUs overlap on a real driver is
 * unverified. If it serializes them, the spread PCIe readings block one
 * device's ~40 ms at a time: with the fake NVML's modelled latencies and
 * FAKENVML_SERIAL, 8 GPUs still get 10 fast readings a second (make bench,
 * bench/bench_nvml).
 */
#ifndef GP_NVML_POLLER_H
#define GP_NVML_POLLER_H

#include <stdint.h>

#include "gpumon/nvml.h"

/* How long gp_nvml_poll_stop waits for threads inside NVML calls. */
#define GP_NVML_POLL_STOP_NS 1000000000LL
#define GP_NVML_POLL_MAX_PROCS 256

typedef struct gp_nvml_poll gp_nvml_poll;

enum {
    GP_POLL_INFO = 1,   /* the device's facts (once, before its first fast reading) */
    GP_POLL_FAST,       /* a GP_NVML_READ_FAST reading */
    GP_POLL_PCIE        /* a GP_NVML_READ_PCIE reading */
};

/* What the callback gets; valid only during the call. */
typedef struct gp_nvml_reading {
    int kind;                   /* GP_POLL_* */
    int index;                  /* the device */
    int ok;                     /* 1: info or s holds the reading; 0: it failed (why) */
    const char *why;            /* "" when ok */
    const gp_gpu_info *info;    /* GP_POLL_INFO */
    const gp_gpu_sample *s;     /* GP_POLL_FAST, GP_POLL_PCIE (also when failed: s->lost) */
    const gp_gpu_proc *procs;   /* GP_POLL_FAST: n_procs processes */
    int n_procs;
} gp_nvml_reading;

/* Called on the reading's own thread: possibly at the same time for other
 * devices, and for the same device's other thread. It must return soon (it
 * holds up that thread's next reading and gp_nvml_poll_stop) and must not
 * call gp_nvml_poll_stop. */
typedef void gp_nvml_poll_fn(void *ctx, const gp_nvml_reading *r);

typedef struct gp_nvml_poll_opts {
    int64_t fast_period_ns;     /* > 0 */
    int64_t slow_period_ns;     /* >= 0; 0: no PCIe readings */
    int max_procs;              /* processes per fast reading, 0..GP_NVML_POLL_MAX_PROCS */
    int read_info;              /* 1: a GP_POLL_INFO reading first */
    gp_nvml_poll_fn *on_reading;
    void *ctx;
} gp_nvml_poll_opts;

/* Starts the threads for every device of nv and takes nv (closed when the
 * poller is done). NULL on bad options or out of memory: nv stays the
 * caller's. A thread that cannot be created leaves its device unread. */
gp_nvml_poll *gp_nvml_poll_start(gp_nvml *nv, const gp_nvml_poll_opts *o);

/* Stops the threads (bounded, see above) and frees the poller; NULL is fine. */
void gp_nvml_poll_stop(gp_nvml_poll *p);

#endif
