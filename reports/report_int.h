/* report_int.h: what the format writers share (not part of the API). */
#ifndef GP_REPORT_INT_H
#define GP_REPORT_INT_H

#include <stdint.h>
#include <stdio.h>

#include "common/jsonw.h"
#include "cosched/summary.h"

#include "report.h"
#include "series.h"
#include "summary.h"

typedef struct gp_rctx {
    FILE *out;
    const gp_analysis *a;
    const gp_report_opts *o;
    gp_report_summary sum;
    gp_report_series ser;       /* built for HTML, Markdown and JSON only */
    int top;                    /* kernel rows */
    gp_cosched_summary cos;     /* a recorded pack run (HTML, Markdown, JSON); present 0: none */
} gp_rctx;

/* Each returns 0, or -1 if writing failed. */
int gp_report_html(gp_rctx *c);
int gp_report_md(gp_rctx *c);
int gp_report_json(gp_rctx *c);
int gp_report_csv(gp_rctx *c);
int gp_report_chrome(gp_rctx *c);

/* The co-scheduler section (cosched.c): load fills c->cos from the first
 * input that is a gpupack trace with cosched records (an input that is not
 * one is skipped); the writers write nothing when c->cos.present is 0. */
void gp_report_cosched_load(gp_rctx *c);
void gp_report_cosched_html(gp_rctx *c);
void gp_report_cosched_md(gp_rctx *c);
void gp_report_cosched_json(gp_jsonw *w, const gp_rctx *c);

/* "key": value for n pairs; and "key": v, or null when v is 0 (json.c). */
void gp_rjson_ints(gp_jsonw *w, const char *const *keys, const int64_t *vals, int n);
void gp_rjson_int_or_null(gp_jsonw *w, const char *key, int64_t v);

/* 1 if a precision row is matrix work in FP32/FP64 off the tensor cores:
 * the work the precision findings estimate savings for. */
int gp_report_underused(const gp_precision_row *p);
/* A readable kernel name (template arguments elided), at most width chars. */
const char *gp_report_kname(const gp_analysis *a, gp_strid name, size_t width, char *buf,
                            size_t cap);
/* "GPU 0 (NVIDIA A100)" or "GPU 0". */
const char *gp_report_devname(const gp_analysis *a, const gp_device_result *d, char *buf,
                              size_t cap);

#endif
