/* series.c: utilization bins and downsampled samples (series.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "series.h"

/* Adds the busy interval [s, e) to the bins it overlaps. */
static void add_busy(gp_util_series *u, int64_t s, int64_t e)
{
    int64_t end = u->start_ns + u->bin_ns * u->n_bins;

    if (s < u->start_ns)
        s = u->start_ns;
    if (e > end)
        e = end;
    while (s < e) {
        int b = (int)((s - u->start_ns) / u->bin_ns);
        int64_t be = u->start_ns + (int64_t)(b + 1) * u->bin_ns;
        int64_t upto = e < be ? e : be;
        u->busy_pct[b] += (double)(upto - s);
        s = upto;
    }
}

static void util_build(const gp_rank *r, int ri, const gp_device_result *d, gp_util_series *u)
{
    int64_t span = d->last_ns - d->first_ns, cs = 0, ce = -1;
    int any = 0;

    memset(u, 0, sizeof *u);
    u->rank_index = ri;
    u->dev = d;
    u->start_ns = d->first_ns;
    /* At most GP_SERIES_BINS bins of equal length; only the last may be
     * shorter, and none lies past the span. */
    u->n_bins = span >= GP_SERIES_BINS ? GP_SERIES_BINS : (span > 0 ? (int)span : 1);
    u->bin_ns = span > 0 ? (span + u->n_bins - 1) / u->n_bins : 1;
    if (span > 0)
        u->n_bins = (int)((span + u->bin_ns - 1) / u->bin_ns);
    for (size_t i = 0; i < r->n_ops; i++) { /* ops are sorted by start */
        const gp_op *o = &r->ops[i];
        if (o->device != d->device)
            continue;
        if (any && o->start_ns <= ce) {
            if (o->end_ns > ce)
                ce = o->end_ns;
            continue;
        }
        if (any)
            add_busy(u, cs, ce);
        any = 1;
        cs = o->start_ns;
        ce = o->end_ns;
    }
    if (any)
        add_busy(u, cs, ce);
    for (int b = 0; b < u->n_bins; b++) {
        int64_t len = u->bin_ns;
        if (b == u->n_bins - 1 && span > 0)
            len = span - u->bin_ns * (u->n_bins - 1);
        u->busy_pct[b] = len > 0 ? 100.0 * u->busy_pct[b] / (double)len : 0;
        if (u->busy_pct[b] > 100.0)
            u->busy_pct[b] = 100.0;
        /* the analyzer bins the same span the same way: ceil(span / 200) */
        if (d->idle_bin_ns == u->bin_ns && d->n_idle_bins == u->n_bins && len > 0)
            for (int k = 0; k < GP_CAUSE_COUNT; k++)
                u->idle_pct[b][k] = 100.0 * (double)d->idle_bins[b][k] / (double)len;
    }
}

/* Averages the rank's samples of one (name, device) into at most
 * GP_SERIES_POINTS points of equal time width. Samples are sorted by time. */
static int samples_build(const gp_rank *r, gp_sample_series *ss)
{
    int64_t t0 = 0, t1 = 0, w;
    size_t np;
    double *sum;
    int64_t *cnt;
    int first = 1;

    for (size_t i = 0; i < r->n_samples; i++) {
        const gp_sample *x = &r->samples[i];
        if (x->name != ss->name || x->device != ss->device)
            continue;
        if (first)
            t0 = x->ts_ns;
        first = 0;
        t1 = x->ts_ns;
        ss->n_raw++;
    }
    np = ss->n_raw < GP_SERIES_POINTS ? ss->n_raw : GP_SERIES_POINTS;
    w = (t1 - t0) / (int64_t)(np ? np : 1) + 1;
    ss->ts_ns = calloc(np + 1, sizeof *ss->ts_ns);
    ss->value = calloc(np + 1, sizeof *ss->value);
    sum = calloc(np + 1, sizeof *sum);
    cnt = calloc(np + 1, sizeof *cnt);
    if (!ss->ts_ns || !ss->value || !sum || !cnt) {
        free(sum);
        free(cnt);
        return -1;
    }
    for (size_t i = 0; i < r->n_samples; i++) {
        const gp_sample *x = &r->samples[i];
        size_t p;
        if (x->name != ss->name || x->device != ss->device)
            continue;
        p = ss->n_raw <= GP_SERIES_POINTS ? (size_t)cnt[np] : (size_t)((x->ts_ns - t0) / w);
        if (p >= np)
            p = np - 1;
        if (ss->n_raw <= GP_SERIES_POINTS)
            cnt[np]++;
        if (!cnt[p] || x->ts_ns < ss->ts_ns[p])
            ss->ts_ns[p] = x->ts_ns;
        sum[p] += x->value;
        cnt[p]++;
    }
    for (size_t p = 0; p < np; p++) {
        if (!cnt[p])
            continue;
        ss->ts_ns[ss->n] = ss->ts_ns[p];
        ss->value[ss->n] = sum[p] / (double)cnt[p];
        if (!ss->n || ss->value[ss->n] < ss->min)
            ss->min = ss->value[ss->n];
        if (!ss->n || ss->value[ss->n] > ss->max)
            ss->max = ss->value[ss->n];
        ss->n++;
    }
    free(sum);
    free(cnt);
    return 0;
}

/* The distinct (name, device) pairs of a rank's samples, appended to s. */
static int sample_keys(const gp_rank *r, int ri, gp_report_series *s)
{
    size_t from = s->n_samples;

    for (size_t i = 0; i < r->n_samples; i++) {
        const gp_sample *x = &r->samples[i];
        size_t k;
        for (k = from; k < s->n_samples; k++)
            if (s->samples[k].name == x->name && s->samples[k].device == x->device)
                break;
        if (k < s->n_samples)
            continue;
        if (s->n_samples == GP_SERIES_MAX_SAMPLE_SERIES)
            break;
        gp_sample_series *ss = &s->samples[s->n_samples++];
        memset(ss, 0, sizeof *ss);
        ss->rank_index = ri;
        ss->name = x->name;
        ss->device = x->device;
    }
    for (size_t k = from; k < s->n_samples; k++)
        if (samples_build(r, &s->samples[k]) < 0)
            return -1;
    return 0;
}

int gp_series_build(const gp_analysis *a, gp_report_series *s)
{
    size_t nd = 0;

    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < a->n_ranks; i++)
        nd += a->ranks[i].n_devices;
    s->util = calloc(nd ? nd : 1, sizeof *s->util);
    s->samples = calloc(GP_SERIES_MAX_SAMPLE_SERIES, sizeof *s->samples);
    if (!s->util || !s->samples)
        goto fail;
    for (size_t i = 0; i < a->n_ranks; i++) {
        const gp_rank *r = gp_job_rank_c(a->job, i);
        for (size_t k = 0; k < a->ranks[i].n_devices; k++)
            util_build(r, (int)i, &a->ranks[i].devices[k], &s->util[s->n_util++]);
        if (sample_keys(r, (int)i, s) < 0)
            goto fail;
    }
    return 0;
fail:
    gp_series_free(s);
    return -1;
}

void gp_series_free(gp_report_series *s)
{
    for (size_t i = 0; i < s->n_samples; i++) {
        free(s->samples[i].ts_ns);
        free(s->samples[i].value);
    }
    free(s->util);
    free(s->samples);
    memset(s, 0, sizeof *s);
}
