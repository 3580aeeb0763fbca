/* html_meta.c: the HTML report's sample charts and metadata (html.h). */
#include "config.h"

#include <inttypes.h>

#include "common/format.h"
#include "escape.h"
#include "html.h"

#define W 1000
#define H 100

static void sample_chart(gp_rctx *c, const gp_sample_series *s)
{
    FILE *f = c->out;
    double range = s->max - s->min;
    int64_t t0 = s->n ? s->ts_ns[0] : 0, dt = s->n ? s->ts_ns[s->n - 1] - t0 : 0;
    char b[32];

    fprintf(f, "<h3>");
    gp_esc_html_cut(f, gp_job_str(c->a->job, s->name), GP_HTML_MAX_STRING);
    if (s->device >= 0)
        fprintf(f, " &middot; GPU %d", (int)s->device);
    fprintf(f, " &middot; rank %d <span class=meta>(%zu samples, %.4g to %.4g)</span></h3>\n",
            c->a->ranks[s->rank_index].rank, s->n_raw, s->min, s->max);
    fprintf(f, "<svg viewBox='-70 0 %d %d' role=img aria-label='samples over time'>"
            "<rect class=bg x=0 y=0 width=%d height=%d /><polyline class=line points='", W + 80,
            H + 18, W, H);
    for (size_t i = 0; i < s->n; i++) {
        double x = dt > 0 ? (double)(s->ts_ns[i] - t0) * W / (double)dt : 0;
        double y = range > 0 ? H - (s->value[i] - s->min) * H / range : H / 2.0;
        fprintf(f, "%.1f,%.1f ", x, y);
    }
    fprintf(f, "'/><text x=-4 y=10 text-anchor=end>%.4g</text><text x=-4 y=%d text-anchor=end>"
            "%.4g</text><text x=%d y=%d text-anchor=end>%s</text></svg>\n", s->max, H, s->min, W,
            H + 14, gp_fmt_ns(b, sizeof b, dt));
}

void gp_html_samples(gp_rctx *c)
{
    if (!c->ser.n_samples)
        return;
    fprintf(c->out, "<section id=samples><h2>NVML and counter samples</h2>\n");
    for (size_t i = 0; i < c->ser.n_samples; i++)
        sample_chart(c, &c->ser.samples[i]);
    fprintf(c->out, "</section>\n");
}

static void devices(gp_rctx *c)
{
    FILE *f = c->out;

    fprintf(f, "<h3>Devices</h3>\n<table><tr><th>rank</th><th>device</th><th>name</th><th class=n>"
            "SMs</th><th class=n>compute capability</th><th class=n>kernels</th><th class=n>copies"
            "</th><th class=n>memsets</th></tr>\n");
    for (size_t i = 0; i < c->a->n_ranks; i++) {
        const gp_rank *r = gp_job_rank_c(c->a->job, i);
        const gp_rank_result *rr = &c->a->ranks[i];
        for (size_t k = 0; k < rr->n_devices; k++) {
            const gp_device_result *d = &rr->devices[k];
            const gp_devinfo *di = gp_rank_device(r, d->device);
            char b1[32], b2[32], b3[32];
            fprintf(f, "<tr><td>%d</td><td>%d</td><td>", rr->rank, (int)d->device);
            gp_esc_html_cut(f, gp_job_str(c->a->job, d->name), GP_HTML_MAX_STRING);
            fprintf(f, "</td><td class=n>%d</td><td class=n>", d->sm_count);
            if (di && di->cc_major)
                fprintf(f, "%d.%d", di->cc_major, di->cc_minor);
            fprintf(f, "</td><td class=n>%s</td><td class=n>%s</td><td class=n>%s</td></tr>\n",
                    gp_fmt_count(b1, sizeof b1, d->n_kernels),
                    gp_fmt_count(b2, sizeof b2, d->n_copies),
                    gp_fmt_count(b3, sizeof b3, d->n_memsets));
        }
    }
    fprintf(f, "</table>\n");
}

void gp_html_metadata(gp_rctx *c)
{
    FILE *f = c->out;
    char b[8][32];

    fprintf(f, "<section id=metadata><h2>Run and devices</h2>\n");
    devices(c);
    fprintf(f, "<h3>Ranks</h3>\n<table><tr><th>rank</th><th>source</th><th class=n>span</th>"
            "<th class=n>steps</th><th class=n>launch delay p50 / p99</th><th class=n>"
            "kernels shorter than their launch</th><th class=n>records lost</th></tr>\n");
    for (size_t i = 0; i < c->a->n_ranks; i++) {
        const gp_rank_result *r = &c->a->ranks[i];
        fprintf(f, "<tr><td>%d</td><td class=k>", r->rank);
        gp_esc_html(f, r->label);
        fprintf(f, "</td><td class=n>%s</td><td class=n>%s</td><td class=n>%s / %s</td>"
                "<td class=n>%s</td><td class=n>%s</td></tr>\n",
                gp_fmt_ns(b[0], sizeof b[0], r->span_ns),
                gp_fmt_count(b[1], sizeof b[1], (int64_t)r->n_steps),
                gp_fmt_ns(b[2], sizeof b[2], r->launches.delay_p50_ns),
                gp_fmt_ns(b[3], sizeof b[3], r->launches.delay_p99_ns),
                gp_fmt_count(b[4], sizeof b[4], r->launches.short_kernels),
                gp_fmt_count(b[5], sizeof b[5], (int64_t)r->dropped_records));
        if (r->kernels_no_ts)
            fprintf(f, "<tr><td colspan=7>%s kernels of rank %d came without timestamps from "
                    "CUPTI and are not in the timeline</td></tr>\n",
                    gp_fmt_count(b[6], sizeof b[6], (int64_t)r->kernels_no_ts), r->rank);
    }
    fprintf(f, "</table>\n</section>\n");
}
