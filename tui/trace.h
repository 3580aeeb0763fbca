/* trace.h: a recorded trace opened for browsing: the loaded job (any input
 * gp_load_any reads: gpupack trace, Kineto JSON, nsys SQLite), its analysis
 * and its timeline lanes.
 *
 *     tui_trace t;
 *     if (tui_trace_open(&t, "run.gpupack", &err) != GP_OK) ... err.msg ...
 *     tui_trace_close(&t);
 */
#ifndef GP_TUI_TRACE_H
#define GP_TUI_TRACE_H

#include <stddef.h>

#include "analyzer/analyses/analyze.h"
#include "common/error.h"
#include "timeline.h"

typedef struct tui_trace {
    char path[512];
    gp_job *job;
    gp_analysis *an;
    tui_lanes lanes;
    int64_t load_ns, analyze_ns;   /* what opening took */
} tui_trace;

/* Loads, analyzes, builds lanes. Cost: the load and analysis of `gpupack
 * analyze` plus O(records). On error t is left empty and err names the
 * file and the problem. */
gp_status tui_trace_open(tui_trace *t, const char *path, gp_error *err);
void tui_trace_close(tui_trace *t);

/* One line describing item i of lane l (kind, name, duration, ...). */
char *tui_trace_describe(const tui_trace *t, const tui_lane *l, size_t i, char *buf, size_t cap);

#endif
