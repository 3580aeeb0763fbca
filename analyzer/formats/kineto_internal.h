/* kineto_internal.h: what kineto.c (the file, the top level) and
 * kineto_events.c (one traceEvents element) share. Not a public API. */
#ifndef GP_KINETO_INTERNAL_H
#define GP_KINETO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "analyzer/formats/json.h"
#include "analyzer/model/model.h"

/* The JSON type a field had. */
typedef enum kx_type { KX_MISSING = 0, KX_NULL, KX_NUMBER, KX_STRING, KX_OTHER } kx_type;

/* The category, as far as the importer cares. */
typedef enum kx_cat {
    KX_CAT_OTHER = 0, KX_CAT_KERNEL, KX_CAT_MEMCPY, KX_CAT_MEMSET, KX_CAT_RUNTIME,
    KX_CAT_DRIVER, KX_CAT_SYNC, KX_CAT_ANNOTATION, KX_CAT_GPU_ANNOTATION, KX_CAT_CPU_OP,
    KX_CAT_PYTHON, KX_CAT_TRACE, KX_CAT_MTIA
} kx_cat;

/* A growable text copy (token texts do not outlive the next token). */
typedef struct kx_str {
    char *s;
    size_t len, cap;
} kx_str;

/* One traceEvents element, as far as it is read. */
typedef struct kx_event {
    kx_type ph_t, cat_t, name_t, ts_t, dur_t, pid_t, tid_t;
    char ph;                  /* first byte of ph; ph_len its length */
    size_t ph_len;
    kx_cat cat;
    kx_str name, ts, dur;     /* ts, dur: the number text as written */
    int64_t pid, tid;
    /* args */
    kx_type stream_t, corr_t, device_t, bytes_t, cbid_t, ext_t, regs_t, smem_t;
    int64_t stream, corr, device, bytes, cbid, ext, regs, smem;
    uint64_t blocks, threads; /* products of grid and block; 0 absent */
    gp_strid name_id;         /* name interned (once name_done) */
    int name_done;
} kx_event;

typedef struct kx_ctx {
    gp_job *job;
    gp_rank *r;               /* the rank being filled (not yet in job) */
    const char *path;         /* for messages */
    gp_error *err;
    gp_json *j;
    void *reader;             /* kineto.c's file: its read errors explain themselves */
    size_t index;             /* traceEvents index of the current element */
    int hta_round;            /* docs/hta-semantics.md 2.1 seen */
    int have_pid;             /* r->pid was taken from a host event */
    kx_event ev;
} kx_ctx;

/* Reads the traceEvents array (its '[' already read) into c->r. */
gp_status kx_read_events(kx_ctx *c);

/* Fails with the tokenizer's (or the reader's) error. */
gp_status kx_json_fail(kx_ctx *c);

/* Copies the current token text into s; -1 if out of memory. */
int kx_str_set(kx_str *s, const char *text, size_t len);

/* The number text as an integer: exact for integers, else truncated
 * (as HTA's astype(int) does), saturated to the int64 range. */
int64_t kx_num_int(const char *raw, size_t len);

/* Skips the rest of a container whose BEGIN was just read. */
gp_status kx_skip_rest(kx_ctx *c);

#endif
