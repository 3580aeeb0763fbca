/* cosched.c: the "Co-scheduler" section of the HTML, Markdown and JSON
 * reports, from a recorded `gpupack pack` run (cosched/summary.h). Written
 * only when the trace has cosched records. O(GP_COSCHED_SERIES_MAX). */
#include "config.h"

#include <inttypes.h>

#include "common/format.h"
#include "escape.h"
#include "report_int.h"

void gp_report_cosched_load(gp_rctx *c)
{
    for (int i = 0; i < c->o->n_inputs && !c->cos.present; i++) {
        gp_error err = { 0 };
        gp_trace *t = gp_trace_open(c->o->inputs[i], &err);
        if (t && gp_cosched_summary_load(t, &c->cos, &err) != GP_OK)
            c->cos.present = 0; /* an unreadable section is left out, not fatal */
        gp_trace_close(t);
    }
}

static const char *cmd(const gp_cosched_job *j)
{
    return j->command[0] ? j->command : "?";
}

/* "Serving job <cmd> (pid N), training job <cmd> (pid M)." with the
 * commands escaped by esc and quoted by open/close. */
static void jobs_line(FILE *f, const gp_cosched_summary *s, void (*esc)(FILE *, const char *),
                      const char *open, const char *close)
{
    fprintf(f, "Serving job %s", open);
    esc(f, cmd(&s->serve));
    fprintf(f, "%s (pid %" PRIu32 "), training job %s", close, s->serve.pid, open);
    esc(f, cmd(&s->train));
    fprintf(f, "%s (pid %" PRIu32 ").", close, s->train.pid);
}

/* ---- HTML ------------------------------------------------------------------------ */

#define CW 720
#define CH 160

/* The budget over time as a step line (inline SVG). */
static void budget_svg(FILE *f, const gp_cosched_summary *s)
{
    int64_t t0 = s->budget[0].ts_ns, t1 = s->last_ns > t0 ? s->last_ns : t0 + 1;
    double ymax = s->budget_max_ns > 0 ? (double)s->budget_max_ns * 1.1 : 1.0;
    char b[32];

    fprintf(f, "<svg class=chart viewBox='0 0 %d %d' role=img aria-label='budget over time'>"
            "<path fill=none stroke='#2b6cb0' stroke-width=2 d='", CW + 60, CH + 20);
    for (size_t i = 0; i < s->n_budget; i++) {
        double x = 50 + (double)(s->budget[i].ts_ns - t0) / (double)(t1 - t0) * CW;
        double y = 5 + CH - (double)s->budget[i].value / ymax * CH;
        if (i == 0)
            fprintf(f, "M%.1f %.1f", x, y);
        else
            fprintf(f, "H%.1f V%.1f", x, y);
    }
    fprintf(f, "H%d'/>", 50 + CW);
    fprintf(f, "<text x=2 y=14 font-size=11>%s</text>",
            gp_fmt_ns(b, sizeof b, (int64_t)ymax));
    fprintf(f, "<text x=2 y=%d font-size=11>0</text>", CH + 5);
    fprintf(f, "<text x=50 y=%d font-size=11>0 s</text>", CH + 18);
    fprintf(f, "<text x=%d y=%d font-size=11 text-anchor=end>%s</text></svg>\n", 50 + CW, CH + 18,
            gp_fmt_ns(b, sizeof b, t1 - t0));
}

static void row(FILE *f, const char *what, const char *value)
{
    fprintf(f, "<tr><td>%s</td><td class=n>", what);
    gp_esc_html(f, value);
    fprintf(f, "</td></tr>\n");
}

void gp_report_cosched_html(gp_rctx *c)
{
    const gp_cosched_summary *s = &c->cos;
    FILE *f = c->out;
    char b[64], v[64];

    if (!s->present)
        return;
    fprintf(f, "<section id=cosched><h2>Co-scheduler</h2>\n<p>");
    jobs_line(f, s, gp_esc_html, "<code>", "</code>");
    fprintf(f, "</p>\n");
    fprintf(f, "<table><thead><tr><th>serve latency</th><th>requests</th><th>p50</th><th>p95</th>"
            "<th>p99</th><th>max</th></tr></thead><tbody><tr><td>all requests</td>");
    fprintf(f, "<td class=n>%s</td>", gp_fmt_count(b, sizeof b, (int64_t)s->requests));
    const int64_t q[4] = { s->p50_ns, s->p95_ns, s->p99_ns, s->max_ns };
    for (int i = 0; i < 4; i++)
        fprintf(f, "<td class=n>%s</td>", s->requests ? gp_fmt_ns(b, sizeof b, q[i]) : "n/a");
    fprintf(f, "</tr></tbody></table>\n<table><tbody>\n");
    snprintf(v, sizeof v, "%.1f", s->serve_kps);
    row(f, "serve kernels/s", v);
    snprintf(v, sizeof v, "%.1f", s->train_kps);
    row(f, "training kernels/s", v);
    snprintf(v, sizeof v, "%.1f %%", 100.0 * s->train_share);
    row(f, "training share of GPU kernel time", v);
    snprintf(v, sizeof v, "%s (%s in all, longest %s)", gp_fmt_count(b, sizeof b, (int64_t)s->holds),
             gp_fmt_ns(b + 20, 20, s->hold_total_ns), gp_fmt_ns(b + 40, 20, s->hold_max_ns));
    row(f, "training launches held", v);
    row(f, "holds ended by the bounded wait", gp_fmt_count(b, sizeof b, (int64_t)s->timeouts));
    row(f, "watchdog releases", gp_fmt_count(b, sizeof b, (int64_t)s->watchdog));
    if (s->budget_changes) {
        snprintf(v, sizeof v, "%s / %s / %s", gp_fmt_ns(b, 20, s->budget_min_ns),
                 gp_fmt_ns(b + 20, 20, s->budget_max_ns), gp_fmt_ns(b + 40, 20, s->budget_last_ns));
        row(f, "training budget min / max / last", v);
    }
    fprintf(f, "</tbody></table>\n");
    if (s->n_budget > 0) {
        fprintf(f, "<h3>Training budget over time</h3>\n");
        budget_svg(f, s);
    }
    fprintf(f, "</section>\n");
}

/* ---- Markdown --------------------------------------------------------------------- */

void gp_report_cosched_md(gp_rctx *c)
{
    const gp_cosched_summary *s = &c->cos;
    FILE *f = c->out;
    char b[4][32];

    if (!s->present)
        return;
    fprintf(f, "## Co-scheduler\n\n");
    jobs_line(f, s, gp_esc_md, "", "");
    fprintf(f, "\n\n");
    fprintf(f, "| serve latency | requests | p50 | p95 | p99 | max |\n|---|---:|---:|---:|---:|---:|\n"
            "| all requests | %" PRIu64 " |", s->requests);
    const int64_t q[4] = { s->p50_ns, s->p95_ns, s->p99_ns, s->max_ns };
    for (int i = 0; i < 4; i++)
        fprintf(f, " %s |", s->requests ? gp_fmt_ns(b[0], sizeof b[0], q[i]) : "n/a");
    fprintf(f, "\n\n| metric | value |\n|---|---:|\n");
    fprintf(f, "| serve kernels/s | %.1f |\n| training kernels/s | %.1f |\n"
            "| training share of GPU kernel time | %.1f %% |\n",
            s->serve_kps, s->train_kps, 100.0 * s->train_share);
    fprintf(f, "| training launches held | %" PRIu64 " (%s in all, longest %s) |\n", s->holds,
            gp_fmt_ns(b[0], sizeof b[0], s->hold_total_ns), gp_fmt_ns(b[1], sizeof b[1], s->hold_max_ns));
    fprintf(f, "| holds ended by the bounded wait | %" PRIu64 " |\n| watchdog releases | %" PRIu64
            " |\n", s->timeouts, s->watchdog);
    if (s->budget_changes)
        fprintf(f, "| training budget min / max / last | %s / %s / %s |\n",
                gp_fmt_ns(b[0], sizeof b[0], s->budget_min_ns),
                gp_fmt_ns(b[1], sizeof b[1], s->budget_max_ns),
                gp_fmt_ns(b[2], sizeof b[2], s->budget_last_ns));
    fprintf(f, "\n");
}

/* ---- JSON ------------------------------------------------------------------------- */

static void job_json(gp_jsonw *w, const char *key, const gp_cosched_job *j, double kps)
{
    static const char *const keys[] = { "pid", "kernels", "kernel_ns" };
    const int64_t vals[] = { j->pid, (int64_t)j->kernels, j->kernel_ns };

    gp_jsonw_key(w, key);
    gp_jsonw_obj(w);
    gp_rjson_ints(w, keys, vals, 3);
    gp_jsonw_key(w, "command");
    gp_jsonw_str(w, j->command);
    gp_jsonw_key(w, "kernels_per_s");
    gp_jsonw_dbl(w, kps);
    gp_jsonw_end(w);
}

void gp_report_cosched_json(gp_jsonw *w, const gp_rctx *c)
{
    static const char *const keys[] = {
        "requests", "p50_ns", "p95_ns", "p99_ns", "max_ns", "holds", "hold_total_ns",
        "hold_max_ns", "timeouts", "watchdog_releases", "budget_changes", "budget_min_ns",
        "budget_max_ns", "budget_last_ns"
    };
    const gp_cosched_summary *s = &c->cos;

    if (!s->present)
        return;
    const int64_t vals[] = {
        (int64_t)s->requests, s->p50_ns, s->p95_ns, s->p99_ns, s->max_ns, (int64_t)s->holds,
        s->hold_total_ns, s->hold_max_ns, (int64_t)s->timeouts, (int64_t)s->watchdog,
        (int64_t)s->budget_changes, s->budget_min_ns, s->budget_max_ns, s->budget_last_ns
    };
    gp_jsonw_key(w, "cosched");
    gp_jsonw_obj(w);
    job_json(w, "serve", &s->serve, s->serve_kps);
    job_json(w, "train", &s->train, s->train_kps);
    gp_jsonw_key(w, "train_share");
    gp_jsonw_dbl(w, s->train_share);
    gp_rjson_ints(w, keys, vals, (int)(sizeof vals / sizeof vals[0]));
    gp_jsonw_key(w, "budget");
    gp_jsonw_arr(w);
    for (size_t i = 0; i < s->n_budget; i++) {
        gp_jsonw_arr(w);
        gp_jsonw_int(w, s->budget[i].ts_ns);
        gp_jsonw_int(w, s->budget[i].value);
        gp_jsonw_end(w);
    }
    gp_jsonw_end(w);
    gp_jsonw_end(w);
}
