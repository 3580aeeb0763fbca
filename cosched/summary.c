/* summary.c: a recorded pack run's numbers (summary.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cosched.h"
#include "summary.h"

/* The job with this pid, or NULL. */
static const gp_cosched_job *job_of(const gp_cosched_job *jobs, size_t n, uint32_t pid)
{
    for (size_t i = 0; i < n; i++)
        if (jobs[i].pid == pid)
            return &jobs[i];
    return NULL;
}

/* a + b, saturated: the records' times are the trace's, untrusted. */
static int64_t add_sat(int64_t a, int64_t b)
{
    int64_t r;

    if (__builtin_add_overflow(a, b, &r))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

/* end - start, saturated; 0 when end is not after start. */
static int64_t span_sat(int64_t start, int64_t end)
{
    int64_t r;

    if (end <= start)
        return 0;
    return __builtin_sub_overflow(end, start, &r) ? INT64_MAX : r;
}

static double rate(const gp_cosched_job *j)
{
    double span = (double)j->last_ns - (double)j->first_ns;

    return span > 0 ? (double)j->kernels * 1e9 / span : 0.0;
}

static int by_ts(const void *a, const void *b)
{
    const gp_cosched *x = *(const gp_cosched *const *)a, *y = *(const gp_cosched *const *)b;

    return (x->ts_ns > y->ts_ns) - (x->ts_ns < y->ts_ns);
}

/* The budget changes in time order, at most GP_COSCHED_SERIES_MAX points:
 * the span of the changes is cut into MAX - 1 slices, each keeping its last
 * change, after the first change's own point. */
static int budget_series(const gp_cosched *recs, size_t n, gp_cosched_summary *s)
{
    const gp_cosched **b = malloc((s->budget_changes ? s->budget_changes : 1) * sizeof *b);
    size_t nb = 0;

    if (!b)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (recs[i].event == GP_COSCHED_BUDGET)
            b[nb++] = &recs[i];
    qsort(b, nb, sizeof *b, by_ts);
    if (nb > 0) {
        s->budget_last_ns = b[nb - 1]->value;
        double t0 = (double)b[0]->ts_ns, span = (double)b[nb - 1]->ts_ns - t0;
        size_t last_slot = 0;
        for (size_t i = 0; i < nb; i++) {
            /* slots 0..MAX-2, plus the first change's own point: at most MAX */
            double at = span > 0 ? ((double)b[i]->ts_ns - t0) / span : 0;
            size_t slot = (size_t)((at < 1 ? at : 1) * (GP_COSCHED_SERIES_MAX - 2));
            gp_cosched_point p = { b[i]->ts_ns, b[i]->value };
            if (s->n_budget >= 2 && slot == last_slot)
                s->budget[s->n_budget - 1] = p; /* the slice keeps its last change */
            else
                s->budget[s->n_budget++] = p;
            last_slot = slot;
        }
    }
    free(b);
    return 0;
}

int gp_cosched_summarize(const gp_cosched *recs, size_t n, const gp_cosched_job *jobs,
                         size_t n_jobs, gp_cosched_summary *s)
{
    uint32_t hp = 0, be = 0;
    size_t nl = 0;
    int64_t *lat;

    memset(s, 0, sizeof *s);
    s->present = n > 0;
    for (size_t i = 0; i < n; i++) {
        const gp_cosched *r = &recs[i];
        if (i == 0 || r->ts_ns < s->first_ns)
            s->first_ns = r->ts_ns;
        if (i == 0 || add_sat(r->ts_ns, r->dur_ns) > s->last_ns)
            s->last_ns = add_sat(r->ts_ns, r->dur_ns);
        switch (r->event) {
        case GP_COSCHED_GATE_HOLD:
            be = r->pid;
            s->holds++;
            s->hold_total_ns = add_sat(s->hold_total_ns, r->dur_ns);
            if (r->dur_ns > s->hold_max_ns)
                s->hold_max_ns = r->dur_ns;
            break;
        case GP_COSCHED_GATE_TIMEOUT: be = r->pid; s->timeouts++; break;
        case GP_COSCHED_WATCHDOG: s->watchdog++; break;
        case GP_COSCHED_HP_LATENCY:
            hp = r->pid;
            s->requests++;
            if (r->value > s->max_ns)
                s->max_ns = r->value;
            break;
        case GP_COSCHED_BUDGET:
            if (s->budget_changes == 0 || r->value < s->budget_min_ns)
                s->budget_min_ns = r->value;
            if (r->value > s->budget_max_ns)
                s->budget_max_ns = r->value;
            s->budget_changes++;
            break;
        default: break;
        }
    }
    /* no holds (policy off): the training job is the other one with kernels */
    for (size_t i = 0; be == 0 && i < n_jobs; i++)
        if (jobs[i].pid != hp && jobs[i].kernels > 0)
            be = jobs[i].pid;
    const gp_cosched_job *j;
    if (hp && (j = job_of(jobs, n_jobs, hp)))
        s->serve = *j;
    s->serve.pid = hp;
    if (be && (j = job_of(jobs, n_jobs, be)))
        s->train = *j;
    s->train.pid = be;
    s->serve_kps = rate(&s->serve);
    s->train_kps = rate(&s->train);
    if ((double)s->serve.kernel_ns + (double)s->train.kernel_ns > 0)
        s->train_share = (double)s->train.kernel_ns /
                         ((double)s->serve.kernel_ns + (double)s->train.kernel_ns);

    if (!(lat = malloc((s->requests ? s->requests : 1) * sizeof *lat)))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (recs[i].event == GP_COSCHED_HP_LATENCY)
            lat[nl++] = recs[i].value;
    s->p50_ns = gp_percentile(lat, nl, 0.50);
    s->p95_ns = gp_percentile(lat, nl, 0.95);
    s->p99_ns = gp_percentile(lat, nl, 0.99);
    free(lat);
    return budget_series(recs, n, s);
}

/* ---- loading from a trace ----------------------------------------------------- */

static gp_status load_cosched(gp_trace *t, gp_cosched **out, size_t *n, gp_error *err)
{
    gp_iter *it = gp_trace_iter(t, GP_KIND_COSCHED, NULL, err);
    gp_record r;
    size_t cap = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if (!it)
        return err->code;
    while ((rc = gp_iter_next(it, &r, err)) > 0) {
        if (*n == cap) {
            gp_cosched *g = realloc(*out, (cap = cap ? 2 * cap : 256) * sizeof *g);
            if (!g) {
                gp_iter_free(it);
                return gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory", gp_trace_path(t));
            }
            *out = g;
        }
        (*out)[(*n)++] = r.u.cosched;
    }
    gp_iter_free(it);
    return rc < 0 ? err->code : GP_OK;
}

/* The jobs: one per process, with its kernels (at most 64 processes kept). */
static gp_status load_jobs(gp_trace *t, gp_cosched_job *jobs, size_t *n, gp_error *err)
{
    gp_filter f = { .flags = GP_FILTER_UNORDERED };
    gp_record r;
    gp_iter *it;
    int rc;

    *n = 0;
    if (!(it = gp_trace_iter(t, GP_KIND_PROCESS, NULL, err)))
        return err->code;
    while ((rc = gp_iter_next(it, &r, err)) > 0 && *n < 64) {
        gp_cosched_job *j = &jobs[(*n)++];
        memset(j, 0, sizeof *j);
        j->pid = r.u.process.pid;
        snprintf(j->command, sizeof j->command, "%s", gp_trace_string(t, r.u.process.cmdline));
    }
    gp_iter_free(it);
    if (rc < 0)
        return err->code;
    f.fields = gp_trace_fields_mask(GP_KIND_KERNEL, "start_ns end_ns pid");
    if (!(it = gp_trace_iter(t, GP_KIND_KERNEL, &f, err)))
        return err->code;
    while ((rc = gp_iter_next(it, &r, err)) > 0) {
        gp_cosched_job *j = (gp_cosched_job *)job_of(jobs, *n, r.u.kernel.pid);
        if (!j && *n < 64) {
            j = &jobs[(*n)++];
            memset(j, 0, sizeof *j);
            j->pid = r.u.kernel.pid;
        }
        if (!j)
            continue;
        if (j->kernels == 0 || r.u.kernel.start_ns < j->first_ns)
            j->first_ns = r.u.kernel.start_ns;
        if (j->kernels == 0 || r.u.kernel.end_ns > j->last_ns)
            j->last_ns = r.u.kernel.end_ns;
        j->kernels++;
        j->kernel_ns = add_sat(j->kernel_ns, span_sat(r.u.kernel.start_ns, r.u.kernel.end_ns));
    }
    gp_iter_free(it);
    return rc < 0 ? err->code : GP_OK;
}

gp_status gp_cosched_summary_load(gp_trace *t, gp_cosched_summary *out, gp_error *err)
{
    gp_cosched_job *jobs = NULL;
    gp_cosched *recs;
    size_t n, n_jobs = 0;
    gp_status st;

    memset(out, 0, sizeof *out);
    if ((st = load_cosched(t, &recs, &n, err)) != GP_OK || n == 0) {
        free(recs);
        return st;
    }
    if (!(jobs = malloc(64 * sizeof *jobs)))
        st = gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory", gp_trace_path(t));
    else if ((st = load_jobs(t, jobs, &n_jobs, err)) == GP_OK &&
             gp_cosched_summarize(recs, n, jobs, n_jobs, out) < 0)
        st = gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory", gp_trace_path(t));
    free(jobs);
    free(recs);
    return st;
}
