/* json.c: the analysis as JSON (schema: docs/analyze-json.md). */
#include "config.h"

#include <stdio.h>

#include "analyzer/model/classify.h"
#include "common/jsonw.h"
#include "analyzer/render/render.h"

static void kv_int(gp_jsonw *w, const char *k, int64_t v)
{
    gp_jsonw_key(w, k);
    gp_jsonw_int(w, v);
}

static void kv_dbl(gp_jsonw *w, const char *k, double v)
{
    gp_jsonw_key(w, k);
    gp_jsonw_dbl(w, v);
}

static void kv_str(gp_jsonw *w, const char *k, const char *v)
{
    gp_jsonw_key(w, k);
    gp_jsonw_str(w, v);
}

static void gap(gp_jsonw *w, const gp_analysis *a, const gp_gap *g)
{
    gp_jsonw_obj(w);
    kv_int(w, "start_ns", g->start_ns);
    kv_int(w, "end_ns", g->end_ns);
    kv_str(w, "label", gp_job_str(a->job, g->label));
    gp_jsonw_end(w);
}

static void hta(gp_jsonw *w, const gp_hta_result *h)
{
    gp_jsonw_key(w, "hta");
    gp_jsonw_obj(w);
    gp_jsonw_key(w, "valid");
    gp_jsonw_bool(w, h->valid);
    gp_jsonw_key(w, "step_filter");
    gp_jsonw_bool(w, h->step_filter);
    gp_jsonw_key(w, "rounding");
    gp_jsonw_bool(w, h->rounding);
    kv_dbl(w, "span_us", h->span_us);
    kv_dbl(w, "idle_us", h->idle_us);
    kv_dbl(w, "compute_us", h->compute_us);
    kv_dbl(w, "non_compute_us", h->noncompute_us);
    kv_dbl(w, "idle_pct", h->idle_pct);
    kv_dbl(w, "compute_pct", h->compute_pct);
    kv_dbl(w, "non_compute_pct", h->noncompute_pct);
    gp_jsonw_key(w, "streams");
    gp_jsonw_arr(w);
    for (size_t s = 0; s < h->n_streams; s++) {
        const gp_hta_stream *st = &h->streams[s];
        gp_jsonw_obj(w);
        kv_int(w, "stream", st->stream);
        gp_jsonw_key(w, "host_wait_us");
        if (st->has_host_wait)
            gp_jsonw_dbl(w, st->host_wait_us);
        else
            gp_jsonw_null(w);
        gp_jsonw_key(w, "kernel_wait_us");
        if (st->has_kernel_wait)
            gp_jsonw_dbl(w, st->kernel_wait_us);
        else
            gp_jsonw_null(w);
        kv_dbl(w, "other_us", st->other_us);
        gp_jsonw_end(w);
    }
    gp_jsonw_end(w);
    gp_jsonw_end(w);
}

static void device(gp_jsonw *w, const gp_analysis *a, const gp_device_result *d)
{
    gp_jsonw_obj(w);
    kv_int(w, "device", d->device);
    kv_str(w, "name", gp_job_str(a->job, d->name));
    kv_int(w, "sm_count", d->sm_count);
    kv_int(w, "first_ns", d->first_ns);
    kv_int(w, "last_ns", d->last_ns);
    kv_int(w, "busy_ns", d->busy_ns);
    kv_int(w, "kernel_ns", d->kernel_ns);
    kv_int(w, "copy_ns", d->copy_ns);
    kv_int(w, "idle_ns", d->idle_ns);
    kv_int(w, "kernels", d->n_kernels);
    kv_int(w, "copies", d->n_copies);
    kv_int(w, "memsets", d->n_memsets);
    kv_int(w, "gaps", (int64_t)d->n_gaps);
    gp_jsonw_key(w, "gap_lengths");
    gp_jsonw_arr(w);
    for (int b = 0; b < GP_GAP_BUCKETS; b++) {
        int64_t below_us = 1;
        for (int i = 0; i < b; i++)
            below_us *= 10;
        gp_jsonw_obj(w);
        if (b < GP_GAP_BUCKETS - 1)
            kv_int(w, "below_us", below_us);
        else {
            gp_jsonw_key(w, "below_us");
            gp_jsonw_null(w);
        }
        kv_int(w, "count", d->gap_count[b]);
        kv_int(w, "total_ns", d->gap_ns[b]);
        gp_jsonw_end(w);
    }
    gp_jsonw_end(w);
    gp_jsonw_key(w, "idle_causes");
    gp_jsonw_obj(w);
    for (int k = 0; k < GP_CAUSE_COUNT; k++) {
        const gp_cause_stats *cs = &d->causes[k];
        gp_jsonw_key(w, gp_cause_id(k));
        gp_jsonw_obj(w);
        kv_int(w, "total_ns", cs->total_ns);
        kv_int(w, "count", cs->count);
        gp_jsonw_key(w, "longest");
        gp_jsonw_arr(w);
        for (int i = 0; i < cs->n_top; i++)
            gap(w, a, &cs->top[i]);
        gp_jsonw_end(w);
        gp_jsonw_end(w);
    }
    gp_jsonw_end(w);
    gp_jsonw_end(w);
}

static void rank(gp_jsonw *w, const gp_analysis *a, size_t i, const gp_render_opts *o)
{
    const gp_rank_result *r = &a->ranks[i];
    int rows = o->top_kernels > 0 ? o->top_kernels : 50;
    char name[200];

    gp_jsonw_obj(w);
    kv_int(w, "index", (int64_t)i);
    kv_int(w, "rank", r->rank);
    kv_str(w, "label", r->label);
    kv_int(w, "span_ns", r->span_ns);
    kv_int(w, "dropped_records", (int64_t)r->dropped_records);
    kv_int(w, "kernels_without_timestamps", (int64_t)r->kernels_no_ts);
    kv_int(w, "records_with_impossible_times", (int64_t)r->bad_times);
    if (r->taken_ns) {
        kv_int(w, "hole_from_ns", r->taken_ns);
    } else {
        gp_jsonw_key(w, "hole_from_ns");
        gp_jsonw_null(w);
    }
    hta(w, &r->hta);
    gp_jsonw_key(w, "devices");
    gp_jsonw_arr(w);
    for (size_t k = 0; k < r->n_devices; k++)
        device(w, a, &r->devices[k]);
    gp_jsonw_end(w);
    gp_jsonw_key(w, "kernels");
    gp_jsonw_arr(w);
    for (size_t k = 0; k < r->n_kernels && (int)k < rows; k++) {
        const gp_kernel_stat *s = &r->kernels[k];
        static const char *const kinds[] = { "kernel", "memcpy", "memset" };
        gp_jsonw_obj(w);
        kv_str(w, "name", gp_job_str(a->job, s->name));
        kv_str(w, "short_name", gp_kernel_short_name(gp_job_str(a->job, s->name), 80, name,
                                                     sizeof name));
        kv_str(w, "kind", kinds[s->kind < 3 ? s->kind : 0]);
        kv_str(w, "class", gp_kclass_name(s->kclass));
        kv_str(w, "precision", gp_precision_name(s->precision));
        kv_str(w, "tensor_cores", gp_tc_name(s->tensor_core));
        kv_int(w, "count", s->count);
        kv_int(w, "total_ns", s->total_ns);
        kv_int(w, "min_ns", s->min_ns);
        kv_int(w, "max_ns", s->max_ns);
        gp_jsonw_end(w);
    }
    gp_jsonw_end(w);
    gp_jsonw_key(w, "precisions");
    gp_jsonw_arr(w);
    for (size_t k = 0; k < r->n_precisions; k++) {
        const gp_precision_row *p = &r->precisions[k];
        gp_jsonw_obj(w);
        kv_str(w, "class", gp_kclass_name(p->kclass));
        kv_str(w, "precision", gp_precision_name(p->precision));
        kv_str(w, "tensor_cores", gp_tc_name(p->tensor_core));
        kv_int(w, "count", p->count);
        kv_int(w, "total_ns", p->total_ns);
        gp_jsonw_end(w);
    }
    gp_jsonw_end(w);
    gp_jsonw_key(w, "launches");
    gp_jsonw_obj(w);
    kv_int(w, "kernels", r->launches.launches);
    kv_int(w, "delay_p50_ns", r->launches.delay_p50_ns);
    kv_int(w, "delay_p90_ns", r->launches.delay_p90_ns);
    kv_int(w, "delay_p99_ns", r->launches.delay_p99_ns);
    kv_int(w, "delay_max_ns", r->launches.delay_max_ns);
    kv_int(w, "short_kernels", r->launches.short_kernels);
    kv_int(w, "short_kernel_ns", r->launches.short_kernel_ns);
    kv_int(w, "launch_call_ns", r->launches.launch_call_ns);
    gp_jsonw_end(w);
    gp_jsonw_key(w, "steps");
    gp_jsonw_obj(w);
    kv_str(w, "name", gp_job_str(a->job, r->step_name));
    kv_int(w, "count", (int64_t)r->n_steps);
    kv_int(w, "p50_ns", r->step_p50_ns);
    gp_jsonw_key(w, "items");
    gp_jsonw_arr(w);
    for (size_t k = 0; k < r->n_steps; k++) {
        gp_jsonw_obj(w);
        kv_str(w, "name", gp_job_str(a->job, r->steps[k].name));
        kv_int(w, "start_ns", r->steps[k].start_ns);
        kv_int(w, "end_ns", r->steps[k].end_ns);
        kv_int(w, "busy_ns", r->steps[k].busy_ns);
        kv_int(w, "kernels", r->steps[k].kernels);
        gp_jsonw_end(w);
    }
    gp_jsonw_end(w);
    gp_jsonw_end(w);
    gp_jsonw_end(w);
}

int gp_render_json(FILE *out, const gp_analysis *a, const gp_render_opts *o)
{
    gp_jsonw w;

    gp_jsonw_init(&w, out, 1);
    gp_jsonw_obj(&w);
    kv_str(&w, "schema", "gpupack.analyze");
    kv_int(&w, "schema_version", GP_ANALYZE_JSON_VERSION);
    kv_str(&w, "gpupack_version", PACKAGE_VERSION);
    gp_jsonw_key(&w, "inputs");
    gp_jsonw_arr(&w);
    for (int i = 0; i < o->n_inputs; i++)
        gp_jsonw_str(&w, o->inputs[i]);
    gp_jsonw_end(&w);
    gp_jsonw_key(&w, "ranks");
    gp_jsonw_arr(&w);
    for (size_t i = 0; i < a->n_ranks; i++)
        rank(&w, a, i, o);
    gp_jsonw_end(&w);
    gp_jsonw_key(&w, "findings");
    gp_jsonw_arr(&w);
    for (size_t i = 0; i < a->n_findings; i++) {
        const gp_finding *f = &a->findings[i];
        gp_jsonw_obj(&w);
        kv_str(&w, "id", f->id);
        kv_str(&w, "severity", gp_severity_name(f->severity));
        kv_int(&w, "rank_index", f->rank);
        kv_int(&w, "device", f->device);
        kv_str(&w, "title", f->title);
        kv_str(&w, "evidence", f->evidence);
        kv_str(&w, "fix", f->fix);
        kv_int(&w, "cost_ns", f->cost_ns);
        kv_int(&w, "recoverable_ns", f->recoverable_ns);
        kv_int(&w, "basis_ns", f->basis_ns);
        kv_int(&w, "whatif_ns", f->whatif_ns);
        gp_jsonw_key(&w, "examples");
        gp_jsonw_arr(&w);
        for (int k = 0; k < f->n_examples; k++)
            gap(&w, a, &f->examples[k]);
        gp_jsonw_end(&w);
        gp_jsonw_end(&w);
    }
    gp_jsonw_end(&w);
    gp_jsonw_end(&w);
    return gp_jsonw_finish(&w);
}
