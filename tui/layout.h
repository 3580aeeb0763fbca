/* layout.h: where each panel goes on a w x h terminal. Pure functions,
 * unit-tested without a terminal. Every rect lies inside the screen and
 * rects never overlap; row 0 is the header, row h-1 the key bar. */
#ifndef GP_TUI_LAYOUT_H
#define GP_TUI_LAYOUT_H

#include "grid.h"

#define TUI_MIN_W 60
#define TUI_MIN_H 16

typedef struct tui_live_layout {
    tui_rect header, gpus, pack, jobs, findings, keybar;
    int gpu_lines;   /* lines per GPU in the gpus panel: 1 or 2 */
} tui_live_layout;

typedef struct tui_trace_layout {
    tui_rect header, summary, idle, pack, timeline, kernels, findings, status, keybar;
} tui_trace_layout;

/* 0, or -1 when the screen is smaller than TUI_MIN_W x TUI_MIN_H (then
 * only header and keybar are set; say "terminal too small"). */
int tui_layout_live(int w, int h, int n_gpus, tui_live_layout *out);
int tui_layout_trace(int w, int h, tui_trace_layout *out);

/* The same with a co-scheduler panel of up to pack_lines text lines (0:
 * none; its rect then has h 0). Live: under the GPUs, taken from the jobs
 * panel, which keeps 4 rows (and from the GPUs' second lines when short). Trace: under the summary, taken from the
 * timeline, which keeps 5 rows. Either is left out (h 0) when that leaves
 * no room for a line (3 rows with the box). */
int tui_layout_live_pack(int w, int h, int n_gpus, int pack_lines, tui_live_layout *out);
int tui_layout_trace_pack(int w, int h, int pack_lines, tui_trace_layout *out);

#endif
