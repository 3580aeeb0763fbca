/* diff.c: two analyses compared (diff.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/checked.h"
#include "diff.h"

typedef struct kagg {
    const char *name;
    int64_t count, total_ns;
} kagg;

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const kagg *)a)->name, ((const kagg *)b)->name);
}

/* Every kernel name of a run with its count and time summed over ranks,
 * sorted by name. NULL if out of memory. */
static kagg *collect(const gp_analysis *a, size_t *n)
{
    size_t total = 0, k = 0;
    kagg *v;

    for (size_t i = 0; i < a->n_ranks; i++)
        total += a->ranks[i].n_kernels;
    v = malloc((total + 1) * sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < a->n_ranks; i++)
        for (size_t j = 0; j < a->ranks[i].n_kernels; j++) {
            const gp_kernel_stat *s = &a->ranks[i].kernels[j];
            v[k++] = (kagg){ gp_job_str(a->job, s->name), s->count, s->total_ns };
        }
    qsort(v, k, sizeof *v, cmp_name);
    *n = 0;
    for (size_t i = 0; i < k; i++) { /* merge equal names */
        if (*n && strcmp(v[*n - 1].name, v[i].name) == 0) {
            v[*n - 1].count += v[i].count;
            v[*n - 1].total_ns = gp_sat_add(v[*n - 1].total_ns, v[i].total_ns);
        } else {
            v[(*n)++] = v[i];
        }
    }
    return v;
}

static int status_of(const gp_diff_kernel *k)
{
    int64_t d = k->new_ns - k->base_ns;

    if (!k->base_count)
        return GP_DIFF_ADDED;
    if (!k->new_count)
        return GP_DIFF_REMOVED;
    if (d >= GP_DIFF_MIN_NS && (double)d >= (double)k->base_ns * GP_DIFF_MIN_PCT / 100.0)
        return GP_DIFF_SLOWER;
    if (-d >= GP_DIFF_MIN_NS && (double)-d >= (double)k->base_ns * GP_DIFF_MIN_PCT / 100.0)
        return GP_DIFF_FASTER;
    return GP_DIFF_SAME;
}

static int cmp_change(const void *a, const void *b)
{
    const gp_diff_kernel *x = a, *y = b;
    int64_t dx = llabs(x->new_ns - x->base_ns), dy = llabs(y->new_ns - y->base_ns);

    if (x->status != y->status)
        return x->status - y->status;
    if (dx != dy)
        return dx > dy ? -1 : 1;
    return strcmp(x->name, y->name);
}

gp_diff *gp_diff_compute(const gp_analysis *base, const gp_analysis *next)
{
    size_t nb = 0, nn = 0, i = 0, j = 0;
    kagg *b = collect(base, &nb), *n = collect(next, &nn);
    gp_diff *d = calloc(1, sizeof *d);

    if (!b || !n || !d || !(d->kernels = calloc(nb + nn + 1, sizeof *d->kernels))) {
        free(b);
        free(n);
        gp_diff_free(d);
        return NULL;
    }
    gp_report_summarize(base, &d->base);
    gp_report_summarize(next, &d->new);
    while (i < nb || j < nn) {
        gp_diff_kernel *k = &d->kernels[d->n_kernels++];
        int c = i == nb ? 1 : j == nn ? -1 : strcmp(b[i].name, n[j].name);
        if (c <= 0) {
            k->name = b[i].name;
            k->base_count = b[i].count;
            k->base_ns = b[i].total_ns;
            i++;
        }
        if (c >= 0) {
            k->name = n[j].name;
            k->new_count = n[j].count;
            k->new_ns = n[j].total_ns;
            j++;
        }
        k->status = status_of(k);
        d->n_status[k->status]++;
    }
    qsort(d->kernels, d->n_kernels, sizeof *d->kernels, cmp_change);
    free(b);
    free(n);
    return d;
}

void gp_diff_free(gp_diff *d)
{
    if (!d)
        return;
    free(d->kernels);
    free(d);
}

const char *gp_diff_status_name(int s)
{
    static const char *const names[] = { "added", "removed", "slower", "faster", "same" };
    return s >= 0 && s < GP_DIFF_NSTATUS ? names[s] : "?";
}
