/* timeline.h: the trace browser's timeline: lanes of items (one per GPU
 * stream, plus host synchronizations and NVTX ranges per process), the
 * visible window, zoom and pan, and what lies under a column.
 *
 * The view math and lookups are pure; tui_lanes_build reads a loaded job
 * (model.h) and keeps pointers into it, so the job must outlive the lanes.
 *
 *     tui_lanes L;
 *     tui_lanes_build(&L, job);                  // O(n) plus one sort per lane
 *     tui_view v; tui_view_init(&v, L.lo, L.hi);
 *     tui_view_zoom(&v, 0.5, center_ns);         // zoom in 2x around center
 *     long i = tui_lane_find(&L.v[k], a_ns, b_ns);
 *     tui_lanes_free(&L);
 */
#ifndef GP_TUI_TIMELINE_H
#define GP_TUI_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer/model/model.h"

#define TUI_MIN_SPAN_NS 1000 /* zooming stops at 1 us across the timeline */

typedef struct tui_view {
    int64_t t0, t1;   /* visible [t0, t1) */
    int64_t lo, hi;   /* what exists: the view stays inside */
} tui_view;

/* Whole range visible (hi <= lo is widened to the minimum span). */
void tui_view_init(tui_view *v, int64_t lo, int64_t hi);
/* New span = span * factor (factor < 1 zooms in), keeping `center` at the
 * same fraction of the view; clamped to [TUI_MIN_SPAN_NS, hi - lo]. */
void tui_view_zoom(tui_view *v, double factor, int64_t center);
/* Moves the view by frac of its span (negative: earlier), inside [lo, hi]. */
void tui_view_pan(tui_view *v, double frac);
/* Centres the view on [a, b) at span max(b - a, min span) * 1.2 (zooming in
 * or out as needed). */
void tui_view_show(tui_view *v, int64_t a, int64_t b);
/* The time at the start of column col of a timeline width columns wide,
 * and the column holding time t (may be outside 0..width-1). */
int64_t tui_view_col_time(const tui_view *v, int col, int width);
int tui_view_time_col(const tui_view *v, int64_t t, int width);

typedef enum tui_lane_kind { TUI_LANE_OPS = 0, TUI_LANE_SYNC, TUI_LANE_NVTX } tui_lane_kind;

typedef struct tui_lane {
    char label[24];       /* "d0 s7", "p123 sync", "p123 nvtx" */
    int kind;             /* tui_lane_kind */
    const gp_rank *rank;
    uint32_t *idx;        /* indexes into the rank's ops / syncs (or sync calls) / ranges, by start */
    size_t n;
    int64_t *cum;         /* n + 1 prefix sums of durations */
    int calls;            /* TUI_LANE_SYNC: idx points into calls (no sync records) */
} tui_lane;

typedef struct tui_lanes {
    tui_lane *v;
    size_t n;
    int64_t lo, hi;       /* first start, last end over every lane */
} tui_lanes;

/* 0, or -1 if out of memory (L then empty). At most 64 stream lanes; the
 * streams after that share the last lane ("other"). */
int tui_lanes_build(tui_lanes *L, const gp_job *job);
void tui_lanes_free(tui_lanes *L);

/* Start and end of item i of a lane. */
void tui_lane_item(const tui_lane *l, size_t i, int64_t *start, int64_t *end);
/* An item overlapping [a, b): one covering a if any (the innermost of
 * nested ranges), else the first starting in [a, b); -1 if none.
 * O(log n) plus at most 64 steps back for nested ranges. */
long tui_lane_find(const tui_lane *l, int64_t a, int64_t b);
/* Busy time of the lane's items in [a, b), at most b - a. O(log n);
 * overlapping items (nested ranges) count once each. */
int64_t tui_lane_busy(const tui_lane *l, int64_t a, int64_t b);

#endif
