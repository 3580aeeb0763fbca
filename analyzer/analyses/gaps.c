/* gaps.c: every idle gap of every device, and its cause on the host.
 *
 * A gap is time inside [first op start, last op end] of a device when none
 * of its kernels, copies or memsets runs. Its cause comes from the op that
 * ends it and the host thread that launched that op:
 *   - its launch call had returned when the gap began: queued work waited
 *     on a dependency (another stream, an event) -> DEPENDENCY;
 *   - the launch call was under way when the gap began -> LAUNCH_BOUND;
 *   - otherwise the host was late, and in [gap start, launch call start]:
 *     a synchronize on that thread returned -> HOST_SYNC;
 *     a copy call on that thread returned -> BLOCKING_COPY;
 *     the thread was mostly inside CUDA calls, or the window is tiny ->
 *     LAUNCH_BOUND (launching could not keep the GPU fed);
 *     else the thread did other work -> HOST_WORK, named by the host range
 *     (NVTX, annotation, operator) that covers most of the window;
 *   - no launch call known -> UNKNOWN.
 * Before the process's first op and after its last: STARTUP, TEARDOWN (when
 * the process's life is known; they are not part of idle_ns).
 *
 * Cost: O(n log n) for the indexes, then O(gaps x calls near each gap).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "analyzer/analyses/analyze.h"
#include "common/checked.h"

#define TINY_WINDOW_NS 10000      /* a host this close to the gap was just launching */
#define SYNC_SLACK_NS 2000        /* a wait returns a little after the GPU finishes */
#define LAUNCH_BUSY_FRACTION 0.5  /* share of the window spent in CUDA calls */

static const char *const cause_ids[GP_CAUSE_COUNT] = {
    "launch_bound", "host_sync", "blocking_copy", "host_work", "dependency", "startup",
    "teardown", "unknown",
};
static const char *const cause_names[GP_CAUSE_COUNT] = {
    "launch-bound", "host synchronization", "blocking copy", "host work (no CUDA calls)",
    "cross-stream/event wait", "job start-up", "job tear-down", "unattributed",
};

const char *gp_cause_id(int c)
{
    return c >= 0 && c < GP_CAUSE_COUNT ? cause_ids[c] : "?";
}

const char *gp_cause_name(int c)
{
    return c >= 0 && c < GP_CAUSE_COUNT ? cause_names[c] : "?";
}

/* An index entry: a record's end time and its position. */
typedef struct endix {
    int64_t end;
    uint32_t idx;
} endix;

typedef struct ctx {
    const gp_rank *r;
    endix *calls_by_end;      /* calls sorted by end */
    endix *ranges_by_end;
    int32_t *copy_op;         /* per call: the copy/memset op it issued, -1 none */
} ctx;

static int cmp_end(const void *a, const void *b)
{
    const endix *x = a, *y = b;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Sorts by end; records sorted by start usually end in order too, so an
 * ordered input costs one pass. */
static void sort_ends(endix *ix, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (ix[i].end < ix[i - 1].end) {
            qsort(ix, n, sizeof *ix, cmp_end);
            return;
        }
}

/* First position in an end-sorted index whose end >= t. */
static size_t first_end_at(const endix *ix, size_t n, int64_t t)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t m = (lo + hi) / 2;
        if (ix[m].end < t)
            lo = m + 1;
        else
            hi = m;
    }
    return lo;
}

/* A copy call held its thread until the copy finished (synchronous API,
 * or pageable memory); an async copy from pinned memory returns at once. */
static int blocked_on_copy(const ctx *c, uint32_t call)
{
    int32_t op = c->copy_op[call];

    if (op < 0) /* its copy was not recorded: assume the worst */
        return 1;
    return c->r->calls[call].end_ns + SYNC_SLACK_NS >= c->r->ops[op].end_ns;
}

/* What the launching thread did in [a, ls]: a cause and a label. */
static int host_cause(const ctx *c, uint32_t tid, int64_t a, int64_t ls, gp_strid *label)
{
    const gp_rank *r = c->r;
    int64_t in_calls = 0, w = ls - a, reach;
    size_t i = first_end_at(c->calls_by_end, r->n_calls, a - SYNC_SLACK_NS);
    int best_role = 0;
    gp_strid best_name = 0;

    for (; i < r->n_calls; i++) {
        const gp_call *k = &r->calls[c->calls_by_end[i].idx];
        if (k->end_ns > ls)
            break;
        if (k->tid != tid)
            continue;
        /* A wait or blocking copy that was under way when the GPU ran dry. */
        if (k->start_ns <= a + SYNC_SLACK_NS && k->end_ns >= a - SYNC_SLACK_NS) {
            if (k->role == GP_CALL_ROLE_SYNC) {
                best_role = GP_CAUSE_HOST_SYNC;
                best_name = k->name;
            } else if (k->role == GP_CALL_ROLE_COPY && best_role != GP_CAUSE_HOST_SYNC &&
                       blocked_on_copy(c, c->calls_by_end[i].idx)) {
                best_role = GP_CAUSE_BLOCKING_COPY;
                best_name = k->name;
            }
        }
        {
            int64_t s = k->start_ns > a ? k->start_ns : a, e = k->end_ns;
            if (e > s)
                in_calls = gp_sat_add(in_calls, e - s);
        }
    }
    if (best_role) {
        *label = best_name;
        return best_role;
    }
    if (w <= TINY_WINDOW_NS || (double)in_calls >= LAUNCH_BUSY_FRACTION * (double)w) {
        *label = 0;
        return GP_CAUSE_LAUNCH_BOUND;
    }
    /* Host work: name it by the range covering most of the window, on this
     * thread first; ranges far longer than the window (a whole step) do not
     * name it. reach: 10 windows, saturating (w may be most of 2^62). */
    reach = gp_sat_mul(10, w + 1);
    {
        int64_t best = 0, best_len = 0;
        gp_strid name = 0;
        for (int pass = 0; pass < 2 && !name; pass++) {
            size_t j = first_end_at(c->ranges_by_end, r->n_ranges, a);
            for (; j < r->n_ranges; j++) {
                const gp_range *g = &r->ranges[c->ranges_by_end[j].idx];
                int64_t s, e, ov, len = g->end_ns - g->start_ns;
                /* in end order: a range ending past ls + 10w that still
                 * overlaps the window is longer than 10w, so none is left */
                if (g->end_ns > gp_sat_add(ls, reach))
                    break;
                if (g->start_ns > ls || (pass == 0 && g->tid != tid) || len > reach)
                    continue;
                s = g->start_ns > a ? g->start_ns : a;
                e = g->end_ns < ls ? g->end_ns : ls;
                ov = e - s;
                if (ov > best || (ov == best && ov > 0 && len < best_len)) {
                    best = ov;
                    best_len = len;
                    name = g->name;
                }
            }
        }
        *label = name;
    }
    return GP_CAUSE_HOST_WORK;
}

static void note(gp_device_result *d, const gp_gap *g)
{
    gp_cause_stats *cs = &d->causes[g->cause];
    int64_t len = g->end_ns - g->start_ns;
    int at;

    cs->total_ns = gp_sat_add(cs->total_ns, len);
    cs->count++;
    for (at = cs->n_top; at > 0 && cs->top[at - 1].end_ns - cs->top[at - 1].start_ns < len; at--)
        ;
    if (at >= GP_TOP_EXAMPLES)
        return;
    if (cs->n_top < GP_TOP_EXAMPLES)
        cs->n_top++;
    memmove(&cs->top[at + 1], &cs->top[at], (size_t)(cs->n_top - 1 - at) * sizeof *cs->top);
    cs->top[at] = *g;
}

/* Counts a gap inside the span: its cause and its length bucket. Gaps are
 * not kept one by one (a trace of millions of kernels has millions). */
static void add_gap(gp_device_result *d, const gp_gap *g)
{
    int64_t len = g->end_ns - g->start_ns, top = 1000;
    int b = 0;

    note(d, g);
    while (b < GP_GAP_BUCKETS - 1 && len >= top) {
        b++;
        top *= 10;
    }
    d->gap_count[b]++;
    d->gap_ns[b] = gp_sat_add(d->gap_ns[b], len);
    d->n_gaps++;
}

/* Spreads a gap's time over the idle bins it crosses. O(bins crossed).
 * Only its part after first_ns counts: a gap starts before the device's
 * first op only when an op ended before it started, which the loaders
 * leave out, but the bin index stays in bounds whatever the model holds. */
static void bin_gap(gp_device_result *d, const gp_gap *g)
{
    int64_t s = gp_sat_sub(g->start_ns, d->first_ns), e = gp_sat_sub(g->end_ns, d->first_ns);

    if (s < 0)
        s = 0;
    if (d->idle_bin_ns <= 0 || e <= s)
        return;
    for (int64_t b = s / d->idle_bin_ns; b < d->n_idle_bins && s < e; b++) {
        int64_t edge = gp_sat_mul(b + 1, d->idle_bin_ns), to = e < edge ? e : edge;
        d->idle_bins[b][g->cause] += to - s;
        s = to;
    }
}

/* Sets the idle bins' width from the device's span: one pass over the ops
 * for the last end (ops are sorted by start, not end). */
static void size_bins(const gp_rank *r, gp_device_result *d)
{
    int64_t first = 0, last = 0, span;
    int any = 0;

    for (size_t i = 0; i < r->n_ops; i++) {
        const gp_op *o = &r->ops[i];
        if (o->device != d->device)
            continue;
        if (!any)
            first = last = o->start_ns;
        any = 1;
        if (o->end_ns > last)
            last = o->end_ns;
    }
    span = gp_sat_sub(last, first);
    if (!any || span <= 0)
        return;
    d->idle_bin_ns = span / GP_IDLE_BINS + (span % GP_IDLE_BINS != 0); /* rounded up */
    d->n_idle_bins = (int)(span / d->idle_bin_ns + (span % d->idle_bin_ns != 0));
}

static int device_gaps(const ctx *c, const gp_job *job, gp_device_result *d)
{
    const gp_rank *r = c->r;
    int64_t cur_s = 0, cur_e = -1, kern_e = -1, kern_s = 0, copy_e = -1, copy_s = 0;
    int any = 0;

    size_bins(r, d);
    for (size_t i = 0; i < r->n_ops; i++) {
        const gp_op *o = &r->ops[i];
        int64_t *ue = o->kind == GP_OP_KERNEL ? &kern_e : &copy_e;
        int64_t *us = o->kind == GP_OP_KERNEL ? &kern_s : &copy_s;
        int64_t *tot = o->kind == GP_OP_KERNEL ? &d->kernel_ns : &d->copy_ns;

        if (o->device != d->device)
            continue;
        if (o->kind == GP_OP_KERNEL)
            d->n_kernels++;
        else if (o->kind == GP_OP_MEMCPY)
            d->n_copies++;
        else
            d->n_memsets++;
        /* per-kind unions */
        if (o->start_ns > *ue) {
            if (*ue > *us)
                *tot = gp_sat_add(*tot, *ue - *us);
            *us = o->start_ns;
            *ue = o->end_ns;
        } else if (o->end_ns > *ue) {
            *ue = o->end_ns;
        }
        if (!any) {
            any = 1;
            d->first_ns = cur_s = o->start_ns;
            cur_e = o->end_ns;
            continue;
        }
        if (o->start_ns > cur_e) {
            gp_gap g = { cur_e, o->start_ns, GP_CAUSE_UNKNOWN, 0 };
            d->busy_ns = gp_sat_add(d->busy_ns, cur_e - cur_s);
            if (o->launch >= 0) {
                const gp_call *l = &r->calls[o->launch];
                if (l->end_ns <= cur_e)
                    g.cause = GP_CAUSE_DEPENDENCY; /* submitted before the GPU ran dry */
                else if (l->start_ns <= cur_e)
                    g.cause = GP_CAUSE_LAUNCH_BOUND; /* the host was mid-launch */
                else
                    g.cause = (uint8_t)host_cause(c, l->tid, cur_e, l->start_ns, &g.label);
            }
            d->idle_ns = gp_sat_add(d->idle_ns, g.end_ns - g.start_ns);
            add_gap(d, &g);
            bin_gap(d, &g);
            cur_s = o->start_ns;
            cur_e = o->end_ns;
        } else if (o->end_ns > cur_e) {
            cur_e = o->end_ns;
        }
    }
    if (!any)
        return 0;
    d->busy_ns = gp_sat_add(d->busy_ns, cur_e - cur_s);
    d->last_ns = cur_e;
    if (kern_e > kern_s)
        d->kernel_ns = gp_sat_add(d->kernel_ns, kern_e - kern_s);
    if (copy_e > copy_s)
        d->copy_ns = gp_sat_add(d->copy_ns, copy_e - copy_s);
    /* The process's life around its GPU work. */
    if (r->job_start_ns > 0 && r->job_start_ns < d->first_ns) {
        gp_gap g = { r->job_start_ns, d->first_ns, GP_CAUSE_STARTUP, 0 };
        note(d, &g);
    }
    if (r->job_end_ns > d->last_ns) {
        gp_gap g = { d->last_ns, r->job_end_ns, GP_CAUSE_TEARDOWN, 0 };
        note(d, &g);
    }
    (void)job;
    return 0;
}

int gp_gaps_analyze(const gp_job *job, const gp_rank *r, gp_rank_result *out)
{
    ctx c = { r, NULL, NULL, NULL };
    int32_t devs[256];
    size_t nd = 0;
    int rc = 0;
    int64_t first = INT64_MAX, last = INT64_MIN;

    for (size_t i = 0; i < r->n_ops; i++) {
        size_t k;
        for (k = 0; k < nd && devs[k] != r->ops[i].device; k++)
            ;
        if (k == nd && nd < 256)
            devs[nd++] = r->ops[i].device;
        if (r->ops[i].start_ns < first)
            first = r->ops[i].start_ns;
        if (r->ops[i].end_ns > last)
            last = r->ops[i].end_ns;
    }
    out->span_ns = r->n_ops ? gp_sat_sub(last, first) : 0;
    out->devices = calloc(nd ? nd : 1, sizeof *out->devices);
    c.calls_by_end = malloc((r->n_calls + 1) * sizeof *c.calls_by_end);
    c.copy_op = malloc((r->n_calls + 1) * sizeof *c.copy_op);
    c.ranges_by_end = malloc((r->n_ranges + 1) * sizeof *c.ranges_by_end);
    if (!out->devices || !c.calls_by_end || !c.ranges_by_end || !c.copy_op) {
        rc = -1;
        goto done;
    }
    for (size_t i = 0; i < r->n_calls; i++) {
        c.calls_by_end[i] = (endix){ r->calls[i].end_ns, (uint32_t)i };
        c.copy_op[i] = -1;
    }
    for (size_t i = 0; i < r->n_ops; i++) /* launch joins were made by gp_rank_finish */
        if (r->ops[i].kind != GP_OP_KERNEL && r->ops[i].launch >= 0)
            c.copy_op[r->ops[i].launch] = (int32_t)i;
    for (size_t i = 0; i < r->n_ranges; i++)
        c.ranges_by_end[i] = (endix){ r->ranges[i].end_ns, (uint32_t)i };
    sort_ends(c.calls_by_end, r->n_calls);
    sort_ends(c.ranges_by_end, r->n_ranges);
    /* devices in id order */
    for (size_t i = 1; i < nd; i++)
        for (size_t j = i; j > 0 && devs[j - 1] > devs[j]; j--) {
            int32_t t = devs[j];
            devs[j] = devs[j - 1];
            devs[j - 1] = t;
        }
    for (size_t k = 0; k < nd && rc == 0; k++) {
        gp_device_result *d = &out->devices[out->n_devices++];
        const gp_devinfo *info = gp_rank_device(r, devs[k]);
        d->device = devs[k];
        if (info) {
            d->name = info->name;
            d->sm_count = info->sm_count;
        }
        rc = device_gaps(&c, job, d);
    }
done:
    free(c.calls_by_end);
    free(c.ranges_by_end);
    free(c.copy_op);
    return rc;
}
