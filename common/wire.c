/* wire.c: gp_batch <-> protobuf-c Batch. The only includer of gpupack.pb-c.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fields.h"
#include "frame.h"
#include "proto/gpupack.pb-c.h"
#include "wire.h"

struct gp_wire_enc {
    gp_arena arena;
};

struct gp_wire_dec {
    gp_arena arena;
    ProtobufCAllocator alloc;
};

/* kind -> (protobuf message type, Batch repeated field) */
#define WIRE_KINDS(W) \
    W(PROCESS, process, Gpupack__Process, GPUPACK__PROCESS__INIT, processes, GP_FIELDS_PROCESS) \
    W(DEVICE, device, Gpupack__Device, GPUPACK__DEVICE__INIT, devices, GP_FIELDS_DEVICE) \
    W(CONTEXT, context, Gpupack__Context, GPUPACK__CONTEXT__INIT, contexts, GP_FIELDS_CONTEXT) \
    W(STREAM, stream, Gpupack__Stream, GPUPACK__STREAM__INIT, streams, GP_FIELDS_STREAM) \
    W(KERNEL, kernel, Gpupack__Kernel, GPUPACK__KERNEL__INIT, kernels, GP_FIELDS_KERNEL) \
    W(MEMCPY, memcpy, Gpupack__Memcpy, GPUPACK__MEMCPY__INIT, memcpys, GP_FIELDS_MEMCPY) \
    W(MEMSET, memset, Gpupack__Memset, GPUPACK__MEMSET__INIT, memsets, GP_FIELDS_MEMSET) \
    W(SYNC, sync, Gpupack__Sync, GPUPACK__SYNC__INIT, syncs, GP_FIELDS_SYNC) \
    W(API, api, Gpupack__ApiCall, GPUPACK__API_CALL__INIT, api_calls, GP_FIELDS_API) \
    W(NVTX, nvtx, Gpupack__Nvtx, GPUPACK__NVTX__INIT, nvtx, GP_FIELDS_NVTX) \
    W(METRIC, metric, Gpupack__Metric, GPUPACK__METRIC__INIT, metrics, GP_FIELDS_METRIC) \
    W(DROPPED, dropped, Gpupack__Dropped, GPUPACK__DROPPED__INIT, dropped, GP_FIELDS_DROPPED) \
    W(COSCHED, cosched, Gpupack__Cosched, GPUPACK__COSCHED__INIT, cosched, GP_FIELDS_COSCHED) \
    W(OVERHEAD, overhead, Gpupack__Overhead, GPUPACK__OVERHEAD__INIT, overheads, GP_FIELDS_OVERHEAD) \
    W(EXTCORR, extcorr, Gpupack__ExternalCorrelation, GPUPACK__EXTERNAL_CORRELATION__INIT, \
      ext_correlations, GP_FIELDS_EXTCORR)

#define TO_PB(name, T) m->name = s->name;
#define FROM_PB(name, T) s->name = m->name;

gp_wire_enc *gp_wire_enc_new(void)
{
    return calloc(1, sizeof(gp_wire_enc));
}

void gp_wire_enc_free(gp_wire_enc *e)
{
    if (!e)
        return;
    gp_arena_free(&e->arena);
    free(e);
}

/* Builds b's records of one kind as protobuf messages in the arena. */
#define ENCODE_KIND(KIND, member, PbType, PB_INIT, field, LIST)                       \
    {                                                                                  \
        size_t n;                                                                      \
        const gp_##member *items = gp_batch_items(b, GP_KIND_##KIND, &n);              \
        if (n) {                                                                       \
            static const PbType init = PB_INIT;                                        \
            PbType *msgs = gp_arena_alloc(&e->arena, n * sizeof *msgs);                \
            PbType **ptrs = gp_arena_alloc(&e->arena, n * sizeof *ptrs);               \
            if (!msgs || !ptrs)                                                        \
                goto nomem;                                                            \
            for (size_t i = 0; i < n; i++) {                                           \
                PbType *m = &msgs[i];                                                  \
                const gp_##member *s = &items[i];                                      \
                *m = init;                                                             \
                LIST(TO_PB)                                                            \
                ptrs[i] = m;                                                           \
            }                                                                          \
            batch.n_##field = n;                                                       \
            batch.field = ptrs;                                                        \
        }                                                                              \
    }

gp_status gp_wire_encode_frame(gp_wire_enc *e, const gp_batch *b, gp_buf *out)
{
    Gpupack__Batch batch = GPUPACK__BATCH__INIT;
    size_t nstr = gp_batch_string_count(b), size, h;
    uint8_t hdr[GP_VARINT_MAX];
    uint32_t version, pid;
    uint64_t seq;

    gp_arena_reset(&e->arena);
    gp_batch_header(b, &version, &pid, &seq);
    batch.wire_version = version ? version : GP_WIRE_VERSION;
    batch.pid = pid;
    batch.seq = seq;
    gp_batch_progress(b, &batch.ops_issued, &batch.ops_recorded);

    if (nstr) {
        static const Gpupack__StringDef init = GPUPACK__STRING_DEF__INIT;
        Gpupack__StringDef *defs = gp_arena_alloc(&e->arena, nstr * sizeof *defs);
        Gpupack__StringDef **ptrs = gp_arena_alloc(&e->arena, nstr * sizeof *ptrs);
        if (!defs || !ptrs)
            goto nomem;
        for (size_t i = 0; i < nstr; i++) {
            defs[i] = init;
            /* protobuf-c reads strings up to their NUL; the batch keeps one. */
            defs[i].text = (char *)gp_batch_string(b, i, &defs[i].id, NULL);
            ptrs[i] = &defs[i];
        }
        batch.n_strings = nstr;
        batch.strings = ptrs;
    }

    WIRE_KINDS(ENCODE_KIND)

    size = gpupack__batch__get_packed_size(&batch);
    h = gp_varint_put(hdr, size);
    if (gp_buf_reserve(out, h + size) < 0)
        goto nomem;
    gp_buf_append(out, hdr, h);
    gpupack__batch__pack(&batch, out->data + out->len);
    out->len += size;
    return GP_OK;
nomem:
    return GP_ERR_NOMEM;
}

static void *dec_alloc(void *data, size_t size)
{
    return gp_arena_alloc(data, size);
}

static void dec_free(void *data, void *ptr)
{
    (void)data;
    (void)ptr; /* freed with the arena */
}

gp_wire_dec *gp_wire_dec_new(void)
{
    gp_wire_dec *d = calloc(1, sizeof *d);

    if (!d)
        return NULL;
    d->alloc.alloc = dec_alloc;
    d->alloc.free = dec_free;
    d->alloc.allocator_data = &d->arena;
    return d;
}

void gp_wire_dec_free(gp_wire_dec *d)
{
    if (!d)
        return;
    gp_arena_free(&d->arena);
    free(d);
}

#define DECODE_KIND(KIND, member, PbType, PB_INIT, field, LIST)                        \
    for (size_t i = 0; i < pb->n_##field; i++) {                                       \
        const PbType *m = pb->field[i];                                                \
        gp_##member *s = &rec.u.member;                                                \
        gp_record_init(&rec, GP_KIND_##KIND);                                          \
        LIST(FROM_PB)                                                                  \
        if (gp_batch_add(b, &rec) < 0)                                                 \
            goto nomem;                                                                \
    }

/* Records sent with pid 0 belong to the sending process. Devices have no
 * pid and a metric's pid 0 means "not per process", so both are left alone. */
static void default_pids(gp_batch *b, uint32_t pid)
{
    for (int k = 0; k < GP_KIND_COUNT; k++) {
        int nf;
        const gp_field *f = gp_kind_fields(k, &nf);
        size_t n, sz = gp_kind_size(k);
        unsigned char *items;
        int pid_off = -1;

        if (k == GP_KIND_DEVICE || k == GP_KIND_METRIC)
            continue;
        for (int i = 0; i < nf; i++)
            if (strcmp(f[i].name, "pid") == 0)
                pid_off = f[i].offset;
        items = gp_batch_items_mut(b, k, &n);
        for (size_t i = 0; pid_off >= 0 && i < n; i++) {
            uint32_t *p = (uint32_t *)(items + i * sz + pid_off);
            if (*p == 0)
                *p = pid;
        }
    }
}

gp_status gp_wire_decode(gp_wire_dec *d, const uint8_t *data, size_t len, gp_batch *b,
                         gp_error *err)
{
    Gpupack__Batch *pb;
    gp_record rec;

    gp_batch_clear(b);
    gp_arena_reset(&d->arena);
    pb = gpupack__batch__unpack(&d->alloc, len, data);
    if (!pb)
        return gp_error_set(err, GP_ERR_INPUT, "not a valid gpupack batch (%zu bytes)", len);
    if (pb->wire_version == 0)
        return gp_error_set(err, GP_ERR_INPUT,
                            "not a gpupack stream: batch without a wire version");
    gp_batch_set_header(b, pb->wire_version, pb->pid, pb->seq);
    gp_batch_set_progress(b, pb->ops_issued, pb->ops_recorded);
    for (size_t i = 0; i < pb->n_strings; i++) {
        const char *t = pb->strings[i]->text ? pb->strings[i]->text : "";
        if (gp_batch_add_string(b, pb->strings[i]->id, t, strlen(t)) < 0)
            goto nomem;
    }
    WIRE_KINDS(DECODE_KIND)
    default_pids(b, pb->pid);
    return GP_OK;
nomem:
    gp_batch_clear(b);
    return gp_error_set(err, GP_ERR_NOMEM, "out of memory decoding a batch of %zu bytes", len);
}
