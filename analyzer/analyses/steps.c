/* steps.c: training/inference steps and what the GPU did in each.
 *
 * Steps are the ranges named ProfilerStep#N (PyTorch profiler) when
 * present; else the host range name (NVTX or annotation) that repeats most
 * often, at least 3 times, without its ranges overlapping each other (a
 * loop body such as "step" or "train_step"). O(n log n).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "analyzer/analyses/analyze.h"

static int is_profiler_step(const char *s)
{
    return strncmp(s, "ProfilerStep#", 13) == 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

typedef struct cand {
    gp_strid name;
    int64_t start_ns, end_ns;
} cand;

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->name != y->name)
        return x->name < y->name ? -1 : 1;
    return (x->start_ns > y->start_ns) - (x->start_ns < y->start_ns);
}

/* Candidate name: the most frequent non-overlapping repeated range name
 * (NVTX and annotations; not operators). O(n log n). */
static gp_strid pick_name(const gp_job *job, const gp_rank *r)
{
    gp_strid best = 0;
    size_t best_n = 0, n = 0;
    cand *c;

    for (size_t i = 0; i < r->n_ranges; i++)
        if (is_profiler_step(gp_job_str(job, r->ranges[i].name)))
            return (gp_strid)-1; /* marker: use ProfilerStep#N */
    c = malloc((r->n_ranges + 1) * sizeof *c);
    if (!c)
        return 0;
    for (size_t i = 0; i < r->n_ranges; i++) {
        const gp_range *g = &r->ranges[i];
        if (g->name && g->end_ns > g->start_ns &&
            (g->kind == GP_RANGE_NVTX || g->kind == GP_RANGE_ANNOTATION))
            c[n++] = (cand){ g->name, g->start_ns, g->end_ns };
    }
    qsort(c, n, sizeof *c, cmp_cand);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        int overlap = 0;
        for (; j < n && c[j].name == c[i].name; j++)
            overlap |= c[j].start_ns < c[j - 1].end_ns;
        if (!overlap && j - i >= 3 && j - i > best_n) {
            best = c[i].name;
            best_n = j - i;
        }
        i = j;
    }
    free(c);
    return best;
}

int gp_steps_analyze(const gp_job *job, const gp_rank *r, gp_rank_result *out)
{
    gp_strid name = pick_name(job, r);
    size_t cap = 0, op_lo = 0;
    int64_t *durs;

    if (!name)
        return 0;
    for (size_t i = 0; i < r->n_ranges; i++) {
        const gp_range *g = &r->ranges[i];
        const char *s = gp_job_str(job, g->name);
        gp_step *st;

        if (name == (gp_strid)-1 ? !is_profiler_step(s) : g->name != name)
            continue;
        if (g->end_ns <= g->start_ns)
            continue;
        if (out->n_steps == cap) {
            size_t nc = cap ? 2 * cap : 64;
            gp_step *p = realloc(out->steps, nc * sizeof *p);
            if (!p)
                return -1;
            out->steps = p;
            cap = nc;
        }
        st = &out->steps[out->n_steps++];
        memset(st, 0, sizeof *st);
        st->start_ns = g->start_ns;
        st->end_ns = g->end_ns;
        st->name = g->name;
    }
    out->step_name = name != (gp_strid)-1 ? name
                     : gp_job_intern((gp_job *)job, "ProfilerStep#N", 14);
    /* GPU busy inside each step (union over devices) and kernels started in it. */
    for (size_t k = 0; k < out->n_steps; k++) {
        gp_step *st = &out->steps[k];
        int64_t cur_s = 0, cur_e = INT64_MIN;

        while (op_lo < r->n_ops && r->ops[op_lo].end_ns <= st->start_ns &&
               r->ops[op_lo].start_ns < st->start_ns)
            op_lo++;
        for (size_t i = op_lo; i < r->n_ops && r->ops[i].start_ns < st->end_ns; i++) {
            const gp_op *o = &r->ops[i];
            int64_t s = o->start_ns > st->start_ns ? o->start_ns : st->start_ns;
            int64_t e = o->end_ns < st->end_ns ? o->end_ns : st->end_ns;
            if (e <= s)
                continue;
            if (o->kind == GP_OP_KERNEL && o->start_ns >= st->start_ns)
                st->kernels++;
            if (s > cur_e) {
                if (cur_e > cur_s)
                    st->busy_ns += cur_e - cur_s;
                cur_s = s;
                cur_e = e;
            } else if (e > cur_e) {
                cur_e = e;
            }
        }
        if (cur_e > cur_s)
            st->busy_ns += cur_e - cur_s;
    }
    durs = malloc((out->n_steps + 1) * sizeof *durs);
    if (durs) {
        for (size_t k = 0; k < out->n_steps; k++)
            durs[k] = out->steps[k].end_ns - out->steps[k].start_ns;
        qsort(durs, out->n_steps, sizeof *durs, cmp_i64);
        out->step_p50_ns = out->n_steps ? durs[out->n_steps / 2] : 0;
        free(durs);
    }
    return 0;
}
