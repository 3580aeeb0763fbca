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

enum { IDLE, ACTIVE, FAILED, DONE, FORKED };

#define MAX_CBID 2048        /* above every driver/runtime callback id of CUPTI 13 */
#define OP_COUNTED 1         /* a launch, copy or memset: counted as issued */
#define OP_GRAPH 2           /* a graph launch: not counted (its kernels carry a graph id) */

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
    pthread_cond_t wake;
    int64_t flush_ns;

    atomic_uint_fast64_t ops_issued;
    atomic_int buffers_out;
    int max_buffers;
    size_t buffer_bytes;
    int gate_on;                  /* a member of gpupack pack (gate.h) */
    const char *api_names[2][MAX_CBID]; /* [driver, runtime] */
} gp_session_state;

extern gp_session_state gp_sess;

/* session.c */
/* An integer from the environment within [lo, hi], else def. */
long gp_env_long(const char *name, long def, long lo, long hi);
/* CUPTI's text for r. */
const char *gp_session_failing(CUptiResult r);

/* activity.c */
/* Registers the record clock and the buffer callbacks and enables the
 * record kinds (the first required, the rest best effort). Returns CUPTI's
 * result for the required part. Caller holds gp_sess.lock. */
CUptiResult gp_activity_start(void);
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

/* procinfo.c */
void gp_proc_cmdline(char *out, size_t cap);
int64_t gp_proc_start_ns(void);
int gp_proc_rank(void);

#endif
