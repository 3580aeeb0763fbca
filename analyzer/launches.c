/* launches.c: CUDA launch statistics: how long after its launch call a
 * kernel starts, and kernels shorter than their own launch. O(n log n). */
#include "config.h"

#include <stdlib.h>

#include "analyze.h"

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int64_t pct(const int64_t *v, size_t n, double p)
{
    size_t i;

    if (!n)
        return 0;
    i = (size_t)(p * (double)(n - 1) + 0.5); /* nearest rank */
    return v[i < n ? i : n - 1];
}

void gp_launches_analyze(const gp_job *job, const gp_rank *r, gp_rank_result *out)
{
    gp_launch_stats *s = &out->launches;
    int64_t *delay = malloc((r->n_ops + 1) * sizeof *delay);
    size_t n = 0;

    (void)job;
    for (size_t i = 0; i < r->n_calls; i++)
        if (r->calls[i].role == GP_CALL_ROLE_LAUNCH)
            s->launch_call_ns += r->calls[i].end_ns - r->calls[i].start_ns;
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
            s->short_kernel_ns += o->end_ns - o->start_ns;
        }
    }
    s->launches = (int64_t)n;
    if (delay && n) {
        qsort(delay, n, sizeof *delay, cmp_i64);
        s->delay_p50_ns = pct(delay, n, 0.50);
        s->delay_p90_ns = pct(delay, n, 0.90);
        s->delay_p99_ns = pct(delay, n, 0.99);
        s->delay_max_ns = delay[n - 1];
    }
    free(delay);
}
