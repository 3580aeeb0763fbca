/* activity.c: CUPTI activity records: the record clock, the buffers CUPTI
 * fills and hands back, the kinds recorded, and the decoder's environment.
 * Buffers are decoded on the thread CUPTI completes them on (its own, or
 * the flush thread inside cuptiActivityFlushAll). */
#include "config.h"

#include <stdlib.h>

#include "common/clock.h"
#include "collector/session_int.h"

/* Kinds recorded; the first is required, the rest are best effort. */
static const CUpti_ActivityKind kinds[] = {
    CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, CUPTI_ACTIVITY_KIND_MEMCPY,
    CUPTI_ACTIVITY_KIND_MEMCPY2,           CUPTI_ACTIVITY_KIND_MEMSET,
    CUPTI_ACTIVITY_KIND_SYNCHRONIZATION,   CUPTI_ACTIVITY_KIND_RUNTIME,
    CUPTI_ACTIVITY_KIND_DRIVER,            CUPTI_ACTIVITY_KIND_OVERHEAD,
    CUPTI_ACTIVITY_KIND_MARKER,            CUPTI_ACTIVITY_KIND_MARKER_DATA,
    CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION,
};

static uint64_t CUPTIAPI monotonic_ts(void)
{
    return (uint64_t)gp_now_ns();
}

static void CUPTIAPI buffer_requested(uint8_t **buf, size_t *size, size_t *max_records)
{
    *max_records = 0;
    *buf = NULL;
    *size = 0;
    if (atomic_fetch_add(&gp_sess.buffers_out, 1) >= gp_sess.max_buffers) {
        atomic_fetch_sub(&gp_sess.buffers_out, 1);
        return; /* CUPTI drops the records and counts them */
    }
    *buf = aligned_alloc(8, gp_sess.buffer_bytes);
    if (!*buf) {
        atomic_fetch_sub(&gp_sess.buffers_out, 1);
        return;
    }
    *size = gp_sess.buffer_bytes;
}

static void CUPTIAPI buffer_completed(CUcontext ctx, uint32_t stream, uint8_t *buf, size_t size,
                                      size_t valid)
{
    CUpti_Activity *rec = NULL;
    size_t dropped = 0;
    int wake = 0;

    (void)size;
    pthread_mutex_lock(&gp_sess.lock);
    if (gp_sess.state == ACTIVE && buf) {
        while (gp_sess.cupti.ActivityGetNextRecord(buf, valid, &rec) == CUPTI_SUCCESS)
            gp_decode(gp_sess.decoder, rec);
        if (gp_sess.cupti.ActivityGetNumDroppedRecords(ctx, stream, &dropped) == CUPTI_SUCCESS)
            gp_sender_count_drop(gp_sess.sender, GP_DROP_CUPTI, dropped);
        wake = gp_sender_batch_records(gp_sess.sender) > 200000;
    }
    pthread_mutex_unlock(&gp_sess.lock);
    if (buf) {
        free(buf);
        atomic_fetch_sub(&gp_sess.buffers_out, 1);
    }
    if (wake)
        pthread_cond_signal(&gp_sess.wake);
}

/* Decoder callbacks, called with gp_sess.lock held. */
static gp_strid env_intern(void *ud, const char *s)
{
    (void)ud;
    return gp_sender_intern(gp_sess.sender, s);
}

static int env_emit(void *ud, const gp_record *r)
{
    (void)ud;
    return gp_sender_add(gp_sess.sender, r);
}

static void env_dropped(void *ud, int source, uint64_t n)
{
    (void)ud;
    gp_sender_count_drop(gp_sess.sender, source, n);
}

static const char *env_api_name(void *ud, CUpti_CallbackDomain dom, uint32_t cbid)
{
    int d = dom == CUPTI_CB_DOMAIN_DRIVER_API ? 0 : 1;
    const char *name = NULL;

    (void)ud;
    if (cbid >= MAX_CBID)
        return NULL;
    if (!gp_sess.api_names[d][cbid] &&
        gp_sess.cupti.GetCallbackName(dom, cbid, &name) == CUPTI_SUCCESS)
        gp_sess.api_names[d][cbid] = name;
    return gp_sess.api_names[d][cbid];
}

CUptiResult gp_activity_start(void)
{
    CUptiResult r;

    /* Our clock for every CUPTI timestamp; must come before enabling kinds. */
    gp_sess.cupti.ActivityRegisterTimestampCallback(monotonic_ts);
    r = gp_sess.cupti.ActivityRegisterCallbacks(buffer_requested, buffer_completed);
    if (r == CUPTI_SUCCESS)
        r = gp_sess.cupti.ActivityEnable(kinds[0]);
    if (r != CUPTI_SUCCESS)
        return r;
    for (size_t i = 1; i < sizeof kinds / sizeof kinds[0]; i++)
        gp_sess.cupti.ActivityEnable(kinds[i]); /* best effort: older drivers lack some */
    if (gp_env_long("GPUPACK_LATENCY", 0, 0, 1) && gp_sess.cupti.ActivityEnableLatencyTimestamps)
        gp_sess.cupti.ActivityEnableLatencyTimestamps(1);
    return CUPTI_SUCCESS;
}

void gp_activity_stop(void)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        gp_sess.cupti.ActivityDisable(kinds[i]);
}

void gp_activity_decode_env(gp_decode_env *env)
{
    env->ud = NULL;
    env->intern = env_intern;
    env->api_name = env_api_name;
    env->emit = env_emit;
    env->dropped = env_dropped;
}
