/* summary.h: what a recorded `gpupack pack` run did, from the trace's
 * cosched records and each job's kernels (for `gpupack top`'s trace browser
 * and for reports).
 *
 *     gp_cosched_summary s;
 *     if (gp_cosched_summary_load(trace, &s, &err) == GP_OK && s.present) ...
 *
 * or, from records already in memory (pure, no I/O):
 *
 *     gp_cosched_summarize(recs, n, jobs, n_jobs, &s);
 *
 * Definitions:
 * - the serve job is the pid of the HP_LATENCY records; the training job the
 *   pid of the GATE_HOLD / GATE_TIMEOUT records, else the other job with
 *   kernels (a run under policy "off" holds nothing);
 * - p50/p95/p99: nearest rank over every HP_LATENCY value (gp_percentile);
 * - a job's kernels/s: its kernels divided by the span from its first kernel
 *   start to its last kernel end (0 if the span is 0);
 * - training GPU share: training kernel time / (serve + training kernel time);
 * - budget series: BUDGET records in time order, thinned to at most
 *   GP_COSCHED_SERIES_MAX points (each point: the last change of its slice
 *   of the run, so steps survive), the first and last change kept.
 */
#ifndef GP_COSCHED_SUMMARY_H
#define GP_COSCHED_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/event.h"
#include "common/store.h"

#define GP_COSCHED_SERIES_MAX 120

/* One process's kernels (from the trace's kernel table). */
typedef struct gp_cosched_job {
    uint32_t pid;
    uint64_t kernels;
    int64_t kernel_ns;            /* sum of kernel durations */
    int64_t first_ns, last_ns;    /* first kernel start, last kernel end */
    char command[128];            /* the process's command line, "" unknown */
} gp_cosched_job;

typedef struct gp_cosched_point {
    int64_t ts_ns, value;
} gp_cosched_point;

typedef struct gp_cosched_summary {
    int present;                  /* 1 if the trace has cosched records */
    gp_cosched_job serve, train;  /* pid 0: not found */
    uint64_t requests;            /* HP_LATENCY records */
    int64_t p50_ns, p95_ns, p99_ns, max_ns;
    double serve_kps, train_kps;  /* kernels per second */
    double train_share;           /* 0..1; 0 when neither job ran kernels */
    uint64_t holds, timeouts, watchdog;
    int64_t hold_total_ns, hold_max_ns;
    uint64_t budget_changes;
    int64_t budget_min_ns, budget_max_ns, budget_last_ns; /* 0 if no change */
    int64_t first_ns, last_ns;    /* first and last cosched record */
    gp_cosched_point budget[GP_COSCHED_SERIES_MAX];
    size_t n_budget;
} gp_cosched_summary;

/* Fills out from n cosched records (any order) and the jobs' kernels.
 * Returns 0, or -1 if out of memory (the latencies are copied to sort
 * them). O(n log n). */
int gp_cosched_summarize(const gp_cosched *recs, size_t n, const gp_cosched_job *jobs,
                         size_t n_jobs, gp_cosched_summary *out);

/* Reads a trace's cosched records, and, when there are any, the kernels
 * and processes of the jobs (one pass over the kernel table: O(kernels)).
 * out->present is 0 when the trace has no cosched records. */
gp_status gp_cosched_summary_load(gp_trace *t, gp_cosched_summary *out, gp_error *err);

#endif
