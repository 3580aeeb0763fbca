/* analyze.c: runs every analysis over every rank and orders the findings. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "analyzer/analyses/analyze.h"

static int cmp_findings(const void *a, const void *b)
{
    const gp_finding *x = a, *y = b;

    if (x->severity != y->severity)
        return y->severity - x->severity;
    if (x->recoverable_ns != y->recoverable_ns)
        return x->recoverable_ns > y->recoverable_ns ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank - y->rank;
    return strcmp(x->id, y->id);
}

gp_analysis *gp_analyze(const gp_job *job, const gp_analyze_opts *opts)
{
    gp_analyze_opts defaults = { 0, 30.0 };
    gp_analysis *a = calloc(1, sizeof *a);
    size_t n = gp_job_rank_count(job);
    int steps;

    if (!a)
        return NULL;
    if (!opts)
        opts = &defaults;
    a->job = job;
    a->ranks = calloc(n ? n : 1, sizeof *a->ranks);
    if (!a->ranks)
        goto fail;
    a->n_ranks = n;
    steps = gp_hta_job_has_steps(job);
    for (size_t i = 0; i < n; i++) {
        const gp_rank *r = gp_job_rank_c(job, i);
        gp_rank_result *rr = &a->ranks[i];

        rr->rank = r->rank;
        memcpy(rr->label, r->label, sizeof rr->label);
        rr->dropped_records = r->dropped_records;
        rr->kernels_no_ts = r->kernels_no_ts;
        rr->taken_ns = r->taken_ns;
        rr->bad_times = r->bad_times;
        if (gp_hta_breakdown(job, r, opts, steps, &rr->hta) < 0 ||
            gp_gaps_analyze(job, r, rr) < 0 || gp_kernels_analyze(job, r, rr) < 0 ||
            gp_steps_analyze(job, r, rr) < 0)
            goto fail;
        gp_launches_analyze(job, r, rr);
    }
    for (size_t i = 0; i < n; i++)
        if (gp_findings_idle(a, (int)i) < 0 || gp_findings_stalls(a, (int)i) < 0 ||
            gp_findings_precision(a, (int)i) < 0)
            goto fail;
    if (a->n_findings)
        qsort(a->findings, a->n_findings, sizeof *a->findings, cmp_findings);
    return a;
fail:
    gp_analysis_free(a);
    return NULL;
}

void gp_analysis_free(gp_analysis *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n_ranks; i++) {
        gp_rank_result *r = &a->ranks[i];
        free(r->devices);
        free(r->hta.streams);
        free(r->kernels);
        free(r->precisions);
        free(r->steps);
    }
    free(a->ranks);
    free(a->findings);
    free(a);
}
