/* json.c: the report as JSON (docs/report-json.md): the summary, the
 * chart series, and the analyzer's own JSON (docs/analyze-json.md) under
 * "analysis". Strings go through the JSON writer (common/jsonw.h). */
#include "config.h"

#include "analyzer/render/render.h"
#include "report_int.h"

void gp_rjson_ints(gp_jsonw *w, const char *const *keys, const int64_t *vals, int n)
{
    for (int i = 0; i < n; i++) {
        gp_jsonw_key(w, keys[i]);
        gp_jsonw_int(w, vals[i]);
    }
}

void gp_rjson_int_or_null(gp_jsonw *w, const char *key, int64_t v)
{
    gp_jsonw_key(w, key);
    if (v)
        gp_jsonw_int(w, v);
    else
        gp_jsonw_null(w);
}

static void kv_int(gp_jsonw *w, const char *k, int64_t v)
{
    gp_rjson_ints(w, &k, &v, 1);
}

static void summary(gp_jsonw *w, const gp_report_summary *s)
{
    gp_jsonw_key(w, "summary");
    gp_jsonw_obj(w);
    gp_jsonw_key(w, "busy_pct");
    gp_jsonw_dbl(w, s->busy_pct);
    gp_rjson_ints(w, (const char *const[]){ "span_ns", "busy_ns", "idle_ns" },
                  (const int64_t[]){ s->span_ns, s->busy_ns, s->idle_ns }, 3);
    gp_jsonw_key(w, "top_idle_cause");
    if (s->top_cause >= 0)
        gp_jsonw_str(w, gp_cause_id(s->top_cause));
    else
        gp_jsonw_null(w);
    gp_jsonw_key(w, "idle_causes");
    gp_jsonw_obj(w);
    for (int k = 0; k < GP_CAUSE_COUNT; k++) {
        gp_jsonw_key(w, gp_cause_id(k));
        gp_jsonw_obj(w);
        gp_rjson_ints(w, (const char *const[]){ "total_ns", "count" },
                      (const int64_t[]){ s->cause_ns[k], s->cause_count[k] }, 2);
        gp_jsonw_end(w);
    }
    gp_jsonw_end(w);
    gp_rjson_int_or_null(w, "step_ns", s->step_ns);
    gp_rjson_ints(w, (const char *const[]){ "steps", "kernels", "copies", "memsets", "devices",
                                            "top_recoverable_ns", "kernels_without_timestamps" },
                  (const int64_t[]){ s->steps, s->kernels, s->copies, s->memsets, s->devices,
                                     s->recoverable_ns, s->kernels_no_ts }, 7);
    gp_jsonw_end(w);
}

static void series(gp_jsonw *w, const gp_rctx *c)
{
    gp_jsonw_key(w, "series");
    gp_jsonw_obj(w);
    gp_jsonw_key(w, "utilization");
    gp_jsonw_arr(w);
    for (size_t i = 0; i < c->ser.n_util; i++) {
        const gp_util_series *u = &c->ser.util[i];
        gp_jsonw_obj(w);
        gp_rjson_ints(w, (const char *const[]){ "rank_index", "device", "start_ns", "bin_ns" },
                      (const int64_t[]){ u->rank_index, u->dev->device, u->start_ns, u->bin_ns }, 4);
        gp_jsonw_key(w, "busy_pct");
        gp_jsonw_arr(w);
        for (int b = 0; b < u->n_bins; b++)
            gp_jsonw_dbl(w, (double)(int64_t)(u->busy_pct[b] * 100 + 0.5) / 100);
        gp_jsonw_end(w);
        gp_jsonw_key(w, "idle_pct"); /* by cause: only the causes with idle time */
        gp_jsonw_obj(w);
        for (int k = 0; k < GP_CAUSE_COUNT; k++) {
            int any = 0;
            for (int b = 0; b < u->n_bins && !any; b++)
                any = u->idle_pct[b][k] > 0;
            if (!any)
                continue;
            gp_jsonw_key(w, gp_cause_id(k));
            gp_jsonw_arr(w);
            for (int b = 0; b < u->n_bins; b++)
                gp_jsonw_dbl(w, (double)(int64_t)(u->idle_pct[b][k] * 100 + 0.5) / 100);
            gp_jsonw_end(w);
        }
        gp_jsonw_end(w);
        gp_jsonw_end(w);
    }
    gp_jsonw_end(w);
    gp_jsonw_key(w, "samples");
    gp_jsonw_arr(w);
    for (size_t i = 0; i < c->ser.n_samples; i++) {
        const gp_sample_series *s = &c->ser.samples[i];
        gp_jsonw_obj(w);
        kv_int(w, "rank_index", s->rank_index);
        gp_jsonw_key(w, "name");
        gp_jsonw_str(w, gp_job_str(c->a->job, s->name));
        kv_int(w, "device", s->device);
        kv_int(w, "samples", (int64_t)s->n_raw);
        gp_jsonw_key(w, "points");
        gp_jsonw_arr(w);
        for (size_t k = 0; k < s->n; k++) {
            gp_jsonw_arr(w);
            gp_jsonw_int(w, s->ts_ns[k]);
            gp_jsonw_dbl(w, s->value[k]);
            gp_jsonw_end(w);
        }
        gp_jsonw_end(w);
        gp_jsonw_end(w);
    }
    gp_jsonw_end(w);
    gp_jsonw_end(w);
}

int gp_report_json(gp_rctx *c)
{
    gp_jsonw w;
    gp_render_opts ro = { 0 };

    gp_jsonw_init(&w, c->out, 1);
    gp_jsonw_obj(&w);
    gp_jsonw_key(&w, "schema");
    gp_jsonw_str(&w, "gpupack.report");
    kv_int(&w, "schema_version", GP_REPORT_JSON_VERSION);
    gp_jsonw_key(&w, "gpupack_version");
    gp_jsonw_str(&w, PACKAGE_VERSION);
    gp_jsonw_key(&w, "inputs");
    gp_jsonw_arr(&w);
    for (int i = 0; i < c->o->n_inputs; i++)
        gp_jsonw_str(&w, c->o->inputs[i]);
    gp_jsonw_end(&w);
    summary(&w, &c->sum);
    series(&w, c);
    gp_report_cosched_json(&w, c);
    /* The analyzer's document is the last member, written by its own
     * renderer; the closing brace follows it. */
    gp_jsonw_key(&w, "analysis");
    ro.top_kernels = c->o->top_kernels;
    ro.inputs = c->o->inputs;
    ro.n_inputs = c->o->n_inputs;
    if (gp_render_json(c->out, c->a, &ro) < 0)
        return -1;
    fputs("}\n", c->out);
    return ferror(c->out) ? -1 : 0;
}
