/* session.c: one recording session per process: CUPTI setup, its
 * callbacks, the flush thread, exit and fork. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "cupti_api.h"
#include "decode.h"
#include "devinfo.h"
#include "gate.h"
#include "collector/pm/sampling.h"
#include "sender.h"
#include "session.h"

enum { IDLE, ACTIVE, FAILED, DONE, FORKED };

/* Kinds recorded; the first is required, the rest are best effort. */
static const CUpti_ActivityKind kinds[] = {
    CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, CUPTI_ACTIVITY_KIND_MEMCPY,
    CUPTI_ACTIVITY_KIND_MEMCPY2,           CUPTI_ACTIVITY_KIND_MEMSET,
    CUPTI_ACTIVITY_KIND_SYNCHRONIZATION,   CUPTI_ACTIVITY_KIND_RUNTIME,
    CUPTI_ACTIVITY_KIND_DRIVER,            CUPTI_ACTIVITY_KIND_OVERHEAD,
    CUPTI_ACTIVITY_KIND_MARKER,            CUPTI_ACTIVITY_KIND_MARKER_DATA,
    CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION,
};

#define MAX_CBID 2048        /* above every driver/runtime callback id of CUPTI 13 */
#define OP_COUNTED 1         /* a launch, copy or memset: counted as issued */
#define OP_GRAPH 2           /* a graph launch: not counted (its kernels carry a graph id) */

static struct {
    pthread_mutex_t lock; /* sender, decoder, devices; never held across CUPTI flushes */
    int state;
    pid_t pid;
    gp_cupti cupti;
    int cupti_loaded, cupti_failed; /* failed: said once, not tried again */
    gp_cuda cuda;
    CUpti_SubscriberHandle sub;
    gp_sender *sender;
    gp_decoder *decoder;
    uint64_t devices_described; /* bit per device ordinal < 64 */
    int counters;               /* GPUPACK_COUNTERS: PM sampling wanted */
    uint64_t pm_wanted;         /* devices to start PM sampling on (flush thread) */
    gp_pm *pm[64];

    pthread_t flusher;
    int flusher_running, stop;
    pthread_cond_t wake;
    int64_t flush_ns;

    atomic_uint_fast64_t ops_issued;
    atomic_int buffers_out;
    int max_buffers;
    size_t buffer_bytes;
    unsigned char op_kind[MAX_CBID];
    int gate_on;                  /* a member of gpupack pack (gate.h) */
    unsigned char gate_op[MAX_CBID];
    const char *api_names[2][MAX_CBID]; /* [driver, runtime] */
} S = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

/* ---- messages and settings ------------------------------------------------- */

void gp_session_say(const char *line)
{
    char buf[1200];
    int n = snprintf(buf, sizeof buf, "gpupack: pid %d: %s\n", (int)getpid(), line);

    if (n > 0 && write(STDERR_FILENO, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1) < 0)
        return;
}

static long env_long(const char *name, long def, long lo, long hi)
{
    const char *v = getenv(name);
    char *end;
    long x;

    if (!v || !*v)
        return def;
    errno = 0;
    x = strtol(v, &end, 10);
    if (errno || *end || x < lo || x > hi)
        return def;
    return x;
}

/* ---- CUPTI callbacks ----------------------------------------------------------- */

static uint64_t CUPTIAPI monotonic_ts(void)
{
    return (uint64_t)gp_now_ns();
}

static void CUPTIAPI buffer_requested(uint8_t **buf, size_t *size, size_t *max_records)
{
    *max_records = 0;
    *buf = NULL;
    *size = 0;
    if (atomic_fetch_add(&S.buffers_out, 1) >= S.max_buffers) {
        atomic_fetch_sub(&S.buffers_out, 1);
        return; /* CUPTI drops the records and counts them */
    }
    *buf = aligned_alloc(8, S.buffer_bytes);
    if (!*buf) {
        atomic_fetch_sub(&S.buffers_out, 1);
        return;
    }
    *size = S.buffer_bytes;
}

static void CUPTIAPI buffer_completed(CUcontext ctx, uint32_t stream, uint8_t *buf, size_t size,
                                      size_t valid)
{
    CUpti_Activity *rec = NULL;
    size_t dropped = 0;
    int wake = 0;

    (void)size;
    pthread_mutex_lock(&S.lock);
    if (S.state == ACTIVE && buf) {
        while (S.cupti.ActivityGetNextRecord(buf, valid, &rec) == CUPTI_SUCCESS)
            gp_decode(S.decoder, rec);
        if (S.cupti.ActivityGetNumDroppedRecords(ctx, stream, &dropped) == CUPTI_SUCCESS)
            gp_sender_count_drop(S.sender, GP_DROP_CUPTI, dropped);
        wake = gp_sender_batch_records(S.sender) > 200000;
    }
    pthread_mutex_unlock(&S.lock);
    if (buf) {
        free(buf);
        atomic_fetch_sub(&S.buffers_out, 1);
    }
    if (wake)
        pthread_cond_signal(&S.wake);
}

/* Decoder callbacks, called with S.lock held. */
static gp_strid env_intern(void *ud, const char *s)
{
    (void)ud;
    return gp_sender_intern(S.sender, s);
}

static int env_emit(void *ud, const gp_record *r)
{
    (void)ud;
    return gp_sender_add(S.sender, r);
}

static void env_dropped(void *ud, int source, uint64_t n)
{
    (void)ud;
    gp_sender_count_drop(S.sender, source, n);
}

static const char *env_api_name(void *ud, CUpti_CallbackDomain dom, uint32_t cbid)
{
    int d = dom == CUPTI_CB_DOMAIN_DRIVER_API ? 0 : 1;
    const char *name = NULL;

    (void)ud;
    if (cbid >= MAX_CBID)
        return NULL;
    if (!S.api_names[d][cbid] && S.cupti.GetCallbackName(dom, cbid, &name) == CUPTI_SUCCESS)
        S.api_names[d][cbid] = name;
    return S.api_names[d][cbid];
}

/* A new context: describe it, and its device the first time. App thread. */
static void on_context(CUcontext ctx)
{
    uint32_t dev = 0, id = 0;
    gp_device d;
    gp_devinfo_text text;
    gp_record r;
    int describe;

    if (S.cupti.GetDeviceId(ctx, &dev) != CUPTI_SUCCESS ||
        S.cupti.GetContextId(ctx, &id) != CUPTI_SUCCESS)
        return;
    pthread_mutex_lock(&S.lock);
    describe = dev < 64 && !(S.devices_described & (1ull << dev));
    if (describe) {
        S.devices_described |= 1ull << dev;
        if (S.counters)
            S.pm_wanted |= 1ull << dev;
    }
    pthread_mutex_unlock(&S.lock);
    gp_record_init(&r, GP_KIND_DEVICE);
    d = r.u.device;
    if (describe && gp_devinfo_device(&S.cuda, (int)dev, &d, &text) < 0)
        describe = 0;
    pthread_mutex_lock(&S.lock);
    if (S.state == ACTIVE) {
        if (describe) {
            d.name = gp_sender_intern(S.sender, text.name);
            d.uuid = gp_sender_intern(S.sender, text.uuid);
            d.pci_bus_id = gp_sender_intern(S.sender, text.pci_bus_id);
            r.u.device = d;
            gp_sender_add(S.sender, &r);
        }
        gp_record_init(&r, GP_KIND_CONTEXT);
        r.u.context.id = id;
        r.u.context.device = (int32_t)dev;
        gp_sender_add(S.sender, &r);
    }
    pthread_mutex_unlock(&S.lock);
}

/* A new stream: its id, priority and flags. App thread. */
static void on_stream(CUcontext ctx, CUstream stream)
{
    uint32_t dev = 0, ctx_id = 0, id = 0;
    gp_record r;

    if (S.cupti.GetStreamIdEx(ctx, stream, 0, &id) != CUPTI_SUCCESS)
        return;
    S.cupti.GetDeviceId(ctx, &dev);
    S.cupti.GetContextId(ctx, &ctx_id);
    gp_record_init(&r, GP_KIND_STREAM);
    r.u.stream.id = id;
    r.u.stream.context = ctx_id;
    r.u.stream.device = (int32_t)dev;
    r.u.stream.is_default = stream == NULL;
    gp_devinfo_stream(&S.cuda, stream, &r.u.stream);
    pthread_mutex_lock(&S.lock);
    if (S.state == ACTIVE)
        gp_sender_add(S.sender, &r);
    pthread_mutex_unlock(&S.lock);
}

static void CUPTIAPI on_callback(void *ud, CUpti_CallbackDomain dom, CUpti_CallbackId cbid,
                                 const void *data)
{
    (void)ud;
    if (dom == CUPTI_CB_DOMAIN_DRIVER_API) {
        const CUpti_CallbackData *cd = data;
        /* The hot path: one branch and an atomic add per launch. */
        if (cd->callbackSite == CUPTI_API_ENTER && cbid < MAX_CBID &&
            S.op_kind[cbid] == OP_COUNTED)
            atomic_fetch_add_explicit(&S.ops_issued, 1, memory_order_relaxed);
        if (S.gate_on && cbid < MAX_CBID && S.gate_op[cbid])
            gp_gate_api(S.gate_op[cbid], cd->callbackSite == CUPTI_API_ENTER);
    } else if (dom == CUPTI_CB_DOMAIN_NVTX) {
        gp_gate_nvtx(cbid != CUPTI_CBID_NVTX_nvtxRangePop);
    } else if (dom == CUPTI_CB_DOMAIN_RESOURCE && S.state == ACTIVE) {
        const CUpti_ResourceData *rd = data;
        if (cbid == CUPTI_CBID_RESOURCE_CONTEXT_CREATED)
            on_context(rd->context);
        else if (cbid == CUPTI_CBID_RESOURCE_STREAM_CREATED)
            on_stream(rd->context, rd->resourceHandle.stream);
    }
}

/* ---- hardware counters ------------------------------------------------------------ */

/* PM samples become metric records. Runs on the flush thread (from gp_pm_poll). */
static void pm_emit(void *ud, int device, const char *metric, int64_t start_ns, int64_t end_ns,
                    double value)
{
    gp_record r;

    (void)ud;
    gp_record_init(&r, GP_KIND_METRIC);
    r.u.metric.ts_ns = start_ns;
    r.u.metric.dur_ns = end_ns - start_ns;
    r.u.metric.device = device;
    r.u.metric.value = value;
    pthread_mutex_lock(&S.lock);
    if (S.state == ACTIVE) {
        r.u.metric.name = gp_sender_intern(S.sender, metric);
        if (gp_sender_add(S.sender, &r) < 0)
            gp_sender_count_drop(S.sender, GP_DROP_COLLECTOR, 1);
    }
    pthread_mutex_unlock(&S.lock);
}

/* Starts sampling on newly used devices and collects samples. Flush thread,
 * S.lock not held. */
static void pm_service(void)
{
    uint64_t wanted;

    pthread_mutex_lock(&S.lock);
    wanted = S.pm_wanted;
    S.pm_wanted = 0;
    pthread_mutex_unlock(&S.lock);
    for (int d = 0; d < 64 && wanted; d++) {
        char why[300], line[400];
        if (!(wanted & (1ull << d)))
            continue;
        wanted &= ~(1ull << d);
        S.pm[d] = gp_pm_start(S.cupti.lib, d, GP_PM_DEFAULT_INTERVAL_NS, NULL, 0, pm_emit, NULL,
                              why, sizeof why);
        if (!S.pm[d]) {
            snprintf(line, sizeof line, "no hardware counters on GPU %d: %s", d, why);
            gp_session_say(line);
        }
    }
    for (int d = 0; d < 64; d++)
        if (S.pm[d] && gp_pm_poll(S.pm[d]) < 0) {
            gp_pm_stats st;
            char line[400];
            gp_pm_get_stats(S.pm[d], &st);
            snprintf(line, sizeof line, "hardware counters on GPU %d stopped: %s", d,
                     st.last_error);
            gp_session_say(line);
            gp_pm_stop(S.pm[d]);
            S.pm[d] = NULL;
        }
}

static void pm_stop_all(void)
{
    for (int d = 0; d < 64; d++)
        if (S.pm[d]) {
            gp_pm_stop(S.pm[d]); /* its final samples go through pm_emit */
            S.pm[d] = NULL;
        }
}

/* ---- flushing ---------------------------------------------------------------- */

/* Encodes and sends what has been decoded. Caller holds S.lock. */
static void push_locked(int64_t deadline_ns)
{
    gp_sender_set_progress(S.sender, atomic_load(&S.ops_issued),
                           gp_decoder_ops_recorded(S.decoder));
    gp_sender_flush(S.sender, deadline_ns);
}

static void *flush_thread(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&S.lock);
    while (!S.stop) {
        struct timespec until;
        int64_t t = gp_wall_ns() + S.flush_ns;

        until.tv_sec = t / 1000000000;
        until.tv_nsec = t % 1000000000;
        pthread_cond_timedwait(&S.wake, &S.lock, &until); /* wall clock: condvar default */
        if (S.stop)
            break;
        pthread_mutex_unlock(&S.lock);
        /* Completed buffers come back through buffer_completed (which locks). */
        S.cupti.ActivityFlushAll(0);
        if (S.counters)
            pm_service();
        pthread_mutex_lock(&S.lock);
        if (S.state == ACTIVE)
            push_locked(0);
    }
    pthread_mutex_unlock(&S.lock);
    return NULL;
}

static void at_exit(void)
{
    int64_t now;

    if (S.state != ACTIVE || getpid() != S.pid)
        return;
    if (S.flusher_running) {
        pthread_mutex_lock(&S.lock);
        S.stop = 1;
        pthread_cond_signal(&S.wake);
        pthread_mutex_unlock(&S.lock);
        pthread_join(S.flusher, NULL);
        S.flusher_running = 0;
    }
    S.cupti.ActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
    /* After the activity flush: stopping PM sampling may finalize CUPTI. */
    pm_stop_all();
    now = gp_now_ns();
    pthread_mutex_lock(&S.lock);
    gp_decoder_finish(S.decoder, now);
    gp_sender_goodbye(S.sender, now);
    push_locked(now + 2000000000); /* up to 2 s for the recorder to take it all */
    /* Buffers CUPTI completes after this (CUDA teardown) are freed unread. */
    S.state = DONE;
    pthread_mutex_unlock(&S.lock);
}

static void fork_prepare(void)
{
    pthread_mutex_lock(&S.lock);
}

static void fork_parent(void)
{
    pthread_mutex_unlock(&S.lock);
}

/* The child of a recorded process has no CUPTI session of its own (CUDA
 * does not survive fork) and no flush thread: it stays silent. Its copy of
 * the connection is closed so it cannot interleave with the parent's. */
static void fork_child(void)
{
    pthread_mutex_unlock(&S.lock);
    if (S.state == ACTIVE) {
        S.state = FORKED;
        gp_sender_free(S.sender);
        S.sender = NULL;
        S.flusher_running = 0;
    }
}

/* ---- start -------------------------------------------------------------------- */

static void read_cmdline(char *out, size_t cap)
{
    FILE *f = fopen("/proc/self/cmdline", "rb");
    size_t n = 0;

    out[0] = '\0';
    if (!f)
        return;
    n = fread(out, 1, cap - 1, f);
    fclose(f);
    out[n] = '\0';
    for (size_t i = 0; i + 1 < n; i++)
        if (out[i] == '\0')
            out[i] = ' ';
}

/* When the process started, on CLOCK_MONOTONIC: its start time in
 * /proc/self/stat is in clock ticks since boot (CLOCK_BOOTTIME). */
static int64_t process_start_ns(void)
{
    char buf[1024], *p;
    unsigned long long ticks = 0;
    struct timespec boot;
    FILE *f = fopen("/proc/self/stat", "r");
    size_t n;
    long hz = sysconf(_SC_CLK_TCK);

    if (!f)
        return gp_now_ns();
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (!p || hz <= 0 || clock_gettime(CLOCK_BOOTTIME, &boot) < 0)
        return gp_now_ns();
    /* fields after ")": state(3) ... starttime(22) */
    for (int field = 2; p && field < 22; field++)
        p = strchr(p + 1, ' ');
    if (!p || sscanf(p + 1, "%llu", &ticks) != 1)
        return gp_now_ns();
    {
        int64_t boot_ns = (int64_t)boot.tv_sec * 1000000000 + boot.tv_nsec;
        int64_t start_boot = (int64_t)(ticks * (1000000000ull / (unsigned long long)hz));
        return gp_now_ns() - (boot_ns - start_boot);
    }
}

static int env_rank(void)
{
    static const char *const vars[] = { "RANK", "OMPI_COMM_WORLD_RANK", "PMI_RANK",
                                        "SLURM_PROCID" };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i]) && *getenv(vars[i]))
            return (int)env_long(vars[i], -1, 0, 1 << 30);
    return -1;
}

/* Loads CUPTI once. Caller holds S.lock. */
static int load_cupti_locked(void)
{
    char why[600];

    if (S.cupti_loaded)
        return 0;
    if (S.cupti_failed)
        return -1;
    if (gp_cupti_load(&S.cupti, why, sizeof why) < 0) {
        snprintf(why + strlen(why), sizeof why - strlen(why), "; this process runs unprofiled");
        gp_session_say(why);
        S.cupti_failed = 1;
        return -1;
    }
    S.cupti_loaded = 1;
    return 0;
}

gp_nvtx_init_fn gp_session_nvtx_target(void)
{
    gp_nvtx_init_fn fn = NULL;

    pthread_mutex_lock(&S.lock);
    if (S.state != FORKED && load_cupti_locked() == 0)
        fn = S.cupti.InitializeInjectionNvtx2;
    pthread_mutex_unlock(&S.lock);
    return fn;
}

static const char *failing(CUptiResult r)
{
    return gp_cupti_error(&S.cupti, r);
}

/* Marks the driver callbacks that issue GPU work, by their CUPTI names. */
static void enable_op_callbacks(void)
{
    for (uint32_t cbid = 1; cbid < MAX_CBID; cbid++) {
        const char *name = NULL;
        int kind = 0, gate;

        if (S.cupti.GetCallbackName(CUPTI_CB_DOMAIN_DRIVER_API, cbid, &name) != CUPTI_SUCCESS ||
            !name)
            continue;
        if (strncmp(name, "cuGraphLaunch", 13) == 0)
            kind = OP_GRAPH;
        else if ((strncmp(name, "cuLaunch", 8) == 0 && !strstr(name, "HostFunc")) ||
                 strncmp(name, "cuMemcpy", 8) == 0 || strncmp(name, "cuMemset", 8) == 0)
            kind = OP_COUNTED;
        gate = S.gate_on ? gp_gate_classify(name) : 0;
        if ((kind || gate) && S.cupti.EnableCallback(1, S.sub, CUPTI_CB_DOMAIN_DRIVER_API, cbid) ==
                                  CUPTI_SUCCESS) {
            S.op_kind[cbid] = (unsigned char)kind;
            S.gate_op[cbid] = (unsigned char)gate;
        }
    }
    if (S.gate_on) { /* request ranges: default-domain push/pop */
        S.cupti.EnableCallback(1, S.sub, CUPTI_CB_DOMAIN_NVTX, CUPTI_CBID_NVTX_nvtxRangePushA);
        S.cupti.EnableCallback(1, S.sub, CUPTI_CB_DOMAIN_NVTX, CUPTI_CBID_NVTX_nvtxRangePushW);
        S.cupti.EnableCallback(1, S.sub, CUPTI_CB_DOMAIN_NVTX, CUPTI_CBID_NVTX_nvtxRangePushEx);
        S.cupti.EnableCallback(1, S.sub, CUPTI_CB_DOMAIN_NVTX, CUPTI_CBID_NVTX_nvtxRangePop);
    }
}

/* The gate's records (gate.h). App thread, S.lock not held. */
static void gate_emit(const gp_record *r)
{
    pthread_mutex_lock(&S.lock);
    if (S.state == ACTIVE && S.sender && gp_sender_add(S.sender, r) < 0)
        gp_sender_count_drop(S.sender, GP_DROP_COLLECTOR, 1);
    pthread_mutex_unlock(&S.lock);
}

/* Everything but the flush thread. Caller holds S.lock. Returns 0 or -1
 * (after saying why). */
static int start_locked(void)
{
    CUpti_SubscriberParams params;
    char other[128] = "", msg[700], cmdline[4096], host[256] = "";
    uint32_t version = 0;
    int driver = 0;
    CUptiResult r;
    gp_sender_opts so;
    gp_decode_env env = { NULL, env_intern, env_api_name, env_emit, env_dropped };

    if (load_cupti_locked() < 0)
        return -1;
    S.cupti.GetVersion(&version);
    if (version < 130001 || version >= 140000) {
        snprintf(msg, sizeof msg,
                 "CUPTI API version %u at %s is not supported (gpupack needs CUPTI 13, 13.0 "
                 "Update 1 or later); this process runs unprofiled", version, S.cupti.path);
        gp_session_say(msg);
        return -1;
    }
    /* Our clock for every CUPTI timestamp; must come before enabling kinds. */
    S.cupti.ActivityRegisterTimestampCallback(monotonic_ts);

    memset(&params, 0, sizeof params);
    params.structSize = CUpti_SubscriberParams_STRUCT_SIZE;
    params.subscriberName = "gpupack";
    params.oldSubscriberName = other;
    params.oldSubscriberSize = sizeof other;
    r = S.cupti.Subscribe_v2 ? S.cupti.Subscribe_v2(&S.sub, on_callback, NULL, &params)
                             : S.cupti.Subscribe(&S.sub, on_callback, NULL);
    if (r == CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED) {
        snprintf(msg, sizeof msg,
                 "CUPTI is already in use by %s (one profiler per process); this process runs "
                 "unprofiled. Stop the other profiler (torch.profiler, Nsight) to record it",
                 other[0] ? other : "another profiler");
        gp_session_say(msg);
        return -1;
    }
    if (r != CUPTI_SUCCESS) {
        snprintf(msg, sizeof msg, "%s (%s while subscribing to CUPTI); this process runs "
                 "unprofiled", r == CUPTI_ERROR_UNKNOWN ? "no usable CUDA driver" : "CUPTI failed",
                 failing(r));
        gp_session_say(msg);
        return -1;
    }
    S.cupti.SetThreadIdType(CUPTI_ACTIVITY_THREAD_ID_TYPE_SYSTEM);
    r = S.cupti.ActivityRegisterCallbacks(buffer_requested, buffer_completed);
    if (r == CUPTI_SUCCESS)
        r = S.cupti.ActivityEnable(kinds[0]);
    if (r != CUPTI_SUCCESS) {
        snprintf(msg, sizeof msg, "%s (%s while enabling kernel tracing); this process runs "
                 "unprofiled", r == CUPTI_ERROR_UNKNOWN ? "no usable CUDA driver" : "CUPTI failed",
                 failing(r));
        gp_session_say(msg);
        S.cupti.Unsubscribe(S.sub);
        return -1;
    }
    for (size_t i = 1; i < sizeof kinds / sizeof kinds[0]; i++)
        S.cupti.ActivityEnable(kinds[i]); /* best effort: older drivers lack some */
    if (env_long("GPUPACK_LATENCY", 0, 0, 1) && S.cupti.ActivityEnableLatencyTimestamps)
        S.cupti.ActivityEnableLatencyTimestamps(1);
    S.cupti.EnableCallback(1, S.sub, CUPTI_CB_DOMAIN_RESOURCE, CUPTI_CBID_RESOURCE_CONTEXT_CREATED);
    S.cupti.EnableCallback(1, S.sub, CUPTI_CB_DOMAIN_RESOURCE, CUPTI_CBID_RESOURCE_STREAM_CREATED);
    S.gate_on = gp_gate_init(gp_session_say, gate_emit);
    enable_op_callbacks();
    if (gp_cuda_bind(&S.cuda) == 0)
        S.cuda.DriverGetVersion(&driver);

    /* Where records go. */
    memset(&so, 0, sizeof so);
    read_cmdline(cmdline, sizeof cmdline);
    gethostname(host, sizeof host - 1);
    so.socket_path = getenv("GPUPACK_SOCKET");
    so.spool_dir = getenv("GPUPACK_SPOOL_DIR");
    {
        long budget_mb = env_long("GPUPACK_BUFFER_MB", 256, 4, 1 << 20);
        S.buffer_bytes = 4u << 20;
        S.max_buffers = (int)(budget_mb / 2 / 4);
        if (S.max_buffers < 1)
            S.max_buffers = 1;
        so.max_queue_bytes = (size_t)budget_mb << 20 >> 2;
        so.max_batch_bytes = (size_t)budget_mb << 20 >> 2;
    }
    so.hello.rank = env_rank();
    so.hello.pid = (uint32_t)getpid();
    so.hello.ppid = (uint32_t)getppid();
    so.hello.start_ns = process_start_ns();
    so.hello.cupti_version = version;
    so.hello.driver_version = (uint32_t)driver;
    so.cmdline = cmdline;
    so.hostname = host;
    so.version = PACKAGE_VERSION;
    so.say = gp_session_say;
    S.sender = gp_sender_new(&so);
    env.ud = NULL;
    S.decoder = gp_decoder_new(&env);
    if (!S.sender || !S.decoder) {
        if (S.sender && !S.decoder)
            gp_session_say("out of memory starting the collector; this process runs unprofiled");
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
            S.cupti.ActivityDisable(kinds[i]);
        S.cupti.Unsubscribe(S.sub);
        gp_sender_free(S.sender);
        gp_decoder_free(S.decoder);
        S.sender = NULL;
        S.decoder = NULL;
        return -1;
    }
    S.flush_ns = env_long("GPUPACK_FLUSH_MS", 200, 10, 60000) * 1000000;
    S.counters = (int)env_long("GPUPACK_COUNTERS", 0, 0, 1);
    return 0;
}

void gp_session_start(void)
{
    static int registered;

    pthread_mutex_lock(&S.lock);
    if (S.state != IDLE) {
        pthread_mutex_unlock(&S.lock);
        return;
    }
    S.pid = getpid();
    if (start_locked() < 0) {
        S.state = FAILED;
        pthread_mutex_unlock(&S.lock);
        return;
    }
    S.state = ACTIVE;
    if (!registered) {
        registered = 1;
        atexit(at_exit);
        pthread_atfork(fork_prepare, fork_parent, fork_child);
    }
    if (pthread_create(&S.flusher, NULL, flush_thread, NULL) == 0)
        S.flusher_running = 1;
    else
        gp_session_say("cannot start the flush thread; records are sent at exit only");
    pthread_mutex_unlock(&S.lock);
}
