/* kernels.c: GPU time by kernel name and by class x precision. O(n log n). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "analyzer/analyses/analyze.h"
#include "common/checked.h"

static int cmp_total_k(const void *a, const void *b)
{
    const gp_kernel_stat *x = a, *y = b;
    if (x->total_ns != y->total_ns)
        return x->total_ns > y->total_ns ? -1 : 1;
    return (x->name > y->name) - (x->name < y->name);
}

static int cmp_total_p(const void *a, const void *b)
{
    const gp_precision_row *x = a, *y = b;
    if (x->total_ns != y->total_ns)
        return x->total_ns > y->total_ns ? -1 : 1;
    return (int)x->kclass * 100 + x->precision - ((int)y->kclass * 100 + y->precision);
}

int gp_kernels_analyze(const gp_job *job, const gp_rank *r, gp_rank_result *out)
{
    /* One slot per (name, kind): names are dense string ids, so an array
     * indexed by id finds a name's slot in O(1). O(ops + strings). */
    size_t n_ids = gp_job_string_count(job);
    int32_t *slot = malloc(3 * (n_ids + 1) * sizeof *slot);
    size_t cap = 64;

    if (!slot)
        return -1;
    memset(slot, 0xff, 3 * (n_ids + 1) * sizeof *slot); /* -1: no slot yet */
    out->kernels = malloc(cap * sizeof *out->kernels);
    if (!out->kernels) {
        free(slot);
        return -1;
    }
    for (size_t i = 0; i < r->n_ops; i++) {
        const gp_op *o = &r->ops[i];
        size_t key = (size_t)(o->name < n_ids ? o->name : 0) * 3 + (o->kind < 3 ? o->kind : 0);
        int64_t dur = o->end_ns - o->start_ns;
        gp_kernel_stat *k;

        if (slot[key] < 0) {
            if (out->n_kernels == cap) {
                gp_kernel_stat *p = realloc(out->kernels, 2 * cap * sizeof *p);
                if (!p) {
                    free(slot);
                    return -1;
                }
                out->kernels = p;
                cap *= 2;
            }
            slot[key] = (int32_t)out->n_kernels;
            k = &out->kernels[out->n_kernels++];
            memset(k, 0, sizeof *k);
            k->name = o->name;
            k->kind = o->kind;
            k->kclass = o->kclass;
            k->precision = o->precision;
            k->tensor_core = o->tensor_core;
            k->min_ns = dur;
        }
        k = &out->kernels[slot[key]];
        k->count++;
        k->total_ns = gp_sat_add(k->total_ns, dur);
        if (dur < k->min_ns)
            k->min_ns = dur;
        if (dur > k->max_ns)
            k->max_ns = dur;
    }
    free(slot);
    qsort(out->kernels, out->n_kernels, sizeof *out->kernels, cmp_total_k);

    /* class x precision x tensor cores, kernels only: at most a few dozen rows */
    out->precisions = calloc(GP_KC_COUNT * GP_PREC_COUNT * 3 + 1, sizeof *out->precisions);
    if (!out->precisions)
        return -1;
    for (size_t i = 0; i < out->n_kernels; i++) {
        const gp_kernel_stat *k = &out->kernels[i];
        size_t j;
        if (k->kind != GP_OP_KERNEL)
            continue;
        for (j = 0; j < out->n_precisions; j++) {
            gp_precision_row *p = &out->precisions[j];
            if (p->kclass == k->kclass && p->precision == k->precision &&
                p->tensor_core == k->tensor_core)
                break;
        }
        if (j == out->n_precisions) {
            out->precisions[j].kclass = k->kclass;
            out->precisions[j].precision = k->precision;
            out->precisions[j].tensor_core = k->tensor_core;
            out->n_precisions++;
        }
        out->precisions[j].count += k->count;
        out->precisions[j].total_ns = gp_sat_add(out->precisions[j].total_ns, k->total_ns);
    }
    qsort(out->precisions, out->n_precisions, sizeof *out->precisions, cmp_total_p);
    return 0;
}
