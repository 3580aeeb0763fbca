/* summary.c: headline numbers (summary.h). */
#include "config.h"

#include <string.h>

#include "common/checked.h"
#include "summary.h"

void gp_report_summarize(const gp_analysis *a, gp_report_summary *s)
{
    memset(s, 0, sizeof *s);
    s->top_cause = -1;
    for (size_t i = 0; i < a->n_ranks; i++) {
        const gp_rank_result *r = &a->ranks[i];
        s->kernels_no_ts += (int64_t)r->kernels_no_ts;
        for (size_t k = 0; k < r->n_devices; k++) {
            const gp_device_result *d = &r->devices[k];
            s->span_ns = gp_sat_add(s->span_ns, d->last_ns - d->first_ns);
            s->busy_ns = gp_sat_add(s->busy_ns, d->busy_ns);
            s->idle_ns = gp_sat_add(s->idle_ns, d->idle_ns);
            s->kernels += d->n_kernels;
            s->copies += d->n_copies;
            s->memsets += d->n_memsets;
            s->devices++;
            for (int c = 0; c < GP_CAUSE_COUNT; c++) {
                s->cause_ns[c] = gp_sat_add(s->cause_ns[c], d->causes[c].total_ns);
                s->cause_count[c] += d->causes[c].count;
            }
        }
        if (r->n_steps && r->step_p50_ns > s->step_ns)
            s->step_ns = r->step_p50_ns;
        s->steps += (int64_t)r->n_steps;
    }
    if (s->span_ns > 0)
        s->busy_pct = 100.0 * (double)s->busy_ns / (double)s->span_ns;
    for (int c = 0; c < GP_CAUSE_COUNT; c++) {
        if (c == GP_CAUSE_STARTUP || c == GP_CAUSE_TEARDOWN || s->cause_ns[c] <= 0)
            continue;
        if (s->top_cause < 0 || s->cause_ns[c] > s->cause_ns[s->top_cause])
            s->top_cause = c;
    }
    for (size_t i = 0; i < a->n_findings; i++)
        if (a->findings[i].recoverable_ns > s->recoverable_ns)
            s->recoverable_ns = a->findings[i].recoverable_ns;
}
