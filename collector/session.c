/* session.c: one recording session per process: loading CUPTI, starting
 * (session_int.h lists the other parts), the flush thread, exit and fork.
 *
 * Lock order: CUPTI holds a lock of its own while it calls us (callbacks,
 * buffer completion), and those take gp_sess.lock; so CUPTI is never
 * called with gp_sess.lock held. Starting runs unlocked, in state STARTING,
 * which every callback ignores. */
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
#include "collector/gate.h"
#include "collector/session.h"
#include "collector/session_int.h"

gp_session_state gp_sess = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* ---- messages and settings ------------------------------------------------- */

void gp_session_say(const char *line)
{
    char buf[1200];
    int n = snprintf(buf, sizeof buf, "gpupack: pid %d: %s\n", (int)getpid(), line);

    if (n > 0 && write(STDERR_FILENO, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1) < 0)
        return;
}

long gp_env_long(const char *name, long def, long lo, long hi)
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

/* ---- flushing ---------------------------------------------------------------- */

/* Encodes and sends what has been decoded. Caller holds gp_sess.lock. */
static void push_locked(int64_t deadline_ns)
{
    gp_sender_set_progress(gp_sess.sender, atomic_load(&gp_sess.ops_issued),
                           gp_decoder_ops_recorded(gp_sess.decoder));
    gp_sender_flush(gp_sess.sender, deadline_ns);
}

/* The process is about to end by a signal (signals.c): everything CUPTI
 * holds, decoded and sent, within about 3/4 of the handler's wait. No
 * goodbye: the recorder learns how the process ended from its end. */
static void last_flush(void)
{
    int64_t deadline = gp_now_ns() + (int64_t)gp_signals_flush_ms() * 750000;

    gp_activity_sample_clock();
    gp_sess.cupti.ActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
    pthread_mutex_lock(&gp_sess.lock);
    if (gp_sess.state == ACTIVE) {
        gp_decoder_finish(gp_sess.decoder, gp_now_ns());
        push_locked(deadline);
    }
    pthread_mutex_unlock(&gp_sess.lock);
}

static void *flush_thread(void *arg)
{
    (void)arg;
    gp_signals_block_here();
    for (;;) {
        int what = gp_signals_wait(gp_sess.flush_ns);
        int stop;

        pthread_mutex_lock(&gp_sess.lock);
        stop = gp_sess.stop;
        pthread_mutex_unlock(&gp_sess.lock);
        if (stop || (what & GP_W_STOP))
            break;
        if (what & GP_W_SIGNAL) {
            last_flush();
            gp_signals_flushed();
            continue;
        }
        gp_activity_sample_clock(); /* before the records it will place */
        /* Completed buffers come back through buffer_completed (which locks). */
        gp_sess.cupti.ActivityFlushAll(0);
        if (gp_sess.counters)
            gp_counters_service();
        pthread_mutex_lock(&gp_sess.lock);
        if (gp_sess.state == ACTIVE)
            push_locked(0);
        pthread_mutex_unlock(&gp_sess.lock);
    }
    return NULL;
}

static void at_exit(void)
{
    int64_t now;

    if (gp_sess.state != ACTIVE || getpid() != gp_sess.pid)
        return;
    if (gp_sess.flusher_running) {
        pthread_mutex_lock(&gp_sess.lock);
        gp_sess.stop = 1;
        pthread_mutex_unlock(&gp_sess.lock);
        gp_signals_wake(GP_W_STOP);
        pthread_join(gp_sess.flusher, NULL);
        gp_sess.flusher_running = 0;
    }
    gp_activity_sample_clock();
    gp_sess.cupti.ActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
    /* After the activity flush: stopping PM sampling may finalize CUPTI. */
    gp_counters_stop_all();
    now = gp_now_ns();
    pthread_mutex_lock(&gp_sess.lock);
    gp_decoder_finish(gp_sess.decoder, now);
    gp_sender_goodbye(gp_sess.sender, now);
    push_locked(now + 2000000000); /* up to 2 s for the recorder to take it all */
    /* Buffers CUPTI completes after this (CUDA teardown) are freed unread. */
    gp_sess.state = DONE;
    pthread_mutex_unlock(&gp_sess.lock);
}

static void fork_prepare(void)
{
    pthread_mutex_lock(&gp_sess.lock);
}

static void fork_parent(void)
{
    pthread_mutex_unlock(&gp_sess.lock);
}

/* The child of a recorded process has no CUPTI session of its own (CUDA
 * does not survive fork) and no flush thread: it stays silent. Its copy of
 * the connection is closed so it cannot interleave with the parent's. */
static void fork_child(void)
{
    pthread_mutex_unlock(&gp_sess.lock);
    if (gp_sess.state == ACTIVE) {
        gp_sess.state = FORKED;
        gp_sender_free(gp_sess.sender);
        gp_sess.sender = NULL;
        gp_sess.flusher_running = 0;
    }
}

/* ---- start -------------------------------------------------------------------- */

static pthread_mutex_t load_mu = PTHREAD_MUTEX_INITIALIZER;

/* Loads CUPTI once (thread-safe; gp_sess.lock not needed). driver: the
 * driver's version if known, else 0. */
static int load_cupti(int driver)
{
    char why[900];
    int r = 0;

    pthread_mutex_lock(&load_mu);
    if (gp_sess.cupti_failed) {
        r = -1;
    } else if (!gp_sess.cupti_loaded) {
        if (gp_cupti_load(&gp_sess.cupti, driver, why, sizeof why) < 0) {
            snprintf(why + strlen(why), sizeof why - strlen(why),
                     "; this process runs unprofiled");
            gp_session_say(why);
            gp_sess.cupti_failed = 1;
            r = -1;
        } else {
            gp_sess.cupti_loaded = 1;
        }
    }
    pthread_mutex_unlock(&load_mu);
    return r;
}

gp_nvtx_init_fn gp_session_nvtx_target(void)
{
    gp_cuda cuda;
    int driver = 0;

    if (gp_sess.state == FORKED)
        return NULL;
    /* NVTX may start before cuInit: the driver may not be there yet. */
    if (gp_cuda_bind(&cuda) == 0)
        cuda.DriverGetVersion(&driver);
    return load_cupti(driver) == 0 ? gp_sess.cupti.InitializeInjectionNvtx2 : NULL;
}

const char *gp_session_failing(CUptiResult r)
{
    return gp_cupti_error(&gp_sess.cupti, r);
}

/* 1 if CUPTI API version v is one whose records decode.c reads: CUPTI 12.x
 * (API versions 19 to 28) and 13.x. */
static int supported_version(uint32_t v)
{
    return (v >= 19 && v <= 28) || (v >= 130000 && v < 140000);
}

/* Says why this CUPTI cannot be used with this driver, or returns 0. */
static int check_versions(uint32_t version, int driver)
{
    char msg[900], rel[32];
    int major = version >= 100000 ? (int)(version / 10000) : 12;

    gp_cupti_release(version, rel, sizeof rel);
    if (!supported_version(version)) {
        snprintf(msg, sizeof msg,
                 "CUPTI %s (API version %u) at %s is not supported: gpupack reads CUPTI 12.x "
                 "and 13.x; this process runs unprofiled. Point GPUPACK_CUPTI_PATH at a CUPTI "
                 "12 or 13 libcupti.so", rel, version, gp_sess.cupti.path);
        gp_session_say(msg);
        return -1;
    }
    if (driver > 0 && driver / 1000 < major) {
        snprintf(msg, sizeof msg,
                 "the CUDA driver is %d.%d, too old for CUPTI %s at %s; this process runs "
                 "unprofiled. Use a CUPTI %d.x no newer than the driver (GPUPACK_CUPTI_PATH), "
                 "or update the driver for CUDA %d", driver / 1000, driver % 1000 / 10, rel,
                 gp_sess.cupti.path, driver / 1000, major);
        gp_session_say(msg);
        return -1;
    }
    return 0;
}

/* Subscribes to CUPTI. Returns 0 or -1 (after saying why). */
static int subscribe(void)
{
    CUpti_SubscriberParams params;
    char other[128] = "", msg[700];
    CUptiResult r;

    memset(&params, 0, sizeof params);
    params.structSize = CUpti_SubscriberParams_STRUCT_SIZE;
    params.subscriberName = "gpupack";
    params.oldSubscriberName = other;
    params.oldSubscriberSize = sizeof other;
    r = gp_sess.cupti.Subscribe_v2
            ? gp_sess.cupti.Subscribe_v2(&gp_sess.sub, gp_on_callback, NULL, &params)
            : gp_sess.cupti.Subscribe(&gp_sess.sub, gp_on_callback, NULL);
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
                 gp_session_failing(r));
        gp_session_say(msg);
        return -1;
    }
    return 0;
}

/* The sender and the decoder. Returns 0 or -1 (after saying why). */
static int open_output(uint32_t version, int driver)
{
    static char cmdline[4096]; /* only the starting thread writes them */
    static char host[256];
    gp_sender_opts so;
    gp_decode_env env;
    long budget_mb = gp_env_long("GPUPACK_BUFFER_MB", 256, 4, 1 << 20);

    memset(&so, 0, sizeof so);
    gp_proc_cmdline(cmdline, sizeof cmdline);
    gethostname(host, sizeof host - 1);
    so.socket_path = getenv("GPUPACK_SOCKET");
    so.spool_dir = getenv("GPUPACK_SPOOL_DIR");
    gp_sess.buffer_bytes = 4u << 20;
    gp_sess.max_buffers = (int)(budget_mb / 2 / 4);
    if (gp_sess.max_buffers < 1)
        gp_sess.max_buffers = 1;
    so.max_queue_bytes = (size_t)budget_mb << 20 >> 2;
    so.max_batch_bytes = (size_t)budget_mb << 20 >> 2;
    so.hello.rank = gp_proc_rank();
    so.hello.pid = (uint32_t)getpid();
    so.hello.ppid = (uint32_t)getppid();
    so.hello.start_ns = gp_proc_start_ns();
    so.hello.cupti_version = version;
    so.hello.driver_version = (uint32_t)driver;
    so.cmdline = cmdline;
    so.hostname = host;
    so.version = PACKAGE_VERSION;
    so.say = gp_session_say;
    gp_sess.sender = gp_sender_new(&so);
    gp_activity_decode_env(&env);
    gp_sess.decoder = gp_decoder_new(&env);
    if (gp_sess.sender && gp_sess.decoder)
        return 0;
    if (gp_sess.sender)
        gp_session_say("out of memory starting the collector; this process runs unprofiled");
    gp_sender_free(gp_sess.sender);
    gp_decoder_free(gp_sess.decoder);
    gp_sess.sender = NULL;
    gp_sess.decoder = NULL;
    return -1;
}

/* Everything but the flush thread, in state STARTING without gp_sess.lock.
 * Returns 0 or -1 (after saying why). */
static int start_unlocked(void)
{
    char msg[700], why[300];
    uint32_t version = 0;
    int driver = 0;
    CUptiResult r;

    if (gp_cuda_bind(&gp_sess.cuda) == 0)
        gp_sess.cuda.DriverGetVersion(&driver); /* inside cuInit: the driver is loaded */
    if (load_cupti(driver) < 0)
        return -1;
    gp_sess.cupti.GetVersion(&version);
    if (check_versions(version, driver) < 0)
        return -1;
    /* The record clock, before any kind is enabled. */
    if (gp_activity_clock(version, why, sizeof why) == GP_TB_OFFSET && why[0])
        gp_session_say(why);
    if (subscribe() < 0)
        return -1;
    gp_sess.cupti.SetThreadIdType(CUPTI_ACTIVITY_THREAD_ID_TYPE_SYSTEM);
    gp_activity_names();
    if (open_output(version, driver) < 0) {
        gp_sess.cupti.Unsubscribe(gp_sess.sub);
        return -1;
    }
    r = gp_activity_start();
    if (r != CUPTI_SUCCESS) {
        snprintf(msg, sizeof msg, "%s (%s while enabling kernel tracing); this process runs "
                 "unprofiled", r == CUPTI_ERROR_UNKNOWN ? "no usable CUDA driver" : "CUPTI failed",
                 gp_session_failing(r));
        gp_session_say(msg);
        gp_activity_stop();
        gp_sess.cupti.Unsubscribe(gp_sess.sub);
        gp_sender_free(gp_sess.sender);
        gp_decoder_free(gp_sess.decoder);
        gp_sess.sender = NULL;
        gp_sess.decoder = NULL;
        return -1;
    }
    gp_activity_filter_api();
    gp_sess.gate_on = gp_gate_init(gp_session_say, gp_session_gate_emit);
    gp_callbacks_enable();
    gp_sess.flush_ns = gp_env_long("GPUPACK_FLUSH_MS", 200, 10, 60000) * 1000000;
    gp_sess.counters = (int)gp_env_long("GPUPACK_COUNTERS", 0, 0, 1);
    return 0;
}

void gp_session_start(void)
{
    static int registered;
    int ok;

    pthread_mutex_lock(&gp_sess.lock);
    if (gp_sess.state != IDLE) {
        pthread_mutex_unlock(&gp_sess.lock);
        return;
    }
    gp_sess.state = STARTING;
    gp_sess.pid = getpid();
    pthread_mutex_unlock(&gp_sess.lock);

    ok = start_unlocked() == 0;

    pthread_mutex_lock(&gp_sess.lock);
    if (!ok) {
        gp_sess.state = FAILED;
        pthread_mutex_unlock(&gp_sess.lock);
        return;
    }
    gp_sess.state = ACTIVE;
    if (!registered) {
        registered = 1;
        atexit(at_exit);
        pthread_atfork(fork_prepare, fork_parent, fork_child);
    }
    if (gp_signals_pipes() < 0)
        gp_session_say("cannot make the flush thread's pipe; records are sent every flush "
                       "period and at exit, not when the job is killed");
    if (pthread_create(&gp_sess.flusher, NULL, flush_thread, NULL) == 0) {
        gp_sess.flusher_running = 1;
        gp_signals_install();
    } else {
        gp_session_say("cannot start the flush thread; records are sent at exit only");
    }
    pthread_mutex_unlock(&gp_sess.lock);
}
