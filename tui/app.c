/* app.c: state, keys, header, key bar and help (contract in app.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "common/format.h"
#include "common/store.h"
#include "layout.h"
#include "panels.h"

/* The recorded co-scheduler summary of a gpupack trace; other traces (and
 * a summary that cannot be read) have none: the panel is left out. */
static void load_cosched(tui_app *a, const char *path)
{
    gp_error err = { 0 };
    gp_trace *t = gp_trace_open(path, &err);

    if (t && gp_cosched_summary_load(t, &a->cos, &err) != GP_OK)
        a->cos.present = 0;
    gp_trace_close(t);
}

gp_status tui_app_init_trace(tui_app *a, const char *path, gp_error *err)
{
    gp_status st;

    memset(a, 0, sizeof *a);
    a->mode = TUI_MODE_TRACE;
    a->finding_sel = -1;
    st = tui_trace_open(&a->trace, path, err);
    if (st != GP_OK)
        return st;
    tui_view_init(&a->view, a->trace.lanes.lo, a->trace.lanes.hi);
    load_cosched(a, path);
    return GP_OK;
}

void tui_app_init_live(tui_app *a, int64_t delay_ns)
{
    memset(a, 0, sizeof *a);
    a->mode = TUI_MODE_LIVE;
    a->delay_ns = delay_ns;
    a->finding_sel = -1;
    a->have_nvml = tui_gpus_open(&a->gpus) == 0;
    tui_jobs_init(&a->jobs);
    tui_pack_init(&a->pack);
}

void tui_app_free(tui_app *a)
{
    if (a->mode == TUI_MODE_TRACE) {
        tui_trace_close(&a->trace);
    } else {
        tui_gpus_close(&a->gpus);
        tui_jobs_free(&a->jobs);
    }
}

void tui_app_tick(tui_app *a, int64_t now_ns)
{
    if (a->mode != TUI_MODE_LIVE || a->paused)
        return;
    a->last_tick_ns = now_ns;
    if (a->have_nvml)
        tui_gpus_sample(&a->gpus);
    tui_jobs_refresh(&a->jobs, now_ns);
    tui_pack_refresh(&a->pack, a->jobs.dir, now_ns);
    if (a->job_sel >= a->jobs.n)
        a->job_sel = a->jobs.n > 0 ? a->jobs.n - 1 : 0;
}

/* ---- keys ----------------------------------------------------------------------- */

static void filter_key(tui_app *a, int key)
{
    size_t n = strlen(a->filter);

    if (key == TUI_K_ENTER || key == TUI_K_ESC) {
        a->editing = 0;
        if (key == TUI_K_ESC)
            a->filter[0] = '\0';
    } else if (key == TUI_K_BACKSPACE) {
        if (n)
            a->filter[n - 1] = '\0';
    } else if (key >= 0x20 && key < 0x7f && n + 1 < sizeof a->filter) {
        a->filter[n] = (char)key;
        a->filter[n + 1] = '\0';
    }
}

static void select_finding(tui_app *a, int step)
{
    const gp_analysis *an = a->trace.an;
    int n = an ? (int)an->n_findings : 0;

    if (n == 0) {
        snprintf(a->message, sizeof a->message, "no findings in this trace");
        return;
    }
    a->finding_sel = a->finding_sel < 0 ? (step > 0 ? 0 : n - 1) : (a->finding_sel + step + n) % n;
    const gp_finding *f = &an->findings[a->finding_sel];
    if (f->n_examples > 0) {
        tui_view_show(&a->view, f->examples[0].start_ns, f->examples[0].end_ns);
        a->cursor_col = tui_view_time_col(&a->view, f->examples[0].start_ns, a->plot_w);
    }
    snprintf(a->message, sizeof a->message, "finding %d of %d%s", a->finding_sel + 1, n,
             f->n_examples ? ": timeline at its first example" : "");
}

static void trace_key(tui_app *a, int key)
{
    int w = a->plot_w > 0 ? a->plot_w : 1;
    int nl = (int)a->trace.lanes.n;
    int64_t at = tui_view_col_time(&a->view, a->cursor_col, w);

    switch (key) {
    case '+': case '=': case 'z': tui_view_zoom(&a->view, 0.5, at); break;
    case '-': case 'Z': tui_view_zoom(&a->view, 2.0, at); break;
    case '[': case TUI_K_PGUP: tui_view_pan(&a->view, -0.5); break;
    case ']': case TUI_K_PGDN: tui_view_pan(&a->view, 0.5); break;
    case '0': case TUI_K_HOME:
        tui_view_init(&a->view, a->trace.lanes.lo, a->trace.lanes.hi);
        a->cursor_col = 0;
        break;
    case TUI_K_LEFT: case 'h':
        if (a->cursor_col > 0)
            a->cursor_col--;
        else
            tui_view_pan(&a->view, -0.1);
        break;
    case TUI_K_RIGHT: case 'l':
        if (a->cursor_col < w - 1)
            a->cursor_col++;
        else
            tui_view_pan(&a->view, 0.1);
        break;
    case TUI_K_UP: case 'k': if (a->lane_sel > 0) a->lane_sel--; break;
    case TUI_K_DOWN: case 'j': if (a->lane_sel < nl - 1) a->lane_sel++; break;
    case 'n': select_finding(a, 1); break;
    case 'N': select_finding(a, -1); break;
    case TUI_K_ENTER:
        if (a->lane_sel < nl) { /* zoom to the item under the cursor */
            const tui_lane *l = &a->trace.lanes.v[a->lane_sel];
            long i = tui_lane_find(l, at, tui_view_col_time(&a->view, a->cursor_col + 1, w));
            if (i >= 0) {
                int64_t s, e;
                tui_lane_item(l, (size_t)i, &s, &e);
                tui_view_show(&a->view, s, e);
                a->cursor_col = tui_view_time_col(&a->view, s, w);
            }
        }
        break;
    }
    if (a->cursor_col >= w)
        a->cursor_col = w - 1;
    if (a->cursor_col < 0)
        a->cursor_col = 0;
}

/* Selects the job above or below in display order (sorted, filtered). */
static void live_move(tui_app *a, int step)
{
    int order[TUI_MAX_JOBS], n = tui_live_order(a, order, TUI_MAX_JOBS), at = -1;

    for (int i = 0; i < n; i++)
        if (order[i] == a->job_sel)
            at = i;
    if (n == 0)
        return;
    at = at < 0 ? 0 : at + step < 0 ? 0 : at + step >= n ? n - 1 : at + step;
    a->job_sel = order[at];
}

void tui_app_key(tui_app *a, int key)
{
    if (a->editing) {
        filter_key(a, key);
        return;
    }
    a->message[0] = '\0';
    if (a->help && key != 'q' && key != TUI_K_RESIZE) {
        a->help = 0; /* any key closes the help */
        return;
    }
    switch (key) {
    case 'q': case 'Q': a->quit = 1; return;
    case '?': case TUI_K_ESC: a->help = key == '?'; return;
    case 's':
        a->sort = (a->sort + 1) % TUI_SORT_COUNT_;
        snprintf(a->message, sizeof a->message, "sorted by %s",
                 a->sort == TUI_SORT_TIME ? (a->mode == TUI_MODE_LIVE ? "GPU busy" : "GPU time")
                 : a->sort == TUI_SORT_COUNT ? (a->mode == TUI_MODE_LIVE ? "kernel rate" : "count")
                 : (a->mode == TUI_MODE_LIVE ? "command" : "name"));
        return;
    case '/': a->editing = 1; a->filter[0] = '\0'; return;
    case 'p': case ' ':
        if (a->mode == TUI_MODE_LIVE) {
            a->paused = !a->paused;
            return;
        }
        break;
    }
    if (a->mode == TUI_MODE_TRACE)
        trace_key(a, key);
    else if (key == TUI_K_UP || key == TUI_K_DOWN || key == 'k' || key == 'j')
        live_move(a, key == TUI_K_UP || key == 'k' ? -1 : 1);
}

/* ---- header, key bar, help ------------------------------------------------------- */

static void draw_header(tui_app *a, tui_grid *g, tui_rect r)
{
    char buf[800], span[32], kern[32];

    tui_fill(g, r, ' ', TUI_TITLE);
    if (a->mode == TUI_MODE_TRACE) {
        int64_t nk = 0;
        for (size_t i = 0; i < a->trace.an->n_ranks; i++)
            for (size_t d = 0; d < a->trace.an->ranks[i].n_devices; d++)
                nk += a->trace.an->ranks[i].devices[d].n_kernels;
        gp_fmt_ns(span, sizeof span, a->trace.lanes.hi - a->trace.lanes.lo);
        gp_fmt_count(kern, sizeof kern, nk);
        const char *base = strrchr(a->trace.path, '/');
        snprintf(buf, sizeof buf, "gpupack top - %s - %zu rank%s, %s kernels, %s",
                 base ? base + 1 : a->trace.path,
                 a->trace.an->n_ranks, a->trace.an->n_ranks == 1 ? "" : "s", kern, span);
    } else {
        snprintf(buf, sizeof buf, "gpupack top - live - %d GPU%s, %d job%s recorded - refresh "
                 "%.1f s%s", a->gpus.n, a->gpus.n == 1 ? "" : "s", tui_live_job_count(a),
                 tui_live_job_count(a) == 1 ? "" : "s", (double)a->delay_ns / 1e9,
                 a->paused ? " - PAUSED" : "");
    }
    tui_put(g, r.x, r.y, r.w, TUI_TITLE, buf);
}

static void draw_keybar(tui_app *a, tui_grid *g, tui_rect r)
{
    const char *keys = a->mode == TUI_MODE_TRACE
        ? "q quit ? help <-> cursor +- zoom [] pan Up/Dn lane n/N finding Enter item 0 all s sort / filter"
        : "q quit  ? help  Up/Dn job  s sort  / filter  p pause";
    char buf[256];

    tui_fill(g, r, ' ', TUI_KEY);
    if (a->editing) {
        snprintf(buf, sizeof buf, "filter: %s_   (Enter keep, Esc clear)", a->filter);
        tui_put(g, r.x, r.y, r.w, TUI_KEY, buf);
        return;
    }
    tui_put(g, r.x, r.y, r.w, TUI_KEY, keys);
}

static void draw_help(tui_app *a, tui_grid *g)
{
    static const char *const common[] = {
        "?        this help (any key closes it)",
        "q        quit",
        "s        sort the list (time, count, name)",
        "/        filter by name; Enter keeps it, Esc clears it",
    };
    static const char *const trace[] = {
        "<- ->    move the cursor (h, l); at an edge the view pans",
        "+ -      zoom in / out around the cursor (z, Z)",
        "[ ]      pan half a screen (PgUp, PgDn)",
        "Up Dn    select a lane (k, j); the status line shows the item",
        "Enter    zoom to the item under the cursor",
        "n N      next / previous finding; the timeline jumps to it",
        "0        the whole trace (Home)",
    };
    static const char *const live[] = {
        "Up Dn    select a job; its kernels and findings show below",
        "p        pause / resume the readings (space)",
        "         refresh: gpupack top -d SECONDS (at least 0.1)",
    };
    const char *const *extra = a->mode == TUI_MODE_TRACE ? trace : live;
    int n_extra = a->mode == TUI_MODE_TRACE ? 7 : 3;
    int h = 4 + 4 + n_extra, w = 66;
    tui_rect r = { (g->w - w) / 2, (g->h - h) / 2, w, h };

    if (r.x < 0) { r.x = 0; r.w = g->w; }
    if (r.y < 0) { r.y = 0; r.h = g->h; }
    tui_fill(g, r, ' ', TUI_NORMAL);
    tui_box(g, r, "help: gpupack top keys");
    for (int i = 0; i < 4; i++)
        tui_put(g, r.x + 2, r.y + 1 + i, r.w - 4, TUI_NORMAL, common[i]);
    for (int i = 0; i < n_extra; i++)
        tui_put(g, r.x + 2, r.y + 5 + i, r.w - 4, TUI_NORMAL, extra[i]);
    tui_put(g, r.x + 2, r.y + r.h - 2, r.w - 4, TUI_DIM,
            "Colours follow NO_COLOR. Docs: docs/top.md");
}

void tui_app_render(tui_app *a, tui_grid *g)
{
    tui_trace_layout T;
    tui_live_layout L;
    int ok;

    tui_grid_clear(g);
    if (a->mode == TUI_MODE_TRACE)
        ok = tui_layout_trace_pack(g->w, g->h, a->cos.present ? 4 : 0, &T) == 0;
    else
        ok = tui_layout_live_pack(g->w, g->h, a->gpus.n, a->pack.ok ? 4 : 0, &L) == 0;
    draw_header(a, g, a->mode == TUI_MODE_TRACE ? T.header : L.header);
    if (!ok)
        tui_put(g, 0, 1, g->w, TUI_WARN, "terminal too small: at least 60x16");
    else if (a->mode == TUI_MODE_TRACE)
        tui_draw_trace(a, g, &T);
    else
        tui_draw_live(a, g, &L);
    draw_keybar(a, g, a->mode == TUI_MODE_TRACE ? T.keybar : L.keybar);
    if (a->help)
        draw_help(a, g);
}
