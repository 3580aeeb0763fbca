/* session_int.h: the state of the collector's one session per process and
 * what its files share. Not part of the collector's API.
 *
 *   session.c    life: start, flush thread, exit, fork
 *   activity.c   activity buffers, record kinds, the record clock, decoding
 *   callbacks.c  CUPTI callbacks: issued ops, contexts, streams, the gate
 *   counters.c   PM sampling (record --counters) glue
 *   procinfo.c   what the process says about itself (command line, start, rank)
 *
 * Locking: gp_sess.lock guards the sender, the decoder and the device set.
 * It is never held across a call into CUPTI that may deliver buffers or
 * run callbacks (activity flushes), since CUPTI's callbacks take it.
 */
#ifndef GP_COLLECTOR_SESSION_INT_H
#define GP_COLLECTOR_SESSION_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "collector/cupti_api.h"
#include "collector/decode.h"
#include "collector/pm/sampling.h"
#include "collector/sender.h"
#include "collector/timebase.h"

enum { IDLE, STARTING, ACTIVE, FAILED, DONE, FORKED };

#define MAX_CBID 2048        /* above every driver/runtime callback id of CUPTI 13 */

typedef struct gp_session_state {
    pthread_mutex_t lock; /* sender, decoder, devices; never held across CUPTI flushes */
    int state;
    pid_t pid;
    gp_cupti cupti;
    int cupti_loaded, cupti_failed; /* failed: said once, not tried again */
    gp_cuda cuda;
    CUpti_SubscriberHandle sub;
    gp_sender *sender;
    gp_decoder *decoder;
    uint64_t devices_described; /* bit per device ordinal < 64 */
    int counters;               /* GPUPACK_COUNTERS: PM sampling wanted */
    uint64_t pm_wanted;         /* devices to start PM sampling on (flush thread) */
    gp_pm *pm[64];

    pthread_t flusher;
    int flusher_running, stop;
    int64_t flush_ns;

    atomic_uint_fast64_t ops_issued;
    atomic_uint_fast64_t completions;   /* buffers CUPTI handed back */
    _Atomic int64_t last_completion_ns; /* when the last one came */
    int64_t start_ns;                   /* when the session started */
    int shared;                         /* CUPTI shared with a profiler in the job */
    int taken;                          /* records taken by one (said, recorded) */
    atomic_int buffers_out;
    int max_buffers;
    size_t buffer_bytes;
    int gate_on;                  /* a member of gpupack pack (gate.h) */
    const char *api_names[2][MAX_CBID]; /* [driver, runtime], filled at start */
    gp_timebase tb;                     /* CUPTI's clock onto ours; under lock */
} gp_session_state;

extern gp_session_state gp_sess;

/* session.c */
/* An integer from the environment within [lo, hi], else def. */
long gp_env_long(const char *name, long def, long lo, long hi);
/* CUPTI's text for r. */
const char *gp_session_failing(CUptiResult r);

/* activity.c. None of these calls CUPTI under gp_sess.lock; call them
 * without it. */
/* Chooses how CUPTI's times reach CLOCK_MONOTONIC (timebase.h): through
 * our timestamp callback, unless this CUPTI version (API version `version`)
 * loses kernel timestamps with one, or GPUPACK_CUPTI_CLOCK=callback|cupti
 * says otherwise, or registering fails (then why says so). Before any
 * kind is enabled. Returns the mode. */
int gp_activity_clock(uint32_t version, char *why, size_t why_len);
/* Offset mode: samples CUPTI's clock against ours (flush thread, exit). */
void gp_activity_sample_clock(void);
/* A CUPTI time as CLOCK_MONOTONIC (takes gp_sess.lock), for PM samples. */
int64_t gp_activity_to_mono(uint64_t ts);
/* Fills gp_sess.api_names from cuptiGetCallbackName, both domains. */
void gp_activity_names(void);
/* Registers the buffer callbacks and enables the record kinds (the first
 * required, the rest best effort). Returns CUPTI's result for the required
 * part. */
CUptiResult gp_activity_start(void);
/* Turns off the API records of the calls in the skip list (activity.c
 * says which, and GPUPACK_API_SKIP); after gp_activity_start and
 * gp_activity_names. Returns how many callback ids it turned off. */
int gp_activity_filter_api(void);
/* Notices that another profiler in the process took CUPTI's activity
 * records (possible only when the collector was not preloaded): launches
 * go on, yet no buffer comes back for 3 flush periods nor after a forced
 * flush. Then says so once and records the hole (GP_DROP_TAKEN). Flush
 * thread, after its flush. */
void gp_activity_watch(void);
/* The same at exit: the final forced flush brought no buffer (completions
 * still completions_before) and work is missing. */
void gp_activity_watch_exit(uint64_t completions_before);
/* 1 if the session records kind (while it is active). */
int gp_activity_kind_ours(CUpti_ActivityKind kind);
/* Disables every kind gp_activity_start enabled. */
void gp_activity_stop(void);
/* The decoder's environment (interning, names, emitting, drops). */
void gp_activity_decode_env(gp_decode_env *env);

/* callbacks.c */
/* The subscriber's callback. */
void CUPTIAPI gp_on_callback(void *ud, CUpti_CallbackDomain dom, CUpti_CallbackId cbid,
                             const void *data);
/* Enables the resource callbacks, and the driver and runtime callbacks
 * that issue GPU work (and those the gate needs). After gp_gate_init. */
void gp_callbacks_enable(void);
/* The gate's records (gate.h). App thread, gp_sess.lock not held. */
void gp_session_gate_emit(const gp_record *r);

/* counters.c: PM sampling on the flush thread, gp_sess.lock not held. */
void gp_counters_service(void);
void gp_counters_stop_all(void);

/* signals.c: the last flush on SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGABRT.
 * The flush thread waits on a pipe, which anything (a signal handler too)
 * can wake with one byte of GP_W_* bits. */
enum { GP_W_WAKE = 1, GP_W_STOP = 2, GP_W_SIGNAL = 4 };
/* Makes the pipes; before the flush thread starts. Returns 0 or -1. */
int gp_signals_pipes(void);
/* Wakes the flush thread (async-signal-safe). */
void gp_signals_wake(char what);
/* The flush thread's wait: up to timeout_ns; returns the W_ bits seen. */
int gp_signals_wait(int64_t timeout_ns);
/* The flush thread's answer to GP_W_SIGNAL: the last flush is done. */
void gp_signals_flushed(void);
/* Installs the handlers (after the flush thread started). */
void gp_signals_install(void);
/* Blocks the process-directed ones on the calling (flush) thread. */
void gp_signals_block_here(void);
/* How long a handler waits for the last flush (GPUPACK_SIGNAL_FLUSH_MS). */
int gp_signals_flush_ms(void);

/* cupti_share.c: CUPTI shared with a profiler inside the job. */
/* After the session registered its callbacks and clock: 1 if the job's
 * CUPTI calls reach this library (it was preloaded), so the job's records
 * go through gp_share_forward from now on; 0 if they go to CUPTI. */
int gp_share_engage(void);
/* Hands the job copies of its kinds' records from a completed buffer.
 * No lock held; calls the job's buffer callbacks. */
void gp_share_forward(CUcontext ctx, uint32_t stream, uint8_t *buf, size_t valid);

/* procinfo.c */
void gp_proc_cmdline(char *out, size_t cap);
int64_t gp_proc_start_ns(void);
int gp_proc_rank(void);

#endif
