/* report.c: format names and the dispatch to each writer (report.h). */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "analyzer/model/classify.h"
#include "report_int.h"

static const char *const format_names[] = { "?", "html", "md", "json", "csv", "chrome-trace" };
static const char *const table_names[] = { "kernels", "gaps", "findings", "samples" };

gp_report_format gp_report_format_parse(const char *name)
{
    if (!name)
        return GP_REPORT_UNKNOWN;
    if (strcmp(name, "markdown") == 0)
        return GP_REPORT_MD;
    if (strcmp(name, "chrome") == 0 || strcmp(name, "perfetto") == 0)
        return GP_REPORT_CHROME;
    for (int f = GP_REPORT_HTML; f <= GP_REPORT_CHROME; f++)
        if (strcmp(name, format_names[f]) == 0)
            return (gp_report_format)f;
    return GP_REPORT_UNKNOWN;
}

gp_report_format gp_report_format_of_path(const char *path)
{
    const char *dot = path ? strrchr(path, '.') : NULL;

    if (!dot || strchr(dot, '/'))
        return GP_REPORT_UNKNOWN;
    dot++;
    if (strcasecmp(dot, "html") == 0 || strcasecmp(dot, "htm") == 0)
        return GP_REPORT_HTML;
    if (strcasecmp(dot, "md") == 0 || strcasecmp(dot, "markdown") == 0)
        return GP_REPORT_MD;
    if (strcasecmp(dot, "json") == 0)
        return GP_REPORT_JSON;
    if (strcasecmp(dot, "csv") == 0)
        return GP_REPORT_CSV;
    return GP_REPORT_UNKNOWN;
}

const char *gp_report_format_name(gp_report_format f)
{
    return f >= GP_REPORT_HTML && f <= GP_REPORT_CHROME ? format_names[f] : "?";
}

int gp_report_table_parse(const char *name)
{
    for (int t = 0; name && t < 4; t++)
        if (strcmp(name, table_names[t]) == 0)
            return t;
    return -1;
}

int gp_report_underused(const gp_precision_row *p)
{
    return (p->kclass == GP_KC_GEMM || p->kclass == GP_KC_CONV || p->kclass == GP_KC_ATTENTION) &&
           (p->precision == GP_PREC_FP32 || p->precision == GP_PREC_FP64) &&
           p->tensor_core != GP_TC_YES;
}

const char *gp_report_kname(const gp_analysis *a, gp_strid name, size_t width, char *buf,
                            size_t cap)
{
    return gp_kernel_short_name(gp_job_str(a->job, name), width, buf, cap);
}

const char *gp_report_devname(const gp_analysis *a, const gp_device_result *d, char *buf,
                              size_t cap)
{
    const char *n = gp_job_str(a->job, d->name);

    if (*n)
        snprintf(buf, cap, "GPU %d (%s)", (int)d->device, n);
    else
        snprintf(buf, cap, "GPU %d", (int)d->device);
    return buf;
}

int gp_report_write(FILE *out, const gp_analysis *a, const gp_report_opts *o)
{
    gp_rctx c = { out, a, o, { 0 }, { 0 }, o->top_kernels > 0 ? o->top_kernels : 30, { 0 } };
    int rc, series = o->format == GP_REPORT_HTML || o->format == GP_REPORT_MD ||
                     o->format == GP_REPORT_JSON;

    gp_report_summarize(a, &c.sum);
    if (series && gp_series_build(a, &c.ser) < 0)
        return -1;
    if (series)
        gp_report_cosched_load(&c);
    switch (o->format) {
    case GP_REPORT_HTML: rc = gp_report_html(&c); break;
    case GP_REPORT_MD: rc = gp_report_md(&c); break;
    case GP_REPORT_JSON: rc = gp_report_json(&c); break;
    case GP_REPORT_CSV: rc = gp_report_csv(&c); break;
    case GP_REPORT_CHROME: rc = gp_report_chrome(&c); break;
    default: rc = -1;
    }
    gp_series_free(&c.ser);
    if (fflush(out) != 0 || ferror(out))
        rc = -1;
    return rc;
}
