/* app.h: `gpupack top`'s state, keys and drawing, apart from the terminal.
 *
 * The app never touches the terminal: keys come in as ints (ASCII or
 * TUI_K_*), and tui_app_render draws into a grid (grid.h) that term.c puts
 * on screen; tests and the benchmark drive it the same way.
 *
 *     tui_app a;
 *     tui_app_init_trace(&a, "run.gpupack", &err);    // or tui_app_init_live
 *     for (;;) {
 *         tui_app_tick(&a, gp_now_ns());             // live: new readings
 *         tui_app_render(&a, &grid);
 *         tui_app_key(&a, key);  if (a.quit) break;
 *     }
 *     tui_app_free(&a);
 */
#ifndef GP_TUI_APP_H
#define GP_TUI_APP_H

#include <stdint.h>

#include "common/error.h"
#include "gpus.h"
#include "grid.h"
#include "livejob.h"
#include "pack.h"
#include "timeline.h"
#include "trace.h"

enum {
    TUI_K_UP = 0x101, TUI_K_DOWN, TUI_K_LEFT, TUI_K_RIGHT, TUI_K_PGUP, TUI_K_PGDN,
    TUI_K_HOME, TUI_K_END, TUI_K_ENTER, TUI_K_ESC, TUI_K_BACKSPACE, TUI_K_RESIZE
};

typedef enum tui_mode { TUI_MODE_LIVE = 0, TUI_MODE_TRACE } tui_mode;
typedef enum tui_sort { TUI_SORT_TIME = 0, TUI_SORT_COUNT, TUI_SORT_NAME, TUI_SORT_COUNT_ } tui_sort;

typedef struct tui_app {
    int mode;
    int quit, help, paused;
    int sort;                 /* tui_sort: kernel tables (trace), jobs (live) */
    char filter[64];          /* substring of kernel names (trace) / job commands (live) */
    int editing;              /* typing the filter */
    char message[160];        /* one-off line in the status bar */
    int64_t delay_ns;

    /* trace browser */
    tui_trace trace;
    tui_view view;
    int lane_sel, lane_top;
    int cursor_col;           /* column in the timeline's plot area */
    int plot_w;               /* that area's width at the last render */
    int finding_sel;          /* -1 none */
    gp_cosched_summary cos;   /* the recorded co-scheduler run (cos.present) */

    /* live */
    tui_gpus gpus;
    int have_nvml;
    tui_jobs jobs;
    int job_sel;
    tui_pack pack;            /* a running gpupack pack (pack.ok) */
    int64_t last_tick_ns;
} tui_app;

gp_status tui_app_init_trace(tui_app *a, const char *path, gp_error *err);
void tui_app_init_live(tui_app *a, int64_t delay_ns);
void tui_app_free(tui_app *a);

/* Live: reads the GPUs and jobs unless paused. Trace: nothing. */
void tui_app_tick(tui_app *a, int64_t now_ns);
void tui_app_key(tui_app *a, int key);
/* Draws the whole screen into g (sized to the terminal). */
void tui_app_render(tui_app *a, tui_grid *g);

#endif
