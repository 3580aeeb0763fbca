/* harness.c: the collector's part, for the simulated GPU's tests (see
 * harness.h). */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/simgpu/harness.h"

sh_cupti shc;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static sh_rec *recs;
static size_t nrecs, caprecs;
static size_t buffer_size = 64 << 10;
static size_t done_calls, done_elsewhere;
static pthread_t starter;

uint64_t sh_mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t CUPTIAPI timestamp(void)
{
    return sh_mono();
}

#define SYM(field, name)                                                               \
    do {                                                                               \
        *(void **)&shc.field = dlsym(shc.lib, name);                                   \
        if (!shc.field) {                                                              \
            snprintf(why, why_len, "%s lacks %s", path, name);                         \
            return -1;                                                                 \
        }                                                                              \
    } while (0)

int sh_load(const char *path, char *why, size_t why_len)
{
    memset(&shc, 0, sizeof shc);
    if (!path || !*path) {
        snprintf(why, why_len, "no CUPTI path given");
        return -1;
    }
    /* The harness registers a CLOCK_MONOTONIC timestamp callback; it plays a
     * client of a CUPTI without the 12.6-13.0 zero-timestamp bug. */
    setenv("SIMGPU_CUPTI_ZERO_TS_EVERY", "0", 0);
    shc.lib = dlopen(path, RTLD_NOW | RTLD_GLOBAL); /* never dlclose'd, as CUPTI */
    if (!shc.lib) {
        snprintf(why, why_len, "cannot load %s: %s", path, dlerror());
        return -1;
    }
    SYM(GetVersion, "cuptiGetVersion");
    SYM(GetResultString, "cuptiGetResultString");
    SYM(GetTimestamp, "cuptiGetTimestamp");
    SYM(Subscribe, "cuptiSubscribe");
    SYM(Subscribe_v2, "cuptiSubscribe_v2");
    SYM(Unsubscribe, "cuptiUnsubscribe");
    SYM(EnableCallback, "cuptiEnableCallback");
    SYM(EnableDomain, "cuptiEnableDomain");
    SYM(GetCallbackName, "cuptiGetCallbackName");
    SYM(ActivityRegisterCallbacks, "cuptiActivityRegisterCallbacks");
    SYM(ActivityRegisterTimestampCallback, "cuptiActivityRegisterTimestampCallback");
    SYM(ActivityEnable, "cuptiActivityEnable");
    SYM(ActivityDisable, "cuptiActivityDisable");
    SYM(ActivityFlushAll, "cuptiActivityFlushAll");
    SYM(ActivityFlushPeriod, "cuptiActivityFlushPeriod");
    SYM(ActivityGetNextRecord, "cuptiActivityGetNextRecord");
    SYM(ActivityGetNumDroppedRecords, "cuptiActivityGetNumDroppedRecords");
    SYM(ActivitySetAttribute, "cuptiActivitySetAttribute");
    SYM(ActivityEnableLatencyTimestamps, "cuptiActivityEnableLatencyTimestamps");
    SYM(ActivityEnableDriverApi, "cuptiActivityEnableDriverApi");
    SYM(SetThreadIdType, "cuptiSetThreadIdType");
    SYM(GetDeviceId, "cuptiGetDeviceId");
    SYM(GetContextId, "cuptiGetContextId");
    SYM(GetStreamIdEx, "cuptiGetStreamIdEx");
    SYM(GetGraphId, "cuptiGetGraphId");
    SYM(Finalize, "cuptiFinalize");
    SYM(InitializeInjectionNvtx2, "InitializeInjectionNvtx2");
    return 0;
}

static void CUPTIAPI buffer_requested(uint8_t **buf, size_t *size, size_t *max_records)
{
    size_t n;

    pthread_mutex_lock(&mu);
    n = buffer_size;
    pthread_mutex_unlock(&mu);
    *max_records = 0;
    *size = n;
    *buf = n ? malloc(n) : NULL;
    if (!*buf)
        *size = 0;
}

static void CUPTIAPI buffer_completed(CUcontext ctx, uint32_t stream, uint8_t *buf, size_t size,
                                      size_t valid)
{
    CUpti_Activity *r = NULL;
    unsigned long self = (unsigned long)pthread_self();

    (void)ctx;
    (void)stream;
    (void)size;
    pthread_mutex_lock(&mu);
    done_calls++;
    done_elsewhere += !pthread_equal(starter, pthread_self());
    while (shc.ActivityGetNextRecord(buf, valid, &r) == CUPTI_SUCCESS) {
        size_t sz;
        switch (r->kind) {
        case CUPTI_ACTIVITY_KIND_KERNEL:
        case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL: sz = sizeof(CUpti_ActivityKernel10); break;
        case CUPTI_ACTIVITY_KIND_MEMCPY: sz = sizeof(CUpti_ActivityMemcpy6); break;
        case CUPTI_ACTIVITY_KIND_MEMSET: sz = sizeof(CUpti_ActivityMemset4); break;
        case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION: sz = sizeof(CUpti_ActivitySynchronization2); break;
        case CUPTI_ACTIVITY_KIND_DRIVER:
        case CUPTI_ACTIVITY_KIND_RUNTIME: sz = sizeof(CUpti_ActivityAPI); break;
        case CUPTI_ACTIVITY_KIND_MARKER: sz = sizeof(CUpti_ActivityMarker2); break;
        case CUPTI_ACTIVITY_KIND_MARKER_DATA: sz = sizeof(CUpti_ActivityMarkerData2); break;
        default: sz = 0; break;
        }
        if (!sz)
            continue;
        if (nrecs == caprecs) {
            size_t cap = caprecs ? 2 * caprecs : 1024;
            sh_rec *v = realloc(recs, cap * sizeof *v);
            if (!v)
                break;
            recs = v;
            caprecs = cap;
        }
        memset(&recs[nrecs], 0, sizeof recs[nrecs]);
        memcpy(&recs[nrecs].u, r, sz);
        recs[nrecs].done_thread = self;
        nrecs++;
    }
    pthread_mutex_unlock(&mu);
    free(buf);
}

CUptiResult sh_start(int kinds)
{
    static const CUpti_ActivityKind all[] = {
        CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, CUPTI_ACTIVITY_KIND_MEMCPY,
        CUPTI_ACTIVITY_KIND_MEMSET, CUPTI_ACTIVITY_KIND_SYNCHRONIZATION,
        CUPTI_ACTIVITY_KIND_DRIVER, CUPTI_ACTIVITY_KIND_RUNTIME, CUPTI_ACTIVITY_KIND_MARKER,
        CUPTI_ACTIVITY_KIND_MARKER_DATA,
    };
    CUptiResult r;

    starter = pthread_self();
    if ((r = shc.ActivityRegisterTimestampCallback(timestamp)) != CUPTI_SUCCESS ||
        (r = shc.ActivityRegisterCallbacks(buffer_requested, buffer_completed)) != CUPTI_SUCCESS ||
        (r = shc.SetThreadIdType(CUPTI_ACTIVITY_THREAD_ID_TYPE_SYSTEM)) != CUPTI_SUCCESS ||
        (r = shc.ActivityEnableLatencyTimestamps(1)) != CUPTI_SUCCESS)
        return r;
    for (size_t i = 0; kinds == SH_KINDS_ALL && i < sizeof all / sizeof all[0]; i++)
        if ((r = shc.ActivityEnable(all[i])) != CUPTI_SUCCESS)
            return r;
    return CUPTI_SUCCESS;
}

CUptiResult sh_flush(int forced)
{
    return shc.ActivityFlushAll(forced ? CUPTI_ACTIVITY_FLAG_FLUSH_FORCED : 0);
}

void sh_set_buffer_size(size_t bytes)
{
    pthread_mutex_lock(&mu);
    buffer_size = bytes;
    pthread_mutex_unlock(&mu);
}

size_t sh_count(void)
{
    size_t n;

    pthread_mutex_lock(&mu);
    n = nrecs;
    pthread_mutex_unlock(&mu);
    return n;
}

const sh_rec *sh_get(size_t i)
{
    const sh_rec *r;

    pthread_mutex_lock(&mu);
    r = i < nrecs ? &recs[i] : NULL;
    pthread_mutex_unlock(&mu);
    return r;
}

size_t sh_count_kind(CUpti_ActivityKind kind)
{
    size_t n = 0;

    pthread_mutex_lock(&mu);
    for (size_t i = 0; i < nrecs; i++)
        n += recs[i].u.any.kind == kind;
    pthread_mutex_unlock(&mu);
    return n;
}

const sh_rec *sh_find(CUpti_ActivityKind kind, uint32_t corr)
{
    for (size_t i = 0; i < sh_count(); i++) {
        const sh_rec *r = sh_get(i);
        uint32_t c = kind == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL ? r->u.k.correlationId
                   : kind == CUPTI_ACTIVITY_KIND_MEMCPY ? r->u.c.correlationId
                   : kind == CUPTI_ACTIVITY_KIND_MEMSET ? r->u.s.correlationId
                   : kind == CUPTI_ACTIVITY_KIND_SYNCHRONIZATION ? r->u.y.correlationId
                   : r->u.a.correlationId;
        if (r->u.any.kind == kind && c == corr)
            return r;
    }
    return NULL;
}

const CUpti_ActivityAPI *sh_last_api(CUpti_ActivityKind kind, CUpti_CallbackId cbid)
{
    const CUpti_ActivityAPI *a = NULL;

    for (size_t i = 0; i < sh_count(); i++) {
        const sh_rec *r = sh_get(i);
        if (r->u.any.kind == kind && r->u.a.cbid == cbid)
            a = &r->u.a;
    }
    return a;
}

size_t sh_done_calls(void)
{
    size_t n;

    pthread_mutex_lock(&mu);
    n = done_calls;
    pthread_mutex_unlock(&mu);
    return n;
}

size_t sh_done_calls_elsewhere(void)
{
    size_t n;

    pthread_mutex_lock(&mu);
    n = done_elsewhere;
    pthread_mutex_unlock(&mu);
    return n;
}

void sh_clear(void)
{
    pthread_mutex_lock(&mu);
    nrecs = 0;
    done_calls = done_elsewhere = 0;
    pthread_mutex_unlock(&mu);
}

void sh_free(void)
{
    pthread_mutex_lock(&mu);
    free(recs);
    recs = NULL;
    nrecs = caprecs = 0;
    pthread_mutex_unlock(&mu);
}
