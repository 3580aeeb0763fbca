/* timeline.c: lanes, view math and lookups (contract in timeline.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/checked.h"
#include "timeline.h"

#define MAX_STREAM_LANES 64

/* ---- view ---------------------------------------------------------------------- */

static void view_clamp(tui_view *v)
{
    int64_t span = v->t1 - v->t0, full = v->hi - v->lo;

    if (span > full)
        span = full;
    if (span < TUI_MIN_SPAN_NS)
        span = TUI_MIN_SPAN_NS;
    if (v->t0 < v->lo)
        v->t0 = v->lo;
    if (v->t0 + span > v->hi)
        v->t0 = v->hi - span;
    if (v->t0 < v->lo)
        v->t0 = v->lo;
    v->t1 = v->t0 + span;
}

void tui_view_init(tui_view *v, int64_t lo, int64_t hi)
{
    if (hi - lo < TUI_MIN_SPAN_NS)
        hi = lo + TUI_MIN_SPAN_NS;
    v->lo = v->t0 = lo;
    v->hi = v->t1 = hi;
}

void tui_view_zoom(tui_view *v, double factor, int64_t center)
{
    int64_t span = v->t1 - v->t0;
    double frac, nspan;

    if (center < v->t0 || center > v->t1)
        center = v->t0 + span / 2;
    frac = span > 0 ? (double)(center - v->t0) / (double)span : 0.5;
    nspan = (double)span * factor;
    if (nspan < TUI_MIN_SPAN_NS)
        nspan = TUI_MIN_SPAN_NS;
    if (nspan > (double)(v->hi - v->lo))
        nspan = (double)(v->hi - v->lo);
    v->t0 = center - (int64_t)(frac * nspan);
    v->t1 = v->t0 + (int64_t)nspan;
    view_clamp(v);
}

void tui_view_pan(tui_view *v, double frac)
{
    int64_t d = (int64_t)((double)(v->t1 - v->t0) * frac);

    v->t0 += d;
    v->t1 += d;
    view_clamp(v);
}

void tui_view_show(tui_view *v, int64_t a, int64_t b)
{
    int64_t span = b - a < TUI_MIN_SPAN_NS ? TUI_MIN_SPAN_NS : b - a;

    span += span / 5;
    v->t0 = a + (b - a) / 2 - span / 2;
    v->t1 = v->t0 + span;
    view_clamp(v);
}

int64_t tui_view_col_time(const tui_view *v, int col, int width)
{
    if (width < 1)
        width = 1;
    return v->t0 + (int64_t)((double)(v->t1 - v->t0) * col / width);
}

int tui_view_time_col(const tui_view *v, int64_t t, int width)
{
    double span = (double)(v->t1 - v->t0);

    if (span <= 0)
        return 0;
    double c = (double)(t - v->t0) * width / span;
    if (c < -1e9)
        return -1000000000;
    if (c > 1e9)
        return 1000000000;
    return c < 0 ? (int)c - ((double)(int)c != c) : (int)c;
}

/* ---- lanes --------------------------------------------------------------------- */

void tui_lane_item(const tui_lane *l, size_t i, int64_t *s, int64_t *e)
{
    uint32_t k = l->idx[i];

    switch (l->kind) {
    case TUI_LANE_OPS:
        *s = l->rank->ops[k].start_ns;
        *e = l->rank->ops[k].end_ns;
        break;
    case TUI_LANE_SYNC:
        *s = l->calls ? l->rank->calls[k].start_ns : l->rank->syncs[k].start_ns;
        *e = l->calls ? l->rank->calls[k].end_ns : l->rank->syncs[k].end_ns;
        break;
    default:
        *s = l->rank->ranges[k].start_ns;
        *e = l->rank->ranges[k].end_ns;
        break;
    }
}

static int64_t item_start(const tui_lane *l, size_t i)
{
    int64_t s, e;
    tui_lane_item(l, i, &s, &e);
    return s;
}

/* First item starting at or after t. */
static size_t lower_bound(const tui_lane *l, int64_t t)
{
    size_t lo = 0, hi = l->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (item_start(l, mid) < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

long tui_lane_find(const tui_lane *l, int64_t a, int64_t b)
{
    size_t i = lower_bound(l, a);

    for (size_t j = i, steps = 0; j > 0 && steps < 64; j--, steps++) {
        int64_t s, e;
        tui_lane_item(l, j - 1, &s, &e);
        if (e > a || (s == a && e == a))
            return (long)(j - 1);
    }
    if (i < l->n && item_start(l, i) < b)
        return (long)i;
    return -1;
}

int64_t tui_lane_busy(const tui_lane *l, int64_t a, int64_t b)
{
    size_t i, k;
    int64_t busy, s, e;

    if (b <= a || l->n == 0)
        return 0;
    i = lower_bound(l, a);
    k = lower_bound(l, b);
    busy = l->cum[k] - l->cum[i];
    if (k > i) { /* the last one may run past b */
        tui_lane_item(l, k - 1, &s, &e);
        if (e > b)
            busy -= e - b;
    }
    if (i > 0) {
        tui_lane_item(l, i - 1, &s, &e);
        if (e > a)
            busy += (e < b ? e : b) - a;
    }
    if (busy < 0)
        busy = 0;
    return busy > b - a ? b - a : busy;
}

static tui_lane *add_lane(tui_lanes *L, size_t *cap, const gp_rank *r, int kind)
{
    tui_lane *l;

    if (L->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        tui_lane *p = realloc(L->v, nc * sizeof *p);
        if (!p)
            return NULL;
        L->v = p;
        *cap = nc;
    }
    l = &L->v[L->n++];
    memset(l, 0, sizeof *l);
    l->rank = r;
    l->kind = kind;
    return l;
}

/* Fills idx (already counted in l->n) for items accepted by `want`, and
 * the prefix sums. The rank's arrays are sorted by start, so idx is too. */
static int fill_lane(tui_lane *l, size_t total, int (*want)(const tui_lane *, size_t, const void *),
                     const void *arg)
{
    size_t k = 0;

    l->idx = malloc((l->n ? l->n : 1) * sizeof *l->idx);
    l->cum = malloc((l->n + 1) * sizeof *l->cum);
    if (!l->idx || !l->cum)
        return -1;
    for (size_t i = 0; i < total && k < l->n; i++)
        if (want(l, i, arg))
            l->idx[k++] = (uint32_t)i;
    l->n = k;
    l->cum[0] = 0;
    for (size_t i = 0; i < k; i++) {
        int64_t s, e;
        tui_lane_item(l, i, &s, &e);
        /* saturating: a sum of lengths in the trusted range can leave int64 */
        l->cum[i + 1] = gp_sat_add(l->cum[i], e > s ? e - s : 0);
    }
    return 0;
}

typedef struct stream_key {
    int32_t device, stream;
} stream_key;

typedef struct stream_keys {
    const stream_key *v;
    int n;
} stream_keys;

static int want_op(const tui_lane *l, size_t i, const void *arg)
{
    const stream_key *k = arg;
    const gp_op *op = &l->rank->ops[i];
    return op->device == k->device && op->stream == k->stream;
}

/* "other": the ops of every stream without a lane of its own */
static int want_other(const tui_lane *l, size_t i, const void *arg)
{
    const stream_keys *ks = arg;
    const gp_op *op = &l->rank->ops[i];
    for (int k = 0; k < ks->n; k++)
        if (op->device == ks->v[k].device && op->stream == ks->v[k].stream)
            return 0;
    return 1;
}

static int want_all(const tui_lane *l, size_t i, const void *arg)
{
    (void)l; (void)i; (void)arg;
    return 1;
}

static int want_sync_call(const tui_lane *l, size_t i, const void *arg)
{
    (void)arg;
    return l->rank->calls[i].role == GP_CALL_ROLE_SYNC;
}

static int want_nvtx(const tui_lane *l, size_t i, const void *arg)
{
    (void)arg;
    return l->rank->ranges[i].kind == GP_RANGE_NVTX ||
           l->rank->ranges[i].kind == GP_RANGE_ANNOTATION;
}

/* The stream lanes of one rank. */
static int build_streams(tui_lanes *L, size_t *cap, const gp_rank *r, int multi)
{
    stream_key keys[MAX_STREAM_LANES];
    size_t counts[MAX_STREAM_LANES + 1] = { 0 };
    int nk = 0, last = -1;

    for (size_t i = 0; i < r->n_ops; i++) {
        const gp_op *op = &r->ops[i];
        int k = last;
        if (k < 0 || keys[k].device != op->device || keys[k].stream != op->stream) {
            for (k = 0; k < nk; k++)
                if (keys[k].device == op->device && keys[k].stream == op->stream)
                    break;
            if (k == nk && nk < MAX_STREAM_LANES) {
                keys[nk].device = op->device;
                keys[nk].stream = op->stream;
                nk++;
            }
        }
        counts[k]++;
        last = k < nk ? k : -1;
    }
    for (int k = 0; k <= nk; k++) {
        stream_keys other = { keys, nk };
        tui_lane *l;
        if (!counts[k])
            continue;
        l = add_lane(L, cap, r, TUI_LANE_OPS);
        if (!l)
            return -1;
        l->n = counts[k];
        if (k == nk)
            snprintf(l->label, sizeof l->label, "other");
        else if (multi)
            snprintf(l->label, sizeof l->label, "r%d d%d s%d", r->rank, keys[k].device,
                     keys[k].stream);
        else
            snprintf(l->label, sizeof l->label, "gpu%d s%d", keys[k].device, keys[k].stream);
        if (k == nk) {
            if (fill_lane(l, r->n_ops, want_other, &other) < 0)
                return -1;
            continue;
        }
        if (fill_lane(l, r->n_ops, want_op, &keys[k]) < 0)
            return -1;
    }
    return 0;
}

static void host_label(tui_lane *l, int multi, int rank, const char *what)
{
    if (multi)
        snprintf(l->label, sizeof l->label, "r%d %s", rank, what);
    else
        snprintf(l->label, sizeof l->label, "%s", what);
}

int tui_lanes_build(tui_lanes *L, const gp_job *job)
{
    size_t cap = 0, nr = gp_job_rank_count(job);
    int multi = nr > 1;

    memset(L, 0, sizeof *L);
    for (size_t ri = 0; ri < nr; ri++) {
        const gp_rank *r = gp_job_rank_c(job, ri);
        tui_lane *l;
        size_t n = 0;

        if (build_streams(L, &cap, r, multi) < 0)
            goto oom;
        /* host synchronizations: the sync records, else the sync calls */
        if (r->n_syncs) {
            if (!(l = add_lane(L, &cap, r, TUI_LANE_SYNC)))
                goto oom;
            l->n = r->n_syncs;
            host_label(l, multi, r->rank, "sync");
            if (fill_lane(l, r->n_syncs, want_all, NULL) < 0)
                goto oom;
        } else {
            for (size_t i = 0; i < r->n_calls; i++)
                n += r->calls[i].role == GP_CALL_ROLE_SYNC;
            if (n) {
                if (!(l = add_lane(L, &cap, r, TUI_LANE_SYNC)))
                    goto oom;
                l->calls = 1;
                l->n = n;
                host_label(l, multi, r->rank, "sync");
                if (fill_lane(l, r->n_calls, want_sync_call, NULL) < 0)
                    goto oom;
            }
        }
        n = 0;
        for (size_t i = 0; i < r->n_ranges; i++)
            n += r->ranges[i].kind == GP_RANGE_NVTX || r->ranges[i].kind == GP_RANGE_ANNOTATION;
        if (n) {
            if (!(l = add_lane(L, &cap, r, TUI_LANE_NVTX)))
                goto oom;
            l->n = n;
            host_label(l, multi, r->rank, "nvtx");
            if (fill_lane(l, r->n_ranges, want_nvtx, NULL) < 0)
                goto oom;
        }
    }
    L->lo = INT64_MAX;
    L->hi = INT64_MIN;
    for (size_t i = 0; i < L->n; i++) {
        const tui_lane *l = &L->v[i];
        for (size_t j = 0; j < l->n; j++) {
            int64_t s, e;
            tui_lane_item(l, j, &s, &e);
            if (s < L->lo)
                L->lo = s;
            if (e > L->hi)
                L->hi = e;
        }
    }
    if (L->lo > L->hi)
        L->lo = L->hi = 0;
    return 0;
oom:
    tui_lanes_free(L);
    return -1;
}

void tui_lanes_free(tui_lanes *L)
{
    for (size_t i = 0; i < L->n; i++) {
        free(L->v[i].idx);
        free(L->v[i].cum);
    }
    free(L->v);
    memset(L, 0, sizeof *L);
}
