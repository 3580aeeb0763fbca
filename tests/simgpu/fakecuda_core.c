/* fakecuda_core.c: the fake driver's plumbing: its lock, the registry of
 * live handles, ids, interned names, and tracing of API calls (the driver's
 * and the fake runtime's) through the attached fake CUPTI (see
 * simgpu_internal.h). */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "tests/simgpu/fakecuda_internal.h"
#include "tests/simgpu/strtab.h"

static pthread_mutex_t big_lock = PTHREAD_MUTEX_INITIALIZER;

/* Live handles: an open-addressing pointer set with tombstones. */
#define TOMB ((void *)1)
static struct {
    void **slots;
    size_t mask;                  /* slots - 1, or 0 before the first add */
    size_t used;                  /* live + tombstones */
} reg;

static atomic_uint next_id = 1;
static atomic_ullong next_id64 = 1;
static sg_strtab names = SG_STRTAB_INIT;
static const simgpu_tracer *_Atomic tracer;
/* > 0 while this thread runs the tracer's code: its calls are not traced. */
static __thread int in_tracer;

void sg_after_fork_child(void)
{
    pthread_mutex_init(&big_lock, NULL);
    sg_strtab_after_fork(&names);
}

void sg_lock(void)
{
    pthread_mutex_lock(&big_lock);
}

void sg_unlock(void)
{
    pthread_mutex_unlock(&big_lock);
}

static size_t slot_of(const void *p, size_t mask)
{
    uint64_t h = (uint64_t)(uintptr_t)p;

    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return (size_t)h & mask;
}

/* Rebuilds the set with room for twice the live handles. 0 or -1. */
static int reg_rehash(void)
{
    size_t live = 0, n = 64;
    void **slots;

    for (size_t i = 0; reg.slots && i <= reg.mask; i++)
        live += reg.slots[i] && reg.slots[i] != TOMB;
    while (n < 4 * (live + 1))
        n *= 2;
    slots = calloc(n, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; reg.slots && i <= reg.mask; i++) {
        void *p = reg.slots[i];
        size_t j;
        if (!p || p == TOMB)
            continue;
        for (j = slot_of(p, n - 1); slots[j]; j = (j + 1) & (n - 1))
            ;
        slots[j] = p;
    }
    free(reg.slots);
    reg.slots = slots;
    reg.mask = n - 1;
    reg.used = live;
    return 0;
}

int sg_handle_add(void *obj)
{
    size_t i;

    if ((!reg.slots || 2 * (reg.used + 1) > reg.mask + 1) && reg_rehash() != 0)
        return -1;
    for (i = slot_of(obj, reg.mask); reg.slots[i] && reg.slots[i] != TOMB; i = (i + 1) & reg.mask)
        ;
    if (!reg.slots[i])
        reg.used++;
    reg.slots[i] = obj;
    return 0;
}

static size_t reg_find(const void *obj)
{
    if (!reg.slots || !obj || obj == TOMB)
        return SIZE_MAX;
    for (size_t i = slot_of(obj, reg.mask); reg.slots[i]; i = (i + 1) & reg.mask)
        if (reg.slots[i] == obj)
            return i;
    return SIZE_MAX;
}

void sg_handle_del(void *obj)
{
    size_t i = reg_find(obj);

    if (i != SIZE_MAX)
        reg.slots[i] = TOMB;
}

int sg_handle_is(const void *obj, sg_kind kind)
{
    return reg_find(obj) != SIZE_MAX && *(const sg_kind *)obj == kind;
}

void sg_handle_sweep(sg_kind kind, const struct CUctx_st *ctx, void (*free_fn)(void *obj))
{
    size_t n = 0, k = 0;
    void **victims;

    for (size_t i = 0; reg.slots && i <= reg.mask; i++) {
        struct CUstream_st *o = reg.slots[i]; /* any struct: SG_OBJ_HEAD */
        n += o && (void *)o != TOMB && o->kind == kind && o->owner == ctx;
    }
    if (n == 0)
        return;
    victims = malloc(n * sizeof *victims);
    if (!victims)
        return; /* leave them: still valid handles, just not freed */
    for (size_t i = 0; i <= reg.mask; i++) {
        struct CUstream_st *o = reg.slots[i];
        if (o && (void *)o != TOMB && o->kind == kind && o->owner == ctx)
            victims[k++] = o;
    }
    for (size_t i = 0; i < k; i++)
        free_fn(victims[i]);
    free(victims);
}

uint32_t sg_next_id(void)
{
    return atomic_fetch_add(&next_id, 1);
}

uint64_t sg_next_id64(void)
{
    return atomic_fetch_add(&next_id64, 1);
}

const char *sg_intern(const char *s)
{
    return sg_strtab_intern(&names, s);
}

/* Fills c and, when a tracer is attached and this is not the tracer's own
 * call, runs its ENTER side. */
static void call_begin(simgpu_call *c, CUpti_CallbackDomain domain, CUpti_CallbackId cbid,
                       const char *name, const void *params, const char *symbol)
{
    const simgpu_tracer *t = atomic_load_explicit(&tracer, memory_order_acquire);

    c->domain = domain;
    c->cbid = cbid;
    c->name = name;
    c->params = params;
    c->symbol = symbol;
    c->ctx = NULL;
    c->ctx_uid = 0;
    c->result = CUDA_SUCCESS;
    c->correlation_id = 0;
    c->correlation_data = 0;
    c->start_ts = 0;
    c->tracer = NULL;
    if (!t || in_tracer)
        return;
    c->ctx = sg_ctx_current_unlocked();
    c->ctx_uid = c->ctx ? c->ctx->id : 0; /* contexts are never freed */
    c->tracer = t;
    in_tracer++;
    t->api_enter(c);
    in_tracer--;
}

void sg_call_begin_sym(simgpu_call *c, CUpti_CallbackId cbid, const char *name,
                       const void *params, const char *symbol)
{
    call_begin(c, CUPTI_CB_DOMAIN_DRIVER_API, cbid, name, params, symbol);
}

void sg_call_begin(simgpu_call *c, CUpti_CallbackId cbid, const char *name, const void *params)
{
    call_begin(c, CUPTI_CB_DOMAIN_DRIVER_API, cbid, name, params, NULL);
}

void sg_call_begin_runtime(simgpu_call *c, CUpti_CallbackId cbid, const char *name,
                           const void *params, const char *symbol)
{
    call_begin(c, CUPTI_CB_DOMAIN_RUNTIME_API, cbid, name, params, symbol);
}

int sg_call_end_runtime(simgpu_call *c, int result)
{
    return (int)sg_call_end(c, (CUresult)result);
}

CUresult sg_call_end(simgpu_call *c, CUresult result)
{
    const simgpu_tracer *t = c->tracer;

    c->result = result;
    if (t) {
        in_tracer++;
        t->api_exit(c);
        in_tracer--;
    }
    return result;
}

int sg_wants(CUpti_ActivityKind kind)
{
    const simgpu_tracer *t = atomic_load_explicit(&tracer, memory_order_acquire);

    return t && t->wants(kind);
}

void sg_emit(const void *record, size_t size, uint64_t complete_ns)
{
    const simgpu_tracer *t = atomic_load_explicit(&tracer, memory_order_acquire);

    if (t)
        t->emit(record, size, complete_ns);
}

void sg_resource(CUpti_CallbackIdResource cbid, CUcontext ctx, CUstream stream, void *desc)
{
    const simgpu_tracer *t = atomic_load_explicit(&tracer, memory_order_acquire);

    if (!t || in_tracer)
        return;
    in_tracer++;
    t->resource(cbid, ctx, stream, desc);
    in_tracer--;
}

void sg_synchronized(CUpti_CallbackIdSync cbid, CUcontext ctx, CUstream stream)
{
    const simgpu_tracer *t = atomic_load_explicit(&tracer, memory_order_acquire);

    if (!t || in_tracer)
        return;
    in_tracer++;
    t->synchronized(cbid, ctx, stream);
    in_tracer--;
}

static const simgpu_driver driver_queries = {
    SIMGPU_ABI_VERSION,
    sg_query_context_ids,
    sg_query_stream_id,
    sg_query_graph_id,
    sg_now,
};

const simgpu_driver *simgpu_driver_attach(const simgpu_tracer *t)
{
    if (t && t->abi_version != SIMGPU_ABI_VERSION)
        return NULL;
    atomic_store_explicit(&tracer, t, memory_order_release);
    return &driver_queries;
}
