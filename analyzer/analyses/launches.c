/* launches.c: CUDA launch statistics: how long after its launch call a
 * kernel starts, and kernels shorter than their own launch. O(n). */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>

#include "analyzer/analyses/analyze.h"
#include "common/checked.h"

/* Puts the k-th smallest of v[lo..hi] at v[k], none larger before it and
 * none smaller after (quickselect, Hoare partition around the median of
 * three, so runs of equal values split evenly). O(n) expected. */
static void select_kth(int64_t *v, ptrdiff_t lo, ptrdiff_t hi, ptrdiff_t k)
{
    while (lo < hi) {
        int64_t a = v[lo], b = v[lo + (hi - lo) / 2], c = v[hi], p;
        ptrdiff_t i = lo, j = hi;

        p = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        while (i <= j) {
            while (v[i] < p)
                i++;
            while (v[j] > p)
                j--;
            if (i <= j) {
                int64_t t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return; /* v[j+1..i-1] all equal p */
    }
}

/* Nearest-rank percentile p of v[0..n); v is reordered. Percentiles must be
 * asked from the highest down: each selection leaves the values below its
 * rank in v[0..rank), where the next one searches. */
static int64_t pct(int64_t *v, size_t n, double p, size_t *upto)
{
    size_t i;

    if (!n)
        return 0;
    i = (size_t)(p * (double)(n - 1) + 0.5);
    if (i >= n)
        i = n - 1;
    select_kth(v, 0, (ptrdiff_t)(i < *upto ? *upto : n) - 1, (ptrdiff_t)i);
    *upto = i + 1;
    return v[i];
}

void gp_launches_analyze(const gp_job *job, const gp_rank *r, gp_rank_result *out)
{
    gp_launch_stats *s = &out->launches;
    int64_t *delay = malloc((r->n_ops + 1) * sizeof *delay);
    size_t n = 0;

    (void)job;
    for (size_t i = 0; i < r->n_calls; i++)
        if (r->calls[i].role == GP_CALL_ROLE_LAUNCH)
            s->launch_call_ns = gp_sat_add(s->launch_call_ns,
                                           r->calls[i].end_ns - r->calls[i].start_ns);
    for (size_t i = 0; i < r->n_ops; i++) {
        const gp_op *o = &r->ops[i];
        const gp_call *c;
        if (o->kind != GP_OP_KERNEL || o->launch < 0)
            continue;
        c = &r->calls[o->launch];
        if (delay)
            delay[n++] = o->start_ns - c->start_ns;
        if (o->end_ns - o->start_ns < c->end_ns - c->start_ns) {
            s->short_kernels++;
            s->short_kernel_ns = gp_sat_add(s->short_kernel_ns, o->end_ns - o->start_ns);
        }
    }
    s->launches = (int64_t)n;
    if (delay && n) {
        size_t upto = n;
        s->delay_max_ns = pct(delay, n, 1.0, &upto);
        s->delay_p99_ns = pct(delay, n, 0.99, &upto);
        s->delay_p90_ns = pct(delay, n, 0.90, &upto);
        s->delay_p50_ns = pct(delay, n, 0.50, &upto);
    }
    free(delay);
}
