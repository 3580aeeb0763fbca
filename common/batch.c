/* batch.c: records of every kind plus their strings, by value. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "buf.h"

typedef struct vec {
    uint8_t *data;
    size_t n, cap;
} vec;

typedef struct strdef {
    gp_strid id;
    uint32_t len;
    size_t off; /* into text */
} strdef;

struct gp_batch {
    uint32_t wire_version, pid;
    uint64_t seq, ops_issued, ops_recorded;
    vec recs[GP_KIND_COUNT];
    strdef *strs;
    size_t n_strs, cap_strs;
    gp_buf text;
};

static const size_t kind_size[GP_KIND_COUNT] = {
    [GP_KIND_PROCESS] = sizeof(gp_process),   [GP_KIND_DEVICE] = sizeof(gp_device),
    [GP_KIND_CONTEXT] = sizeof(gp_context),   [GP_KIND_STREAM] = sizeof(gp_stream),
    [GP_KIND_KERNEL] = sizeof(gp_kernel),     [GP_KIND_MEMCPY] = sizeof(gp_memcpy),
    [GP_KIND_MEMSET] = sizeof(gp_memset),     [GP_KIND_SYNC] = sizeof(gp_sync),
    [GP_KIND_API] = sizeof(gp_api),           [GP_KIND_NVTX] = sizeof(gp_nvtx),
    [GP_KIND_METRIC] = sizeof(gp_metric),     [GP_KIND_DROPPED] = sizeof(gp_dropped),
    [GP_KIND_COSCHED] = sizeof(gp_cosched),   [GP_KIND_OVERHEAD] = sizeof(gp_overhead),
    [GP_KIND_EXTCORR] = sizeof(gp_extcorr),
};

size_t gp_kind_size(gp_kind kind)
{
    return (unsigned)kind < GP_KIND_COUNT ? kind_size[kind] : 0;
}

gp_batch *gp_batch_new(void)
{
    return calloc(1, sizeof(gp_batch));
}

void gp_batch_free(gp_batch *b)
{
    if (!b)
        return;
    for (int k = 0; k < GP_KIND_COUNT; k++)
        free(b->recs[k].data);
    free(b->strs);
    gp_buf_free(&b->text);
    free(b);
}

void gp_batch_clear(gp_batch *b)
{
    for (int k = 0; k < GP_KIND_COUNT; k++)
        b->recs[k].n = 0;
    b->n_strs = 0;
    gp_buf_reset(&b->text);
    b->wire_version = b->pid = 0;
    b->seq = b->ops_issued = b->ops_recorded = 0;
}

void gp_batch_set_progress(gp_batch *b, uint64_t ops_issued, uint64_t ops_recorded)
{
    b->ops_issued = ops_issued;
    b->ops_recorded = ops_recorded;
}

void gp_batch_progress(const gp_batch *b, uint64_t *ops_issued, uint64_t *ops_recorded)
{
    if (ops_issued)
        *ops_issued = b->ops_issued;
    if (ops_recorded)
        *ops_recorded = b->ops_recorded;
}

void gp_batch_set_header(gp_batch *b, uint32_t wire_version, uint32_t pid, uint64_t seq)
{
    b->wire_version = wire_version;
    b->pid = pid;
    b->seq = seq;
}

void gp_batch_header(const gp_batch *b, uint32_t *wire_version, uint32_t *pid, uint64_t *seq)
{
    if (wire_version)
        *wire_version = b->wire_version;
    if (pid)
        *pid = b->pid;
    if (seq)
        *seq = b->seq;
}

static int vec_grow(vec *v, size_t elem)
{
    size_t cap = v->cap ? v->cap * 2 : 64;
    uint8_t *p;

    if (cap > SIZE_MAX / elem)
        return -1;
    p = realloc(v->data, cap * elem);
    if (!p)
        return -1;
    v->data = p;
    v->cap = cap;
    return 0;
}

int gp_batch_add(gp_batch *b, const gp_record *r)
{
    vec *v;
    size_t sz;

    if ((unsigned)r->kind >= GP_KIND_COUNT)
        return -1;
    v = &b->recs[r->kind];
    sz = kind_size[r->kind];
    if (v->n == v->cap && vec_grow(v, sz) < 0)
        return -1;
    memcpy(v->data + v->n * sz, &r->u, sz);
    v->n++;
    return 0;
}

int gp_batch_add_string(gp_batch *b, gp_strid id, const char *text, size_t len)
{
    strdef *s;
    size_t off = b->text.len;

    if (len > UINT32_MAX - 1)
        return -1;
    if (b->n_strs == b->cap_strs) {
        size_t cap = b->cap_strs ? b->cap_strs * 2 : 64;
        strdef *p = realloc(b->strs, cap * sizeof *p);
        if (!p)
            return -1;
        b->strs = p;
        b->cap_strs = cap;
    }
    if (gp_buf_reserve(&b->text, len + 1) < 0)
        return -1;
    gp_buf_append(&b->text, text, len);
    gp_buf_append(&b->text, "", 1);
    s = &b->strs[b->n_strs++];
    s->id = id;
    s->len = (uint32_t)len;
    s->off = off;
    return 0;
}

const void *gp_batch_items(const gp_batch *b, gp_kind kind, size_t *count)
{
    if ((unsigned)kind >= GP_KIND_COUNT) {
        *count = 0;
        return NULL;
    }
    *count = b->recs[kind].n;
    return b->recs[kind].data;
}

void *gp_batch_items_mut(gp_batch *b, gp_kind kind, size_t *count)
{
    return (void *)gp_batch_items(b, kind, count);
}

int gp_batch_get(const gp_batch *b, gp_kind kind, size_t i, gp_record *r)
{
    size_t n;
    const uint8_t *items = gp_batch_items(b, kind, &n);

    if (i >= n)
        return -1;
    memset(r, 0, sizeof *r);
    r->kind = kind;
    memcpy(&r->u, items + i * kind_size[kind], kind_size[kind]);
    return 0;
}

size_t gp_batch_string_count(const gp_batch *b)
{
    return b->n_strs;
}

const char *gp_batch_string(const gp_batch *b, size_t i, gp_strid *id, size_t *len)
{
    const strdef *s;

    if (i >= b->n_strs)
        return NULL;
    s = &b->strs[i];
    if (id)
        *id = s->id;
    if (len)
        *len = s->len;
    return (const char *)b->text.data + s->off;
}

size_t gp_batch_record_count(const gp_batch *b)
{
    size_t n = 0;

    for (int k = 0; k < GP_KIND_COUNT; k++)
        n += b->recs[k].n;
    return n;
}

size_t gp_batch_bytes(const gp_batch *b)
{
    size_t n = sizeof *b + b->cap_strs * sizeof(strdef) + b->text.cap;

    for (int k = 0; k < GP_KIND_COUNT; k++)
        n += b->recs[k].cap * kind_size[k];
    return n;
}
