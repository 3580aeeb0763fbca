/* report.h: a job's analysis as a report file (docs/report.md).
 *
 *     gp_report_opts o = { .format = gp_report_format_of_path(path) };
 *     o.inputs = files; o.n_inputs = n;
 *     if (gp_report_write(out, a, &o) < 0) ... write failed ...
 *
 * Formats: a self-contained HTML page (inline CSS and SVG, no script, no
 * network), Markdown, JSON (docs/report-json.md), one CSV table, and a
 * Chrome trace (Trace Event Format) for Perfetto and chrome://tracing.
 * Writers only read the analysis and its job. Every string from a trace is
 * escaped for the format. Cost: O(records) for the series and the Chrome
 * trace, O(bins + rows) for the rest; the HTML page stays a few hundred KB
 * whatever the trace length (it draws aggregates, never every kernel).
 */
#ifndef GP_REPORT_H
#define GP_REPORT_H

#include <stdio.h>

#include "analyzer/analyses/analyze.h"

#define GP_REPORT_JSON_VERSION 1

typedef enum gp_report_format {
    GP_REPORT_UNKNOWN = 0, GP_REPORT_HTML, GP_REPORT_MD, GP_REPORT_JSON, GP_REPORT_CSV,
    GP_REPORT_CHROME
} gp_report_format;

typedef enum gp_report_table {
    GP_TABLE_KERNELS = 0, GP_TABLE_GAPS, GP_TABLE_FINDINGS, GP_TABLE_SAMPLES
} gp_report_table;

/* "html", "md" (or "markdown"), "json", "csv", "chrome-trace"; UNKNOWN otherwise. */
gp_report_format gp_report_format_parse(const char *name);
/* From a file name's extension (.html/.htm, .md, .json, .csv); UNKNOWN otherwise. */
gp_report_format gp_report_format_of_path(const char *path);
const char *gp_report_format_name(gp_report_format f);
/* "kernels", "gaps", "findings", "samples"; -1 otherwise. */
int gp_report_table_parse(const char *name);

typedef struct gp_report_opts {
    gp_report_format format;
    gp_report_table table;        /* CSV only */
    int top_kernels;              /* rows of kernel tables; 0: 30 (HTML, Markdown) */
    const char *const *inputs;    /* the files the job was read from */
    int n_inputs;
} gp_report_opts;

/* Writes the report. Returns 0, or -1 if out of memory or writing failed. */
int gp_report_write(FILE *out, const gp_analysis *a, const gp_report_opts *o);

#endif
