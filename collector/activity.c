/* activity.c: CUPTI activity records: the record clock, the buffers CUPTI
 * fills and hands back, the kinds recorded, and the decoder's environment.
 * Buffers are decoded on the thread CUPTI completes them on (its own, an
 * application thread whose per-thread buffer filled, or the flush thread
 * inside cuptiActivityFlushAll), under gp_sess.lock; no CUPTI function is
 * called with that lock held (CUPTI holds its own lock while it calls us:
 * see session_int.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "collector/session.h"
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

/* CUPTI API versions whose kernel records may carry zero timestamps while
 * a timestamp callback is registered: 12.6 Update 2 to 13.0 (fixed in
 * 13.1, CUPTI release notes). 12.6's API version (24) does not tell its
 * updates apart, so all of 12.6 counts. */
static int zero_ts_bug(uint32_t v)
{
    return (v >= 24 && v < 130000) ? v <= 28 : (v >= 130000 && v < 130100);
}

static int cupti_now(uint64_t *ts)
{
    return gp_sess.cupti.GetTimestamp(ts) == CUPTI_SUCCESS ? 0 : -1;
}

int gp_activity_clock(uint32_t version, char *why, size_t why_len)
{
    const char *want = getenv("GPUPACK_CUPTI_CLOCK");
    int use_callback = !zero_ts_bug(version);
    CUptiResult r = CUPTI_ERROR_NOT_SUPPORTED;

    why[0] = '\0';
    if (want && strcmp(want, "callback") == 0)
        use_callback = 1;
    else if (want && strcmp(want, "cupti") == 0)
        use_callback = 0;
    if (use_callback && gp_sess.cupti.ActivityRegisterTimestampCallback) {
        r = gp_sess.cupti.ActivityRegisterTimestampCallback(monotonic_ts);
        if (r == CUPTI_SUCCESS) {
            gp_tb_init(&gp_sess.tb, GP_TB_CALLBACK);
            return GP_TB_CALLBACK;
        }
        snprintf(why, why_len, "cannot set CUPTI's clock (%s); its times are converted",
                 gp_session_failing(r));
    }
    gp_tb_init(&gp_sess.tb, GP_TB_OFFSET);
    gp_activity_sample_clock();
    return GP_TB_OFFSET;
}

void gp_activity_sample_clock(void)
{
    uint64_t c;
    int64_t m;

    if (gp_sess.tb.mode != GP_TB_OFFSET || gp_tb_measure(cupti_now, &c, &m) < 0)
        return;
    pthread_mutex_lock(&gp_sess.lock);
    gp_tb_add(&gp_sess.tb, c, m);
    pthread_mutex_unlock(&gp_sess.lock);
}

int64_t gp_activity_to_mono(uint64_t ts)
{
    int64_t t;

    pthread_mutex_lock(&gp_sess.lock);
    t = gp_tb_to_mono(&gp_sess.tb, ts);
    pthread_mutex_unlock(&gp_sess.lock);
    return t;
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
        /* GetNextRecord only walks our buffer (no lock of CUPTI's). */
        while (gp_sess.cupti.ActivityGetNextRecord(buf, valid, &rec) == CUPTI_SUCCESS)
            gp_decode(gp_sess.decoder, rec);
        wake = gp_sender_batch_records(gp_sess.sender) > 200000;
    }
    pthread_mutex_unlock(&gp_sess.lock);
    /* Not under gp_sess.lock: CUPTI takes its own lock here, and holds it
     * while it runs callbacks that take ours. */
    if (buf && gp_sess.cupti.ActivityGetNumDroppedRecords(ctx, stream, &dropped) == CUPTI_SUCCESS &&
        dropped) {
        pthread_mutex_lock(&gp_sess.lock);
        if (gp_sess.state == ACTIVE)
            gp_sender_count_drop(gp_sess.sender, GP_DROP_CUPTI, dropped);
        pthread_mutex_unlock(&gp_sess.lock);
    }
    /* A profiler inside the job (torch.profiler) gets its copies. */
    gp_share_forward(ctx, stream, buf, valid);
    atomic_fetch_add(&gp_sess.completions, 1);
    atomic_store(&gp_sess.last_completion_ns, gp_now_ns());
    if (buf) {
        free(buf);
        atomic_fetch_sub(&gp_sess.buffers_out, 1);
    }
    if (wake)
        gp_signals_wake(GP_W_WAKE);
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

/* Names come from the table gp_activity_names filled at start: asking
 * CUPTI here would call it under gp_sess.lock. */
static const char *env_api_name(void *ud, CUpti_CallbackDomain dom, uint32_t cbid)
{
    int d = dom == CUPTI_CB_DOMAIN_DRIVER_API ? 0 : 1;

    (void)ud;
    return cbid < MAX_CBID ? gp_sess.api_names[d][cbid] : NULL;
}

static int64_t env_time(void *ud, uint64_t ts)
{
    (void)ud;
    return gp_tb_to_mono(&gp_sess.tb, ts);
}

void gp_activity_names(void)
{
    for (uint32_t cbid = 1; cbid < MAX_CBID; cbid++) {
        const char *name = NULL;
        if (gp_sess.cupti.GetCallbackName(CUPTI_CB_DOMAIN_DRIVER_API, cbid, &name) ==
                CUPTI_SUCCESS)
            gp_sess.api_names[0][cbid] = name;
        name = NULL;
        if (gp_sess.cupti.GetCallbackName(CUPTI_CB_DOMAIN_RUNTIME_API, cbid, &name) ==
                CUPTI_SUCCESS)
            gp_sess.api_names[1][cbid] = name;
    }
}

CUptiResult gp_activity_start(void)
{
    CUptiResult r;

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

/* API calls whose records are left out by default: queries that frameworks
 * make several times per operation (PyTorch calls cudaGetDevice around
 * every op, Triton cuCtxGetCurrent per launch, cuBLAS cudaGetLastError),
 * which cost a record each and explain nothing about GPU time. Matched by
 * base name: "_v3020", "_v2", "_ptsz" and "_ptds" suffixes are ignored.
 * GPUPACK_API_SKIP=a,b replaces the list, +a,b adds to it, none empties
 * it. Their callbacks, and everything else, stay on. */
static const char *const skip_default[] = {
    /* runtime */
    "cudaGetDevice", "cudaGetDeviceCount", "cudaGetLastError", "cudaPeekAtLastError",
    "cudaDeviceGetAttribute", "cudaFuncGetAttributes", "cudaPointerGetAttributes",
    "cudaStreamIsCapturing", "cudaStreamGetCaptureInfo", "cudaStreamGetPriority",
    "cudaStreamGetFlags", "cudaStreamGetId", "cudaDeviceGetStreamPriorityRange",
    "cudaDriverGetVersion", "cudaRuntimeGetVersion", "cudaThreadExchangeStreamCaptureMode",
    "cudaGetDriverEntryPoint", "cudaGetDriverEntryPointByVersion", "cudaGetFuncBySymbol",
    /* driver */
    "cuCtxGetCurrent", "cuCtxGetDevice", "cuCtxGetId", "cuCtxGetFlags",
    "cuCtxGetStreamPriorityRange", "cuDeviceGetAttribute", "cuDeviceGetCount",
    "cuDevicePrimaryCtxGetState", "cuDriverGetVersion", "cuFuncGetAttribute",
    "cuKernelGetAttribute", "cuKernelGetFunction", "cuPointerGetAttribute",
    "cuPointerGetAttributes", "cuStreamGetCaptureInfo", "cuStreamIsCapturing",
    "cuStreamGetCtx", "cuStreamGetFlags", "cuStreamGetPriority", "cuStreamGetId",
    "cuGetProcAddress", "cuThreadExchangeStreamCaptureMode",
};

/* name without its version and per-thread-stream suffixes, into out. */
static void base_name(const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);
    int again = 1;

    if (n >= cap)
        n = cap - 1;
    memcpy(out, name, n);
    out[n] = '\0';
    while (again) {
        char *u = strrchr(out, '_');
        again = 0;
        if (u && (strcmp(u, "_ptsz") == 0 || strcmp(u, "_ptds") == 0)) {
            *u = '\0';
            again = 1;
        } else if (u && u[1] == 'v' && u[2] && strspn(u + 2, "0123456789") == strlen(u + 2)) {
            *u = '\0';
            again = 1;
        }
    }
}

/* 1 if base is in the comma-separated list. */
static int in_list(const char *list, const char *base)
{
    size_t n = strlen(base);

    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, base, n) == 0)
            return 1;
        p += len + (e != NULL);
    }
    return 0;
}

static int skipped(const char *env, const char *base)
{
    int dflt = 0;

    for (size_t i = 0; i < sizeof skip_default / sizeof skip_default[0]; i++)
        dflt |= strcmp(skip_default[i], base) == 0;
    if (!env || !*env)
        return dflt;
    if (strcmp(env, "none") == 0)
        return 0;
    if (env[0] == '+')
        return dflt || in_list(env + 1, base);
    return in_list(env, base);
}

int gp_activity_filter_api(void)
{
    const char *env = getenv("GPUPACK_API_SKIP");
    char base[128];
    int off = 0;

    for (uint32_t cbid = 1; cbid < MAX_CBID; cbid++) {
        for (int d = 0; d < 2; d++) {
            const char *name = gp_sess.api_names[d][cbid];
            CUptiResult (*set)(CUpti_CallbackId, uint8_t) =
                d == 0 ? gp_sess.cupti.ActivityEnableDriverApi
                       : gp_sess.cupti.ActivityEnableRuntimeApi;
            if (!name || !set)
                continue;
            base_name(name, base, sizeof base);
            if (skipped(env, base) && set(cbid, 0) == CUPTI_SUCCESS)
                off++;
        }
    }
    return off;
}

/* The hole: said once, recorded once. Caller holds no lock. */
static void taken(void)
{
    char line[600], t[32];
    gp_record r;
    int64_t since = atomic_load(&gp_sess.last_completion_ns), issued, recorded;

    pthread_mutex_lock(&gp_sess.lock);
    if (gp_sess.state != ACTIVE || gp_sess.taken) {
        pthread_mutex_unlock(&gp_sess.lock);
        return;
    }
    gp_sess.taken = 1;
    issued = (int64_t)atomic_load(&gp_sess.ops_issued);
    recorded = (int64_t)gp_decoder_ops_recorded(gp_sess.decoder);
    gp_record_init(&r, GP_KIND_DROPPED);
    r.u.dropped.ts_ns = since ? since : gp_sess.start_ns;
    r.u.dropped.source = GP_DROP_TAKEN;
    r.u.dropped.count = issued > recorded ? (uint64_t)(issued - recorded) : 0;
    r.u.dropped.pid = (uint32_t)getpid();
    gp_sender_add(gp_sess.sender, &r);
    pthread_mutex_unlock(&gp_sess.lock);
    snprintf(t, sizeof t, "%.3f", (double)(r.u.dropped.ts_ns - gp_sess.start_ns) / 1e9);
    snprintf(line, sizeof line,
             "another profiler in this process (torch.profiler or similar) took CUPTI's activity "
             "records about %s s after recording began: the trace has a hole from then on. "
             "gpupack record preloads the collector so that it can share CUPTI; this process "
             "was not (GPUPACK_PRELOAD=0, or only CUDA_INJECTION64_PATH was set)", t);
    gp_session_say(line);
}

/* Operations issued and not recorded. */
static uint64_t missing(void)
{
    uint64_t issued = atomic_load(&gp_sess.ops_issued), recorded;

    pthread_mutex_lock(&gp_sess.lock);
    recorded = gp_sess.decoder ? gp_decoder_ops_recorded(gp_sess.decoder) : 0;
    pthread_mutex_unlock(&gp_sess.lock);
    return issued > recorded ? issued - recorded : 0;
}

void gp_activity_watch(void)
{
    static uint64_t last_comp, last_issued;
    static int quiet;
    uint64_t comp = atomic_load(&gp_sess.completions);
    uint64_t issued = atomic_load(&gp_sess.ops_issued);

    if (gp_sess.taken || gp_sess.shared)
        return;
    if (comp != last_comp || issued == last_issued) {
        last_comp = comp;
        last_issued = issued;
        quiet = 0;
        return;
    }
    /* Launches go on and no buffer comes back: 3 flush periods, then a
     * forced flush, which hands over even unfinished work; none at all
     * means the buffers go elsewhere. */
    if (++quiet < 3 || !missing())
        return;
    gp_sess.cupti.ActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
    if (atomic_load(&gp_sess.completions) != comp) {
        quiet = 0;
        return;
    }
    taken();
}

void gp_activity_watch_exit(uint64_t completions_before)
{
    if (!gp_sess.taken && !gp_sess.shared &&
        atomic_load(&gp_sess.completions) == completions_before && missing())
        taken();
}

int gp_activity_kind_ours(CUpti_ActivityKind kind)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (kinds[i] == kind || (kinds[i] == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL &&
                                 kind == CUPTI_ACTIVITY_KIND_KERNEL))
            return gp_sess.state == ACTIVE;
    return 0;
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
    env->time = env_time;
}
