/* cosched.h: `gpupack pack`'s co-scheduler: policies, the coordinator, the
 * state it shares with the jobs' gates (region.h), and MPS.
 *
 * Reading the live state (for `gpupack top` and reports):
 *
 *     gp_cosched_state st;
 *     if (gp_cosched_read(path, &st, &err) == GP_OK) ... st.hp_p99_ns ...
 *
 * where path is a region file: gpupack pack creates
 * <runtime folder>/pack-<pid>.region (GP_COSCHED_REGION_PREFIX) and removes
 * it at exit. The trace holds the same story as cosched records
 * (common/event.h gp_cosched_event): gate holds and timeouts (from the
 * training job's pid), request latencies (from the serve job's pid), budget
 * changes and watchdog releases.
 *
 * Coordinator life (cli/cmd_pack.c):
 *
 *     gp_coord *c = gp_coord_new(&opts, &err);   // region created, 0600
 *     ... jobs get gp_coord_path(c) and their role in the environment ...
 *     gp_coord_tick(c, now, done, batch);        // ~every 100 ms
 *     gp_coord_state(c, &st);                    // final numbers
 *     gp_coord_free(c);                          // region removed
 */
#ifndef GP_COSCHED_H
#define GP_COSCHED_H

#include <stddef.h>
#include <stdint.h>

#include "common/batch.h"
#include "common/error.h"

#define GP_COSCHED_REGION_PREFIX "pack-"

/* ---- live state ------------------------------------------------------------- */

/* The region is written by the jobs (processes gpupack does not control), so
 * the state read from it is bounded where it is read: every count and time
 * in [0, GP_COSCHED_VALUE_MAX] (2^56: 2.3 years in ns), pids >= 0, and
 * hp_in_flight at most one more. A value out of range was not written by a
 * gate; bounded, it cannot overflow the arithmetic and formatting after it. */
#define GP_COSCHED_VALUE_MAX (INT64_C(1) << 56)

typedef struct gp_cosched_state {
    int policy;            /* enum gp_pack_policy (region.h) */
    int gate;              /* enum gp_gate_state (region.h) */
    int hp_pid, be_pid;    /* 0 until the job's gate started */
    int64_t hp_in_flight;  /* open request ranges, plus 1 if launches are unsynchronized */
    int64_t be_outstanding, be_op_ns, budget_ns;
    int64_t hp_p50_ns, hp_p99_ns; /* 0: no request finished yet */
    uint64_t hp_ops, hp_requests;
    uint64_t be_ops, be_holds, be_hold_ns, be_timeouts, be_drains, be_watchdog;
} gp_cosched_state;

/* Reads a region file's state. GP_ERR_INPUT if it is not a valid region
 * (the message names the file); never blocks. */
gp_status gp_cosched_read(const char *path, gp_cosched_state *out, gp_error *err);

/* "off", "priority", "slo" ("?" for others). */
const char *gp_cosched_policy_name(int policy);
/* "idle", "open", "holding", "draining", "forced" ("?" for others). */
const char *gp_cosched_gate_name(int gate);

/* ---- policies (pure functions, policy.c) ------------------------------------ */

typedef struct gp_policy_conf {
    int64_t slo_p99_ns;     /* serving p99 target; 0: none */
    int64_t start_budget_ns, min_budget_ns, max_budget_ns;
    int64_t step_ns;        /* additive increase */
    size_t min_samples;     /* fewer latencies than this: no change */
} gp_policy_conf;

typedef struct gp_policy {
    const char *name;
    int id;                 /* enum gp_pack_policy */
    int gates;              /* 1: the training job is held while serving is busy */
    /* The next budget from the current one and the latencies measured since
     * the last decision (p99 over n samples). */
    int64_t (*budget)(const gp_policy_conf *c, int64_t cur_ns, int64_t p99_ns, size_t n);
} gp_policy;

/* The policy called name, or NULL. */
const gp_policy *gp_policy_find(const char *name);
const gp_policy *gp_policy_get(int id);
/* Defaults: start 2 ms, min 0.1 ms, max 50 ms, step 0.25 ms, 20 samples. */
void gp_policy_conf_default(gp_policy_conf *c, int64_t slo_p99_ns);

/* The q-quantile (0..1, nearest rank) of v[0..n); sorts v. 0 if n == 0. */
int64_t gp_percentile(int64_t *v, size_t n, double q);

/* ---- coordinator (coord.c) ----------------------------------------------------- */

typedef struct gp_coord_opts {
    const gp_policy *policy;
    gp_policy_conf conf;
    int64_t max_wait_ns;    /* bounded wait of a held launch */
    int64_t stale_ns;       /* serving busy and silent this long: not waited on */
    int64_t decide_ns;      /* how often the policy decides */
} gp_coord_opts;

typedef struct gp_coord gp_coord;

/* Creates the region (0600) in the runtime folder. NULL with err set. */
gp_coord *gp_coord_new(const gp_coord_opts *o, gp_error *err);
const char *gp_coord_path(const gp_coord *c);
/* Reads new latencies, publishes p50/p99, runs the policy, opens the gate
 * for good once the serve job has ended (done[0]); adds cosched records
 * (budget changes, the release) to out. O(window log window). */
void gp_coord_tick(gp_coord *c, int64_t now_ns, const int done[2], gp_batch *out);
void gp_coord_state(const gp_coord *c, gp_cosched_state *out);
/* Unmaps and removes the region. NULL is fine. */
void gp_coord_free(gp_coord *c);

/* ---- MPS (mps.c) ----------------------------------------------------------------- */

typedef struct gp_mps gp_mps;

/* 1 if nvidia-cuda-mps-control is in PATH (its path in out). */
int gp_mps_available(char *out, size_t cap);
/* Starts a private daemon (pipe and log folders under the runtime folder);
 * env receives the two "NAME=value" entries the jobs need (valid while the
 * gp_mps lives). NULL with err set. */
gp_mps *gp_mps_start(const char *control, char *env[2], gp_error *err);
/* Tells the daemon to quit, removes its folders, frees m. NULL is fine. */
void gp_mps_stop(gp_mps *m);

#endif
