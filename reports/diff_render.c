/* diff_render.c: a diff as text, JSON (docs/report-json.md, "diff") or a
 * self-contained HTML page. Kernel names are escaped for each format. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>

#include "analyzer/model/classify.h"
#include "common/format.h"
#include "common/jsonw.h"
#include "common/text.h"
#include "diff.h"
#include "escape.h"
#include "html.h"
#include "report_int.h"

typedef struct row {
    const char *what;
    int64_t base, next;        /* ns or counts */
    int is_ns;
} row;

/* The headline rows; busy % is printed apart (a double). */
static int rows_of(const gp_diff *d, row *r)
{
    int n = 0;

    r[n++] = (row){ "GPU time span", d->base.span_ns, d->new.span_ns, 1 };
    r[n++] = (row){ "GPU busy", d->base.busy_ns, d->new.busy_ns, 1 };
    r[n++] = (row){ "GPU idle", d->base.idle_ns, d->new.idle_ns, 1 };
    r[n++] = (row){ "step time (median)", d->base.step_ns, d->new.step_ns, 1 };
    r[n++] = (row){ "kernels", d->base.kernels, d->new.kernels, 0 };
    for (int c = 0; c < GP_CAUSE_COUNT; c++)
        if (d->base.cause_ns[c] || d->new.cause_ns[c])
            r[n++] = (row){ gp_cause_name(c), d->base.cause_ns[c], d->new.cause_ns[c], 1 };
    return n;
}

static const char *val(char *b, size_t cap, int64_t v, int is_ns)
{
    return is_ns ? gp_fmt_ns(b, cap, v) : gp_fmt_count(b, cap, v);
}

static const char *delta(char *b, size_t cap, int64_t base, int64_t next, int is_ns)
{
    char v[32];
    int64_t d = next - base;

    val(v, sizeof v, llabs(d), is_ns);
    if (base > 0)
        snprintf(b, cap, "%s%s (%+.1f %%)", d < 0 ? "-" : "+", v, 100.0 * (double)d / (double)base);
    else
        snprintf(b, cap, "%s%s", d < 0 ? "-" : "+", v);
    return b;
}

static void text(FILE *f, const gp_diff *d, const char *bl, const char *nl, int rows)
{
    row r[16];
    int n = rows_of(d, r);
    char b1[32], b2[32], b3[64], kn[256];

    fputs("gpupack diff\n  base: ", f);
    gp_text_put(f, bl);
    fputs("\n  new:  ", f);
    gp_text_put(f, nl);
    fputs("\n\n", f);
    fprintf(f, "  %-28s %14s %14s  %s\n", "", "base", "new", "change");
    fprintf(f, "  %-28s %13.1f%% %13.1f%%  %+.1f points\n", "GPU busy %", d->base.busy_pct,
            d->new.busy_pct, d->new.busy_pct - d->base.busy_pct);
    for (int i = 0; i < n; i++)
        fprintf(f, "  %-28s %14s %14s  %s\n", r[i].what, val(b1, sizeof b1, r[i].base, r[i].is_ns),
                val(b2, sizeof b2, r[i].next, r[i].is_ns),
                delta(b3, sizeof b3, r[i].base, r[i].next, r[i].is_ns));
    for (int s = 0; s < GP_DIFF_SAME; s++) {
        int shown = 0;
        fprintf(f, "\nKernels %s: %zu\n", gp_diff_status_name(s), d->n_status[s]);
        for (size_t i = 0; i < d->n_kernels && shown < rows; i++) {
            const gp_diff_kernel *k = &d->kernels[i];
            if (k->status != s)
                continue;
            shown++;
            fprintf(f, "  %-60s %8" PRId64 " -> %-8" PRId64 " %10s -> %-10s %s\n",
                    gp_kernel_short_name(k->name, 60, kn, sizeof kn), k->base_count, k->new_count,
                    gp_fmt_ns(b1, sizeof b1, k->base_ns), gp_fmt_ns(b2, sizeof b2, k->new_ns),
                    delta(b3, sizeof b3, k->base_ns, k->new_ns, 1));
        }
        if (d->n_status[s] > (size_t)shown)
            fprintf(f, "  ... and %zu more\n", d->n_status[s] - (size_t)shown);
    }
    fprintf(f, "\nKernels unchanged (within %.0f %% or %d ns): %zu\n", GP_DIFF_MIN_PCT,
            GP_DIFF_MIN_NS, d->n_status[GP_DIFF_SAME]);
}

static void jsum(gp_jsonw *w, const char *key, const gp_report_summary *s)
{
    gp_jsonw_key(w, key);
    gp_jsonw_obj(w);
    gp_jsonw_key(w, "busy_pct");
    gp_jsonw_dbl(w, s->busy_pct);
    gp_rjson_ints(w, (const char *const[]){ "span_ns", "busy_ns", "idle_ns" },
                  (const int64_t[]){ s->span_ns, s->busy_ns, s->idle_ns }, 3);
    gp_rjson_int_or_null(w, "step_ns", s->step_ns);
    gp_rjson_ints(w, (const char *const[]){ "kernels" }, &s->kernels, 1);
    gp_jsonw_key(w, "idle_causes_ns");
    gp_jsonw_obj(w);
    for (int c = 0; c < GP_CAUSE_COUNT; c++) {
        gp_jsonw_key(w, gp_cause_id(c));
        gp_jsonw_int(w, s->cause_ns[c]);
    }
    gp_jsonw_end(w);
    gp_jsonw_end(w);
}

static int json(FILE *f, const gp_diff *d, const char *bl, const char *nl)
{
    gp_jsonw w;

    gp_jsonw_init(&w, f, 1);
    gp_jsonw_obj(&w);
    gp_jsonw_key(&w, "schema");
    gp_jsonw_str(&w, "gpupack.diff");
    gp_jsonw_key(&w, "schema_version");
    gp_jsonw_int(&w, GP_DIFF_JSON_VERSION);
    gp_jsonw_key(&w, "base_input");
    gp_jsonw_str(&w, bl);
    gp_jsonw_key(&w, "new_input");
    gp_jsonw_str(&w, nl);
    jsum(&w, "base", &d->base);
    jsum(&w, "new", &d->new);
    gp_jsonw_key(&w, "kernel_counts");
    gp_jsonw_obj(&w);
    for (int s = 0; s < GP_DIFF_NSTATUS; s++) {
        gp_jsonw_key(&w, gp_diff_status_name(s));
        gp_jsonw_int(&w, (int64_t)d->n_status[s]);
    }
    gp_jsonw_end(&w);
    gp_jsonw_key(&w, "kernels");
    gp_jsonw_arr(&w);
    for (size_t i = 0; i < d->n_kernels; i++) {
        const gp_diff_kernel *k = &d->kernels[i];
        if (k->status == GP_DIFF_SAME)
            continue;
        gp_jsonw_obj(&w);
        gp_jsonw_key(&w, "name");
        gp_jsonw_str(&w, k->name);
        gp_jsonw_key(&w, "status");
        gp_jsonw_str(&w, gp_diff_status_name(k->status));
        gp_rjson_ints(&w, (const char *const[]){ "base_count", "new_count", "base_ns", "new_ns",
                                                 "delta_ns" },
                      (const int64_t[]){ k->base_count, k->new_count, k->base_ns, k->new_ns,
                                         k->new_ns - k->base_ns }, 5);
        gp_jsonw_end(&w);
    }
    gp_jsonw_end(&w);
    gp_jsonw_end(&w);
    return gp_jsonw_finish(&w);
}

static void html(FILE *f, const gp_diff *d, const char *bl, const char *nl, int rows)
{
    row r[16];
    int n = rows_of(d, r);
    char b1[32], b2[32], b3[64], kn[256];

    fprintf(f, "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n"
            "<meta name=viewport content='width=device-width, initial-scale=1'>\n"
            "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; "
            "style-src 'unsafe-inline'\">\n<title>gpupack diff</title>\n<style>\n%s</style></head>"
            "\n<body><h1>What changed between two runs</h1>\n<p class=meta>base <code>",
            gp_html_style);
    gp_esc_html(f, bl);
    fprintf(f, "</code> &middot; new <code>");
    gp_esc_html(f, nl);
    fprintf(f, "</code></p>\n<section id=summary><h2>Summary</h2><table><tr><th></th><th class=n>"
            "base</th><th class=n>new</th><th class=n>change</th></tr>\n<tr><td>GPU busy</td>"
            "<td class=n>%.1f %%</td><td class=n>%.1f %%</td><td class=n>%+.1f points</td></tr>\n",
            d->base.busy_pct, d->new.busy_pct, d->new.busy_pct - d->base.busy_pct);
    for (int i = 0; i < n; i++) {
        fprintf(f, "<tr><td>");
        gp_esc_html(f, r[i].what);
        fprintf(f, "</td><td class=n>%s</td><td class=n>%s</td><td class=n>%s</td></tr>\n",
                val(b1, sizeof b1, r[i].base, r[i].is_ns), val(b2, sizeof b2, r[i].next, r[i].is_ns),
                delta(b3, sizeof b3, r[i].base, r[i].next, r[i].is_ns));
    }
    fprintf(f, "</table></section>\n");
    for (int s = 0; s < GP_DIFF_SAME; s++) {
        int shown = 0;
        fprintf(f, "<section id=%s><h2>Kernels %s: %zu</h2>\n<table><tr><th>kernel</th>"
                "<th class=n>count</th><th class=n>base</th><th class=n>new</th><th class=n>change"
                "</th></tr>\n", gp_diff_status_name(s), gp_diff_status_name(s), d->n_status[s]);
        for (size_t i = 0; i < d->n_kernels && shown < rows; i++) {
            const gp_diff_kernel *k = &d->kernels[i];
            if (k->status != s)
                continue;
            shown++;
            fprintf(f, "<tr><td class='k mono' title='");
            gp_esc_html_cut(f, k->name, GP_HTML_MAX_STRING);
            fprintf(f, "'>");
            gp_esc_html(f, gp_kernel_short_name(k->name, 90, kn, sizeof kn));
            fprintf(f, "</td><td class=n>%" PRId64 " &rarr; %" PRId64 "</td><td class=n>%s</td>"
                    "<td class=n>%s</td><td class=n>%s</td></tr>\n", k->base_count, k->new_count,
                    gp_fmt_ns(b1, sizeof b1, k->base_ns), gp_fmt_ns(b2, sizeof b2, k->new_ns),
                    delta(b3, sizeof b3, k->base_ns, k->new_ns, 1));
        }
        fprintf(f, "</table>\n</section>\n");
    }
    fprintf(f, "<p class=meta>%zu kernels unchanged (within %.0f %% or %d ns). gpupack %s.</p>\n"
            "</body></html>\n", d->n_status[GP_DIFF_SAME], GP_DIFF_MIN_PCT, GP_DIFF_MIN_NS,
            PACKAGE_VERSION);
}

int gp_diff_write(FILE *out, const gp_diff *d, gp_diff_format f, const char *bl, const char *nl,
                  int rows)
{
    if (rows <= 0)
        rows = 20;
    if (f == GP_DIFF_JSON) {
        if (json(out, d, bl, nl) < 0)
            return -1;
    } else if (f == GP_DIFF_HTML) {
        html(out, d, bl, nl, rows);
    } else {
        text(out, d, bl, nl, rows);
    }
    return fflush(out) != 0 || ferror(out) ? -1 : 0;
}
