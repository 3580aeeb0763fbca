/* hta.c: the temporal and idle-time breakdowns as Holistic Trace Analysis
 * (v0.6.1) computes them, quirks included (docs/hta-semantics.md; section
 * numbers below refer to it).
 *
 * Kineto inputs carry HTA's own view of the file (gp_rank.hta, in
 * traceEvents order, times as HTA parses them), so results match HTA to the
 * microsecond. For gpupack and Nsight inputs the same rules run directly
 * over the model's time-sorted, launch-joined arrays (hta_direct), with
 * exact nanosecond times (no rounding): HTA never reads those files, and
 * rounding would only lose precision.
 * Known difference: HTA's orphan quirk (Q4) takes the launch time of a
 * kernel without a launch call from traceEvents[0]; gpupack gives such a
 * kernel no launch time (it is never counted as host wait).
 *
 * Cost: Kineto inputs O(n log n) in events, memory O(n); others O(n) time,
 * O(streams) memory.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/analyses/analyze.h"
#include "analyzer/model/classify.h"
#include "common/checked.h"

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

/* The union of intervals fed in start order, HTA style (6): closed runs
 * are summed in order, then the open one. */
typedef struct sweep {
    double first, s, e, total;
    int open;
} sweep;

static void sweep_add(sweep *w, double s, double e)
{
    if (!w->open) {
        w->first = w->s = s;
        w->e = e;
        w->open = 1;
    } else if (s > w->e) {
        w->total += w->e - w->s;
        w->s = s;
        w->e = e;
    } else if (e > w->e) {
        w->e = e;
    }
}

/* The union's length; the sweep is finished (add nothing after). */
static double sweep_total(sweep *w)
{
    if (w->open)
        w->total += w->e - w->s;
    w->open = 0;
    return w->total;
}

/* Union length of events (sorted by ts). */
static void merge(ev **e, size_t n, double *busy, double *first, double *last)
{
    sweep w = { 0 };

    for (size_t i = 0; i < n; i++)
        sweep_add(&w, e[i]->ts, e[i]->end);
    if (w.open) {
        *first = w.first;
        *last = w.e;
    }
    *busy = sweep_total(&w);
}

static double round2(double x)
{
    return rint(x * 100.0) / 100.0; /* numpy.round(x, 2) */
}


/* ---- records already in the model (gpupack, Nsight): HTA's rules applied
 * to the time-sorted, launch-joined arrays directly, without copies:
 * O(n) time, O(streams) memory. The partner of a GPU operation is its
 * launch call (gpupack traces give each call its own correlation id). */

typedef struct dstream {
    int64_t stream;
    double prev_end;
    int any;
    gp_hta_stream out;
} dstream;

/* ns - base in us; saturating, so a base of INT64_MAX (nothing seen)
 * cannot overflow. */
static double us(int64_t ns, int64_t base)
{
    return (double)gp_sat_sub(ns, base) / 1e3;
}

static int sync_gpu_side(const gp_syncrec *y)
{
    return (y->stream >= 0 && y->correlation >= 0) || y->type == GP_SYNC_EVENT ||
           y->type == GP_SYNC_CONTEXT;
}

/* The call with this (pid, correlation) via binary search in calls sorted
 * by correlation (index idx); -1 if none. */
static int64_t call_by_corr(const gp_rank *r, const uint32_t *idx, size_t n, uint32_t pid,
                            int64_t corr)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t m = (lo + hi) / 2;
        const gp_call *c = &r->calls[idx[m]];
        if (c->pid < pid || (c->pid == pid && c->correlation < corr))
            lo = m + 1;
        else
            hi = m;
    }
    if (lo < n && r->calls[idx[lo]].pid == pid && r->calls[idx[lo]].correlation == corr)
        return idx[lo];
    return -1;
}

static const gp_rank *corr_rank;
static int cmp_call_corr(const void *a, const void *b)
{
    const gp_call *x = &corr_rank->calls[*(const uint32_t *)a];
    const gp_call *y = &corr_rank->calls[*(const uint32_t *)b];
    if (x->pid != y->pid)
        return x->pid < y->pid ? -1 : 1;
    return (x->correlation > y->correlation) - (x->correlation < y->correlation);
}

static int hta_direct(const gp_job *job, const gp_rank *r, double threshold, int step_filter,
                      int include_last, gp_hta_result *out)
{
    int64_t base = INT64_MAX, cut = INT64_MAX;
    uint32_t *by_corr = NULL;
    size_t n_corr = 0, n_streams = 0, cap_streams = 0;
    dstream *st = NULL;
    sweep all = { 0 }, comp = { 0 };
    int any_cpu = 0;
    size_t i = 0, k = 0;

    for (size_t j = 0; j < r->n_ops; j++)
        base = r->ops[j].start_ns < base ? r->ops[j].start_ns : base;
    for (size_t j = 0; j < r->n_syncs; j++)
        base = r->syncs[j].start_ns < base ? r->syncs[j].start_ns : base;
    if (step_filter) {
        int have = 0;
        int64_t min_cpu = INT64_MAX;
        for (size_t j = 0; j < r->n_ranges; j++) {
            min_cpu = r->ranges[j].start_ns < min_cpu ? r->ranges[j].start_ns : min_cpu;
            if (is_step_name(gp_job_str(job, r->ranges[j].name)) &&
                (!have || r->ranges[j].start_ns > cut)) {
                cut = r->ranges[j].start_ns;
                have = 1;
            }
        }
        for (size_t j = 0; j < r->n_calls; j++)
            min_cpu = r->calls[j].start_ns < min_cpu ? r->calls[j].start_ns : min_cpu;
        if (!have)
            cut = min_cpu; /* nothing on the CPU side survives */
        if (include_last)
            cut = INT64_MAX;
    }
    /* syncs find their partner call by correlation */
    if (r->n_syncs) {
        by_corr = malloc((r->n_calls + 1) * sizeof *by_corr);
        if (!by_corr)
            return -1;
        for (size_t j = 0; j < r->n_calls; j++)
            if (r->calls[j].correlation >= 0)
                by_corr[n_corr++] = (uint32_t)j;
        corr_rank = r;
        qsort(by_corr, n_corr, sizeof *by_corr, cmp_call_corr);
    }
    for (size_t j = 0; j < r->n_calls && !any_cpu; j++)
        any_cpu = r->calls[j].correlation == -1 && r->calls[j].start_ns < cut;
    for (size_t j = 0; j < r->n_ranges && !any_cpu; j++)
        any_cpu = r->ranges[j].start_ns < cut;

    /* One pass over ops and syncs in start order (both sorted): unions for
     * the temporal breakdown, consecutive gaps per stream for the idle one. */
    while (i < r->n_ops || k < r->n_syncs) {
        int take_op = k >= r->n_syncs ||
                      (i < r->n_ops && r->ops[i].start_ns <= r->syncs[k].start_ns);
        int64_t s_ns, e_ns, stream;
        int kept, is_compute = 0;
        double runtime = NAN, ts, end;

        if (take_op) {
            const gp_op *o = &r->ops[i++];
            int gpu_side = o->stream >= 0 && o->correlation >= 0;
            s_ns = o->start_ns;
            e_ns = o->end_ns;
            stream = o->stream;
            if (gpu_side) {
                const gp_call *l = o->launch >= 0 ? &r->calls[o->launch] : NULL;
                kept = l ? l->start_ns < cut : !step_filter;
                if (l && l->start_ns < cut)
                    runtime = us(l->start_ns, base);
            } else {
                kept = s_ns < cut; /* no correlation: HTA counts it CPU-side */
            }
            is_compute = o->hta_type == GP_HTA_COMPUTATION;
            if (kept && stream >= 0) {
                /* idle breakdown: gaps between consecutive ops of a stream */
                size_t q;
                for (q = 0; q < n_streams && st[q].stream != stream; q++)
                    ;
                if (q == n_streams) {
                    if (n_streams == cap_streams) {
                        size_t nc = cap_streams ? 2 * cap_streams : 8;
                        dstream *p = realloc(st, nc * sizeof *p);
                        if (!p) {
                            free(by_corr);
                            free(st);
                            return -1;
                        }
                        st = p;
                        cap_streams = nc;
                    }
                    memset(&st[q], 0, sizeof *st);
                    st[q].stream = stream;
                    st[q].out.stream = stream;
                    n_streams++;
                }
                ts = us(s_ns, base);
                if (st[q].any) {
                    double gap = ts - st[q].prev_end;
                    if (!isnan(runtime) && runtime > st[q].prev_end) {
                        st[q].out.host_wait_us += gap;
                        st[q].out.has_host_wait = 1;
                    } else if (gap < threshold) {
                        st[q].out.kernel_wait_us += gap;
                        st[q].out.has_kernel_wait = 1;
                    } else {
                        st[q].out.other_us += gap;
                    }
                }
                st[q].any = 1;
                st[q].prev_end = us(e_ns, base);
            }
        } else {
            const gp_syncrec *y = &r->syncs[k++];
            s_ns = y->start_ns;
            e_ns = y->end_ns;
            stream = y->stream;
            if (sync_gpu_side(y)) {
                if (y->correlation >= 0) {
                    int64_t c = call_by_corr(r, by_corr, n_corr, y->pid, y->correlation);
                    kept = c >= 0 ? r->calls[c].start_ns < cut : !step_filter;
                } else {
                    kept = any_cpu || !step_filter;
                }
            } else {
                kept = s_ns < cut;
            }
        }
        if (!kept || stream < 0)
            continue;
        /* temporal: union of everything on a stream, and of computation */
        ts = us(s_ns, base);
        end = us(e_ns, base);
        sweep_add(&all, ts, end);
        if (is_compute)
            sweep_add(&comp, ts, end);
    }
    if (all.open) {
        double first = all.first, last = all.e, busy = sweep_total(&all);
        double compute = sweep_total(&comp);
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
    if (n_streams) {
        out->streams = malloc(n_streams * sizeof *out->streams);
        if (!out->streams) {
            free(by_corr);
            free(st);
            return -1;
        }
        for (size_t q = 0; q < n_streams; q++)
            out->streams[q] = st[q].out;
        out->n_streams = n_streams;
    }
    free(by_corr);
    free(st);
    return 0;
}

int gp_hta_breakdown(const gp_job *job_c, const gp_rank *r, const gp_analyze_opts *opts,
                     int step_filter, gp_hta_result *out)
{
    const gp_job *job = job_c;
    const gp_hta_event *src = r->hta;
    size_t n = r->n_hta, n_cpu = 0, n_e = 0, n_k = 0;
    int rounding = r->hta_native && r->hta_rounding;
    double threshold = opts && opts->kernel_wait_us > 0 ? opts->kernel_wait_us : 30.0;
    ev *e = NULL;
    corr_ix *cpu = NULL;
    ev **E = NULL, **K = NULL;
    int rc = -1;

    memset(out, 0, sizeof *out);
    out->step_filter = step_filter;
    if (!r->hta_native)
        return hta_direct(job_c, r, threshold, step_filter,
                          opts && opts->hta_include_last_step, out);
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
    return rc;
}
