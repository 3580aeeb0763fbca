/* render.h: an analysis as text for people or JSON for programs
 * (docs/analyze-json.md). Renderers only read the analysis. */
#ifndef GP_RENDER_H
#define GP_RENDER_H

#include <stdio.h>

#include "analyzer/analyses/analyze.h"

#define GP_ANALYZE_JSON_VERSION 1

typedef struct gp_render_opts {
    int colour;                  /* ANSI colours (text) */
    int top_kernels;             /* rows of the kernel table (default 15 text, 50 JSON) */
    const char *const *inputs;   /* the files analyzed */
    int n_inputs;
} gp_render_opts;

void gp_render_text(FILE *out, const gp_analysis *a, const gp_render_opts *o);
/* Returns 0, or -1 if writing failed. */
int gp_render_json(FILE *out, const gp_analysis *a, const gp_render_opts *o);

#endif
