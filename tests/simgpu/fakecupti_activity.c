/* fakecupti_activity.c: the fake CUPTI's activity API: which kinds are on,
 * a bounded queue of records, and their delivery into the client's
 * buffers.
 *
 * Records are produced for MEMCPY, MEMSET, KERNEL / CONCURRENT_KERNEL,
 * DRIVER, RUNTIME (the fake runtime's calls), MARKER, MARKER_DATA and
 * SYNCHRONIZATION. NAME and OVERHEAD can be enabled but produce nothing
 * (there is no naming and no overhead here). The legacy profiler kinds fail with
 * CUPTI_ERROR_LEGACY_PROFILER_NOT_SUPPORTED as in CUPTI 13, every other kind
 * with CUPTI_ERROR_NOT_COMPATIBLE.
 *
 * Delivery: cuptiActivityFlushAll(0) hands over the records already
 * complete (their GPU work ended; host records are complete at once) and
 * keeps the others queued; CUPTI_ACTIVITY_FLAG_FLUSH_FORCED hands over all
 * (a kernel still running then carries the start and end the virtual GPU
 * will give it).
 * Each delivery asks req() for buffers, packs records in queue order at
 * 8-byte multiples, and returns every buffer it filled through done(NULL, 0,
 * ...) before it ends (no buffer is held between deliveries). A NULL,
 * zero-sized, misaligned (not 8-byte) or too small buffer drops the rest of
 * that delivery's records, counted for cuptiActivityGetNumDroppedRecords,
 * as does a full queue (SIMGPU_CUPTI_QUEUE_MAX records, default 1M, read at
 * cuptiActivityRegisterCallbacks). A
 * worker thread delivers complete records on its own, never from inside an
 * application call: every cuptiActivityFlushPeriod ms when one is set, else
 * when WORKER_BATCH records are queued (checked every WORKER_IDLE_MS). A
 * child forked after tracing began starts with an empty queue and its own
 * worker.
 * One delivery at a time (a FlushAll waits for the worker's to end). The
 * worker holds CUPTI's lock (sc_lock, taken after the delivery lock)
 * while it calls the client; a FlushAll caller's delivery runs on that
 * caller's thread without it. */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/simgpu/fakecupti_internal.h"

#define QUEUE_MAX_DEFAULT (1u << 20)
#define WORKER_BATCH 8192
#define WORKER_IDLE_MS 100

typedef struct rec_node {
    struct rec_node *next;
    uint64_t complete;            /* CLOCK_MONOTONIC ns */
    uint32_t size;
    uint64_t data[];              /* the record */
} rec_node;

static pthread_mutex_t q_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_cv;       /* CLOCK_MONOTONIC; made with the worker */
static rec_node *q_head, **q_tail = &q_head;
static size_t q_len, q_max, dropped;
static CUpti_BuffersCallbackRequestFunc req_fn;   /* under q_mu */
static CUpti_BuffersCallbackCompleteFunc done_fn; /* under q_mu */
static uint32_t flush_period_ms;                  /* under q_mu */
static pthread_t worker;
static int worker_state;          /* 0: none, 1: running, 2: asked to stop */
static int restart_worker;        /* in a forked child: start one on next use */
static rec_node *orphans;         /* a parent's records left in a forked child */
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

/* One delivery at a time; a flush from inside req/done does nothing. */
static pthread_mutex_t deliver_mu = PTHREAD_MUTEX_INITIALIZER;
static __thread int in_delivery;

static atomic_uchar kind_on[CUPTI_ACTIVITY_KIND_COUNT];
static atomic_uchar driver_api_on[CUPTI_DRIVER_TRACE_CBID_SIZE];
static atomic_uchar runtime_api_on[CUPTI_RUNTIME_TRACE_CBID_SIZE];
static atomic_int latency_on;

/* Activity attributes: kept and read back; only ZEROED_OUT_ACTIVITY_BUFFER
 * changes what happens (buffers are zeroed before use). */
static struct {
    CUpti_ActivityAttribute attr;
    size_t size;                  /* sizeof(size_t) or 1 (uint8_t) */
    uint64_t value;
} attrs[] = {
    { CUPTI_ACTIVITY_ATTR_DEVICE_BUFFER_SIZE, sizeof(size_t), 3200000 },
    { CUPTI_ACTIVITY_ATTR_DEVICE_BUFFER_SIZE_CDP, sizeof(size_t), 8388608 },
    { CUPTI_ACTIVITY_ATTR_DEVICE_BUFFER_POOL_LIMIT, sizeof(size_t), 250 },
    { CUPTI_ACTIVITY_ATTR_PROFILING_SEMAPHORE_POOL_SIZE, sizeof(size_t), 65536 },
    { CUPTI_ACTIVITY_ATTR_PROFILING_SEMAPHORE_POOL_LIMIT, sizeof(size_t), 250 },
    { CUPTI_ACTIVITY_ATTR_ZEROED_OUT_ACTIVITY_BUFFER, 1, 0 },
    { CUPTI_ACTIVITY_ATTR_DEVICE_BUFFER_PRE_ALLOCATE_VALUE, sizeof(size_t), 0 },
    { CUPTI_ACTIVITY_ATTR_PROFILING_SEMAPHORE_PRE_ALLOCATE_VALUE, sizeof(size_t), 0 },
    { CUPTI_ACTIVITY_ATTR_MEM_ALLOCATION_TYPE_HOST_PINNED, 1, 0 },
    { CUPTI_ACTIVITY_ATTR_PER_THREAD_ACTIVITY_BUFFER, 1, 1 },
    { CUPTI_ACTIVITY_ATTR_DEVICE_BUFFER_SIZE_DEVICE_GRAPHS, sizeof(size_t), 3200000 },
};
static pthread_mutex_t attr_mu = PTHREAD_MUTEX_INITIALIZER;

static uint64_t attr_value(CUpti_ActivityAttribute attr)
{
    uint64_t v = 0;

    pthread_mutex_lock(&attr_mu);
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
        if (attrs[i].attr == attr)
            v = attrs[i].value;
    pthread_mutex_unlock(&attr_mu);
    return v;
}

/* The size of a record of kind k as this CUPTI writes it; 0: not ours. */
static size_t record_size(CUpti_ActivityKind k)
{
    switch (k) {
    case CUPTI_ACTIVITY_KIND_KERNEL:
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL: return sizeof(CUpti_ActivityKernel10);
    case CUPTI_ACTIVITY_KIND_MEMCPY: return sizeof(CUpti_ActivityMemcpy6);
    case CUPTI_ACTIVITY_KIND_MEMSET: return sizeof(CUpti_ActivityMemset4);
    case CUPTI_ACTIVITY_KIND_DRIVER:
    case CUPTI_ACTIVITY_KIND_RUNTIME: return sizeof(CUpti_ActivityAPI);
    case CUPTI_ACTIVITY_KIND_MARKER: return sizeof(CUpti_ActivityMarker2);
    case CUPTI_ACTIVITY_KIND_MARKER_DATA: return sizeof(CUpti_ActivityMarkerData2);
    case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION: return sizeof(CUpti_ActivitySynchronization2);
    case CUPTI_ACTIVITY_KIND_OVERHEAD: return sizeof(CUpti_ActivityOverhead3);
    default: return 0;
    }
}

int sc_kind_on(CUpti_ActivityKind kind)
{
    return (unsigned)kind < CUPTI_ACTIVITY_KIND_COUNT && atomic_load_explicit(&kind_on[kind], memory_order_relaxed);
}

int sc_driver_api_on(CUpti_CallbackId cbid)
{
    return cbid < CUPTI_DRIVER_TRACE_CBID_SIZE &&
           atomic_load_explicit(&driver_api_on[cbid], memory_order_relaxed);
}

int sc_runtime_api_on(CUpti_CallbackId cbid)
{
    return cbid < CUPTI_RUNTIME_TRACE_CBID_SIZE &&
           atomic_load_explicit(&runtime_api_on[cbid], memory_order_relaxed);
}

static void worker_start(void);

/* The queue bound, read when buffers are registered (and before). */
static size_t queue_max(void)
{
    const char *env = getenv("SIMGPU_CUPTI_QUEUE_MAX");

    return env && atol(env) > 0 ? (size_t)atol(env) : QUEUE_MAX_DEFAULT;
}

void sc_queue(const void *record, size_t size, uint64_t complete_mono)
{
    rec_node *n = malloc(sizeof *n + size);
    int wake = 0;

    pthread_mutex_lock(&q_mu);
    if (!q_max)
        q_max = queue_max();
    if (restart_worker)
        worker_start();
    if (!n || q_len >= q_max) {
        dropped++;
        pthread_mutex_unlock(&q_mu);
        free(n);
        return;
    }
    n->next = NULL;
    n->complete = complete_mono;
    n->size = (uint32_t)size;
    memcpy(n->data, record, size);
    *q_tail = n;
    q_tail = &n->next;
    wake = ++q_len == WORKER_BATCH && worker_state == 1;
    pthread_mutex_unlock(&q_mu);
    if (wake)
        pthread_cond_signal(&q_cv);
}

static int activity_wants(CUpti_ActivityKind kind)
{
    if (kind == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL)
        return sc_kind_on(kind) || sc_kind_on(CUPTI_ACTIVITY_KIND_KERNEL);
    return sc_kind_on(kind);
}

/* The client's kinds, and what a PM sampler needs (fakecupti_pm.c). */
int sc_tracer_wants(CUpti_ActivityKind kind)
{
    return activity_wants(kind) || sc_pm_wants(kind);
}

void sc_tracer_emit(const CUpti_Activity *record, size_t size, uint64_t complete_ns)
{
    union {
        CUpti_ActivityKernel10 k;
        CUpti_ActivityMemcpy6 c;
        CUpti_ActivityMemset4 s;
        CUpti_ActivitySynchronization2 y;
    } r;

    if (size > sizeof r || size != record_size(record->kind))
        return;
    sc_pm_note(record, size); /* the PM sampler's timeline, in mono */
    if (!activity_wants(record->kind))
        return;
    memcpy(&r, record, size);
    switch (record->kind) {
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL: {
        static atomic_uint kernels;
        int every = sc_zero_ts_every();
        if (!sc_kind_on(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL))
            r.k.kind = CUPTI_ACTIVITY_KIND_KERNEL;
        r.k.start = sc_from_mono(r.k.start);
        r.k.end = sc_from_mono(r.k.end);
        r.k.completed = sc_from_mono(r.k.completed);
        if (every && atomic_fetch_add(&kernels, 1) % (unsigned)every == (unsigned)every - 1)
            r.k.start = r.k.end = r.k.completed = 0; /* the 12.6-13.0 bug */
        if (atomic_load(&latency_on)) {
            r.k.queued = sc_from_mono(r.k.queued);
            r.k.submitted = sc_from_mono(r.k.submitted);
        } else {
            r.k.queued = r.k.submitted = CUPTI_TIMESTAMP_UNKNOWN;
        }
        break;
    }
    case CUPTI_ACTIVITY_KIND_MEMCPY:
        r.c.start = sc_from_mono(r.c.start);
        r.c.end = sc_from_mono(r.c.end);
        break;
    case CUPTI_ACTIVITY_KIND_MEMSET:
        r.s.start = sc_from_mono(r.s.start);
        r.s.end = sc_from_mono(r.s.end);
        break;
    case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION:
        r.y.start = sc_from_mono(r.y.start);
        r.y.end = sc_from_mono(r.y.end);
        break;
    default:
        return;
    }
    sc_queue(&r, size, complete_ns);
}

/* Hands queued records to the client (see the top of this file). */
static void deliver(int forced, int locked)
{
    CUpti_BuffersCallbackRequestFunc req;
    CUpti_BuffersCallbackCompleteFunc done;
    rec_node *batch = NULL, **btail = &batch, **pp, *n;
    uint8_t *buf = NULL;
    size_t size = 0, used = 0, max_records = 0, nrec = 0, lost = 0;
    int zero;
    uint64_t now;

    if (in_delivery)
        return;
    pthread_mutex_lock(&deliver_mu);
    if (locked)
        sc_lock();
    in_delivery = 1;
    zero = attr_value(CUPTI_ACTIVITY_ATTR_ZEROED_OUT_ACTIVITY_BUFFER) != 0;
    pthread_mutex_lock(&q_mu);
    req = req_fn;
    done = done_fn;
    now = sc_mono();
    for (pp = &q_head; (n = *pp);) {
        if (forced || n->complete <= now) {
            *pp = n->next;
            n->next = NULL;
            *btail = n;
            btail = &n->next;
            q_len--;
        } else {
            pp = &n->next;
        }
    }
    q_tail = pp;
    pthread_mutex_unlock(&q_mu);

    for (n = batch; n; n = n->next) {
        if (buf && (used + n->size > size || (max_records && nrec == max_records))) {
            done(NULL, 0, buf, size, used);
            buf = NULL;
        }
        if (!buf && req && !lost) {
            size = max_records = used = nrec = 0;
            req(&buf, &size, &max_records);
            if (buf && (size < n->size || ((uintptr_t)buf & 7))) {
                done(NULL, 0, buf, size, 0); /* unusable: give it back empty */
                buf = NULL;
            } else if (buf && zero) {
                memset(buf, 0, size);
            }
        }
        if (!buf) {
            lost++; /* no buffer: this record and the rest of the batch */
            continue;
        }
        memcpy(buf + used, n->data, n->size);
        used += n->size;
        nrec++;
    }
    if (buf)
        done(NULL, 0, buf, size, used);
    while (batch) {
        n = batch;
        batch = n->next;
        free(n);
    }
    if (lost) {
        pthread_mutex_lock(&q_mu);
        dropped += lost;
        pthread_mutex_unlock(&q_mu);
    }
    in_delivery = 0;
    if (locked)
        sc_unlock();
    pthread_mutex_unlock(&deliver_mu);
}

static void *worker_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&q_mu);
    while (worker_state == 1) {
        uint32_t period = flush_period_ms;
        uint64_t ms = period ? period : WORKER_IDLE_MS;
        struct timespec ts;
        int go;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_sec += (time_t)(ms / 1000);
        ts.tv_nsec += (long)(ms % 1000) * 1000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&q_cv, &q_mu, &ts);
        go = worker_state == 1 && (period || q_len >= WORKER_BATCH);
        pthread_mutex_unlock(&q_mu);
        if (go)
            deliver(0, 1);
        pthread_mutex_lock(&q_mu);
    }
    pthread_mutex_unlock(&q_mu);
    return NULL;
}

/* Starts the worker once (q_mu held). */
static void worker_start(void)
{
    pthread_condattr_t a;

    restart_worker = 0;
    if (worker_state != 0)
        return;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&q_cv, &a);
    pthread_condattr_destroy(&a);
    if (pthread_create(&worker, NULL, worker_main, NULL) == 0)
        worker_state = 1;
    else
        pthread_cond_destroy(&q_cv);
}

/* In a child forked after tracing began, locks may be held by threads that
 * do not exist here and the worker is gone: start clean, without the
 * parent's queued records (kept reachable, never delivered twice). */
static void after_fork_child(void)
{
    pthread_mutex_init(&q_mu, NULL);
    pthread_mutex_init(&deliver_mu, NULL);
    pthread_mutex_init(&attr_mu, NULL);
    in_delivery = 0;
    if (q_head) {
        *q_tail = orphans;
        orphans = q_head;
    }
    q_head = NULL;
    q_tail = &q_head;
    q_len = 0;
    restart_worker = worker_state == 1;
    worker_state = 0;
}

static void register_atfork(void)
{
    pthread_atfork(NULL, NULL, after_fork_child);
}

CUptiResult CUPTIAPI cuptiActivityRegisterCallbacks(CUpti_BuffersCallbackRequestFunc funcBufferRequested,
                                                    CUpti_BuffersCallbackCompleteFunc funcBufferCompleted)
{
    if (!funcBufferRequested || !funcBufferCompleted)
        return CUPTI_ERROR_INVALID_PARAMETER;
    pthread_once(&atfork_once, register_atfork);
    pthread_mutex_lock(&q_mu);
    req_fn = funcBufferRequested;
    done_fn = funcBufferCompleted;
    q_max = queue_max();
    worker_start();
    pthread_mutex_unlock(&q_mu);
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiActivityFlushAll(uint32_t flag)
{
    int registered;

    pthread_mutex_lock(&q_mu);
    registered = req_fn != NULL;
    if (restart_worker)
        worker_start();
    pthread_mutex_unlock(&q_mu);
    if (!registered)
        return CUPTI_ERROR_INVALID_OPERATION;
    deliver((flag & CUPTI_ACTIVITY_FLAG_FLUSH_FORCED) != 0, 0);
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiActivityFlushPeriod(uint32_t time)
{
    pthread_mutex_lock(&q_mu);
    flush_period_ms = time;
    if (worker_state == 1)
        pthread_cond_signal(&q_cv);
    pthread_mutex_unlock(&q_mu);
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiActivityGetNumDroppedRecords(CUcontext context, uint32_t streamId,
                                                       size_t *dropped_out)
{
    (void)context;
    (void)streamId;
    if (!dropped_out)
        return CUPTI_ERROR_INVALID_PARAMETER;
    sc_lock();
    pthread_mutex_lock(&q_mu);
    *dropped_out = dropped;
    dropped = 0;
    pthread_mutex_unlock(&q_mu);
    sc_unlock();
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiActivityGetNextRecord(uint8_t *buffer, size_t validBufferSizeBytes,
                                                CUpti_Activity **record)
{
    CUpti_ActivityKind kind;
    uint8_t *p;
    size_t left, sz;

    if (!buffer || !record)
        return CUPTI_ERROR_INVALID_PARAMETER;
    if (!*record) {
        p = buffer;
    } else {
        sz = record_size((*record)->kind);
        if (!sz || (uint8_t *)*record < buffer)
            return CUPTI_ERROR_INVALID_KIND;
        p = (uint8_t *)*record + sz;
    }
    if (p >= buffer + validBufferSizeBytes)
        return CUPTI_ERROR_MAX_LIMIT_REACHED;
    left = (size_t)(buffer + validBufferSizeBytes - p);
    if (left < sizeof kind)
        return CUPTI_ERROR_MAX_LIMIT_REACHED;
    memcpy(&kind, p, sizeof kind);
    sz = record_size(kind);
    if (!sz || left < sz)
        return CUPTI_ERROR_INVALID_KIND;
    *record = (CUpti_Activity *)p;
    return CUPTI_SUCCESS;
}

/* 1: produced, 2: accepted but silent, -1: legacy profiler, 0: unknown. */
static int kind_class(CUpti_ActivityKind k)
{
    switch (k) {
    case CUPTI_ACTIVITY_KIND_MEMCPY:
    case CUPTI_ACTIVITY_KIND_MEMSET:
    case CUPTI_ACTIVITY_KIND_KERNEL:
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL:
    case CUPTI_ACTIVITY_KIND_DRIVER:
    case CUPTI_ACTIVITY_KIND_RUNTIME:
    case CUPTI_ACTIVITY_KIND_MARKER:
    case CUPTI_ACTIVITY_KIND_MARKER_DATA:
    case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION: return 1;
    case CUPTI_ACTIVITY_KIND_NAME:
    case CUPTI_ACTIVITY_KIND_OVERHEAD: return 2;
    case CUPTI_ACTIVITY_KIND_SOURCE_LOCATOR:
    case CUPTI_ACTIVITY_KIND_GLOBAL_ACCESS:
    case CUPTI_ACTIVITY_KIND_BRANCH:
    case CUPTI_ACTIVITY_KIND_INSTRUCTION_EXECUTION:
    case CUPTI_ACTIVITY_KIND_SHARED_ACCESS:
    case CUPTI_ACTIVITY_KIND_PC_SAMPLING:
    case CUPTI_ACTIVITY_KIND_PC_SAMPLING_RECORD_INFO:
    case CUPTI_ACTIVITY_KIND_INSTRUCTION_CORRELATION: return -1;
    default: return 0;
    }
}

static CUptiResult set_kind(CUpti_ActivityKind kind, int on)
{
    int cls = kind_class(kind);

    if (cls == -1)
        return CUPTI_ERROR_LEGACY_PROFILER_NOT_SUPPORTED;
    if (cls == 0)
        return CUPTI_ERROR_NOT_COMPATIBLE;
    if (!sc_driver() || sc_too_new_for_driver())
        return CUPTI_ERROR_UNKNOWN; /* as real CUPTI without a usable driver */
    atomic_store(&kind_on[kind], (unsigned char)on);
    if (kind == CUPTI_ACTIVITY_KIND_DRIVER)
        for (size_t i = 0; i < CUPTI_DRIVER_TRACE_CBID_SIZE; i++)
            atomic_store_explicit(&driver_api_on[i], (unsigned char)on, memory_order_relaxed);
    if (kind == CUPTI_ACTIVITY_KIND_RUNTIME)
        for (size_t i = 0; i < CUPTI_RUNTIME_TRACE_CBID_SIZE; i++)
            atomic_store_explicit(&runtime_api_on[i], (unsigned char)on, memory_order_relaxed);
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiActivityEnable(CUpti_ActivityKind kind)
{
    return set_kind(kind, 1);
}

CUptiResult CUPTIAPI cuptiActivityDisable(CUpti_ActivityKind kind)
{
    return set_kind(kind, 0);
}

CUptiResult CUPTIAPI cuptiActivityEnableDriverApi(CUpti_CallbackId cbid, uint8_t enable)
{
    if (cbid == 0 || cbid >= CUPTI_DRIVER_TRACE_CBID_SIZE)
        return CUPTI_ERROR_INVALID_PARAMETER;
    atomic_store(&driver_api_on[cbid], enable ? 1 : 0);
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiActivityEnableRuntimeApi(CUpti_CallbackId cbid, uint8_t enable)
{
    if (cbid == 0 || cbid >= CUPTI_RUNTIME_TRACE_CBID_SIZE)
        return CUPTI_ERROR_INVALID_PARAMETER;
    atomic_store(&runtime_api_on[cbid], enable ? 1 : 0);
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiActivityEnableLatencyTimestamps(uint8_t enable)
{
    atomic_store(&latency_on, enable ? 1 : 0);
    return CUPTI_SUCCESS;
}

static CUptiResult attribute(CUpti_ActivityAttribute attr, size_t *valueSize, void *value, int set)
{
    size_t i;

    if (!valueSize || !value)
        return CUPTI_ERROR_INVALID_PARAMETER;
    for (i = 0; i < sizeof attrs / sizeof attrs[0] && attrs[i].attr != attr; i++)
        ;
    if (i == sizeof attrs / sizeof attrs[0])
        return CUPTI_ERROR_INVALID_PARAMETER;
    if (*valueSize < attrs[i].size)
        return CUPTI_ERROR_PARAMETER_SIZE_NOT_SUFFICIENT;
    pthread_mutex_lock(&attr_mu);
    if (attrs[i].size == 1) {
        if (set)
            attrs[i].value = *(uint8_t *)value;
        else
            *(uint8_t *)value = (uint8_t)attrs[i].value;
    } else {
        if (set)
            attrs[i].value = *(size_t *)value;
        else
            *(size_t *)value = (size_t)attrs[i].value;
    }
    pthread_mutex_unlock(&attr_mu);
    *valueSize = attrs[i].size;
    return CUPTI_SUCCESS;
}

CUptiResult CUPTIAPI cuptiActivitySetAttribute(CUpti_ActivityAttribute attr, size_t *valueSize,
                                               void *value)
{
    return attribute(attr, valueSize, value, 1);
}

CUptiResult CUPTIAPI cuptiActivityGetAttribute(CUpti_ActivityAttribute attr, size_t *valueSize,
                                               void *value)
{
    return attribute(attr, valueSize, value, 0);
}

void sc_activity_finalize(void)
{
    rec_node *n;
    int stop;

    for (size_t i = 0; i < CUPTI_ACTIVITY_KIND_COUNT; i++)
        atomic_store(&kind_on[i], 0);
    for (size_t i = 0; i < CUPTI_DRIVER_TRACE_CBID_SIZE; i++)
        atomic_store(&driver_api_on[i], 0);
    for (size_t i = 0; i < CUPTI_RUNTIME_TRACE_CBID_SIZE; i++)
        atomic_store(&runtime_api_on[i], 0);
    atomic_store(&latency_on, 0);
    pthread_mutex_lock(&q_mu);
    stop = worker_state == 1;
    if (stop) {
        worker_state = 2;
        pthread_cond_signal(&q_cv);
    }
    pthread_mutex_unlock(&q_mu);
    if (stop) {
        if (pthread_equal(worker, pthread_self()))
            pthread_detach(worker); /* cuptiFinalize from inside a delivery */
        else
            pthread_join(worker, NULL);
    }
    pthread_mutex_lock(&q_mu);
    if (stop) {
        pthread_cond_destroy(&q_cv);
        worker_state = 0;
    }
    while ((n = q_head)) {
        q_head = n->next;
        free(n);
    }
    q_tail = &q_head;
    q_len = dropped = 0;
    req_fn = NULL;
    done_fn = NULL;
    flush_period_ms = 0;
    pthread_mutex_unlock(&q_mu);
}
