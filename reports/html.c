/* html.c: the report as one self-contained HTML page: inline CSS and SVG,
 * no script, no fonts, no network. Every string from the trace goes
 * through gp_esc_html. Charts draw the aggregates of series.h, so the page
 * is a few hundred KB whatever the trace length. The colours live in the
 * style sheet below and nowhere else; charts name them by class (c0..c7 for
 * idle causes, busy, sample). */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "common/checked.h"
#include "analyzer/model/classify.h"
#include "common/format.h"
#include "escape.h"
#include "html.h"
#include "report_int.h"

#define W 1000   /* chart width in SVG units */
#define H 120    /* utilization chart height */
#define STRIP 14 /* the idle-cause strip under it */

const char gp_html_style[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2330;"
    "margin:0 auto;max-width:1180px;padding:16px 24px;background:#fff}\n"
    "h1{font-size:24px;margin:8px 0}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid "
    "#d8dde6;padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}\n"
    ".meta{color:#5a6272;font-size:13px}code,.mono{font-family:ui-monospace,Menlo,Consolas,"
    "monospace;font-size:12.5px}\n"
    ".cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #d8dde6;border-radius:"
    "6px;padding:8px 14px;min-width:150px}.card b{display:block;font-size:22px}.card span{color:"
    "#5a6272;font-size:12px}\n"
    "table{border-collapse:collapse;margin:6px 0 12px;width:100%}th,td{border-bottom:1px solid "
    "#e6e9ef;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f3f5f8;font-"
    "weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "\n"
    "td.k{max-width:520px;overflow-wrap:anywhere}tr.under td{background:#fff4e5}\n"
    "svg{width:100%;height:auto;display:block}svg text{font-size:11px;fill:#5a6272}\n"
    ".busy{fill:#2f6fd6;background:#2f6fd6}.axis{stroke:#b8bfcc;stroke-width:1}.line{fill:none;stroke:#2f6fd6;"
    "stroke-width:1.5}.bg{fill:#f3f5f8}.idle{opacity:.55}\n"
    ".c0{fill:#e8590c;background:#e8590c}.c1{fill:#c92a2a;background:#c92a2a}.c2{fill:#9c36b5;"
    "background:#9c36b5}.c3{fill:#f2b705;background:#f2b705}.c4{fill:#2b8a3e;background:#2b8a3e}"
    ".c5{fill:#868e96;background:#868e96}.c6{fill:#adb5bd;background:#adb5bd}.c7{fill:#495057;"
    "background:#495057}\n"
    ".sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px}\n"
    ".finding{border:1px solid #d8dde6;border-left:5px solid #868e96;border-radius:4px;padding:"
    "6px 12px;margin:10px 0}.finding.warning{border-left-color:#f08c00}.finding.critical{border-"
    "left-color:#c92a2a}.finding h3{margin:4px 0}.sev{font-size:11px;text-transform:uppercase;"
    "letter-spacing:.05em;color:#5a6272}\n"
    "@media print{body{max-width:none;padding:0}section{break-inside:avoid-page}.finding{break-"
    "inside:avoid}}\n";

/* Every trace string on the page: escaped, and at most about 4 KB, so one
 * huge kernel or range name cannot bloat the page. */
static void esc(FILE *f, const char *s)
{
    gp_esc_html_cut(f, s, GP_HTML_MAX_STRING);
}

/* "rank 3" ("Rank 3" with cap), and the rank's source when the job has
 * several ranks. */
static void rank_name(gp_rctx *c, size_t ri, int cap)
{
    fprintf(c->out, "%s %d", cap ? "Rank" : "rank", c->a->ranks[ri].rank);
    if (c->a->n_ranks > 1) {
        fprintf(c->out, " (");
        esc(c->out, c->a->ranks[ri].label);
        fprintf(c->out, ")");
    }
}

static void ns_td(FILE *f, int64_t ns)
{
    char b[32];
    fprintf(f, "<td class=n>%s</td>", gp_fmt_ns(b, sizeof b, ns));
}

static void count_td(FILE *f, int64_t n)
{
    char b[32];
    fprintf(f, "<td class=n>%s</td>", gp_fmt_count(b, sizeof b, n));
}

static void pct_td(FILE *f, double pct)
{
    fprintf(f, "<td class=n>%.1f %%</td>", pct);
}

static double pct(int64_t part, int64_t whole)
{
    return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

static void card(FILE *f, const char *value, const char *what)
{
    fprintf(f, "<div class=card><b>");
    esc(f, value);
    fprintf(f, "</b><span>");
    esc(f, what);
    fprintf(f, "</span></div>\n");
}

static void summary(gp_rctx *c)
{
    FILE *f = c->out;
    const gp_report_summary *s = &c->sum;
    char b[64], b2[64];

    fprintf(f, "<section id=summary><h2>Summary</h2><div class=cards>\n");
    snprintf(b, sizeof b, "%.1f %%", s->busy_pct);
    card(f, b, "GPU busy (all devices)");
    card(f, gp_fmt_ns(b, sizeof b, s->idle_ns), "GPU idle inside the run");
    if (s->top_cause >= 0) {
        snprintf(b2, sizeof b2, "%.0f %% of idle", pct(s->cause_ns[s->top_cause], s->idle_ns));
        snprintf(b, sizeof b, "%s", gp_cause_name(s->top_cause));
        card(f, b, b2);
    }
    card(f, s->step_ns ? gp_fmt_ns(b, sizeof b, s->step_ns) : "n/a",
         "step time (median, slowest rank)");
    card(f, gp_fmt_ns(b, sizeof b, s->span_ns), "GPU time span");
    card(f, gp_fmt_count(b, sizeof b, s->kernels), "kernels");
    card(f, gp_fmt_count(b, sizeof b, (int64_t)c->a->n_findings), "findings");
    if (s->recoverable_ns)
        card(f, gp_fmt_ns(b, sizeof b, s->recoverable_ns), "recoverable by the top fix");
    fprintf(f, "</div></section>\n");
}

static void legend(FILE *f)
{
    fprintf(f, "<p class=meta><span class='sw busy'></span>busy");
    for (int k = 0; k < GP_CAUSE_COUNT; k++) {
        fprintf(f, "<span class='sw c%d'></span>", k);
        esc(f, gp_cause_name(k));
    }
    fprintf(f, "</p>\n");
}

/* Busy % per bin as bars; under them the longest gaps of each cause, at
 * their place in time, coloured by cause (shorter gaps are under a pixel). */
static void util_chart(gp_rctx *c, const gp_util_series *u)
{
    FILE *f = c->out;
    const gp_device_result *d = u->dev;
    double span = (double)(d->last_ns - d->first_ns);
    double bw = span > 0 ? (double)u->bin_ns * W / span : W;
    char b[64];

    fprintf(f, "<h3>");
    rank_name(c, (size_t)u->rank_index, 1);
    fprintf(f, " &middot; ");
    esc(f, gp_report_devname(c->a, d, b, sizeof b));
    fprintf(f, " &middot; %.1f %% busy</h3>\n", pct(d->busy_ns, d->last_ns - d->first_ns));
    fprintf(f, "<svg viewBox='-70 0 %d %d' role=img aria-label='GPU busy over time'>\n", W + 80,
            H + STRIP + 22);
    fprintf(f, "<rect class=bg x=0 y=0 width=%d height=%d />\n", W, H);
    for (int i = 0; i < u->n_bins; i++) {
        double x = span > 0 ? (double)i * (double)u->bin_ns * W / span : 0;
        double w = (i == u->n_bins - 1 ? W - x : bw) + 0.05;
        double top = H - u->busy_pct[i] * H / 100.0;
        if (u->busy_pct[i] > 0)
            fprintf(f, "<rect class=busy x='%.1f' y='%.1f' width='%.1f' height='%.1f'/>\n", x,
                    top, w, u->busy_pct[i] * H / 100.0);
        /* the rest of the bin: its idle time, stacked by cause */
        for (int k = 0; k < GP_CAUSE_COUNT; k++) {
            double h = u->idle_pct[i][k] * H / 100.0;
            if (h < 0.05)
                continue;
            top -= h;
            fprintf(f, "<rect class='c%d idle' x='%.1f' y='%.1f' width='%.1f' height='%.1f'/>\n", k, x,
                    top < 0 ? 0 : top, w, h);
        }
    }
    for (int k = 0; k < GP_CAUSE_COUNT && span > 0; k++)
        for (int i = 0; i < d->causes[k].n_top; i++) {
            const gp_gap *g = &d->causes[k].top[i];
            double x0 = (double)(g->start_ns - d->first_ns) * W / span;
            double x1 = (double)(g->end_ns - d->first_ns) * W / span;
            if (x0 < 0)
                x0 = 0;
            if (x1 > W)
                x1 = W;
            if (x1 <= x0 && (x0 >= W || x1 <= 0))
                continue;
            fprintf(f, "<rect class=c%d x='%.1f' y=%d width='%.1f' height=%d><title>", k, x0, H + 2,
                    x1 - x0 < 1 ? 1 : x1 - x0, STRIP - 4);
            esc(f, gp_cause_name(k));
            fprintf(f, ": %s", gp_fmt_ns(b, sizeof b, g->end_ns - g->start_ns));
            if (g->label) {
                fprintf(f, " (");
                esc(f, gp_job_str(c->a->job, g->label));
                fprintf(f, ")");
            }
            fprintf(f, "</title></rect>\n");
        }
    fprintf(f, "<line class=axis x1=0 y1=%d x2=%d y2=%d />", H, W, H);
    fprintf(f, "<text x=-4 y=10 text-anchor=end>100%%</text><text x=-4 y=%d text-anchor=end>0%%"
            "</text>\n", H);
    for (int t = 0; t <= 4; t++)
        fprintf(f, "<text x=%d y=%d text-anchor=%s>%s</text>", t * W / 4, H + STRIP + 14,
                t == 0 ? "start" : t == 4 ? "end" : "middle",
                gp_fmt_ns(b, sizeof b, (int64_t)(span * t / 4)));
    fprintf(f, "\n</svg>\n");
}

static void timeline(gp_rctx *c)
{
    FILE *f = c->out;

    fprintf(f, "<section id=timeline><h2>Utilization over time</h2>\n"
            "<p class=meta>Each time slice (1/%d of the run): the share in which the GPU ran a kernel,"
            " copy or memset (blue, from the bottom), and its idle time stacked above by cause."
            " Under each chart, the longest idle gaps of each cause.</p>\n",
            GP_SERIES_BINS);
    legend(f);
    for (size_t i = 0; i < c->ser.n_util; i++)
        util_chart(c, &c->ser.util[i]);
    if (!c->ser.n_util)
        fprintf(f, "<p>No GPU activity in this trace.</p>\n");
    fprintf(f, "</section>\n");
}

static void hta_table(gp_rctx *c, size_t ri)
{
    FILE *f = c->out;
    const gp_hta_result *h = &c->a->ranks[ri].hta;

    if (!h->valid)
        return;
    fprintf(f, "<h3>Temporal breakdown, ");
    rank_name(c, ri, 0);
    fprintf(f, "</h3>\n<table><tr><th>time</th><th class=n>&micro;s</th><th class=n>share</th>"
            "</tr>\n");
    fprintf(f, "<tr><td>compute</td><td class=n>%.0f</td>", h->compute_us);
    pct_td(f, h->compute_pct);
    fprintf(f, "</tr>\n<tr><td>non-compute (communication, memory)</td><td class=n>%.0f</td>",
            h->noncompute_us);
    pct_td(f, h->noncompute_pct);
    fprintf(f, "</tr>\n<tr><td>idle</td><td class=n>%.0f</td>", h->idle_us);
    pct_td(f, h->idle_pct);
    fprintf(f, "</tr>\n</table>\n");
    fprintf(f, "<table><tr><th>stream</th><th class=n>host wait &micro;s</th><th class=n>kernel wait"
            " &micro;s</th><th class=n>other &micro;s</th></tr>\n");
    for (size_t s = 0; s < h->n_streams; s++) {
        const gp_hta_stream *st = &h->streams[s];
        fprintf(f, "<tr><td>%" PRId64 "</td><td class=n>%.0f</td><td class=n>%.0f</td><td class=n>"
                "%.0f</td></tr>\n", st->stream, st->host_wait_us, st->kernel_wait_us, st->other_us);
    }
    fprintf(f, "</table>\n");
}

static void cause_table(gp_rctx *c, int ri, const gp_device_result *d)
{
    FILE *f = c->out;
    int64_t all = 0;
    double x = 0;
    char b[64];

    for (int k = 0; k < GP_CAUSE_COUNT; k++)
        all = gp_sat_add(all, d->causes[k].total_ns);
    fprintf(f, "<h3>Idle causes, ");
    rank_name(c, (size_t)ri, 0);
    fprintf(f, " &middot; ");
    esc(f, gp_report_devname(c->a, d, b, sizeof b));
    fprintf(f, "</h3>\n<svg viewBox='0 0 %d 18' role=img aria-label='idle time by cause'>", W);
    for (int k = 0; k < GP_CAUSE_COUNT && all > 0; k++) {
        double w = (double)d->causes[k].total_ns * W / (double)all;
        if (w > 0)
            fprintf(f, "<rect class=c%d x='%.1f' y=0 width='%.1f' height=18 />", k, x, w);
        x += w;
    }
    fprintf(f, "</svg>\n<table><tr><th>cause</th><th class=n>time</th><th class=n>gaps</th>"
            "<th class=n>share</th><th>longest</th><th>host was in</th></tr>\n");
    for (int k = 0; k < GP_CAUSE_COUNT; k++) {
        const gp_cause_stats *cs = &d->causes[k];
        if (!cs->count)
            continue;
        fprintf(f, "<tr><td><span class='sw c%d'></span>", k);
        esc(f, gp_cause_name(k));
        fprintf(f, "</td>");
        ns_td(f, cs->total_ns);
        count_td(f, cs->count);
        pct_td(f, pct(cs->total_ns, all));
        ns_td(f, cs->n_top ? cs->top[0].end_ns - cs->top[0].start_ns : 0);
        fprintf(f, "<td class=k>");
        esc(f, cs->n_top ? gp_job_str(c->a->job, cs->top[0].label) : "");
        fprintf(f, "</td></tr>\n");
    }
    fprintf(f, "</table>\n<table><tr><th>gap length</th>");
    for (int k = 0; k < GP_GAP_BUCKETS; k++)
        fprintf(f, "<th class=n>%s</th>", (const char *[]){ "&lt;1 &micro;s", "1-10 &micro;s",
                                                           "10-100 &micro;s", "0.1-1 ms",
                                                           "1-10 ms", "10-100 ms", "&ge;100 ms" }[k]);
    fprintf(f, "</tr>\n<tr><td>gaps</td>");
    for (int k = 0; k < GP_GAP_BUCKETS; k++)
        count_td(f, d->gap_count[k]);
    fprintf(f, "</tr>\n<tr><td>time</td>");
    for (int k = 0; k < GP_GAP_BUCKETS; k++)
        ns_td(f, d->gap_ns[k]);
    fprintf(f, "</tr></table>\n");
}

static void breakdowns(gp_rctx *c)
{
    fprintf(c->out, "<section id=breakdown><h2>Where the time goes</h2>\n");
    for (size_t i = 0; i < c->a->n_ranks; i++) {
        hta_table(c, i);
        for (size_t k = 0; k < c->a->ranks[i].n_devices; k++)
            cause_table(c, (int)i, &c->a->ranks[i].devices[k]);
    }
    fprintf(c->out, "</section>\n");
}

static void kernels(gp_rctx *c)
{
    FILE *f = c->out;
    char b[256];

    fprintf(f, "<section id=kernels><h2>Top kernels by GPU time</h2>\n");
    for (size_t i = 0; i < c->a->n_ranks; i++) {
        const gp_rank_result *r = &c->a->ranks[i];
        int64_t all = 0;
        for (size_t k = 0; k < r->n_kernels; k++)
            all = gp_sat_add(all, r->kernels[k].total_ns);
        fprintf(f, "<h3>");
        rank_name(c, i, 1);
        fprintf(f, ": %zu distinct kernels and copies</h3>\n<table><tr><th>kernel</th>"
                "<th>class</th><th>precision</th><th>tensor cores</th><th class=n>count</th>"
                "<th class=n>total</th><th class=n>share</th><th class=n>mean</th></tr>\n",
                r->n_kernels);
        for (size_t k = 0; k < r->n_kernels && (int)k < c->top; k++) {
            const gp_kernel_stat *s = &r->kernels[k];
            fprintf(f, "<tr><td class='k mono' title='");
            esc(f, gp_job_str(c->a->job, s->name));
            fprintf(f, "'>");
            esc(f, gp_report_kname(c->a, s->name, 90, b, sizeof b));
            fprintf(f, "</td><td>%s</td><td>%s</td><td>%s</td>", gp_kclass_name(s->kclass),
                    gp_precision_name(s->precision), gp_tc_name(s->tensor_core));
            count_td(f, s->count);
            ns_td(f, s->total_ns);
            pct_td(f, pct(s->total_ns, all));
            ns_td(f, s->count ? s->total_ns / s->count : 0);
            fprintf(f, "</tr>\n");
        }
        fprintf(f, "</table>\n");
    }
    fprintf(f, "</section>\n");
}

static void finding(gp_rctx *c, const gp_finding *x)
{
    FILE *f = c->out;
    char b1[32], b2[32], b3[32], b4[32];

    fprintf(f, "<article class='finding %s'><div class=sev>%s &middot; ",
            gp_severity_name(x->severity), gp_severity_name(x->severity));
    esc(f, x->id);
    fprintf(f, " &middot; ");
    rank_name(c, (size_t)x->rank, 0);
    if (x->device >= 0)
        fprintf(f, " &middot; GPU %d", (int)x->device);
    fprintf(f, "</div><h3>");
    esc(f, x->title);
    fprintf(f, "</h3><p>");
    esc(f, x->evidence);
    fprintf(f, "</p><p><b>Fix:</b> ");
    esc(f, x->fix);
    fprintf(f, "</p><p class=meta>costs %s now; about %s recoverable: %s would take %s</p>",
            gp_fmt_ns(b1, sizeof b1, x->cost_ns), gp_fmt_ns(b2, sizeof b2, x->recoverable_ns),
            gp_fmt_ns(b3, sizeof b3, x->basis_ns), gp_fmt_ns(b4, sizeof b4, x->whatif_ns));
    fprintf(f, "</article>\n");
}

static void precision(gp_rctx *c)
{
    FILE *f = c->out;
    int any = 0;

    fprintf(f, "<section id=precision><h2>Precision and tensor cores</h2>\n"
            "<p class=meta>GPU time by kernel class and math precision. Highlighted rows are matrix"
            " work in FP32/FP64 off the tensor cores.</p>\n");
    for (size_t i = 0; i < c->a->n_ranks; i++) {
        const gp_rank_result *r = &c->a->ranks[i];
        fprintf(f, "<table><tr><th>class</th><th>precision</th><th>tensor cores</th><th class=n>"
                "kernels</th><th class=n>time</th></tr>\n");
        for (size_t k = 0; k < r->n_precisions; k++) {
            const gp_precision_row *p = &r->precisions[k];
            fprintf(f, "<tr%s><td>%s</td><td>%s</td><td>%s</td>",
                    gp_report_underused(p) ? " class=under" : "", gp_kclass_name(p->kclass),
                    gp_precision_name(p->precision), gp_tc_name(p->tensor_core));
            count_td(f, p->count);
            ns_td(f, p->total_ns);
            fprintf(f, "</tr>\n");
        }
        fprintf(f, "</table>\n");
    }
    fprintf(f, "<h3>Underused precisions and estimated savings</h3>\n");
    for (size_t i = 0; i < c->a->n_findings; i++)
        if (strncmp(c->a->findings[i].id, "precision.", 10) == 0) {
            finding(c, &c->a->findings[i]);
            any = 1;
        }
    if (!any)
        fprintf(f, "<p>No matrix work in a slow precision was found.</p>\n");
    fprintf(f, "</section>\n");
}

static void findings(gp_rctx *c)
{
    int any = 0;

    fprintf(c->out, "<section id=findings><h2>Idle time and pipeline stalls</h2>\n");
    for (size_t i = 0; i < c->a->n_findings; i++)
        if (strncmp(c->a->findings[i].id, "precision.", 10) != 0) {
            finding(c, &c->a->findings[i]);
            any = 1;
        }
    if (!any)
        fprintf(c->out, "<p>No idle-time or stall findings.</p>\n");
    fprintf(c->out, "</section>\n");
}

int gp_report_html(gp_rctx *c)
{
    FILE *f = c->out;

    fprintf(f, "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n"
            "<meta name=viewport content='width=device-width, initial-scale=1'>\n"
            "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; img-src data:\">\n<title>gpupack report: ");
    esc(f, c->o->n_inputs > 0 ? c->o->inputs[0] : "job");
    fprintf(f, "</title>\n<style>\n%s</style></head>\n<body>\n<header><h1>GPU utilization report"
            "</h1><p class=meta>", gp_html_style);
    for (int i = 0; i < c->o->n_inputs; i++) {
        fprintf(f, "%s<code>", i ? ", " : "");
        esc(f, c->o->inputs[i]);
        fprintf(f, "</code>");
    }
    fprintf(f, " &middot; gpupack %s</p></header>\n", PACKAGE_VERSION);
    summary(c);
    timeline(c);
    breakdowns(c);
    kernels(c);
    precision(c);
    findings(c);
    gp_report_cosched_html(c);
    gp_html_samples(c);
    gp_html_metadata(c);
    fprintf(f, "<footer class=meta><p>Written by gpupack %s. Idle causes and estimates: "
            "docs/report.md.</p></footer>\n</body></html>\n", PACKAGE_VERSION);
    return ferror(f) ? -1 : 0;
}
