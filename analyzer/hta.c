/* hta.c: the temporal and idle-time breakdowns as Holistic Trace Analysis
 * (v0.6.1) computes them, quirks included (docs: HTA-SEMANTICS.md; section
 * numbers below refer to it).
 *
 * Kineto inputs carry HTA's own view of the file (gp_rank.hta, in
 * traceEvents order, times as HTA parses them), so results match HTA to the
 * microsecond. For gpupack and Nsight inputs the same events are built from
 * the records in time order, with exact nanosecond times (no rounding):
 * HTA never reads those files, and rounding would only lose precision.
 * Known difference: HTA's orphan quirk (Q4) takes the launch time of a
 * kernel without a launch call from traceEvents[0]; gpupack gives such a
 * kernel no launch time (it is never counted as host wait).
 *
 * Cost: O(n log n) in events; memory O(n).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "classify.h"

typedef struct ev {
    double ts, end;           /* microseconds, after HTA's rounding when it applies */
    int64_t stream, corr;
    gp_strid name;
    uint8_t cat;
    uint8_t gpu_side;
    uint32_t copies;          /* times the step filter keeps it (0: dropped) */
    double runtime_ts;        /* its partner's ts when the partner is kept; NAN otherwise */
    size_t order;             /* position in the input, for stable sorts */
} ev;

static const char *sync_name(int type)
{
    switch (type) {
    case GP_SYNC_EVENT: return "Event Sync";
    case GP_SYNC_STREAM_WAIT_EVENT: return "Stream Wait Event";
    case GP_SYNC_STREAM: return "Stream Sync";
    case GP_SYNC_CONTEXT: return "Context Sync";
    default: return "Sync";
    }
}

/* HTA's view of a non-Kineto rank: every record as an event, time order. */
static int build_events(gp_job *job, const gp_rank *r, gp_hta_event **out, size_t *n_out)
{
    size_t n = r->n_ops + r->n_calls + r->n_syncs + r->n_ranges, k = 0;
    gp_hta_event *e = calloc(n ? n : 1, sizeof *e);
    int64_t *start = calloc(n ? n : 1, sizeof *start);
    size_t *idx;

    if (!e || !start) {
        free(e);
        free(start);
        return -1;
    }
    /* Times relative to the earliest one (HTA does the same; it changes no
     * result), so epoch nanoseconds stay exact in a double. */
    int64_t base = INT64_MAX;
    for (size_t i = 0; i < r->n_ops; i++)
        base = r->ops[i].start_ns < base ? r->ops[i].start_ns : base;
    for (size_t i = 0; i < r->n_calls; i++)
        base = r->calls[i].start_ns < base ? r->calls[i].start_ns : base;
    for (size_t i = 0; i < r->n_syncs; i++)
        base = r->syncs[i].start_ns < base ? r->syncs[i].start_ns : base;
    for (size_t i = 0; i < r->n_ranges; i++)
        base = r->ranges[i].start_ns < base ? r->ranges[i].start_ns : base;
#define PUT(t0, t1, strm, co, nm, c)                                              \
    do {                                                                           \
        start[k] = (t0);                                                           \
        e[k].ts_us = (double)((t0) - base) / 1e3;                                  \
        e[k].dur_us = (double)((t1) - (t0)) / 1e3;                                 \
        e[k].stream = (strm);                                                      \
        e[k].correlation = (co);                                                   \
        e[k].name = (nm);                                                          \
        e[k].cat = (c);                                                            \
        k++;                                                                       \
    } while (0)
    for (size_t i = 0; i < r->n_ops; i++) {
        const gp_op *o = &r->ops[i];
        PUT(o->start_ns, o->end_ns, o->stream, o->correlation, o->name,
            o->kind == GP_OP_KERNEL ? GP_HCAT_KERNEL
                                    : o->kind == GP_OP_MEMCPY ? GP_HCAT_MEMCPY : GP_HCAT_MEMSET);
    }
    for (size_t i = 0; i < r->n_calls; i++) {
        const gp_call *c = &r->calls[i];
        PUT(c->start_ns, c->end_ns, -1, c->correlation, c->name, GP_HCAT_CUDA_RUNTIME);
    }
    for (size_t i = 0; i < r->n_syncs; i++) {
        const gp_syncrec *s = &r->syncs[i];
        const char *nm = sync_name(s->type);
        PUT(s->start_ns, s->end_ns, s->stream, s->correlation, gp_job_intern(job, nm, strlen(nm)),
            GP_HCAT_CUDA_SYNC);
    }
    for (size_t i = 0; i < r->n_ranges; i++) {
        const gp_range *g = &r->ranges[i];
        PUT(g->start_ns, g->end_ns, -1, -1, g->name,
            g->kind == GP_RANGE_ANNOTATION ? GP_HCAT_USER_ANNOTATION : GP_HCAT_CPU_OP);
    }
#undef PUT
    /* Time order (stable): index sort on start. */
    idx = malloc(k * sizeof *idx + 1);
    if (!idx) {
        free(e);
        free(start);
        return -1;
    }
    for (size_t i = 0; i < k; i++)
        idx[i] = i;
    {
        size_t *tmp = malloc(k * sizeof *tmp + 1);
        if (!tmp) {
            free(idx);
            free(e);
            free(start);
            return -1;
        }
        for (size_t w = 1; w < k; w *= 2)
            for (size_t lo = 0; lo < k; lo += 2 * w) {
                size_t mid = lo + w < k ? lo + w : k, hi = lo + 2 * w < k ? lo + 2 * w : k;
                size_t i = lo, j = mid, o = lo;
                while (i < mid && j < hi)
                    tmp[o++] = start[idx[j]] < start[idx[i]] ? idx[j++] : idx[i++];
                while (i < mid)
                    tmp[o++] = idx[i++];
                while (j < hi)
                    tmp[o++] = idx[j++];
                memcpy(idx + lo, tmp + lo, (hi - lo) * sizeof *idx);
            }
        free(tmp);
    }
    {
        gp_hta_event *sorted = malloc(k * sizeof *sorted + 1);
        if (!sorted) {
            free(idx);
            free(e);
            free(start);
            return -1;
        }
        for (size_t i = 0; i < k; i++)
            sorted[i] = e[idx[i]];
        free(e);
        e = sorted;
    }
    free(idx);
    free(start);
    *out = e;
    *n_out = k;
    return 0;
}

/* ^ProfilerStep#\d+ (HTA's step names). */
static int is_step_name(const char *s)
{
    if (strncmp(s, "ProfilerStep#", 13) != 0 || !s[13])
        return 0;
    for (s += 13; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

int gp_hta_job_has_steps(const gp_job *job)
{
    gp_strid first = 0;

    for (size_t i = 0; i < gp_job_rank_count(job); i++) {
        const gp_rank *r = gp_job_rank_c(job, i);
        if (r->hta_native) {
            for (size_t j = 0; j < r->n_hta; j++)
                if (r->hta[j].name != first && is_step_name(gp_job_str(job, r->hta[j].name))) {
                    if (first)
                        return 1;
                    first = r->hta[j].name;
                }
        } else {
            for (size_t j = 0; j < r->n_ranges; j++)
                if (r->ranges[j].name != first && is_step_name(gp_job_str(job, r->ranges[j].name))) {
                    if (first)
                        return 1;
                    first = r->ranges[j].name;
                }
        }
    }
    return 0;
}

typedef struct corr_ix {
    int64_t corr;
    size_t idx;
} corr_ix;

static int cmp_corr(const void *a, const void *b)
{
    const corr_ix *x = a, *y = b;
    if (x->corr != y->corr)
        return x->corr < y->corr ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* [lo, hi) of the entries with correlation c in a sorted index. */
static void corr_range(const corr_ix *ix, size_t n, int64_t c, size_t *lo, size_t *hi)
{
    size_t a = 0, b = n;

    while (a < b) {
        size_t m = (a + b) / 2;
        if (ix[m].corr < c)
            a = m + 1;
        else
            b = m;
    }
    *lo = a;
    b = n;
    while (a < b) {
        size_t m = (a + b) / 2;
        if (ix[m].corr <= c)
            a = m + 1;
        else
            b = m;
    }
    *hi = a;
}

static int cmp_ts(const void *a, const void *b)
{
    const ev *x = *(const ev *const *)a, *y = *(const ev *const *)b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Union length of events (sorted by ts), HTA style (6). */
static void merge(ev **e, size_t n, double *busy, double *first, double *last)
{
    double b = 0, gs = 0, ge = 0;
    int open = 0;

    for (size_t i = 0; i < n; i++) {
        if (!open) {
            gs = e[i]->ts;
            ge = e[i]->end;
            *first = gs;
            open = 1;
        } else if (e[i]->ts > ge) {
            b += ge - gs;
            gs = e[i]->ts;
            ge = e[i]->end;
        } else if (e[i]->end > ge) {
            ge = e[i]->end;
        }
    }
    if (open) {
        b += ge - gs;
        *last = ge;
    }
    *busy = b;
}

static double round2(double x)
{
    return rint(x * 100.0) / 100.0; /* numpy.round(x, 2) */
}

int gp_hta_breakdown(const gp_job *job_c, const gp_rank *r, const gp_analyze_opts *opts,
                     int step_filter, gp_hta_result *out)
{
    gp_job *job = (gp_job *)job_c; /* build_events interns sync names */
    gp_hta_event *src = r->hta, *built = NULL;
    size_t n = r->n_hta, n_cpu = 0, n_e = 0, n_k = 0;
    int rounding = r->hta_native && r->hta_rounding;
    double threshold = opts && opts->kernel_wait_us > 0 ? opts->kernel_wait_us : 30.0;
    ev *e = NULL;
    corr_ix *cpu = NULL;
    ev **E = NULL, **K = NULL;
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (!r->hta_native) {
        if (build_events(job, r, &built, &n) < 0)
            return -1;
        src = built;
    }
    out->rounding = rounding;
    out->step_filter = step_filter;
    e = calloc(n ? n : 1, sizeof *e);
    cpu = calloc(n ? n : 1, sizeof *cpu);
    if (!e || !cpu)
        goto done;

    /* 2: rounding; 3: GPU-side or CPU-side. */
    for (size_t i = 0; i < n; i++) {
        const gp_hta_event *h = &src[i];
        ev *x = &e[i];
        const char *name = gp_job_str(job, h->name);

        if (rounding) {
            double end = floor(h->ts_us + h->dur_us);
            x->ts = ceil(h->ts_us);
            x->end = end;
        } else {
            x->ts = h->ts_us;
            x->end = h->ts_us + h->dur_us;
        }
        x->stream = h->stream;
        x->corr = h->correlation;
        x->name = h->name;
        x->cat = h->cat;
        x->order = i;
        x->runtime_ts = NAN;
        x->gpu_side = (h->stream >= 0 && h->correlation >= 0) ||
                      strcmp(name, "Event Sync") == 0 || strcmp(name, "Context Sync") == 0;
        if (!x->gpu_side)
            cpu[n_cpu++] = (corr_ix){ h->correlation, i };
    }
    qsort(cpu, n_cpu, sizeof *cpu, cmp_corr);

    /* 4: the ProfilerStep filter. */
    if (step_filter) {
        double cut = INFINITY, min_cpu = INFINITY;
        int have_step = 0;

        for (size_t i = 0; i < n; i++) {
            if (e[i].gpu_side)
                continue;
            if (e[i].ts < min_cpu)
                min_cpu = e[i].ts;
            if (is_step_name(gp_job_str(job, e[i].name))) {
                if (!have_step || e[i].ts > cut)
                    cut = e[i].ts;
                have_step = 1;
            }
        }
        if (!have_step)
            cut = min_cpu; /* everything is dropped */
        if (opts && opts->hta_include_last_step)
            cut = INFINITY; /* every CPU-side event passes (orphans are still dropped) */
        for (size_t i = 0; i < n; i++) {
            if (!e[i].gpu_side) {
                e[i].copies = e[i].ts < cut;
                continue;
            }
            {
                size_t lo, hi;
                uint32_t kept = 0;
                corr_range(cpu, n_cpu, e[i].corr, &lo, &hi);
                for (size_t j = lo; j < hi; j++)
                    kept += e[cpu[j].idx].ts < cut;
                e[i].copies = kept;
            }
        }
    } else {
        for (size_t i = 0; i < n; i++)
            e[i].copies = 1;
    }

    /* 7: the launch time of a GPU-side event is its partner's, the last
     * CPU-side event with its correlation, if that one is kept. */
    for (size_t i = 0; i < n; i++) {
        size_t lo, hi;
        if (!e[i].gpu_side || e[i].corr == -1 || !e[i].copies)
            continue;
        corr_range(cpu, n_cpu, e[i].corr, &lo, &hi);
        if (hi > lo && e[cpu[hi - 1].idx].copies)
            e[i].runtime_ts = e[cpu[hi - 1].idx].ts;
    }

    /* 6: temporal breakdown over kept events on a stream (any category). */
    E = malloc((n ? n : 1) * sizeof *E);
    if (!E)
        goto done;
    for (size_t i = 0; i < n; i++)
        if (e[i].copies && e[i].stream != -1)
            E[n_e++] = &e[i];
    qsort(E, n_e, sizeof *E, cmp_ts);
    if (n_e) {
        double busy = 0, first = 0, last = 0, compute = 0, f2 = 0, l2 = 0;
        size_t n_c = 0;
        ev **C = malloc(n_e * sizeof *C);

        if (!C)
            goto done;
        merge(E, n_e, &busy, &first, &last);
        for (size_t i = 0; i < n_e; i++)
            if (gp_hta_type_of(gp_job_str(job, E[i]->name)) == GP_HTA_COMPUTATION)
                C[n_c++] = E[i];
        merge(C, n_c, &compute, &f2, &l2);
        free(C);
        out->valid = 1;
        out->span_us = last - first;
        out->idle_us = out->span_us - busy;
        out->compute_us = compute;
        out->noncompute_us = out->span_us - compute - out->idle_us;
        if (out->span_us != 0) {
            out->idle_pct = round2(100.0 * out->idle_us / out->span_us);
            out->compute_pct = round2(100.0 * out->compute_us / out->span_us);
            out->noncompute_pct = round2(100.0 * out->noncompute_us / out->span_us);
        }
    }

    /* 7: idle time per stream, over kernels, copies and memsets (each kept
     * copy counts: a duplicated launch id duplicates its kernel). */
    {
        size_t total = 0;
        for (size_t i = 0; i < n; i++)
            if (e[i].copies && e[i].stream != -1 &&
                (e[i].cat == GP_HCAT_KERNEL || e[i].cat == GP_HCAT_MEMCPY ||
                 e[i].cat == GP_HCAT_MEMSET))
                total += e[i].copies;
        K = malloc((total ? total : 1) * sizeof *K);
        if (!K)
            goto done;
        for (size_t i = 0; i < n; i++)
            if (e[i].copies && e[i].stream != -1 &&
                (e[i].cat == GP_HCAT_KERNEL || e[i].cat == GP_HCAT_MEMCPY ||
                 e[i].cat == GP_HCAT_MEMSET))
                for (uint32_t c = 0; c < e[i].copies; c++)
                    K[n_k++] = &e[i];
    }
    {
        /* streams in order of first appearance */
        size_t cap = 0;
        for (size_t i = 0; i < n_k; i++) {
            size_t s;
            for (s = 0; s < out->n_streams && out->streams[s].stream != K[i]->stream; s++)
                ;
            if (s < out->n_streams)
                continue;
            if (out->n_streams == cap) {
                size_t nc = cap ? 2 * cap : 8;
                gp_hta_stream *p = realloc(out->streams, nc * sizeof *p);
                if (!p)
                    goto done;
                out->streams = p;
                cap = nc;
            }
            memset(&out->streams[out->n_streams], 0, sizeof *out->streams);
            out->streams[out->n_streams++].stream = K[i]->stream;
        }
        for (size_t s = 0; s < out->n_streams; s++) {
            gp_hta_stream *st = &out->streams[s];
            size_t m = 0;
            ev **S = malloc((n_k ? n_k : 1) * sizeof *S);
            if (!S)
                goto done;
            for (size_t i = 0; i < n_k; i++)
                if (K[i]->stream == st->stream)
                    S[m++] = K[i];
            qsort(S, m, sizeof *S, cmp_ts);
            for (size_t i = 1; i < m; i++) {
                double gap = S[i]->ts - S[i - 1]->end;
                if (!isnan(S[i]->runtime_ts) && S[i]->runtime_ts > S[i - 1]->end) {
                    st->host_wait_us += gap;
                    st->has_host_wait = 1;
                } else if (gap < threshold) {
                    st->kernel_wait_us += gap;
                    st->has_kernel_wait = 1;
                } else {
                    st->other_us += gap;
                }
            }
            free(S);
        }
    }
    rc = 0;
done:
    if (rc < 0) {
        free(out->streams);
        out->streams = NULL;
        out->n_streams = 0;
    }
    free(K);
    free(E);
    free(cpu);
    free(e);
    free(built);
    return rc;
}
