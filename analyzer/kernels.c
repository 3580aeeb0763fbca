/* kernels.c: GPU time by kernel name and by class x precision. O(n log n). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "analyze.h"

typedef struct item {
    gp_strid name;
    int64_t dur;
    uint8_t kind, kclass, precision, tc;
} item;

static int cmp_name(const void *a, const void *b)
{
    const item *x = a, *y = b;
    if (x->name != y->name)
        return x->name < y->name ? -1 : 1;
    return (x->kind > y->kind) - (x->kind < y->kind);
}

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
    item *it = malloc((r->n_ops + 1) * sizeof *it);
    size_t n = 0;

    (void)job;
    if (!it)
        return -1;
    for (size_t i = 0; i < r->n_ops; i++) {
        const gp_op *o = &r->ops[i];
        it[n++] = (item){ o->name, o->end_ns - o->start_ns, o->kind, o->kclass, o->precision,
                          o->tensor_core };
    }
    qsort(it, n, sizeof *it, cmp_name);
    out->kernels = calloc(n + 1, sizeof *out->kernels);
    if (!out->kernels) {
        free(it);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        gp_kernel_stat *k;
        if (i == 0 || it[i].name != it[i - 1].name || it[i].kind != it[i - 1].kind) {
            k = &out->kernels[out->n_kernels++];
            k->name = it[i].name;
            k->kind = it[i].kind;
            k->kclass = it[i].kclass;
            k->precision = it[i].precision;
            k->tensor_core = it[i].tc;
            k->min_ns = it[i].dur;
        }
        k = &out->kernels[out->n_kernels - 1];
        k->count++;
        k->total_ns += it[i].dur;
        if (it[i].dur < k->min_ns)
            k->min_ns = it[i].dur;
        if (it[i].dur > k->max_ns)
            k->max_ns = it[i].dur;
    }
    qsort(out->kernels, out->n_kernels, sizeof *out->kernels, cmp_total_k);

    /* class x precision x tensor cores, kernels only */
    out->precisions = calloc(GP_KC_COUNT * GP_PREC_COUNT * 3 + 1, sizeof *out->precisions);
    if (!out->precisions) {
        free(it);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        size_t j;
        if (it[i].kind != GP_OP_KERNEL)
            continue;
        for (j = 0; j < out->n_precisions; j++) {
            gp_precision_row *p = &out->precisions[j];
            if (p->kclass == it[i].kclass && p->precision == it[i].precision &&
                p->tensor_core == it[i].tc)
                break;
        }
        if (j == out->n_precisions) {
            out->precisions[j].kclass = it[i].kclass;
            out->precisions[j].precision = it[i].precision;
            out->precisions[j].tensor_core = it[i].tc;
            out->n_precisions++;
        }
        out->precisions[j].count++;
        out->precisions[j].total_ns += it[i].dur;
    }
    qsort(out->precisions, out->n_precisions, sizeof *out->precisions, cmp_total_p);
    free(it);
    return 0;
}
