/* text.c: the analysis as text for a terminal or a log. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "analyzer/model/classify.h"
#include "common/checked.h"
#include "common/format.h"
#include "common/text.h"
#include "analyzer/render/render.h"

/* Colours by meaning; only this file knows the escape codes. Every string
 * from the trace (names, labels, and findings, which quote them) is written
 * in its shown form (common/text.h), so a trace cannot send its own. */
enum { C_TITLE, C_CRIT, C_WARN, C_INFO, C_DIM, C_RESET, C_COUNT };
static const char *const ansi[C_COUNT] = { "\033[1m", "\033[1;31m", "\033[33m", "\033[36m",
                                           "\033[2m", "\033[0m" };

typedef struct out {
    FILE *f;
    int colour;
} out;

static const char *c(const out *o, int which)
{
    return o->colour ? ansi[which] : "";
}

static double pct(int64_t part, int64_t whole)
{
    return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

static void device_section(const out *o, const gp_analysis *a, const gp_device_result *d)
{
    char t1[32], t2[32], n1[32], n2[32], n3[32], n4[32], lbl[160];
    int64_t span = d->last_ns - d->first_ns;

    fprintf(o->f, "  GPU %d", d->device);
    if (d->name) {
        fputs(" (", o->f);
        gp_text_put(o->f, gp_job_str(a->job, d->name));
        fputs(d->sm_count ? "" : ")", o->f);
    }
    if (d->sm_count)
        fprintf(o->f, "%s%d SMs)", d->name ? ", " : " (", d->sm_count);
    fprintf(o->f, ": busy %.1f %% of %s (kernels %.1f %%, copies %.1f %%)\n",
            pct(d->busy_ns, span), gp_fmt_ns(t1, sizeof t1, span), pct(d->kernel_ns, span),
            pct(d->copy_ns, span));
    fprintf(o->f, "    %s kernels, %s copies, %s memsets; idle %s in %s gaps\n",
            gp_fmt_count(n1, sizeof n1, d->n_kernels), gp_fmt_count(n2, sizeof n2, d->n_copies),
            gp_fmt_count(n3, sizeof n3, d->n_memsets), gp_fmt_ns(t2, sizeof t2, d->idle_ns),
            gp_fmt_count(n4, sizeof n4, (int64_t)d->n_gaps));
    for (int k = 0; k < GP_CAUSE_COUNT; k++) {
        const gp_cause_stats *cs = &d->causes[k];
        const char *top = cs->n_top ? gp_job_str(a->job, cs->top[0].label) : "";
        if (!cs->count)
            continue;
        gp_text_fmt(lbl, sizeof lbl, top);
        fprintf(o->f, "      %-26s %10s %6.1f %%  %8s gaps%s%s%s\n", gp_cause_name(k),
                gp_fmt_ns(t1, sizeof t1, cs->total_ns),
                k == GP_CAUSE_STARTUP || k == GP_CAUSE_TEARDOWN ? 0.0 : pct(cs->total_ns, span),
                gp_fmt_count(n1, sizeof n1, cs->count), *lbl ? "  e.g. " : "", lbl, "");
    }
}

static void rank_section(const out *o, const gp_analysis *a, const gp_rank_result *r,
                         const gp_render_opts *opts)
{
    char t1[32], t2[32], t3[32], n1[32], n2[32], name[100];
    int rows = opts->top_kernels > 0 ? opts->top_kernels : 15;

    fprintf(o->f, "%sRank %d: ", c(o, C_TITLE), r->rank);
    gp_text_put(o->f, r->label);
    fprintf(o->f, "%s\n", c(o, C_RESET));
    if (r->bad_times) /* before the early return: a rank may hold nothing else */
        fprintf(o->f, "  %s%s record%s with impossible times left out (ending before they "
                "start, or outside 0 to 2^62 ns).%s\n", c(o, C_WARN),
                gp_fmt_count(n1, sizeof n1, (int64_t)r->bad_times), r->bad_times == 1 ? "" : "s",
                c(o, C_RESET));
    if (!r->n_devices) {
        fprintf(o->f, "  no GPU activity in this rank\n\n");
        return;
    }
    if (r->hta.valid)
        fprintf(o->f, "  GPU time (HTA temporal breakdown%s): span %s: compute %.2f %%, "
                "non-compute %.2f %%, idle %.2f %%\n",
                r->hta.step_filter ? ", last ProfilerStep left out as HTA does" : "",
                gp_fmt_ns(t1, sizeof t1, gp_sat_from_double(r->hta.span_us * 1e3)),
                r->hta.compute_pct,
                r->hta.noncompute_pct, r->hta.idle_pct);
    for (size_t k = 0; k < r->n_devices; k++)
        device_section(o, a, &r->devices[k]);
    if (r->n_steps) {
        int64_t busy = 0, tot = 0;
        for (size_t s = 0; s < r->n_steps; s++) {
            busy = gp_sat_add(busy, r->steps[s].busy_ns);
            tot = gp_sat_add(tot, r->steps[s].end_ns - r->steps[s].start_ns);
        }
        fprintf(o->f, "  Steps: %zu x '%s', median %s, GPU busy %.1f %% of step time\n",
                r->n_steps, gp_text_fmt(name, sizeof name, gp_job_str(a->job, r->step_name)),
                gp_fmt_ns(t1, sizeof t1, r->step_p50_ns),
                pct(busy, tot));
    }
    if (r->launches.launches)
        fprintf(o->f, "  Launches: %s kernels; start %s after the launch call began (median), "
                "p90 %s; %s kernels ran shorter than their launch\n",
                gp_fmt_count(n1, sizeof n1, r->launches.launches),
                gp_fmt_ns(t1, sizeof t1, r->launches.delay_p50_ns),
                gp_fmt_ns(t2, sizeof t2, r->launches.delay_p90_ns),
                gp_fmt_count(n2, sizeof n2, r->launches.short_kernels));
    if (r->dropped_records)
        fprintf(o->f, "  %sThe trace lost %s records; numbers may be low.%s\n", c(o, C_WARN),
                gp_fmt_count(n1, sizeof n1, (int64_t)r->dropped_records), c(o, C_RESET));
    if (r->taken_ns)
        fprintf(o->f, "  %sAnother profiler in the job (torch.profiler?) took CUPTI's records: the "
                "trace holds no GPU work from then on; the numbers cover the time before.%s\n",
                c(o, C_WARN), c(o, C_RESET));
    if (r->kernels_no_ts)
        fprintf(o->f, "  %s%s kernels came without timestamps from CUPTI and are not in the "
                "timeline; busy time may be low.%s\n", c(o, C_WARN),
                gp_fmt_count(n1, sizeof n1, (int64_t)r->kernels_no_ts), c(o, C_RESET));
    if (r->n_kernels) {
        int64_t total = 0;
        for (size_t i = 0; i < r->n_kernels; i++)
            total = gp_sat_add(total, r->kernels[i].total_ns);
        fprintf(o->f, "  %sTop GPU operations%s\n", c(o, C_TITLE), c(o, C_RESET));
        fprintf(o->f, "  %10s %6s %8s  %-11s %-7s %-3s  %s\n", "time", "%", "count", "class",
                "prec", "TC", "name");
        for (size_t i = 0; i < r->n_kernels && (int)i < rows; i++) {
            const gp_kernel_stat *k = &r->kernels[i];
            fprintf(o->f, "  %10s %5.1f%% %8s  %-11s %-7s %-3s  %s\n",
                    gp_fmt_ns(t1, sizeof t1, k->total_ns), pct(k->total_ns, total),
                    gp_fmt_count(n1, sizeof n1, k->count), gp_kclass_name(k->kclass),
                    gp_precision_name(k->precision),
                    k->tensor_core == GP_TC_YES ? "yes" : k->tensor_core == GP_TC_NO ? "no" : "?",
                    gp_kernel_short_name(gp_job_str(a->job, k->name), 70, name, sizeof name));
        }
    }
    if (r->hta.n_streams) {
        fprintf(o->f, "  Idle time per stream (HTA idle breakdown, gaps between a stream's "
                "kernels):\n");
        for (size_t s = 0; s < r->hta.n_streams; s++) {
            const gp_hta_stream *st = &r->hta.streams[s];
            fprintf(o->f, "    stream %lld: host wait %s, kernel wait %s, other %s\n",
                    (long long)st->stream,
                    st->has_host_wait
                        ? gp_fmt_ns(t1, sizeof t1, gp_sat_from_double(st->host_wait_us * 1e3)) : "-",
                    st->has_kernel_wait
                        ? gp_fmt_ns(t2, sizeof t2, gp_sat_from_double(st->kernel_wait_us * 1e3)) : "-",
                    gp_fmt_ns(t3, sizeof t3, gp_sat_from_double(st->other_us * 1e3)));
        }
    }
    fprintf(o->f, "\n");
}

static void finding(const out *o, const gp_analysis *a, const gp_finding *f)
{
    static const int sev_colour[] = { C_INFO, C_WARN, C_CRIT };
    char t1[32], t2[32];

    fprintf(o->f, "%s[%s]%s ", c(o, sev_colour[f->severity]), gp_severity_name(f->severity),
            c(o, C_RESET));
    gp_text_put(o->f, f->title);
    if (a->n_ranks > 1)
        fprintf(o->f, " (rank %d)", a->ranks[f->rank].rank);
    fprintf(o->f, "\n    %sevidence:%s ", c(o, C_DIM), c(o, C_RESET));
    gp_text_put(o->f, f->evidence);
    fprintf(o->f, "\n    %sfix:%s ", c(o, C_DIM), c(o, C_RESET));
    gp_text_put(o->f, f->fix);
    fputs("\n", o->f);
    if (f->recoverable_ns > 0)
        fprintf(o->f, "    %swhat-if:%s %s -> %s (-%.1f %%)\n", c(o, C_DIM), c(o, C_RESET),
                gp_fmt_ns(t1, sizeof t1, f->basis_ns), gp_fmt_ns(t2, sizeof t2, f->whatif_ns),
                pct(f->recoverable_ns, f->basis_ns));
    fprintf(o->f, "    %sid:%s ", c(o, C_DIM), c(o, C_RESET));
    gp_text_put(o->f, f->id);
    fputs("\n", o->f);
}

void gp_render_text(FILE *f, const gp_analysis *a, const gp_render_opts *opts)
{
    out o = { f, opts->colour };
    size_t shown = 0;

    for (size_t i = 0; i < a->n_ranks; i++)
        rank_section(&o, a, &a->ranks[i], opts);
    fprintf(f, "%sFindings%s (largest win first)\n", c(&o, C_TITLE), c(&o, C_RESET));
    for (size_t i = 0; i < a->n_findings; i++) {
        finding(&o, a, &a->findings[i]);
        shown++;
    }
    if (!shown)
        fprintf(f, "  none: no idle cause, stall or slow precision above the thresholds\n");
}
