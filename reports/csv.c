/* csv.c: one report table as RFC 4180 CSV (header row, CRLF line ends;
 * fields quoted by gp_esc_csv). Tables and columns: docs/report.md. */
#include "config.h"

#include <inttypes.h>

#include "analyzer/model/classify.h"
#include "escape.h"
#include "report_int.h"

static void str(FILE *f, const char *s, int last)
{
    gp_esc_csv(f, s);
    fputs(last ? "\r\n" : ",", f);
}

static void kernels(gp_rctx *c)
{
    static const char *const kinds[] = { "kernel", "memcpy", "memset" };
    FILE *f = c->out;
    char b[512];

    fputs("rank,name,short_name,kind,class,precision,tensor_cores,count,total_ns,min_ns,max_ns,"
          "mean_ns\r\n", f);
    for (size_t i = 0; i < c->a->n_ranks; i++) {
        const gp_rank_result *r = &c->a->ranks[i];
        for (size_t k = 0; k < r->n_kernels; k++) {
            const gp_kernel_stat *s = &r->kernels[k];
            fprintf(f, "%d,", r->rank);
            str(f, gp_job_str(c->a->job, s->name), 0);
            str(f, gp_report_kname(c->a, s->name, 0, b, sizeof b), 0);
            fprintf(f, "%s,%s,%s,%s,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 "\r\n",
                    kinds[s->kind < 3 ? s->kind : 0], gp_kclass_name(s->kclass),
                    gp_precision_name(s->precision), gp_tc_name(s->tensor_core), s->count,
                    s->total_ns, s->min_ns, s->max_ns, s->count ? s->total_ns / s->count : 0);
        }
    }
}

/* The longest gaps of each cause (up to GP_TOP_EXAMPLES per cause and device). */
static void gaps(gp_rctx *c)
{
    FILE *f = c->out;

    fputs("rank,device,cause,start_ns,end_ns,duration_ns,host_label\r\n", f);
    for (size_t i = 0; i < c->a->n_ranks; i++)
        for (size_t k = 0; k < c->a->ranks[i].n_devices; k++) {
            const gp_device_result *d = &c->a->ranks[i].devices[k];
            for (int x = 0; x < GP_CAUSE_COUNT; x++)
                for (int t = 0; t < d->causes[x].n_top; t++) {
                    const gp_gap *g = &d->causes[x].top[t];
                    fprintf(f, "%d,%d,%s,%" PRId64 ",%" PRId64 ",%" PRId64 ",", c->a->ranks[i].rank,
                            (int)d->device, gp_cause_id(x), g->start_ns, g->end_ns,
                            g->end_ns - g->start_ns);
                    str(f, gp_job_str(c->a->job, g->label), 1);
                }
        }
}

static void findings(gp_rctx *c)
{
    FILE *f = c->out;

    fputs("id,severity,rank,device,title,evidence,fix,cost_ns,recoverable_ns,basis_ns,whatif_ns\r\n",
          f);
    for (size_t i = 0; i < c->a->n_findings; i++) {
        const gp_finding *x = &c->a->findings[i];
        fprintf(f, "%s,%s,%d,%d,", x->id, gp_severity_name(x->severity), c->a->ranks[x->rank].rank,
                (int)x->device);
        str(f, x->title, 0);
        str(f, x->evidence, 0);
        str(f, x->fix, 0);
        fprintf(f, "%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 "\r\n", x->cost_ns,
                x->recoverable_ns, x->basis_ns, x->whatif_ns);
    }
}

/* Every sample, as recorded. */
static void samples(gp_rctx *c)
{
    FILE *f = c->out;

    fputs("rank,name,device,ts_ns,dur_ns,value\r\n", f);
    for (size_t i = 0; i < c->a->n_ranks; i++) {
        const gp_rank *r = gp_job_rank_c(c->a->job, i);
        for (size_t k = 0; k < r->n_samples; k++) {
            const gp_sample *s = &r->samples[k];
            fprintf(f, "%d,", c->a->ranks[i].rank);
            str(f, gp_job_str(c->a->job, s->name), 0);
            fprintf(f, "%d,%" PRId64 ",%" PRId64 ",%.17g\r\n", (int)s->device, s->ts_ns, s->dur_ns,
                    s->value);
        }
    }
}

int gp_report_csv(gp_rctx *c)
{
    switch (c->o->table) {
    case GP_TABLE_KERNELS: kernels(c); break;
    case GP_TABLE_GAPS: gaps(c); break;
    case GP_TABLE_FINDINGS: findings(c); break;
    case GP_TABLE_SAMPLES: samples(c); break;
    default: return -1;
    }
    return ferror(c->out) ? -1 : 0;
}
