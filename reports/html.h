/* html.h: the parts of the HTML report in html_meta.c (not part of the API). */
#ifndef GP_REPORTS_HTML_H
#define GP_REPORTS_HTML_H

#include "report_int.h"

/* The most bytes of one trace string a page shows. */
#define GP_HTML_MAX_STRING 4096

/* The page's style sheet: the only place that names colours. */
extern const char gp_html_style[];

/* Line charts of NVML and counter samples, when the trace has any. */
void gp_html_samples(gp_rctx *c);
/* Devices, ranks, launch statistics, what the trace lost. */
void gp_html_metadata(gp_rctx *c);

#endif
