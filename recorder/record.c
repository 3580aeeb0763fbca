/* record.c: `gpupack record`: the recorder's life from start to summary. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/store.h"
#include "recorder/internal.h"
#include "recorder/live.h"
#include "recorder/sampler.h"
#include "recorder/recorder.h"

#define GRACE_NS 2000000000LL /* after the job ends, how long its other processes get */

static int sig_pipe[2] = { -1, -1 };

/* Signal handlers only write to the self-pipe (async-signal-safe). */
static void on_signal(int sig, siginfo_t *info, void *uc)
{
    unsigned char msg[2] = { (unsigned char)sig, (unsigned char)(info && info->si_code > 0) };
    int saved = errno;

    (void)uc;
    if (write(sig_pipe[1], msg, sizeof msg) < 0)
        (void)0;
    errno = saved;
}

static int install_signals(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD };
    struct sigaction sa;

    if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
        return -1;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

static void restore_signals(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);
    close(sig_pipe[0]);
    close(sig_pipe[1]);
}

/* "gpupack-<cmd>-<n>.gpupack": the first name not taken. */
static gp_writer *create_default(const char *cmd, char *path, size_t cap, gp_error *err)
{
    const char *base = strrchr(cmd, '/');
    char clean[48];
    size_t k = 0;

    base = base ? base + 1 : cmd;
    for (const char *p = base; *p && k + 1 < sizeof clean; p++)
        clean[k++] = (char)((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                                    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.'
                                ? *p : '_');
    clean[k] = '\0';
    for (int n = 1; n < 100000; n++) {
        gp_writer *w;
        snprintf(path, cap, "gpupack-%s-%d.gpupack", k ? clean : "job", n);
        w = gp_writer_create(path, 0, err);
        if (w || err->code != GP_ERR_EXISTS)
            return w;
    }
    return NULL;
}

static void join_args(char *const *argv, char *out, size_t cap)
{
    size_t n = 0;

    out[0] = '\0';
    for (int i = 0; argv[i] && n + 1 < cap; i++)
        n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? " " : "", argv[i]);
}

typedef struct run_state {
    pid_t child, child2; /* child2: gpupack pack's second job, else 0 */
    int child_done, status, interrupts, child2_done, status2;
    int64_t child_end_ns;
} run_state;

/* Sends sig to every job still running. */
static void signal_jobs(const run_state *rs, int sig)
{
    if (!rs->child_done)
        kill(rs->child, sig);
    if (rs->child2 > 0 && !rs->child2_done)
        kill(rs->child2, sig);
}

/* Handles what the self-pipe delivered. */
static void drain_signals(run_state *rs, gp_recw *q)
{
    unsigned char msg[2];

    while (read(sig_pipe[0], msg, sizeof msg) == (ssize_t)sizeof msg) {
        int sig = msg[0], from_kernel = msg[1];

        if (sig == SIGCHLD) {
            int st;
            pid_t p;
            while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
                if (p > 0 && p == rs->child2) {
                    rs->child2_done = 1;
                    rs->status2 = st;
                    if (gp_now_ns() > rs->child_end_ns)
                        rs->child_end_ns = gp_now_ns(); /* the grace period runs from the last end */
                    gp_recw_child_ended(q, p, gp_now_ns(), WIFEXITED(st),
                                        WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
                }
                if (p != rs->child)
                    continue;
                rs->child_done = 1;
                rs->status = st;
                rs->child_end_ns = gp_now_ns();
                gp_recw_child_ended(q, p, rs->child_end_ns, WIFEXITED(st),
                                    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
            }
            continue;
        }
        if (rs->child_done && (rs->child2 <= 0 || rs->child2_done))
            continue;
        if (sig == SIGINT) {
            rs->interrupts++;
            if (rs->interrupts == 1 && !from_kernel)
                signal_jobs(rs, SIGINT); /* sent with kill(): the job did not get it */
            else if (rs->interrupts == 2) {
                fprintf(stderr, "gpupack record: stopping the job (SIGTERM); the trace is being "
                        "finished\n");
                signal_jobs(rs, SIGTERM);
            } else if (rs->interrupts >= 3) {
                fprintf(stderr, "gpupack record: killing the job (SIGKILL)\n");
                signal_jobs(rs, SIGKILL);
            }
        } else if (!from_kernel || sig != SIGQUIT) {
            signal_jobs(rs, sig);
        }
    }
}

/* extra + more (NULL-ended) into out (cap entries with the NULL). */
static void job_env(char *const *extra, char *const *more, char **out, size_t cap)
{
    size_t k = 0;

    for (size_t i = 0; extra[i] && k + 1 < cap; i++)
        out[k++] = extra[i];
    for (size_t i = 0; more && more[i] && k + 1 < cap; i++)
        out[k++] = more[i];
    out[k] = NULL;
}

/* Calls the tick hook and queues what it added. */
static void call_tick(const gp_record_opts *o, const run_state *rs, gp_recw *q, gp_batch **b)
{
    int done[2] = { rs->child_done, rs->child2 <= 0 || rs->child2_done };

    if (!*b && !(*b = gp_batch_new()))
        return;
    o->tick(o->tick_ud, gp_now_ns(), done, *b);
    if (gp_batch_record_count(*b) > 0) {
        gp_recw_local(q, *b); /* takes it */
        *b = NULL;
    }
}

static int exit_code(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 3;
}

/* LD_PRELOAD for the job: the collector first, so a profiler inside the
 * job (torch.profiler) shares CUPTI with it instead of taking it
 * (collector/cupti_share.c). Not with GPUPACK_PRELOAD=0, and not in a
 * sanitizer build, whose collector needs the sanitizer runtime loaded
 * before it. Returns 1 if out holds the entry. */
static int preload_env(const char *collector, char *out, size_t cap)
{
    const char *off = getenv("GPUPACK_PRELOAD"), *old = getenv("LD_PRELOAD");

#ifdef GP_SANITIZED
    (void)collector, (void)out, (void)cap, (void)off, (void)old;
    return 0;
#else
    if (off && strcmp(off, "0") == 0)
        return 0;
    return (size_t)snprintf(out, cap, "LD_PRELOAD=%s%s%s", collector, old && *old ? ":" : "",
                            old ? old : "") < cap;
#endif
}

int gp_record_run(const gp_record_opts *o)
{
    char path[4096], sock[256], collector[4096], cmdline[8192];
    char env_inject[4200], env_nvtx[4200], env_sock[300], env_preload[8400];
    char *extra[8], *env_job[2][40];
    int n_extra = 0, driver;
    gp_batch *tick_batch = NULL;
    gp_error err = { 0 };
    gp_writer *w;
    gp_recw *q;
    gp_rec_server *srv;
    gp_rec_nvml *nvml = NULL;
    gp_live *live;
    gp_recw_stats stats;
    run_state rs = { 0 };
    int64_t t0;
    gp_status st;

    if (gp_rec_collector_path(collector, sizeof collector, &err) != GP_OK) {
        fprintf(stderr, "gpupack record: %s\n", err.msg);
        return gp_status_exit_code(err.code);
    }
    if (o->output) {
        snprintf(path, sizeof path, "%s", o->output);
        w = gp_writer_create(path, o->force ? GP_WRITER_OVERWRITE : 0, &err);
        if (!w && err.code == GP_ERR_EXISTS && !gp_writer_busy(path))
            snprintf(err.msg, sizeof err.msg, "%.400s already exists; use -f to overwrite it "
                     "or -o to choose another name", path);
    } else {
        w = create_default(o->argv[0], path, sizeof path, &err);
    }
    if (!w) {
        fprintf(stderr, "gpupack record: %s\n", err.msg);
        return gp_status_exit_code(err.code);
    }
    q = gp_recw_start(w, 256u << 20);
    if (!q) {
        gp_writer_abandon(w);
        fprintf(stderr, "gpupack record: out of memory\n");
        return 3;
    }
    join_args(o->argv, cmdline, sizeof cmdline);
    gp_recw_meta(q, "source", "record");
    gp_recw_meta(q, "command", cmdline);
    srv = gp_rec_server_new(q, sock, sizeof sock, &err);
    if (!srv || install_signals() < 0) {
        fprintf(stderr, "gpupack record: %s\n", srv ? strerror(errno) : err.msg);
        gp_rec_server_free(srv);
        gp_recw_finish(q, NULL, &err);
        unlink(path);
        return 3;
    }
    live = gp_live_new(); /* top's view of this job; recording goes on without it */
    if (live && gp_live_serve(live, NULL, 0, &err) != GP_OK)
        fprintf(stderr, "gpupack record: %s; gpupack top will not show this job\n", err.msg);
    gp_recw_live(q, live);
    driver = gp_rec_have_driver();
    if (!driver)
        fprintf(stderr, "gpupack record: no NVIDIA driver on this machine (libcuda.so.1 not "
                "found): the job runs unprofiled; the trace holds only its processes\n");
    snprintf(env_inject, sizeof env_inject, "CUDA_INJECTION64_PATH=%s", collector);
    snprintf(env_nvtx, sizeof env_nvtx, "NVTX_INJECTION64_PATH=%s", collector);
    snprintf(env_sock, sizeof env_sock, "GPUPACK_SOCKET=%s", sock);
    extra[n_extra++] = env_inject;
    extra[n_extra++] = env_nvtx;
    extra[n_extra++] = env_sock;
    if (preload_env(collector, env_preload, sizeof env_preload))
        extra[n_extra++] = env_preload;
    if (o->counters)
        extra[n_extra++] = "GPUPACK_COUNTERS=1";
    extra[n_extra] = NULL;
    /* Without a driver there is no NVML either; the line above said enough. */
    if (o->nvml_hz > 0 && (driver || getenv("GPUPACK_NVML_PATH")))
        nvml = gp_rec_nvml_start(q, o->nvml_hz);

    t0 = gp_now_ns();
    job_env(extra, o->env1, env_job[0], 40);
    job_env(extra, o->env2, env_job[1], 40);
    rs.child = gp_rec_spawn(o->argv, env_job[0], &err);
    if (rs.child >= 0 && o->argv2 && (rs.child2 = gp_rec_spawn(o->argv2, env_job[1], &err)) < 0) {
        kill(rs.child, SIGKILL);
        waitpid(rs.child, NULL, 0);
        rs.child = -1;
    }
    if (rs.child < 0) {
        fprintf(stderr, "gpupack record: %s\n", err.msg);
        gp_rec_nvml_stop(nvml);
        gp_rec_server_free(srv);
        restore_signals();
        gp_recw_finish(q, NULL, &err);
        gp_live_free(live);
        unlink(path);
        return 127;
    }
    gp_recw_child_started(q, rs.child, cmdline, t0);
    gp_live_job(live, rs.child, cmdline, t0);
    if (rs.child2 > 0) {
        char cmdline2[8192];
        join_args(o->argv2, cmdline2, sizeof cmdline2);
        gp_recw_child_started(q, rs.child2, cmdline2, t0);
        gp_live_job2(live, rs.child2, cmdline2);
    }

    /* Serve until the job is done and its processes have closed (or the
     * grace period after the job ended is over). */
    for (;;) {
        int open = gp_rec_server_poll(srv, sig_pipe[0], 100);
        drain_signals(&rs, q);
        if (o->tick)
            call_tick(o, &rs, q, &tick_batch);
        if (rs.child2 > 0 && !rs.child2_done)
            continue;
        if (rs.child_done && (open == 0 || gp_now_ns() - rs.child_end_ns > GRACE_NS))
            break;
    }
    gp_batch_free(tick_batch);
    if (o->statuses) {
        o->statuses[0] = rs.status;
        o->statuses[1] = rs.status2;
    }
    gp_rec_nvml_stop(nvml);
    gp_rec_server_free(srv);
    restore_signals();
    st = gp_recw_finish(q, &stats, &err);
    gp_live_free(live);
    /* A write failure was said in one line when it happened, not again
     * here; what was written before it is a trace: the summary reads it. */
    if (st != GP_OK && !stats.write_failed) {
        fprintf(stderr, "gpupack record: the trace %s is incomplete: %s\n", path, err.msg);
        return exit_code(rs.status);
    }
    if (!o->quiet)
        gp_rec_summary(path, cmdline, rs.child_end_ns - t0, rs.status, &stats);
    if (getenv("GPUPACK_RECORD_STATS"))
        fprintf(stderr, "gpupack record: ingest %llu records in %.3f s (%.0f records/s); "
                "finishing the trace %.3f s\n", (unsigned long long)stats.records,
                (double)stats.ingest_ns / 1e9,
                stats.ingest_ns > 0 ? (double)stats.records / ((double)stats.ingest_ns / 1e9) : 0.0,
                (double)stats.finish_ns / 1e9);
    return exit_code(rs.status);
}
