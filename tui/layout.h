/* layout.h: where each panel goes on a w x h terminal. Pure functions,
 * unit-tested without a terminal. Every rect lies inside the screen and
 * rects never overlap; row 0 is the header, row h-1 the key bar. */
#ifndef GP_TUI_LAYOUT_H
#define GP_TUI_LAYOUT_H

#include "grid.h"

#define TUI_MIN_W 60
#define TUI_MIN_H 16

typedef struct tui_live_layout {
    tui_rect header, gpus, jobs, findings, keybar;
    int gpu_lines;   /* lines per GPU in the gpus panel: 1 or 2 */
} tui_live_layout;

typedef struct tui_trace_layout {
    tui_rect header, summary, idle, timeline, kernels, findings, status, keybar;
} tui_trace_layout;

/* 0, or -1 when the screen is smaller than TUI_MIN_W x TUI_MIN_H (then
 * only header and keybar are set; say "terminal too small"). */
int tui_layout_live(int w, int h, int n_gpus, tui_live_layout *out);
int tui_layout_trace(int w, int h, tui_trace_layout *out);

#endif
