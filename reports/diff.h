/* diff.h: what changed between two runs (docs/report.md, "gpupack diff").
 *
 *     gp_diff *d = gp_diff_compute(base_analysis, new_analysis);
 *     gp_diff_write(stdout, d, GP_DIFF_TEXT, "base.gpupack", "new.gpupack");
 *     gp_diff_free(d);     // before freeing the analyses: names point into their jobs
 *
 * Kernels are matched by name over all ranks (kernels, copies and memsets
 * together). A kernel is slower or faster when its total GPU time changed
 * by at least GP_DIFF_MIN_PCT percent and GP_DIFF_MIN_NS; added or removed
 * when it ran in only one of the runs. Cost: O(k log k) in distinct names.
 */
#ifndef GP_REPORTS_DIFF_H
#define GP_REPORTS_DIFF_H

#include <stdio.h>

#include "analyzer/analyses/analyze.h"
#include "summary.h"

#define GP_DIFF_JSON_VERSION 1
#define GP_DIFF_MIN_PCT 5.0
#define GP_DIFF_MIN_NS 1000

typedef enum gp_diff_status {
    GP_DIFF_ADDED = 0, GP_DIFF_REMOVED, GP_DIFF_SLOWER, GP_DIFF_FASTER, GP_DIFF_SAME, GP_DIFF_NSTATUS
} gp_diff_status;

typedef struct gp_diff_kernel {
    const char *name;
    int64_t base_count, base_ns, new_count, new_ns;
    int status;                  /* gp_diff_status */
} gp_diff_kernel;

typedef struct gp_diff {
    gp_report_summary base, new;
    gp_diff_kernel *kernels;     /* by status, then by |new_ns - base_ns|, largest first */
    size_t n_kernels;
    size_t n_status[GP_DIFF_NSTATUS];
} gp_diff;

typedef enum gp_diff_format { GP_DIFF_TEXT = 0, GP_DIFF_JSON, GP_DIFF_HTML } gp_diff_format;

/* NULL if out of memory. */
gp_diff *gp_diff_compute(const gp_analysis *base, const gp_analysis *next);
void gp_diff_free(gp_diff *d);
const char *gp_diff_status_name(int status); /* "added", "removed", "slower", "faster", "same" */
/* Returns 0, or -1 if writing failed. rows: kernels listed per status in
 * text and HTML (0: 20); JSON lists every kernel that changed. */
int gp_diff_write(FILE *out, const gp_diff *d, gp_diff_format f, const char *base_label,
                  const char *new_label, int rows);

#endif
