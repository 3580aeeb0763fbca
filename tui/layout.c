/* layout.c: panel placement (contract in layout.h). */
#include "config.h"

#include <string.h>

#include "layout.h"

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

int tui_layout_live(int w, int h, int n_gpus, tui_live_layout *o)
{
    return tui_layout_live_pack(w, h, n_gpus, 0, o);
}

int tui_layout_live_pack(int w, int h, int n_gpus, int pack_lines, tui_live_layout *o)
{
    int body, gpus_h, find_h, pack_h = 0, y;

    memset(o, 0, sizeof *o);
    o->header = (tui_rect){ 0, 0, w, 1 };
    o->keybar = (tui_rect){ 0, h - 1, w, h > 1 ? 1 : 0 };
    if (w < TUI_MIN_W || h < TUI_MIN_H)
        return -1;
    body = h - 2;
    if (n_gpus < 1)
        n_gpus = 1; /* room for "no GPU readings: why" */
    /* two lines per GPU when that leaves half the body for the jobs */
    o->gpu_lines = 2 + 2 * n_gpus <= body / 2 ? 2 : 1;
    gpus_h = clamp(2 + o->gpu_lines * n_gpus, 3, body / 2);
    find_h = clamp((body - gpus_h) / 3, 3, 7);
    if (pack_lines > 0 && body - gpus_h - find_h - 4 < 3 && o->gpu_lines == 2) {
        o->gpu_lines = 1; /* the co-scheduler panel before the GPUs' second lines */
        gpus_h = clamp(2 + n_gpus, 3, body / 2);
        find_h = clamp((body - gpus_h) / 3, 3, 7);
    }
    if (pack_lines > 0 && body - gpus_h - find_h - 4 >= 3) /* the jobs keep 4 rows */
        pack_h = clamp(body - gpus_h - find_h - 4, 3, 2 + pack_lines);
    y = 1;
    o->gpus = (tui_rect){ 0, y, w, gpus_h };
    y += gpus_h;
    o->pack = (tui_rect){ 0, y, w, pack_h };
    y += pack_h;
    o->jobs = (tui_rect){ 0, y, w, body - gpus_h - pack_h - find_h };
    y += o->jobs.h;
    o->findings = (tui_rect){ 0, y, w, find_h };
    return 0;
}

int tui_layout_trace(int w, int h, tui_trace_layout *o)
{
    return tui_layout_trace_pack(w, h, 0, o);
}

int tui_layout_trace_pack(int w, int h, int pack_lines, tui_trace_layout *o)
{
    int body, top_h, bottom_h, pack_h = 0, y, left;

    memset(o, 0, sizeof *o);
    o->header = (tui_rect){ 0, 0, w, 1 };
    o->keybar = (tui_rect){ 0, h - 1, w, h > 1 ? 1 : 0 };
    if (w < TUI_MIN_W || h < TUI_MIN_H)
        return -1;
    body = h - 3; /* header, status, keybar */
    bottom_h = clamp((body - 7) * 2 / 5, 4, 14);
    top_h = clamp(body - bottom_h - 5, 3, 7); /* the timeline gets 5 rows at least */
    left = w / 2;
    y = 1;
    o->summary = (tui_rect){ 0, y, left, top_h };
    o->idle = (tui_rect){ left, y, w - left, top_h };
    y += top_h;
    if (pack_lines > 0 && body - top_h - bottom_h - 5 >= 3) /* the timeline keeps 5 rows */
        pack_h = clamp(body - top_h - bottom_h - 5, 3, 2 + pack_lines);
    o->pack = (tui_rect){ 0, y, w, pack_h };
    y += pack_h;
    o->timeline = (tui_rect){ 0, y, w, body - top_h - pack_h - bottom_h };
    y += o->timeline.h;
    o->kernels = (tui_rect){ 0, y, left, bottom_h };
    o->findings = (tui_rect){ left, y, w - left, bottom_h };
    y += bottom_h;
    o->status = (tui_rect){ 0, y, w, 1 };
    return 0;
}
