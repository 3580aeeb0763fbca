/* panels_trace.c: the trace browser's panels: summary, idle causes,
 * timeline, kernels, findings and the status line. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/checked.h"
#include "analyzer/model/classify.h"
#include "common/format.h"
#include "fmt.h"
#include "panels.h"

#define LABEL_W 12

/* ---- summary and idle causes ------------------------------------------------------- */

static void draw_summary(tui_app *a, tui_grid *g, tui_rect r)
{
    const gp_analysis *an = a->trace.an;
    int64_t busy = 0, span = 0, idle = 0, nk = 0, nc = 0, nm = 0;
    int y = r.y + 1, inner = r.w - 2;
    char b[6][32];

    tui_box(g, r, "summary");
    for (size_t i = 0; i < an->n_ranks; i++)
        for (size_t d = 0; d < an->ranks[i].n_devices; d++) {
            const gp_device_result *dr = &an->ranks[i].devices[d];
            busy = gp_sat_add(busy, dr->busy_ns);
            span = gp_sat_add(span, dr->last_ns - dr->first_ns);
            idle = gp_sat_add(idle, dr->idle_ns);
            nk += dr->n_kernels;
            nc += dr->n_copies;
            nm += dr->n_memsets;
        }
    tui_putf(g, r.x + 1, y++, inner, TUI_NORMAL, "busy %.1f%% of %s, idle %s",
             span ? 100.0 * (double)busy / (double)span : 0.0, gp_fmt_ns(b[0], 32, span),
             gp_fmt_ns(b[1], 32, idle));
    tui_putf(g, r.x + 1, y++, inner, TUI_NORMAL, "kernels %s  copies %s  memsets %s",
             gp_fmt_count(b[2], 32, nk), gp_fmt_count(b[3], 32, nc), gp_fmt_count(b[4], 32, nm));
    if (an->n_ranks > 0 && an->ranks[0].hta.valid) {
        const gp_hta_result *h = &an->ranks[0].hta;
        tui_putf(g, r.x + 1, y++, inner, TUI_NORMAL, "HTA%s: compute %.1f%% other %.1f%% "
                 "idle %.1f%%", an->n_ranks > 1 ? " r0" : "", h->compute_pct,
                 h->noncompute_pct, h->idle_pct);
    }
    if (an->n_ranks > 0 && an->ranks[0].launches.launches) {
        const gp_launch_stats *l = &an->ranks[0].launches;
        tui_putf(g, r.x + 1, y++, inner, TUI_NORMAL, "launch delay p50 %s p99 %s",
                 gp_fmt_ns(b[0], 32, l->delay_p50_ns), gp_fmt_ns(b[1], 32, l->delay_p99_ns));
    }
    if (an->n_ranks > 0 && an->ranks[0].n_steps && y < r.y + r.h - 1)
        tui_putf(g, r.x + 1, y++, inner, TUI_NORMAL, "steps %zu, median %s", an->ranks[0].n_steps,
                 gp_fmt_ns(b[0], 32, an->ranks[0].step_p50_ns));
    if (y < r.y + r.h - 1)
        tui_putf(g, r.x + 1, y, inner, TUI_DIM, "opened in %s (load %s)",
                 gp_fmt_ns(b[0], 32, a->trace.load_ns + a->trace.analyze_ns),
                 gp_fmt_ns(b[1], 32, a->trace.load_ns));
}

static void draw_idle(tui_app *a, tui_grid *g, tui_rect r)
{
    const gp_analysis *an = a->trace.an;
    int64_t tot[GP_CAUSE_COUNT] = { 0 }, cnt[GP_CAUSE_COUNT] = { 0 }, all = 0;
    int order[GP_CAUSE_COUNT], y = r.y + 1, inner = r.w - 2;

    tui_box(g, r, "idle gaps by cause (time, share, gaps)");
    for (size_t i = 0; i < an->n_ranks; i++)
        for (size_t d = 0; d < an->ranks[i].n_devices; d++)
            for (int c = 0; c < GP_CAUSE_COUNT; c++) {
                tot[c] = gp_sat_add(tot[c], an->ranks[i].devices[d].causes[c].total_ns);
                cnt[c] += an->ranks[i].devices[d].causes[c].count;
                all = gp_sat_add(all, an->ranks[i].devices[d].causes[c].total_ns);
            }
    for (int c = 0; c < GP_CAUSE_COUNT; c++)
        order[c] = c;
    for (int i = 1; i < GP_CAUSE_COUNT; i++) /* insertion sort, longest first */
        for (int j = i; j > 0 && tot[order[j]] > tot[order[j - 1]]; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    if (all == 0)
        tui_put(g, r.x + 1, y, inner, TUI_DIM, "no idle gaps");
    for (int i = 0; i < GP_CAUSE_COUNT && y < r.y + r.h - 1; i++) {
        int c = order[i];
        char t[32], bar[16], nm[24];
        double pct = 100.0 * (double)tot[c] / (double)(all ? all : 1);
        if (!tot[c])
            break;
        tui_putf(g, r.x + 1, y++, inner, TUI_NORMAL, "%-16s %8s %5.1f%% [%s] %lld",
                 tui_fit(nm, sizeof nm, 16, gp_cause_name(c)), gp_fmt_ns(t, sizeof t, tot[c]), pct,
                 tui_bar(bar, sizeof bar, 8, pct), (long long)cnt[c]);
    }
}

/* ---- timeline ------------------------------------------------------------------------- */

tui_rect tui_timeline_plot(tui_rect p)
{
    tui_rect r = { p.x + 1 + LABEL_W, p.y + 2, p.w - 2 - LABEL_W, p.h - 3 };
    if (r.w < 1)
        r.w = 1;
    if (r.h < 0)
        r.h = 0;
    return r;
}

static char glyph(int kind, double f)
{
    static const char ops[] = " .:=#", sync[] = " .:sS", nvtx[] = " .:-~";
    const char *set = kind == TUI_LANE_OPS ? ops : kind == TUI_LANE_SYNC ? sync : nvtx;
    int lv = f <= 0 ? 0 : f < 0.25 ? 1 : f < 0.5 ? 2 : f < 0.9 ? 3 : 4;
    return set[lv];
}

/* Writes the names of the lane's items wide enough (8 columns or more)
 * into their bars, at most 512 items from the left edge. */
static void label_items(tui_app *a, tui_grid *g, const tui_lane *l, tui_rect plot, int y, int role)
{
    long i = tui_lane_find(l, a->view.t0, a->view.t1);

    for (int n = 0; i >= 0 && (size_t)i < l->n && n < 512; i++, n++) {
        int64_t s, e;
        char name[160];
        const char *raw;
        tui_lane_item(l, (size_t)i, &s, &e);
        if (s >= a->view.t1)
            break;
        int c0 = tui_view_time_col(&a->view, s, plot.w), c1 = tui_view_time_col(&a->view, e, plot.w);
        c0 = c0 < 0 ? 0 : c0;
        c1 = c1 > plot.w ? plot.w : c1;
        if (c1 - c0 < 8)
            continue;
        uint32_t k = l->idx[i];
        raw = l->kind == TUI_LANE_OPS ? gp_job_str(a->trace.job, l->rank->ops[k].name)
              : l->kind == TUI_LANE_NVTX ? gp_job_str(a->trace.job, l->rank->ranges[k].name)
              : l->calls ? gp_job_str(a->trace.job, l->rank->calls[k].name) : "sync";
        if (l->kind == TUI_LANE_OPS)
            gp_kernel_short_name(raw, (size_t)(c1 - c0 - 2), name, sizeof name);
        else
            tui_fit(name, sizeof name, c1 - c0 - 2, raw);
        tui_put(g, plot.x + c0 + 1, y, c1 - c0 - 2, role, tui_ascii(name));
    }
}

static void draw_timeline(tui_app *a, tui_grid *g, tui_rect r)
{
    tui_rect plot = tui_timeline_plot(r);
    const tui_lanes *L = &a->trace.lanes;
    char title[160], t0[32], t1[32], sp[32], row[1024];
    int nrows = plot.h;

    a->plot_w = plot.w;
    if (a->cursor_col >= plot.w)
        a->cursor_col = plot.w - 1;
    snprintf(title, sizeof title, "timeline %s .. %s (%s across)",
             gp_fmt_ns(t0, sizeof t0, a->view.t0 - L->lo), gp_fmt_ns(t1, sizeof t1, a->view.t1 - L->lo),
             gp_fmt_ns(sp, sizeof sp, a->view.t1 - a->view.t0));
    tui_box(g, r, title);
    /* ruler: a tick and a time every 16 columns */
    for (int c = 0; c < plot.w; c += 16) {
        char t[32];
        gp_fmt_ns(t, sizeof t, tui_view_col_time(&a->view, c, plot.w) - L->lo);
        tui_putf(g, plot.x + c, r.y + 1, plot.w - c < 15 ? plot.w - c : 15, TUI_DIM, "|%s", t);
    }
    if (a->lane_sel < a->lane_top)
        a->lane_top = a->lane_sel;
    if (nrows > 0 && a->lane_sel >= a->lane_top + nrows)
        a->lane_top = a->lane_sel - nrows + 1;
    if (L->n == 0)
        tui_put(g, plot.x, plot.y, plot.w, TUI_DIM, "no GPU work in this trace");
    for (int k = 0; k < nrows && (size_t)(a->lane_top + k) < L->n; k++) {
        int li = a->lane_top + k;
        const tui_lane *l = &L->v[li];
        int n = plot.w < (int)sizeof row - 1 ? plot.w : (int)sizeof row - 1;
        tui_put(g, r.x + 1, plot.y + k, LABEL_W - 1, li == a->lane_sel ? TUI_SEL : TUI_DIM, l->label);
        for (int c = 0; c < n; c++) {
            int64_t ca = tui_view_col_time(&a->view, c, plot.w);
            int64_t cb = tui_view_col_time(&a->view, c + 1, plot.w);
            if (cb <= ca)
                cb = ca + 1;
            row[c] = glyph(l->kind, (double)tui_lane_busy(l, ca, cb) / (double)(cb - ca));
        }
        row[n] = '\0';
        int role = l->kind == TUI_LANE_OPS ? TUI_BAR : l->kind == TUI_LANE_SYNC ? TUI_WARN : TUI_GOOD;
        tui_put(g, plot.x, plot.y + k, plot.w, role, row);
        label_items(a, g, l, plot, plot.y + k, role == TUI_BAR ? TUI_SEL : role);
    }
    for (int k = -1; k < nrows; k++) /* the cursor: a column in reverse video */
        tui_paint(g, plot.x + a->cursor_col, plot.y + k, 1, TUI_CURSOR);
}

/* ---- kernels and findings ---------------------------------------------------------------- */

static const tui_app *sort_app;

static int cmp_kernels(const void *pa, const void *pb)
{
    const gp_rank_result *rr = &sort_app->trace.an->ranks[0];
    const gp_kernel_stat *x = &rr->kernels[*(const int *)pa], *y = &rr->kernels[*(const int *)pb];
    switch (sort_app->sort) {
    case TUI_SORT_TIME: return (x->total_ns < y->total_ns) - (x->total_ns > y->total_ns);
    case TUI_SORT_COUNT: return (x->count < y->count) - (x->count > y->count);
    default:
        return strcmp(gp_job_str(sort_app->trace.job, x->name), gp_job_str(sort_app->trace.job, y->name));
    }
}

int tui_kernel_order(const tui_app *a, int *order, int max)
{
    int n = 0;

    if (a->trace.an->n_ranks == 0)
        return 0;
    const gp_rank_result *rr = &a->trace.an->ranks[0];
    for (size_t i = 0; i < rr->n_kernels && n < max; i++)
        if (!a->filter[0] || strstr(gp_job_str(a->trace.job, rr->kernels[i].name), a->filter))
            order[n++] = (int)i;
    sort_app = a;
    qsort(order, (size_t)n, sizeof *order, cmp_kernels);
    return n;
}

static void draw_kernels(tui_app *a, tui_grid *g, tui_rect r)
{
    static int order[4096];
    int n = tui_kernel_order(a, order, 4096), y = r.y + 1, inner = r.w - 2;
    int64_t all = 0;
    char title[160];

    snprintf(title, sizeof title, "kernels%s by %s%s%s", a->trace.an->n_ranks > 1 ? " (rank 0)" : "",
             a->sort == TUI_SORT_TIME ? "time" : a->sort == TUI_SORT_COUNT ? "count" : "name",
             a->filter[0] ? ", filter: " : "", a->filter);
    tui_box(g, r, title);
    if (a->trace.an->n_ranks == 0)
        return;
    const gp_rank_result *rr = &a->trace.an->ranks[0];
    for (size_t i = 0; i < rr->n_kernels; i++)
        all = gp_sat_add(all, rr->kernels[i].total_ns);
    if (n == 0)
        tui_put(g, r.x + 1, y, inner, TUI_DIM, a->filter[0] ? "no kernel matches the filter" : "no kernels");
    for (int i = 0; i < n && y < r.y + r.h - 1; i++, y++) {
        const gp_kernel_stat *k = &rr->kernels[order[i]];
        char name[160], tot[32];
        int nw = inner - 29 > 8 ? inner - 29 : 8;
        gp_kernel_short_name(gp_job_str(a->trace.job, k->name), (size_t)nw, name, sizeof name);
        tui_ascii(name);
        tui_putf(g, r.x + 1, y, inner, k->precision == GP_PREC_FP32 && k->kclass == GP_KC_GEMM
                 ? TUI_WARN : TUI_NORMAL, "%5.1f%% %8s %7lld %-4s %s",
                 all ? 100.0 * (double)k->total_ns / (double)all : 0.0,
                 gp_fmt_ns(tot, sizeof tot, k->total_ns), (long long)k->count,
                 tui_prec(k->precision), name);
    }
}

static void draw_findings(tui_app *a, tui_grid *g, tui_rect r)
{
    const gp_analysis *an = a->trace.an;
    int y = r.y + 1, inner = r.w - 2, bottom = r.y + r.h - 1, first = 0;
    char title[64];

    snprintf(title, sizeof title, "findings (%zu)", an->n_findings);
    tui_box(g, r, title);
    if (an->n_findings == 0)
        tui_put(g, r.x + 1, y, inner, TUI_GOOD, "nothing to fix found");
    /* keep the selection in view, and room for its fix below */
    if (a->finding_sel >= 0 && a->finding_sel >= bottom - y - 2)
        first = a->finding_sel - (bottom - y - 2) + 1;
    if (first < 0)
        first = 0;
    for (int i = first; (size_t)i < an->n_findings && y < bottom; i++, y++) {
        const gp_finding *f = &an->findings[i];
        int role = i == a->finding_sel ? TUI_SEL
                   : f->severity == GP_SEV_CRITICAL ? TUI_CRIT
                   : f->severity == GP_SEV_WARNING ? TUI_WARN : TUI_NORMAL;
        tui_putf(g, r.x + 1, y, inner, role, "%c %s", f->severity == GP_SEV_CRITICAL ? '!'
                 : f->severity == GP_SEV_WARNING ? '*' : '-', f->title);
        if (i == a->finding_sel) {
            tui_paint(g, r.x + 1, y, inner, TUI_SEL);
            if (y + 1 < bottom)
                tui_putf(g, r.x + 3, ++y, inner - 2, TUI_DIM, "fix: %s", f->fix);
        }
    }
}

static void draw_status(tui_app *a, tui_grid *g, tui_rect r)
{
    char buf[600], t[32], desc[400] = "";
    const tui_lanes *L = &a->trace.lanes;
    int w = a->plot_w > 0 ? a->plot_w : 1;
    int64_t ca = tui_view_col_time(&a->view, a->cursor_col, w);
    int64_t cb = tui_view_col_time(&a->view, a->cursor_col + 1, w);

    if (a->message[0]) {
        tui_put(g, r.x, r.y, r.w, TUI_TITLE, a->message);
        return;
    }
    if ((size_t)a->lane_sel < L->n) {
        const tui_lane *l = &L->v[a->lane_sel];
        long i = tui_lane_find(l, ca, cb > ca ? cb : ca + 1);
        if (i >= 0)
            tui_trace_describe(&a->trace, l, (size_t)i, desc, sizeof desc);
        else
            snprintf(desc, sizeof desc, "nothing here");
        snprintf(buf, sizeof buf, "@ %s  %s: %s", gp_fmt_ns(t, sizeof t, ca - L->lo), l->label, desc);
    } else {
        snprintf(buf, sizeof buf, "@ %s", gp_fmt_ns(t, sizeof t, ca - L->lo));
    }
    tui_put(g, r.x, r.y, r.w, TUI_NORMAL, tui_ascii(buf));
}

void tui_draw_trace(tui_app *a, tui_grid *g, const tui_trace_layout *L)
{
    draw_summary(a, g, L->summary);
    draw_idle(a, g, L->idle);
    tui_draw_pack_trace(a, g, L->pack);
    draw_timeline(a, g, L->timeline);
    draw_kernels(a, g, L->kernels);
    draw_findings(a, g, L->findings);
    draw_status(a, g, L->status);
}
