/* cupti_share.c: CUPTI shared with a profiler inside the job, such as
 * PyTorch's torch.profiler (Kineto).
 *
 * CUPTI has one process-wide pair of activity-buffer callbacks and one
 * timestamp callback: a torch.profiler window would take the collector's
 * records, switch every kind off when it stops, and may call cuptiFinalize
 * (Kineto with TEARDOWN_CUPTI=1). When the collector is preloaded
 * (LD_PRELOAD, as gpupack record runs jobs), the CUPTI functions below,
 * exported by this library, stand in front of CUPTI's own for every caller
 * in the process (the dynamic linker takes the first definition), and
 * share it:
 *   cuptiActivityRegisterCallbacks  the job's pair is kept here; CUPTI goes
 *                                   on calling the collector's, which hands
 *                                   the job copies of the records of the
 *                                   kinds it enabled, in the job's buffers,
 *                                   on the job's clock
 *   cuptiActivityRegisterTimestampCallback
 *                                   kept here: the job's clock (without one,
 *                                   CLOCK_REALTIME, CUPTI's default)
 *   cuptiActivityEnable/Disable     the job's kinds are noted; a kind the
 *                                   collector records is never switched off
 *   cuptiActivityFlushAll           flushes CUPTI: the job has its records
 *                                   before the call returns
 *   cuptiActivityGetNumDroppedRecords
 *                                   records the job lost here (no buffer)
 *   cuptiGetTimestamp               the job's clock
 *   cuptiFinalize                   ends the job's use (its kinds off, its
 *                                   callbacks forgotten); CUPTI stays up
 * While no session records (before it starts, after it failed or ended, in
 * a forked child) they pass the call to CUPTI, noting what the job asked
 * so a session that starts later can take over without the job losing its
 * records. Not shared: cuptiSubscribe (CUPTI allows one subscriber, the
 * collector's; the job's attempt fails as beside any other tool) and the
 * per-context enable calls.
 *
 * Record times: the collector's buffers hold CUPTI's record clock (see
 * timebase.h); a copy for the job gets each known time field moved onto
 * the job's clock (kernels, copies, memsets, API calls, synchronizations,
 * markers, overheads, CUDA events, memory records). Kinds this file does
 * not know are passed unchanged. */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "collector/session_int.h"

#define EXPORT __attribute__((visibility("default")))

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
    int engaged;                               /* records reach the job through us */
    CUpti_BuffersCallbackRequestFunc req;      /* the job's pair, or NULL */
    CUpti_BuffersCallbackCompleteFunc done;
    CUpti_TimestampCallbackFunc ts;            /* the job's clock, or NULL */
    unsigned char kind[CUPTI_ACTIVITY_KIND_COUNT];
    int64_t since[CUPTI_ACTIVITY_KIND_COUNT];  /* CLOCK_MONOTONIC when the job enabled it */
    size_t dropped;                            /* the job's records we had no room for */
} J;

/* CUPTI's own function: through the session's handle once it has one,
 * else the next definition after this library. NULL if neither. */
static void *real(const char *name)
{
    void *f = NULL;

    if (gp_sess.cupti_loaded && gp_sess.cupti.lib)
        f = dlsym(gp_sess.cupti.lib, name);
    return f ? f : dlsym(RTLD_NEXT, name);
}

#define REAL(type, name) ((type)real(name))

/* 1 while the session shares CUPTI with the job. */
static int engaged(void)
{
    int e;

    pthread_mutex_lock(&mu);
    e = J.engaged && gp_sess.pid == getpid() && gp_sess.state != FORKED;
    pthread_mutex_unlock(&mu);
    return e;
}

/* When the job enabled the kind of r (0 if it did not). */
static int64_t job_since(const CUpti_Activity *r)
{
    CUpti_ActivityKind k = r->kind;
    int64_t a, b;

    if ((unsigned)k >= CUPTI_ACTIVITY_KIND_COUNT)
        return 0;
    if (k == CUPTI_ACTIVITY_KIND_KERNEL || k == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL) {
        a = J.kind[CUPTI_ACTIVITY_KIND_KERNEL] ? J.since[CUPTI_ACTIVITY_KIND_KERNEL] : 0;
        b = J.kind[CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL]
                ? J.since[CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL] : 0;
        return a && b ? (a < b ? a : b) : a ? a : b;
    }
    return J.kind[k] ? J.since[k] : 0;
}

/* ---- moving a copy's times onto the job's clock ------------------------------- */

typedef struct clockmap {
    int64_t offset; /* job clock - CLOCK_MONOTONIC */
} clockmap;

static uint64_t job_now(CUpti_TimestampCallbackFunc ts)
{
    struct timespec t;

    if (ts)
        return ts();
    clock_gettime(CLOCK_REALTIME, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* Caller holds gp_sess.lock (the timebase). */
static void move(const clockmap *m, uint64_t *t)
{
    int64_t mono = *t ? gp_tb_to_mono(&gp_sess.tb, *t) : 0;

    *t = mono > 0 ? (uint64_t)(mono + m->offset) : 0;
}

/* The record's first time on CUPTI's clock (its start), 0 if it has none
 * known here. */
static uint64_t first_time(const CUpti_Activity *r)
{
    switch (r->kind) {
    case CUPTI_ACTIVITY_KIND_KERNEL:
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL: return ((const CUpti_ActivityKernel10 *)r)->start;
    case CUPTI_ACTIVITY_KIND_MEMCPY: return ((const CUpti_ActivityMemcpy6 *)r)->start;
    case CUPTI_ACTIVITY_KIND_MEMCPY2: return ((const CUpti_ActivityMemcpyPtoP4 *)r)->start;
    case CUPTI_ACTIVITY_KIND_MEMSET: return ((const CUpti_ActivityMemset4 *)r)->start;
    case CUPTI_ACTIVITY_KIND_RUNTIME:
    case CUPTI_ACTIVITY_KIND_DRIVER: return ((const CUpti_ActivityAPI *)r)->start;
    case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION:
        return ((const CUpti_ActivitySynchronization2 *)r)->start;
    case CUPTI_ACTIVITY_KIND_MARKER: return ((const CUpti_ActivityMarker2 *)r)->timestamp;
    case CUPTI_ACTIVITY_KIND_OVERHEAD: return ((const CUpti_ActivityOverhead3 *)r)->start;
    default: return 0;
    }
}

/* 1 if the job asked for r: its kind is on, and r did not happen before
 * the job turned the kind on (records CUPTI still held from before would
 * never have reached the job without the collector). Caller holds
 * gp_sess.lock and mu. */
static int job_wants(const CUpti_Activity *r)
{
    int64_t since = job_since(r), t;
    uint64_t ts;

    if (!since)
        return 0;
    ts = first_time(r);
    if (!ts)
        return 1;
    t = gp_tb_to_mono(&gp_sess.tb, ts);
    return t == 0 || t >= since;
}

/* The record kinds whose time fields are known (CUPTI 13 layouts; the
 * 12.x ones keep them at the same offsets, decode.c pins that). */
static void retime(const clockmap *m, CUpti_Activity *r)
{
    switch (r->kind) {
    case CUPTI_ACTIVITY_KIND_KERNEL:
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL: {
        CUpti_ActivityKernel10 *k = (CUpti_ActivityKernel10 *)r;
        move(m, &k->start), move(m, &k->end), move(m, &k->completed);
        move(m, &k->queued), move(m, &k->submitted);
        break;
    }
    case CUPTI_ACTIVITY_KIND_MEMCPY: {
        CUpti_ActivityMemcpy6 *c = (CUpti_ActivityMemcpy6 *)r;
        move(m, &c->start), move(m, &c->end);
        break;
    }
    case CUPTI_ACTIVITY_KIND_MEMCPY2: {
        CUpti_ActivityMemcpyPtoP4 *c = (CUpti_ActivityMemcpyPtoP4 *)r;
        move(m, &c->start), move(m, &c->end);
        break;
    }
    case CUPTI_ACTIVITY_KIND_MEMSET: {
        CUpti_ActivityMemset4 *s = (CUpti_ActivityMemset4 *)r;
        move(m, &s->start), move(m, &s->end);
        break;
    }
    case CUPTI_ACTIVITY_KIND_RUNTIME:
    case CUPTI_ACTIVITY_KIND_DRIVER: {
        CUpti_ActivityAPI *a = (CUpti_ActivityAPI *)r;
        move(m, &a->start), move(m, &a->end);
        break;
    }
    case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION: {
        CUpti_ActivitySynchronization2 *s = (CUpti_ActivitySynchronization2 *)r;
        move(m, &s->start), move(m, &s->end);
        break;
    }
    case CUPTI_ACTIVITY_KIND_MARKER:
        move(m, &((CUpti_ActivityMarker2 *)r)->timestamp);
        break;
    case CUPTI_ACTIVITY_KIND_OVERHEAD: {
        CUpti_ActivityOverhead3 *o = (CUpti_ActivityOverhead3 *)r;
        move(m, &o->start), move(m, &o->end);
        break;
    }
    case CUPTI_ACTIVITY_KIND_CUDA_EVENT:
        move(m, &((CUpti_ActivityCudaEvent2 *)r)->deviceTimestamp);
        break;
    case CUPTI_ACTIVITY_KIND_MEMORY2:
        move(m, &((CUpti_ActivityMemory4 *)r)->timestamp);
        break;
    case CUPTI_ACTIVITY_KIND_MEMORY_POOL:
        move(m, &((CUpti_ActivityMemoryPool3 *)r)->timestamp);
        break;
    default:
        break; /* no time fields, or not known here: unchanged */
    }
}

int gp_share_engage(void)
{
    /* What the job's own calls resolve to: the first definition in the
     * main program's scope (a lookup from here would start with our own
     * scope when the driver loaded us). */
    void *main_prog = dlopen(NULL, RTLD_NOW);
    void *def = main_prog ? dlsym(main_prog, "cuptiActivityRegisterCallbacks") : NULL;
    Dl_info a, b;
    /* Compared by the object that defines it: naming our function here
     * would itself go through the interposable symbol. */
    int live = def && dladdr(def, &a) && dladdr((void *)job_now, &b) && a.dli_fbase == b.dli_fbase;

    pthread_mutex_lock(&mu);
    J.engaged = live;
    pthread_mutex_unlock(&mu);
    return live;
}

/* ---- handing the job its records ------------------------------------------- */

typedef struct staged {
    uint8_t *data;  /* the job's records, back to back, times moved */
    size_t len;     /* bytes in data */
    size_t *size;   /* size of each record */
    size_t n;
} staged;

/* Copies the job's records out of CUPTI's buffer (valid bytes), times on
 * the job's clock. Returns 0 with st filled (n may be 0), -1 if out of
 * memory. */
static int stage(uint8_t *buf, size_t valid, CUpti_TimestampCallbackFunc ts, staged *st)
{
    CUpti_Activity *rec = NULL, *next;
    clockmap m;
    int64_t mono0 = gp_now_ns();
    uint64_t j = job_now(ts);

    memset(st, 0, sizeof *st);
    m.offset = (int64_t)j - (gp_now_ns() + mono0) / 2;
    if (gp_sess.cupti.ActivityGetNextRecord(buf, valid, &rec) != CUPTI_SUCCESS)
        return 0;
    pthread_mutex_lock(&gp_sess.lock);
    pthread_mutex_lock(&mu);
    for (; rec; rec = next) {
        size_t size;
        next = rec;
        if (gp_sess.cupti.ActivityGetNextRecord(buf, valid, &next) != CUPTI_SUCCESS)
            next = NULL;
        size = (size_t)((next ? (uint8_t *)next : buf + valid) - (uint8_t *)rec);
        if (size < sizeof(CUpti_Activity) || !job_wants(rec))
            continue;
        if (!st->data) {
            st->data = malloc(valid);
            st->size = malloc(valid / sizeof(CUpti_Activity) * sizeof *st->size);
            if (!st->data || !st->size)
                break;
        }
        memcpy(st->data + st->len, rec, size);
        retime(&m, (CUpti_Activity *)(st->data + st->len));
        st->len += size;
        st->size[st->n++] = size;
    }
    pthread_mutex_unlock(&mu);
    pthread_mutex_unlock(&gp_sess.lock);
    if (st->data && st->size)
        return 0;
    free(st->data);
    free(st->size);
    memset(st, 0, sizeof *st);
    return -1;
}

/* n of the job's records found no buffer. */
static void job_lost(size_t n)
{
    pthread_mutex_lock(&mu);
    J.dropped += n;
    pthread_mutex_unlock(&mu);
}

void gp_share_forward(CUcontext ctx, uint32_t stream, uint8_t *buf, size_t valid)
{
    CUpti_BuffersCallbackRequestFunc req;
    CUpti_BuffersCallbackCompleteFunc done;
    CUpti_TimestampCallbackFunc ts;
    staged st;
    size_t i = 0, at = 0;

    pthread_mutex_lock(&mu);
    req = J.engaged ? J.req : NULL;
    done = J.done;
    ts = J.ts;
    pthread_mutex_unlock(&mu);
    if (!req || !done || !buf)
        return;
    if (stage(buf, valid, ts, &st) < 0)
        return; /* out of memory: the job's copies of this buffer are lost */
    /* Whole records into the job's buffers while they fit, as CUPTI does;
     * the job's callbacks run without any lock of ours. */
    while (i < st.n) {
        uint8_t *jb = NULL;
        size_t jsize = 0, jmax = 0, used = 0, nrec = 0;

        req(&jb, &jsize, &jmax);
        if (!jb || ((uintptr_t)jb & 7) || jsize < st.size[i]) {
            if (jb)
                done(ctx, stream, jb, jsize, 0);
            job_lost(st.n - i);
            break;
        }
        while (i < st.n && used + st.size[i] <= jsize && (!jmax || nrec < jmax)) {
            memcpy(jb + used, st.data + at, st.size[i]);
            used += st.size[i];
            at += st.size[i];
            nrec++;
            i++;
        }
        done(ctx, stream, jb, jsize, used);
    }
    free(st.data);
    free(st.size);
}

/* ---- the CUPTI functions the job calls --------------------------------------- */

EXPORT CUptiResult CUPTIAPI cuptiActivityRegisterCallbacks(CUpti_BuffersCallbackRequestFunc req,
                                                           CUpti_BuffersCallbackCompleteFunc done)
{
    typedef CUptiResult (*fn)(CUpti_BuffersCallbackRequestFunc, CUpti_BuffersCallbackCompleteFunc);
    fn f;

    if (!req || !done)
        return CUPTI_ERROR_INVALID_PARAMETER;
    pthread_mutex_lock(&mu);
    J.req = req;
    J.done = done;
    pthread_mutex_unlock(&mu);
    if (engaged())
        return CUPTI_SUCCESS;
    f = REAL(fn, "cuptiActivityRegisterCallbacks");
    return f ? f(req, done) : CUPTI_ERROR_NOT_INITIALIZED;
}

EXPORT CUptiResult CUPTIAPI cuptiActivityRegisterTimestampCallback(CUpti_TimestampCallbackFunc ts)
{
    typedef CUptiResult (*fn)(CUpti_TimestampCallbackFunc);
    fn f;

    if (!ts)
        return CUPTI_ERROR_INVALID_PARAMETER;
    pthread_mutex_lock(&mu);
    J.ts = ts;
    pthread_mutex_unlock(&mu);
    if (engaged())
        return CUPTI_SUCCESS;
    f = REAL(fn, "cuptiActivityRegisterTimestampCallback");
    return f ? f(ts) : CUPTI_ERROR_NOT_INITIALIZED;
}

EXPORT CUptiResult CUPTIAPI cuptiActivityEnable(CUpti_ActivityKind kind)
{
    typedef CUptiResult (*fn)(CUpti_ActivityKind);
    fn f = REAL(fn, "cuptiActivityEnable");
    CUptiResult r = f ? f(kind) : CUPTI_ERROR_NOT_INITIALIZED;

    if (r == CUPTI_SUCCESS && (unsigned)kind < CUPTI_ACTIVITY_KIND_COUNT) {
        pthread_mutex_lock(&mu);
        if (!J.kind[kind])
            J.since[kind] = gp_now_ns();
        J.kind[kind] = 1;
        pthread_mutex_unlock(&mu);
    }
    return r;
}

EXPORT CUptiResult CUPTIAPI cuptiActivityDisable(CUpti_ActivityKind kind)
{
    typedef CUptiResult (*fn)(CUpti_ActivityKind);
    fn f;

    if ((unsigned)kind < CUPTI_ACTIVITY_KIND_COUNT) {
        pthread_mutex_lock(&mu);
        J.kind[kind] = 0;
        pthread_mutex_unlock(&mu);
    }
    if (engaged() && gp_activity_kind_ours(kind))
        return CUPTI_SUCCESS; /* the collector still records it */
    f = REAL(fn, "cuptiActivityDisable");
    return f ? f(kind) : CUPTI_ERROR_NOT_INITIALIZED;
}

EXPORT CUptiResult CUPTIAPI cuptiActivityFlushAll(uint32_t flag)
{
    typedef CUptiResult (*fn)(uint32_t);
    fn f = REAL(fn, "cuptiActivityFlushAll");

    return f ? f(flag) : CUPTI_ERROR_NOT_INITIALIZED;
}

EXPORT CUptiResult CUPTIAPI cuptiActivityGetNumDroppedRecords(CUcontext ctx, uint32_t stream,
                                                              size_t *dropped)
{
    typedef CUptiResult (*fn)(CUcontext, uint32_t, size_t *);
    fn f;

    if (engaged()) {
        if (!dropped)
            return CUPTI_ERROR_INVALID_PARAMETER;
        pthread_mutex_lock(&mu);
        *dropped = J.dropped;
        J.dropped = 0;
        pthread_mutex_unlock(&mu);
        return CUPTI_SUCCESS;
    }
    f = REAL(fn, "cuptiActivityGetNumDroppedRecords");
    return f ? f(ctx, stream, dropped) : CUPTI_ERROR_NOT_INITIALIZED;
}

EXPORT CUptiResult CUPTIAPI cuptiGetTimestamp(uint64_t *timestamp)
{
    typedef CUptiResult (*fn)(uint64_t *);
    CUpti_TimestampCallbackFunc ts;
    fn f;

    if (engaged()) {
        if (!timestamp)
            return CUPTI_ERROR_INVALID_PARAMETER;
        pthread_mutex_lock(&mu);
        ts = J.ts;
        pthread_mutex_unlock(&mu);
        *timestamp = job_now(ts);
        return CUPTI_SUCCESS;
    }
    f = REAL(fn, "cuptiGetTimestamp");
    return f ? f(timestamp) : CUPTI_ERROR_NOT_INITIALIZED;
}

EXPORT CUptiResult CUPTIAPI cuptiFinalize(void)
{
    typedef CUptiResult (*fn)(void);
    typedef CUptiResult (*dis)(CUpti_ActivityKind);
    unsigned char kinds[CUPTI_ACTIVITY_KIND_COUNT];
    fn f;
    dis d;

    if (!engaged()) {
        f = REAL(fn, "cuptiFinalize");
        return f ? f() : CUPTI_ERROR_NOT_INITIALIZED;
    }
    pthread_mutex_lock(&mu);
    memcpy(kinds, J.kind, sizeof kinds);
    memset(J.kind, 0, sizeof J.kind);
    J.req = NULL;
    J.done = NULL;
    J.ts = NULL;
    pthread_mutex_unlock(&mu);
    d = REAL(dis, "cuptiActivityDisable");
    for (int k = 0; k < CUPTI_ACTIVITY_KIND_COUNT && d; k++)
        if (kinds[k] && !gp_activity_kind_ours((CUpti_ActivityKind)k))
            d((CUpti_ActivityKind)k);
    return CUPTI_SUCCESS;
}
