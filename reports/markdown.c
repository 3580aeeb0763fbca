/* markdown.c: the report as Markdown tables and text, for pull requests.
 * Trace strings pass through gp_esc_md, so a name cannot break a table or
 * inject HTML. Same sections as the HTML page; charts become tables. */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "analyzer/model/classify.h"
#include "common/format.h"
#include "escape.h"
#include "report_int.h"

static double pct(int64_t part, int64_t whole)
{
    return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

static void summary(gp_rctx *c)
{
    FILE *f = c->out;
    const gp_report_summary *s = &c->sum;
    char b[4][32];

    fprintf(f, "## Summary\n\n| metric | value |\n|---|---:|\n");
    fprintf(f, "| GPU busy (all devices) | %.1f %% |\n", s->busy_pct);
    fprintf(f, "| GPU idle inside the run | %s |\n", gp_fmt_ns(b[0], sizeof b[0], s->idle_ns));
    if (s->top_cause >= 0)
        fprintf(f, "| main idle cause | %s (%.0f %% of idle) |\n", gp_cause_name(s->top_cause),
                pct(s->cause_ns[s->top_cause], s->idle_ns));
    fprintf(f, "| step time (median, slowest rank) | %s |\n",
            s->step_ns ? gp_fmt_ns(b[1], sizeof b[1], s->step_ns) : "n/a");
    fprintf(f, "| GPU time span | %s |\n| kernels | %s |\n| findings | %zu |\n\n",
            gp_fmt_ns(b[2], sizeof b[2], s->span_ns), gp_fmt_count(b[3], sizeof b[3], s->kernels),
            c->a->n_findings);
}

/* Busy % per tenth of the run, per device: the chart as a table row. */
static void timeline(gp_rctx *c)
{
    FILE *f = c->out;
    char b[64];

    if (!c->ser.n_util)
        return;
    fprintf(f, "## Utilization over time\n\nGPU busy %% in each tenth of the run.\n\n| device |");
    for (int t = 1; t <= 10; t++)
        fprintf(f, " %d |", t);
    fprintf(f, "\n|---|");
    for (int t = 1; t <= 10; t++)
        fprintf(f, "---:|");
    fprintf(f, "\n");
    for (size_t i = 0; i < c->ser.n_util; i++) {
        const gp_util_series *u = &c->ser.util[i];
        fprintf(f, "| rank %d, ", c->a->ranks[u->rank_index].rank);
        gp_esc_md(f, gp_report_devname(c->a, u->dev, b, sizeof b));
        fprintf(f, " |");
        for (int t = 0; t < 10; t++) {
            int b0 = t * u->n_bins / 10, b1 = (t + 1) * u->n_bins / 10;
            double sum = 0;
            for (int k = b0; k < b1; k++)
                sum += u->busy_pct[k];
            if (b1 > b0)
                fprintf(f, " %.0f |", sum / (b1 - b0));
            else
                fprintf(f, " |");
        }
        fprintf(f, "\n");
    }
    fprintf(f, "\n");
}

static void causes(gp_rctx *c)
{
    FILE *f = c->out;
    char b[3][64];

    fprintf(f, "## Idle time by cause\n\n| rank | device | cause | time | gaps | longest | host was in |"
            "\n|---|---|---|---:|---:|---:|---|\n");
    for (size_t i = 0; i < c->a->n_ranks; i++)
        for (size_t k = 0; k < c->a->ranks[i].n_devices; k++) {
            const gp_device_result *d = &c->a->ranks[i].devices[k];
            for (int x = 0; x < GP_CAUSE_COUNT; x++) {
                const gp_cause_stats *cs = &d->causes[x];
                if (!cs->count)
                    continue;
                fprintf(f, "| %d | ", c->a->ranks[i].rank);
                gp_esc_md(f, gp_report_devname(c->a, d, b[0], sizeof b[0]));
                fprintf(f, " | %s | %s | %" PRId64 " | %s | ", gp_cause_name(x),
                        gp_fmt_ns(b[1], sizeof b[1], cs->total_ns), cs->count,
                        gp_fmt_ns(b[2], sizeof b[2], cs->n_top ? cs->top[0].end_ns - cs->top[0].start_ns : 0));
                gp_esc_md(f, cs->n_top ? gp_job_str(c->a->job, cs->top[0].label) : "");
                fprintf(f, " |\n");
            }
        }
    fprintf(f, "\n");
    for (size_t i = 0; i < c->a->n_ranks; i++) {
        const gp_hta_result *h = &c->a->ranks[i].hta;
        if (!h->valid)
            continue;
        fprintf(f, "Temporal breakdown, rank %d: compute %.2f %%, non-compute %.2f %%, idle %.2f %% "
                "of %.0f us.\n\n| stream | host wait us | kernel wait us | other us |\n"
                "|---:|---:|---:|---:|\n", c->a->ranks[i].rank, h->compute_pct, h->noncompute_pct,
                h->idle_pct, h->span_us);
        for (size_t k = 0; k < h->n_streams; k++)
            fprintf(f, "| %" PRId64 " | %.0f | %.0f | %.0f |\n", h->streams[k].stream,
                    h->streams[k].host_wait_us, h->streams[k].kernel_wait_us, h->streams[k].other_us);
        fprintf(f, "\n");
    }
}

static void kernels(gp_rctx *c)
{
    FILE *f = c->out;
    char b[256], t[2][32];

    fprintf(f, "## Top kernels by GPU time\n\n");
    for (size_t i = 0; i < c->a->n_ranks; i++) {
        const gp_rank_result *r = &c->a->ranks[i];
        fprintf(f, "Rank %d.\n\n| kernel | class | precision | tensor cores | count | total | mean |\n"
                "|---|---|---|---|---:|---:|---:|\n", r->rank);
        for (size_t k = 0; k < r->n_kernels && (int)k < c->top; k++) {
            const gp_kernel_stat *s = &r->kernels[k];
            fprintf(f, "| ");
            gp_esc_md(f, gp_report_kname(c->a, s->name, 90, b, sizeof b));
            fprintf(f, " | %s | %s | %s | %" PRId64 " | %s | %s |\n", gp_kclass_name(s->kclass),
                    gp_precision_name(s->precision), gp_tc_name(s->tensor_core), s->count,
                    gp_fmt_ns(t[0], sizeof t[0], s->total_ns),
                    gp_fmt_ns(t[1], sizeof t[1], s->count ? s->total_ns / s->count : 0));
        }
        fprintf(f, "\n| class | precision | tensor cores | kernels | time | underused |\n"
                "|---|---|---|---:|---:|---|\n");
        for (size_t k = 0; k < r->n_precisions; k++) {
            const gp_precision_row *p = &r->precisions[k];
            fprintf(f, "| %s | %s | %s | %" PRId64 " | %s | %s |\n", gp_kclass_name(p->kclass),
                    gp_precision_name(p->precision), gp_tc_name(p->tensor_core), p->count,
                    gp_fmt_ns(t[0], sizeof t[0], p->total_ns), gp_report_underused(p) ? "yes" : "");
        }
        fprintf(f, "\n");
    }
}

static void findings(gp_rctx *c)
{
    FILE *f = c->out;
    char b[4][32];

    fprintf(f, "## Findings\n\n");
    if (!c->a->n_findings)
        fprintf(f, "None.\n\n");
    for (size_t i = 0; i < c->a->n_findings; i++) {
        const gp_finding *x = &c->a->findings[i];
        fprintf(f, "### %zu. ", i + 1);
        gp_esc_md(f, x->title);
        fprintf(f, "\n\n*%s*, `%s`, rank %d", gp_severity_name(x->severity), x->id,
                c->a->ranks[x->rank].rank);
        if (x->device >= 0)
            fprintf(f, ", GPU %d", (int)x->device);
        fprintf(f, ". Costs %s; about %s recoverable (%s would take %s).\n\n",
                gp_fmt_ns(b[0], sizeof b[0], x->cost_ns),
                gp_fmt_ns(b[1], sizeof b[1], x->recoverable_ns),
                gp_fmt_ns(b[2], sizeof b[2], x->basis_ns), gp_fmt_ns(b[3], sizeof b[3], x->whatif_ns));
        fprintf(f, "- Evidence: ");
        gp_esc_md(f, x->evidence);
        fprintf(f, "\n- Fix: ");
        gp_esc_md(f, x->fix);
        fprintf(f, "\n\n");
    }
}

static void samples(gp_rctx *c)
{
    FILE *f = c->out;

    if (!c->ser.n_samples)
        return;
    fprintf(f, "## NVML and counter samples\n\n| rank | metric | device | samples | min | mean | max |\n"
            "|---|---|---:|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < c->ser.n_samples; i++) {
        const gp_sample_series *s = &c->ser.samples[i];
        double sum = 0;
        for (size_t k = 0; k < s->n; k++)
            sum += s->value[k];
        fprintf(f, "| %d | ", c->a->ranks[s->rank_index].rank);
        gp_esc_md(f, gp_job_str(c->a->job, s->name));
        fprintf(f, " | %d | %zu | %.4g | %.4g | %.4g |\n", (int)s->device, s->n_raw, s->min,
                s->n ? sum / (double)s->n : 0, s->max);
    }
    fprintf(f, "\n");
}

int gp_report_md(gp_rctx *c)
{
    FILE *f = c->out;
    char b[64];

    fprintf(f, "# GPU utilization report\n\n");
    for (int i = 0; i < c->o->n_inputs; i++) {
        fprintf(f, "%s", i ? ", " : "Inputs: ");
        gp_esc_md(f, c->o->inputs[i]);
    }
    fprintf(f, "%sgpupack %s.\n\n", c->o->n_inputs ? ". " : "", PACKAGE_VERSION);
    summary(c);
    timeline(c);
    causes(c);
    kernels(c);
    findings(c);
    gp_report_cosched_md(c);
    samples(c);
    fprintf(f, "## Devices\n\n| rank | device | SMs | kernels | busy |\n|---|---|---:|---:|---:|\n");
    for (size_t i = 0; i < c->a->n_ranks; i++)
        for (size_t k = 0; k < c->a->ranks[i].n_devices; k++) {
            const gp_device_result *d = &c->a->ranks[i].devices[k];
            fprintf(f, "| %d | ", c->a->ranks[i].rank);
            gp_esc_md(f, gp_report_devname(c->a, d, b, sizeof b));
            fprintf(f, " | %d | %" PRId64 " | %.1f %% |\n", d->sm_count, d->n_kernels,
                    pct(d->busy_ns, d->last_ns - d->first_ns));
        }
    return ferror(f) ? -1 : 0;
}
