/* panels_pack.c: the co-scheduler panel of both screens: a running
 * `gpupack pack` (live) and a recorded one (trace browser). Text from
 * pack.c; sparklines at the right where the lines leave room. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cosched/region.h"
#include "fmt.h"
#include "panels.h"

/* Puts line y of the panel, and a sparkline of vals to its right when at
 * least 8 columns are left (at most 60). */
static void put_line(tui_grid *g, tui_rect r, int y, const char *text, const double *vals,
                     int n, double max)
{
    int inner = r.w - 2, used = (int)strlen(text), sw = inner - used - 2;
    char sp[80];

    tui_put(g, r.x + 1, y, inner, TUI_NORMAL, text);
    if (!vals || sw < 8)
        return;
    if (sw > 60)
        sw = 60;
    tui_spark(sp, sizeof sp, sw, vals, n, max > 0 ? max : 1);
    tui_put(g, r.x + 1 + inner - sw, y, sw, TUI_BAR, sp);
}

static double max_of(const double *v, int n)
{
    double m = 0;

    for (int i = 0; i < n; i++)
        m = v[i] > m ? v[i] : m;
    return m;
}

void tui_draw_pack_live(tui_app *a, tui_grid *g, tui_rect r)
{
    const tui_pack *P = &a->pack;
    char lines[4][TUI_PACK_LINE];
    int n = tui_pack_live_lines(P, lines, r.h - 2 < 4 ? r.h - 2 : 4);

    if (r.h < 3)
        return;
    tui_box(g, r, r.w >= 100 ? "co-scheduler (gpupack pack)     history: serve p99, training "
                               "launches/s" : "co-scheduler (gpupack pack)");
    for (int i = 0; i < n; i++)
        put_line(g, r, r.y + 1 + i, lines[i], i == 1 ? P->p99_hist : i == 2 ? P->be_hist : NULL,
                 P->n_hist, max_of(i == 1 ? P->p99_hist : P->be_hist, P->n_hist));
    /* the training job waits (holding, draining), or the watchdog took over (forced) */
    if (n > 0 && (P->st.gate == GP_GATE_HOLDING || P->st.gate == GP_GATE_DRAINING ||
                  P->st.gate == GP_GATE_FORCED))
        tui_paint(g, r.x + 1, r.y + 1, r.w - 2, TUI_WARN);
}

void tui_draw_pack_trace(tui_app *a, tui_grid *g, tui_rect r)
{
    const gp_cosched_summary *s = &a->cos;
    char lines[4][TUI_PACK_LINE];
    double budget[GP_COSCHED_SERIES_MAX];
    int n = tui_pack_trace_lines(s, lines, r.h - 2 < 4 ? r.h - 2 : 4);

    if (r.h < 3)
        return;
    for (size_t i = 0; i < s->n_budget; i++)
        budget[i] = (double)s->budget[i].value;
    tui_box(g, r, r.w >= 100 ? "co-scheduler (recorded gpupack pack run)     history: budget"
                             : "co-scheduler (recorded)");
    for (int i = 0; i < n; i++)
        put_line(g, r, r.y + 1 + i, lines[i], i == 3 && s->n_budget ? budget : NULL,
                 (int)s->n_budget, (double)s->budget_max_ns);
}
