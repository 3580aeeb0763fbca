/* summary.h: the headline numbers of an analysis, shared by every report
 * format and by diff. O(ranks x devices + findings); cannot fail. */
#ifndef GP_REPORTS_SUMMARY_H
#define GP_REPORTS_SUMMARY_H

#include <stdint.h>

#include "analyzer/analyses/analyze.h"

typedef struct gp_report_summary {
    int64_t span_ns;        /* sum over devices of last op end - first op start */
    int64_t busy_ns;        /* sum over devices of the union of their ops */
    int64_t idle_ns;        /* sum over devices of the gaps inside their span */
    double busy_pct;        /* busy / span x 100; 0 when nothing ran */
    int64_t cause_ns[GP_CAUSE_COUNT], cause_count[GP_CAUSE_COUNT];
    int top_cause;          /* idle cause (inside the span) with the most time, -1 none */
    int64_t step_ns;        /* slowest rank's median step, 0 when no steps */
    int64_t steps;          /* steps over all ranks */
    int64_t kernels, copies, memsets;
    int devices;            /* (rank, device) pairs */
    int64_t recoverable_ns; /* the largest single finding's estimate */
    int64_t kernels_no_ts;  /* kernels CUPTI gave no timestamps (not in the timeline) */
} gp_report_summary;

void gp_report_summarize(const gp_analysis *a, gp_report_summary *s);

#endif
