/* analyze.h: every analysis of a job, and the findings they produce.
 *
 *     gp_analysis *a = gp_analyze(job, &opts);   // reads the job, never changes it
 *     ... a->ranks[i].devices[j].causes[GP_CAUSE_HOST_SYNC].total_ns ...
 *     ... a->findings[k].title ...
 *     gp_analysis_free(a);
 *
 * Each analysis lives in its own file (hta.c, gaps.c, stalls.c, precision.c,
 * launches.c, steps.c, kernels.c) and fills its part of the result; the
 * renderers (analyzer/render/) only read it. Definitions:
 * docs/analyze-json.md (what each result means) and docs/architecture.md.
 *
 * The analyses rely on the model's time range (model.h, common/checked.h):
 * a difference of two times fits in int64; sums over records and products
 * saturate (gp_sat_add, gp_sat_mul) instead of wrapping.
 */
#ifndef GP_ANALYZE_H
#define GP_ANALYZE_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer/model/model.h"

/* ---- HTA-compatible breakdowns (hta.c) ---- */

typedef struct gp_hta_stream {
    int64_t stream;
    double host_wait_us, kernel_wait_us, other_us;
    int has_host_wait, has_kernel_wait; /* HTA emits those rows only when non-empty */
} gp_hta_stream;

typedef struct gp_hta_result {
    int valid;                 /* 0: nothing on a stream survived the filters */
    double span_us, idle_us, compute_us, noncompute_us;
    double idle_pct, compute_pct, noncompute_pct; /* rounded to 2 decimals like HTA */
    int step_filter;           /* the ProfilerStep filter ran */
    int rounding;              /* times were rounded to whole microseconds */
    gp_hta_stream *streams;    /* in order of first appearance */
    size_t n_streams;
} gp_hta_result;

/* ---- idle gaps and their causes (gaps.c) ---- */

typedef enum gp_cause {
    GP_CAUSE_LAUNCH_BOUND = 0, /* the host was busy issuing CUDA calls; launches too slow for the kernels */
    GP_CAUSE_HOST_SYNC,        /* the host drained the queue in a synchronize and then came back late */
    GP_CAUSE_BLOCKING_COPY,    /* a synchronous or pageable copy drained the queue */
    GP_CAUSE_HOST_WORK,        /* the host did other work (no CUDA calls): data loading, Python */
    GP_CAUSE_DEPENDENCY,       /* work was queued but waited on another stream or event */
    GP_CAUSE_STARTUP,          /* before the first GPU work of the process */
    GP_CAUSE_TEARDOWN,         /* after the last GPU work of the process */
    GP_CAUSE_UNKNOWN,          /* no host information (no API calls recorded) */
    GP_CAUSE_COUNT
} gp_cause;

const char *gp_cause_id(int cause);   /* "launch_bound", ... (JSON) */
const char *gp_cause_name(int cause); /* "launch-bound", ... (text) */

typedef struct gp_gap {
    int64_t start_ns, end_ns;
    uint8_t cause;
    gp_strid label;            /* what the host was doing (NVTX range, call), 0 none */
} gp_gap;

#define GP_TOP_EXAMPLES 5
/* Gap lengths by decade: below 1 us, 1-10 us, ..., 10-100 ms, 100 ms and
 * longer. Bucket b holds gaps of length in [10^(b-1), 10^b) us. */
#define GP_GAP_BUCKETS 7
/* Idle time over the run: [first_ns, last_ns] cut into GP_IDLE_BINS bins of
 * idle_bin_ns (the last may be shorter; fewer bins when the span is shorter
 * than GP_IDLE_BINS ns); each bin holds its idle time by cause. */
#define GP_IDLE_BINS 200

typedef struct gp_cause_stats {
    int64_t total_ns, count;
    gp_gap top[GP_TOP_EXAMPLES]; /* the longest, longest first */
    int n_top;
} gp_cause_stats;

typedef struct gp_device_result {
    int32_t device;
    gp_strid name;
    int sm_count;
    int64_t first_ns, last_ns;     /* first op start, last op end */
    int64_t busy_ns;               /* union of all ops */
    int64_t kernel_ns;             /* union of kernels */
    int64_t copy_ns;               /* union of copies and memsets */
    int64_t idle_ns;               /* gaps inside [first, last] */
    int64_t n_kernels, n_copies, n_memsets;
    gp_cause_stats causes[GP_CAUSE_COUNT];
    size_t n_gaps;                 /* gaps inside [first, last] */
    int64_t gap_count[GP_GAP_BUCKETS], gap_ns[GP_GAP_BUCKETS]; /* by length */
    int64_t idle_bin_ns;           /* bin width, 0 when the device ran nothing */
    int n_idle_bins;
    int64_t idle_bins[GP_IDLE_BINS][GP_CAUSE_COUNT]; /* idle ns by bin and cause */
} gp_device_result;

/* ---- kernels, precisions, launches, steps ---- */

typedef struct gp_kernel_stat {
    gp_strid name;
    int64_t count, total_ns, min_ns, max_ns;
    uint8_t kind, kclass, precision, tensor_core;
} gp_kernel_stat;

typedef struct gp_precision_row {
    uint8_t kclass, precision, tensor_core;
    int64_t count, total_ns;
} gp_precision_row;

typedef struct gp_launch_stats {
    int64_t launches;              /* kernels joined to their launch call */
    int64_t delay_p50_ns, delay_p90_ns, delay_p99_ns, delay_max_ns; /* kernel start - launch call start */
    int64_t short_kernels;         /* ran shorter than their launch call took */
    int64_t short_kernel_ns;       /* GPU time of those */
    int64_t launch_call_ns;        /* host time in launch calls */
} gp_launch_stats;

typedef struct gp_step {
    int64_t start_ns, end_ns;
    gp_strid name;
    int64_t busy_ns, kernels;      /* GPU busy (union, all devices) and kernels starting in it */
} gp_step;

typedef struct gp_rank_result {
    int rank;
    char label[256];
    int64_t span_ns;               /* first op start to last op end, all devices */
    gp_hta_result hta;
    gp_device_result *devices;
    size_t n_devices;
    gp_kernel_stat *kernels;       /* by total time, longest first */
    size_t n_kernels;
    gp_precision_row *precisions;  /* kernels only, by total time */
    size_t n_precisions;
    gp_launch_stats launches;
    gp_step *steps;
    size_t n_steps;
    gp_strid step_name;            /* the range name steps were found by, 0 none */
    int64_t step_p50_ns;
    uint64_t dropped_records;
    uint64_t kernels_no_ts;        /* of those, kernels CUPTI gave no timestamps */
    int64_t taken_ns;              /* a hole from then: CUPTI's records went elsewhere */
    uint64_t bad_times;            /* records left out for impossible times (gp_rank.bad_times) */
} gp_rank_result;

/* ---- findings ---- */

typedef enum gp_severity { GP_SEV_INFO = 0, GP_SEV_WARNING, GP_SEV_CRITICAL } gp_severity;

const char *gp_severity_name(int sev);   /* "info", "warning", "critical" */
int gp_severity_parse(const char *s);    /* -1 if unknown */

typedef struct gp_finding {
    char id[48];                   /* stable: "idle.host_sync", "stall.pageable_copy", ... */
    int severity;
    int rank;                      /* index into ranks */
    int32_t device;                /* -1: not device-specific */
    char title[200];               /* one line: what and how much */
    char evidence[700];            /* the numbers behind it */
    char fix[500];                 /* what to change */
    int64_t cost_ns;               /* time it costs now */
    int64_t recoverable_ns;        /* estimated time won by the fix */
    int64_t basis_ns;              /* the time the estimate applies to (span, or step) */
    int64_t whatif_ns;             /* basis after the fix: basis - recoverable */
    gp_gap examples[GP_TOP_EXAMPLES];
    int n_examples;
} gp_finding;

typedef struct gp_analyze_opts {
    int hta_include_last_step;     /* HTA's include_last_profiler_step */
    double kernel_wait_us;         /* HTA's consecutive_kernel_delay (default 30) */
} gp_analyze_opts;

typedef struct gp_analysis {
    const gp_job *job;
    gp_rank_result *ranks;
    size_t n_ranks;
    gp_finding *findings;          /* most recoverable time first */
    size_t n_findings, cap_findings;
} gp_analysis;

/* Runs every analysis. NULL only if out of memory. O(n log n) in records. */
gp_analysis *gp_analyze(const gp_job *job, const gp_analyze_opts *opts);
void gp_analysis_free(gp_analysis *a);

/* Appends a finding (zeroed, device -1); NULL if out of memory. */
gp_finding *gp_analysis_add_finding(gp_analysis *a);

/* The analyses, each filling its part of r (or adding findings). */
int gp_hta_breakdown(const gp_job *job, const gp_rank *rank, const gp_analyze_opts *opts,
                     int step_filter, gp_hta_result *out);
int gp_hta_job_has_steps(const gp_job *job); /* >= 2 distinct ProfilerStep#N names */
int gp_gaps_analyze(const gp_job *job, const gp_rank *rank, gp_rank_result *r);
int gp_kernels_analyze(const gp_job *job, const gp_rank *rank, gp_rank_result *r);
void gp_launches_analyze(const gp_job *job, const gp_rank *rank, gp_rank_result *r);
int gp_steps_analyze(const gp_job *job, const gp_rank *rank, gp_rank_result *r);
/* Findings from the results above and the job. */
int gp_findings_idle(gp_analysis *a, int ri);
int gp_findings_stalls(gp_analysis *a, int ri);
int gp_findings_precision(gp_analysis *a, int ri);

#endif
