/* panels.h: the panels of the two screens, drawn into a grid. Private to
 * tui/ (app.c calls them). */
#ifndef GP_TUI_PANELS_H
#define GP_TUI_PANELS_H

#include "app.h"
#include "layout.h"

/* panels_live.c */
void tui_draw_live(tui_app *a, tui_grid *g, const tui_live_layout *L);
/* The jobs in display order (sorted, filtered): indexes into a->jobs.v. */
int tui_live_order(const tui_app *a, int *order, int max);
/* The jobs recorded: one per recorder, two for a gpupack pack run. */
int tui_live_job_count(const tui_app *a);

/* panels_pack.c: the co-scheduler panel; nothing when r.h < 3. */
void tui_draw_pack_live(tui_app *a, tui_grid *g, tui_rect r);
void tui_draw_pack_trace(tui_app *a, tui_grid *g, tui_rect r);

/* panels_trace.c */
void tui_draw_trace(tui_app *a, tui_grid *g, const tui_trace_layout *L);
/* The timeline's plot area inside its panel (after the lane labels). */
tui_rect tui_timeline_plot(tui_rect panel);
/* The kernel stats of rank 0 in display order (sorted, filtered). */
int tui_kernel_order(const tui_app *a, int *order, int max);

#endif
