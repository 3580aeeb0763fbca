/* kineto_events.c: one traceEvents element of a Kineto trace -> the
 * model's records and the HTA event list (see kineto.h for the mapping). */
#include "config.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/formats/kineto_internal.h"
#include "common/checked.h"

#define KEY_IS(k, n, lit) ((n) == sizeof(lit) - 1 && memcmp((k), (lit), sizeof(lit) - 1) == 0)

/* ---- small helpers ---- */

int kx_str_set(kx_str *s, const char *text, size_t len)
{
    if (len + 1 > s->cap) {
        size_t cap = len + 1 > 2 * s->cap ? len + 1 : 2 * s->cap;
        char *p = realloc(s->s, cap);
        if (!p)
            return -1;
        s->s = p;
        s->cap = cap;
    }
    memcpy(s->s, text, len);
    s->s[len] = '\0';
    s->len = len;
    return 0;
}

int64_t kx_num_int(const char *raw, size_t len)
{
    size_t i = raw[0] == '-';
    uint64_t v = 0;
    int64_t exact;
    double d;

    if (len - i <= 18) { /* a plain integer of up to 18 digits */
        for (; i < len && raw[i] >= '0' && raw[i] <= '9'; i++)
            v = v * 10 + (uint64_t)(raw[i] - '0');
        if (i == len)
            return raw[0] == '-' ? -(int64_t)v : (int64_t)v;
    } else if (gp_json_num_is_int(raw, len) && gp_json_num_scaled(raw, len, 0, &exact) == 0) {
        return exact;
    }
    d = trunc(gp_json_num_double(raw)); /* raw is NUL-terminated */
    if (isnan(d))
        return 0;
    if (d >= 9223372036854775807.0)
        return INT64_MAX;
    if (d <= -9223372036854775808.0)
        return INT64_MIN;
    return (int64_t)d;
}

gp_status kx_skip_rest(kx_ctx *c)
{
    gp_json_tok t;

    do
        t = gp_json_skip(c->j);
    while (t != GP_JSON_OBJECT_END && t != GP_JSON_ARRAY_END && t != GP_JSON_ERROR && t != GP_JSON_END);
    return t == GP_JSON_ERROR ? kx_json_fail(c) : GP_OK;
}

static kx_cat cat_of(const char *s, size_t n)
{
    switch (n) {
    case 5:
        if (memcmp(s, "Trace", 5) == 0)
            return KX_CAT_TRACE;
        break;
    case 6:
        if (memcmp(s, "kernel", 6) == 0 || memcmp(s, "Kernel", 6) == 0)
            return KX_CAT_KERNEL;
        if (memcmp(s, "Memcpy", 6) == 0)
            return KX_CAT_MEMCPY;
        if (memcmp(s, "Memset", 6) == 0)
            return KX_CAT_MEMSET;
        if (memcmp(s, "cpu_op", 6) == 0)
            return KX_CAT_CPU_OP;
        break;
    case 7:
        if (memcmp(s, "Runtime", 7) == 0)
            return KX_CAT_RUNTIME;
        break;
    case 8:
        if (memcmp(s, "Operator", 8) == 0)
            return KX_CAT_CPU_OP;
        break;
    case 9:
        if (memcmp(s, "cuda_sync", 9) == 0)
            return KX_CAT_SYNC;
        break;
    case 10:
        if (memcmp(s, "gpu_memcpy", 10) == 0)
            return KX_CAT_MEMCPY;
        if (memcmp(s, "gpu_memset", 10) == 0)
            return KX_CAT_MEMSET;
        break;
    case 11:
        if (memcmp(s, "cuda_driver", 11) == 0)
            return KX_CAT_DRIVER;
        break;
    case 12:
        if (memcmp(s, "cuda_runtime", 12) == 0)
            return KX_CAT_RUNTIME;
        break;
    case 15:
        if (memcmp(s, "user_annotation", 15) == 0)
            return KX_CAT_ANNOTATION;
        if (memcmp(s, "python_function", 15) == 0)
            return KX_CAT_PYTHON;
        if (memcmp(s, "mtia_ccp_events", 15) == 0)
            return KX_CAT_MTIA;
        break;
    case 19:
        if (memcmp(s, "gpu_user_annotation", 19) == 0)
            return KX_CAT_GPU_ANNOTATION;
        break;
    }
    return KX_CAT_OTHER;
}

static gp_hta_cat hta_cat_of(kx_cat k)
{
    switch (k) {
    case KX_CAT_KERNEL:
    case KX_CAT_MTIA: return GP_HCAT_KERNEL; /* both count as kernels in HTA's idle breakdown */
    case KX_CAT_MEMCPY: return GP_HCAT_MEMCPY;
    case KX_CAT_MEMSET: return GP_HCAT_MEMSET;
    case KX_CAT_RUNTIME:
    case KX_CAT_DRIVER: return GP_HCAT_CUDA_RUNTIME;
    case KX_CAT_SYNC: return GP_HCAT_CUDA_SYNC;
    case KX_CAT_ANNOTATION: return GP_HCAT_USER_ANNOTATION;
    case KX_CAT_CPU_OP: return GP_HCAT_CPU_OP;
    case KX_CAT_TRACE: return GP_HCAT_TRACE;
    default: return GP_HCAT_OTHER;
    }
}

/* ---- reading one element ---- */

/* Reads the value after a key as a scalar: its type, with the text in
 * *text and *len for numbers and strings. Containers are skipped (KX_OTHER). */
static gp_status scalar(kx_ctx *c, kx_type *type, const char **text, size_t *len)
{
    gp_json_tok t = gp_json_next(c->j);

    *text = gp_json_text(c->j, len);
    switch (t) {
    case GP_JSON_NUMBER: *type = KX_NUMBER; return GP_OK;
    case GP_JSON_STRING: *type = KX_STRING; return GP_OK;
    case GP_JSON_NULL: *type = KX_NULL; return GP_OK;
    case GP_JSON_TRUE:
    case GP_JSON_FALSE: *type = KX_OTHER; return GP_OK;
    case GP_JSON_OBJECT_BEGIN:
    case GP_JSON_ARRAY_BEGIN: *type = KX_OTHER; return kx_skip_rest(c);
    default: return kx_json_fail(c);
    }
}

/* An integer field (pid, args.stream, ...): its type and value. */
static gp_status int_field(kx_ctx *c, kx_type *type, int64_t *v)
{
    const char *s;
    size_t n;
    gp_status st = scalar(c, type, &s, &n);

    if (st == GP_OK && *type == KX_NUMBER)
        *v = kx_num_int(s, n);
    return st;
}

/* A number text field (ts, dur): kept as written. */
static gp_status text_field(kx_ctx *c, kx_type *type, kx_str *out)
{
    const char *s;
    size_t n;
    gp_status st = scalar(c, type, &s, &n);

    if (st == GP_OK && (*type == KX_NUMBER || *type == KX_STRING) && kx_str_set(out, s, n) < 0)
        return gp_error_set(c->err, GP_ERR_NOMEM, "%s: out of memory", c->path);
    return st;
}

/* args.grid / args.block: the saturated product of up to 3 extents. */
static gp_status dims(kx_ctx *c, uint64_t *prod)
{
    gp_json_tok t = gp_json_next(c->j);
    uint64_t p = 1;
    int n = 0;

    if (t == GP_JSON_ERROR)
        return kx_json_fail(c);
    if (t != GP_JSON_ARRAY_BEGIN)
        return t == GP_JSON_OBJECT_BEGIN ? kx_skip_rest(c) : GP_OK;
    while ((t = gp_json_next(c->j)) != GP_JSON_ARRAY_END) {
        size_t len;
        const char *s = gp_json_text(c->j, &len);
        int64_t v;
        if (t == GP_JSON_ERROR)
            return kx_json_fail(c);
        if (t == GP_JSON_OBJECT_BEGIN || t == GP_JSON_ARRAY_BEGIN) {
            gp_status st = kx_skip_rest(c);
            if (st != GP_OK)
                return st;
            continue;
        }
        if (t != GP_JSON_NUMBER)
            continue;
        v = kx_num_int(s, len);
        if (v < 0)
            v = 0;
        p = (uint64_t)v != 0 && p > UINT64_MAX / (uint64_t)v ? UINT64_MAX : p * (uint64_t)v;
        n++;
    }
    *prod = n ? p : 0;
    return GP_OK;
}

static gp_status read_args(kx_ctx *c)
{
    kx_event *e = &c->ev;
    gp_json_tok t = gp_json_next(c->j);

    if (t == GP_JSON_ERROR)
        return kx_json_fail(c);
    if (t != GP_JSON_OBJECT_BEGIN)
        return t == GP_JSON_ARRAY_BEGIN ? kx_skip_rest(c) : GP_OK;
    while ((t = gp_json_next(c->j)) == GP_JSON_KEY) {
        size_t n;
        const char *k = gp_json_text(c->j, &n);
        gp_status st;
        if (KEY_IS(k, n, "stream"))
            st = int_field(c, &e->stream_t, &e->stream);
        else if (KEY_IS(k, n, "correlation"))
            st = int_field(c, &e->corr_t, &e->corr);
        else if (KEY_IS(k, n, "device"))
            st = int_field(c, &e->device_t, &e->device);
        else if (KEY_IS(k, n, "bytes"))
            st = int_field(c, &e->bytes_t, &e->bytes);
        else if (KEY_IS(k, n, "cbid"))
            st = int_field(c, &e->cbid_t, &e->cbid);
        else if (KEY_IS(k, n, "External id"))
            st = int_field(c, &e->ext_t, &e->ext);
        else if (KEY_IS(k, n, "registers per thread"))
            st = int_field(c, &e->regs_t, &e->regs);
        else if (KEY_IS(k, n, "shared memory"))
            st = int_field(c, &e->smem_t, &e->smem);
        else if (KEY_IS(k, n, "grid"))
            st = dims(c, &e->blocks);
        else if (KEY_IS(k, n, "block"))
            st = dims(c, &e->threads);
        else
            st = gp_json_skip(c->j) == GP_JSON_ERROR ? kx_json_fail(c) : GP_OK;
        if (st != GP_OK)
            return st;
    }
    return t == GP_JSON_OBJECT_END ? GP_OK : kx_json_fail(c);
}

static void reset_event(kx_event *e)
{
    kx_str name = e->name, ts = e->ts, dur = e->dur;

    memset(e, 0, sizeof *e);
    e->name = name;
    e->ts = ts;
    e->dur = dur;
    e->name.len = e->ts.len = e->dur.len = 0;
}

/* Reads one element, its '{' already read. */
static gp_status read_event(kx_ctx *c)
{
    kx_event *e = &c->ev;
    gp_json_tok t;

    reset_event(e);
    while ((t = gp_json_next(c->j)) == GP_JSON_KEY) {
        size_t n;
        const char *k = gp_json_text(c->j, &n), *s;
        gp_status st = GP_OK;
        if (KEY_IS(k, n, "ph")) {
            st = scalar(c, &e->ph_t, &s, &n);
            e->ph = e->ph_t == KX_STRING && n ? s[0] : 0;
            e->ph_len = e->ph_t == KX_STRING ? n : 0;
        } else if (KEY_IS(k, n, "cat")) {
            st = scalar(c, &e->cat_t, &s, &n);
            e->cat = e->cat_t == KX_STRING ? cat_of(s, n) : KX_CAT_OTHER;
        } else if (KEY_IS(k, n, "name")) {
            st = text_field(c, &e->name_t, &e->name);
        } else if (KEY_IS(k, n, "ts")) {
            st = text_field(c, &e->ts_t, &e->ts);
        } else if (KEY_IS(k, n, "dur")) {
            st = text_field(c, &e->dur_t, &e->dur);
        } else if (KEY_IS(k, n, "pid")) {
            st = int_field(c, &e->pid_t, &e->pid);
        } else if (KEY_IS(k, n, "tid")) {
            st = int_field(c, &e->tid_t, &e->tid);
        } else if (KEY_IS(k, n, "args")) {
            st = read_args(c);
        } else if (gp_json_skip(c->j) == GP_JSON_ERROR) {
            st = kx_json_fail(c);
        }
        if (st != GP_OK)
            return st;
    }
    return t == GP_JSON_OBJECT_END ? GP_OK : kx_json_fail(c);
}

/* ---- mapping ---- */

static const char *kind_word(kx_cat k)
{
    switch (k) {
    case KX_CAT_KERNEL: return "kernel";
    case KX_CAT_MEMCPY: return "memcpy";
    case KX_CAT_MEMSET: return "memset";
    case KX_CAT_SYNC: return "cuda_sync";
    default: return "event";
    }
}

/* An event's times, read once per event (kx_span). */
typedef struct kx_times {
    int state;             /* KX_TIMES_* */
    int64_t start, end;    /* exact ns when KX_TIMES_OK */
} kx_times;

enum { KX_TIMES_OK = 0, KX_TIMES_ABSENT, KX_TIMES_IMPOSSIBLE };

/* ts and dur as exact ns. ABSENT: one is missing or not a number;
 * IMPOSSIBLE: a negative dur, or times outside the range of
 * common/checked.h (the event is left out of every view and counted). */
static kx_times kx_span(const kx_event *e)
{
    kx_times t = { KX_TIMES_ABSENT, 0, 0 };
    int64_t dur;

    if (e->ts_t != KX_NUMBER || e->dur_t != KX_NUMBER)
        return t;
    if ((e->dur.s[0] == '-' && gp_json_num_double(e->dur.s) < 0) ||
        gp_json_num_scaled(e->ts.s, e->ts.len, 3, &t.start) < 0 ||
        gp_json_num_scaled(e->dur.s, e->dur.len, 3, &dur) < 0 ||
        !gp_span_ok(t.start, dur, &t.end))
        t.state = KX_TIMES_IMPOSSIBLE;
    else
        t.state = KX_TIMES_OK;
    return t;
}

/* 0 if the event has its times; else a GPU event fails (-1, a damaged
 * trace) and a host event is left out (1). */
static int times(kx_ctx *c, int gpu, const kx_times *t)
{
    kx_event *e = &c->ev;
    const char *why;

    if (t->state == KX_TIMES_OK)
        return 0;
    if (!gpu)
        return 1;
    if (e->ts_t != KX_NUMBER)
        why = e->ts_t == KX_MISSING ? "has no ts" : "has a ts that is not a number";
    else
        why = e->dur_t == KX_MISSING ? "has no dur" : "has a dur that is not a number";
    gp_error_set(c->err, GP_ERR_INPUT,
                 "%s: traceEvents[%zu] (%s \"%.80s\") %s; the trace is damaged: export it again",
                 c->path, c->index, kind_word(e->cat), e->name_t == KX_STRING ? e->name.s : "", why);
    return -1;
}

static uint32_t u32_of(kx_type t, int64_t v)
{
    return t == KX_NUMBER && v > 0 ? (v > UINT32_MAX ? UINT32_MAX : (uint32_t)v) : 0;
}

/* The event's name as a string id, interned once per event; -1 if out of memory. */
static int name_id(kx_ctx *c, gp_strid *id)
{
    kx_event *e = &c->ev;

    if (!e->name_done) {
        e->name_id = e->name_t == KX_STRING ? gp_job_intern(c->job, e->name.s, e->name.len) : 0;
        if (!e->name_id && e->name_t == KX_STRING && e->name.len)
            return -1;
        e->name_done = 1;
    }
    *id = e->name_id;
    return 0;
}

static gp_status nomem(kx_ctx *c)
{
    return gp_error_set(c->err, GP_ERR_NOMEM, "%s: out of memory after %zu events", c->path, c->index);
}

/* "Memcpy HtoD (Pinned -> Device)": copy and memory kinds. */
static int mem_kind(const char *s, size_t n)
{
    static const struct { const char *w; int k; } kinds[] = {
        { "Pageable", GP_MEM_PAGEABLE }, { "Pinned", GP_MEM_PINNED },
        { "Device Static", GP_MEM_DEVICE_STATIC }, { "Managed Static", GP_MEM_MANAGED_STATIC },
        { "Device", GP_MEM_DEVICE }, { "Array", GP_MEM_ARRAY }, { "Managed", GP_MEM_MANAGED },
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strlen(kinds[i].w) == n && memcmp(s, kinds[i].w, n) == 0)
            return kinds[i].k;
    return GP_MEM_UNKNOWN;
}

static void parse_copy_name(const char *name, gp_op *o)
{
    static const char *const dirs[] = { NULL, "HtoD", "DtoH", "HtoA", "AtoH", "AtoA",
                                        "AtoD", "DtoA", "DtoD", "HtoH", "PtoP" };
    const char *p = strstr(name, "Memcpy "), *open, *arrow, *close;

    if (p) {
        p += 7;
        for (int k = 1; k <= GP_COPY_PTOP; k++)
            if (strncmp(p, dirs[k], 4) == 0 && (p[4] == ' ' || p[4] == '\0')) {
                o->copy_kind = (uint8_t)k;
                break;
            }
    }
    open = strchr(name, '(');
    close = open ? strchr(open, ')') : NULL;
    if (!open || !close)
        return;
    arrow = strstr(open, " -> ");
    if (arrow && arrow < close) {
        o->src_kind = (uint8_t)mem_kind(open + 1, (size_t)(arrow - open - 1));
        o->dst_kind = (uint8_t)mem_kind(arrow + 4, (size_t)(close - arrow - 4));
    } else {
        o->dst_kind = (uint8_t)mem_kind(open + 1, (size_t)(close - open - 1)); /* "Memset (Device)" */
    }
}

static gp_status add_op(kx_ctx *c, int kind, const kx_times *t)
{
    kx_event *e = &c->ev;
    gp_op *o;

    if (times(c, 1, t) < 0)
        return GP_ERR_INPUT;
    if (!(o = gp_rank_add_op(c->r)) || name_id(c, &o->name) < 0)
        return nomem(c);
    o->kind = (uint8_t)kind;
    o->start_ns = t->start;
    o->end_ns = t->end;
    if (e->corr_t == KX_NUMBER)
        o->correlation = e->corr;
    if (e->stream_t == KX_NUMBER && e->stream >= INT32_MIN && e->stream <= INT32_MAX)
        o->stream = (int32_t)e->stream;
    if (e->device_t == KX_NUMBER && e->device >= INT16_MIN && e->device <= INT16_MAX)
        o->device = (int16_t)e->device;
    if (kind == GP_OP_KERNEL) {
        uint32_t regs = u32_of(e->regs_t, e->regs);
        o->blocks = e->blocks > UINT32_MAX ? UINT32_MAX : (uint32_t)e->blocks;
        o->threads = e->threads > UINT16_MAX ? UINT16_MAX : (uint16_t)e->threads;
        o->registers = regs > UINT16_MAX ? UINT16_MAX : (uint16_t)regs;
        o->smem_bytes = u32_of(e->smem_t, e->smem);
    } else {
        if (e->bytes_t == KX_NUMBER && e->bytes > 0)
            o->bytes = e->bytes;
        parse_copy_name(gp_job_str(c->job, o->name), o);
    }
    return GP_OK;
}

static gp_status add_sync(kx_ctx *c, const kx_times *t)
{
    static const struct { const char *name; int type; } types[] = {
        { "Event Sync", GP_SYNC_EVENT }, { "Stream Sync", GP_SYNC_STREAM },
        { "Context Sync", GP_SYNC_CONTEXT }, { "Stream Wait Event", GP_SYNC_STREAM_WAIT_EVENT },
    };
    kx_event *e = &c->ev;
    gp_syncrec *s;

    if (times(c, 1, t) < 0)
        return GP_ERR_INPUT;
    if (!(s = gp_rank_add_sync(c->r)))
        return nomem(c);
    s->start_ns = t->start;
    s->end_ns = t->end;
    if (e->corr_t == KX_NUMBER)
        s->correlation = e->corr;
    if (e->stream_t == KX_NUMBER && e->stream >= 0 && e->stream <= INT32_MAX)
        s->stream = (int32_t)e->stream;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (e->name_t == KX_STRING && strcmp(e->name.s, types[i].name) == 0)
            s->type = (uint8_t)types[i].type;
    return GP_OK;
}

/* The process: the pid of the first host event. */
static void note_pid(kx_ctx *c)
{
    if (!c->have_pid && c->ev.pid_t == KX_NUMBER) {
        c->r->pid = u32_of(KX_NUMBER, c->ev.pid);
        c->have_pid = 1;
    }
}

static gp_status add_call(kx_ctx *c, int domain, const kx_times *t)
{
    kx_event *e = &c->ev;
    gp_call *a;

    if (times(c, 0, t))
        return GP_OK; /* a host event without times: left out */
    if (!(a = gp_rank_add_call(c->r)) || name_id(c, &a->name) < 0)
        return nomem(c);
    a->start_ns = t->start;
    a->end_ns = t->end;
    if (e->corr_t == KX_NUMBER)
        a->correlation = e->corr;
    a->tid = u32_of(e->tid_t, e->tid);
    a->pid = u32_of(e->pid_t, e->pid);
    a->cbid = e->cbid_t == KX_NUMBER && e->cbid >= INT32_MIN && e->cbid <= INT32_MAX ? (int32_t)e->cbid : 0;
    a->domain = (uint8_t)domain;
    note_pid(c);
    return GP_OK;
}

static gp_status add_range(kx_ctx *c, int kind, const kx_times *t)
{
    kx_event *e = &c->ev;
    gp_range *g;

    if (times(c, 0, t))
        return GP_OK;
    if (!(g = gp_rank_add_range(c->r)) || name_id(c, &g->name) < 0)
        return nomem(c);
    g->start_ns = t->start;
    g->end_ns = t->end;
    g->tid = u32_of(e->tid_t, e->tid);
    g->pid = u32_of(e->pid_t, e->pid);
    g->kind = (uint8_t)kind;
    if (e->ext_t == KX_NUMBER)
        g->external_id = e->ext;
    note_pid(c);
    return GP_OK;
}

/* docs/hta-semantics.md 2.1 and 2.3-2.4: the rounding switch and the kept list. */
static gp_status add_hta(kx_ctx *c)
{
    kx_event *e = &c->ev;
    gp_hta_event *h;

    int ts_int = e->ts_t == KX_NUMBER && gp_json_num_is_int(e->ts.s, e->ts.len);

    if (!ts_int && e->ts_t != KX_STRING && e->ts_t != KX_OTHER)
        c->hta_round = 1; /* missing, null, or not written as an integer */
    if (e->dur_t == KX_MISSING || e->dur_t == KX_NULL || e->cat_t == KX_MISSING ||
        e->cat_t == KX_NULL || e->cat == KX_CAT_TRACE)
        return GP_OK;
    if (!(h = gp_rank_add_hta(c->r)) || name_id(c, &h->name) < 0)
        return nomem(c);
    h->ts_us = e->ts_t == KX_NUMBER ? gp_json_num_double(e->ts.s) : NAN;
    h->dur_us = e->dur_t == KX_NUMBER ? gp_json_num_double(e->dur.s) : NAN;
    h->ts_is_int = (uint8_t)ts_int;
    if (e->stream_t == KX_NUMBER)
        h->stream = e->stream;
    if (e->corr_t == KX_NUMBER)
        h->correlation = e->corr;
    h->cat = (uint8_t)hta_cat_of(e->cat);
    return GP_OK;
}

/* An event with impossible times (a negative dur, times outside
 * common/checked.h's range) is left out of the HTA events and of the model
 * alike, and counted in the rank's bad_times. */
static gp_status map_event(kx_ctx *c)
{
    kx_event *e = &c->ev;
    kx_times t = kx_span(e);
    gp_status st;

    if (t.state == KX_TIMES_IMPOSSIBLE) {
        c->r->bad_times++;
        return GP_OK;
    }
    if ((st = add_hta(c)) != GP_OK)
        return st;
    if (!(e->ph_t == KX_STRING && e->ph_len == 1 && e->ph == 'X'))
        return GP_OK;
    switch (e->cat) {
    case KX_CAT_KERNEL: return add_op(c, GP_OP_KERNEL, &t);
    case KX_CAT_MEMCPY: return add_op(c, GP_OP_MEMCPY, &t);
    case KX_CAT_MEMSET: return add_op(c, GP_OP_MEMSET, &t);
    case KX_CAT_SYNC: return add_sync(c, &t);
    case KX_CAT_RUNTIME: return add_call(c, GP_API_RUNTIME, &t);
    case KX_CAT_DRIVER: return add_call(c, GP_API_DRIVER, &t);
    case KX_CAT_ANNOTATION: return add_range(c, GP_RANGE_ANNOTATION, &t);
    case KX_CAT_CPU_OP: return add_range(c, GP_RANGE_CPU_OP, &t);
    case KX_CAT_PYTHON: return add_range(c, GP_RANGE_PYTHON, &t);
    default: return GP_OK; /* gpu_user_annotation, flows, Trace, ...: HTA list only */
    }
}

gp_status kx_read_events(kx_ctx *c)
{
    gp_json_tok t;
    gp_status st = GP_OK;

    assert(c && c->j && c->r);
    for (c->index = 0; (t = gp_json_next(c->j)) != GP_JSON_ARRAY_END; c->index++) {
        if (t == GP_JSON_ERROR)
            return kx_json_fail(c);
        if (t != GP_JSON_OBJECT_BEGIN)
            return gp_error_set(c->err, GP_ERR_INPUT,
                                "%s: traceEvents[%zu] is not an object; not a PyTorch profiler trace",
                                c->path, c->index);
        if ((st = read_event(c)) != GP_OK || (st = map_event(c)) != GP_OK)
            return st;
    }
    return GP_OK;
}
