/* signals.c: the last flush of a job that is told to die.
 *
 * SIGTERM (torchrun tearing ranks down, Slurm's scancel, Kubernetes),
 * SIGINT, SIGQUIT, SIGHUP and SIGABRT (abort(), PyTorch's NCCL watchdog)
 * end a process without running atexit handlers, so what the collector and
 * CUPTI still hold would be lost with it: the case a user most wants
 * traced. While a session is active, these signals go through
 * on_signal(), which:
 *  - passes the signal to the job's own handler if it had one when the
 *    session started (the job decides; if it exits normally, the atexit
 *    flush runs), and does nothing more if the job ignored it;
 *  - otherwise (the default action: the process ends) asks the flush
 *    thread for a last flush through a pipe (write(2) is async-signal-safe),
 *    waits for its answer at most GPUPACK_SIGNAL_FLUSH_MS (default 2000),
 *    then restores the default action and raises the signal again, so the
 *    process ends exactly as it would have, with the same status.
 * A handler the job installs later replaces ours: then its handler runs,
 * as without the collector. os._exit / _exit cannot be seen here: what
 * was sent by the last periodic flush is kept, the rest is lost. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collector/session_int.h"

static const int sigs[] = { SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGABRT };
#define NSIGS ((int)(sizeof sigs / sizeof sigs[0]))

static struct sigaction old_act[NSIGS];
static int installed;
static int wake_fd[2] = { -1, -1 }; /* to the flush thread: W_* bytes */
static int done_fd[2] = { -1, -1 }; /* from it: the last flush ended */
static atomic_int flushing;          /* a signal's flush is under way */
static int wait_ms = 2000;

static int index_of(int sig)
{
    for (int i = 0; i < NSIGS; i++)
        if (sigs[i] == sig)
            return i;
    return -1;
}

static int make_pipe(int fd[2])
{
    if (pipe(fd) < 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(fd[i], F_SETFD, FD_CLOEXEC);
        fcntl(fd[i], F_SETFL, O_NONBLOCK);
    }
    return 0;
}

int gp_signals_pipes(void)
{
    if (wake_fd[0] >= 0)
        return 0;
    if (make_pipe(wake_fd) < 0)
        return -1;
    if (make_pipe(done_fd) < 0) {
        close(wake_fd[0]);
        close(wake_fd[1]);
        wake_fd[0] = wake_fd[1] = -1;
        return -1;
    }
    return 0;
}

void gp_signals_wake(char what)
{
    int saved = errno;

    if (wake_fd[1] >= 0 && write(wake_fd[1], &what, 1) < 0) {
        /* full pipe: the thread is woken already */
    }
    errno = saved;
}

int gp_signals_wait(int64_t timeout_ns)
{
    struct pollfd p = { .fd = wake_fd[0], .events = POLLIN };
    int ms = (int)(timeout_ns / 1000000), what = 0;
    char buf[64];
    ssize_t n;

    if (wake_fd[0] < 0) {
        struct timespec ts = { (time_t)(timeout_ns / 1000000000), (long)(timeout_ns % 1000000000) };
        nanosleep(&ts, NULL);
        return 0;
    }
    if (poll(&p, 1, ms) <= 0)
        return 0;
    while ((n = read(wake_fd[0], buf, sizeof buf)) > 0)
        for (ssize_t i = 0; i < n; i++)
            what |= buf[i];
    return what;
}

void gp_signals_flushed(void)
{
    char c = 1;

    if (done_fd[1] >= 0 && write(done_fd[1], &c, 1) < 0) {
        /* nobody waits any more */
    }
}

/* Back to the action the job had, and the signal again: it is blocked
 * while this handler runs, so it is delivered when the handler returns. */
static void default_action(int sig, int i)
{
    sigaction(sig, &old_act[i], NULL);
    raise(sig);
}

static void on_signal(int sig, siginfo_t *info, void *uctx)
{
    int i = index_of(sig), saved = errno;
    struct pollfd p;
    char c;

    if (i < 0)
        return;
    if (old_act[i].sa_handler == SIG_IGN) {
        errno = saved;
        return;
    }
    if (old_act[i].sa_handler != SIG_DFL) { /* the job's own handler */
        if (old_act[i].sa_flags & SA_SIGINFO)
            old_act[i].sa_sigaction(sig, info, uctx);
        else
            old_act[i].sa_handler(sig);
        errno = saved;
        return;
    }
    /* The process is about to end: a last flush, bounded, once. */
    if (gp_sess.state == ACTIVE && gp_sess.pid == getpid() && gp_sess.flusher_running &&
        !pthread_equal(pthread_self(), gp_sess.flusher) && !atomic_exchange(&flushing, 1)) {
        gp_signals_wake(GP_W_SIGNAL);
        p.fd = done_fd[0];
        p.events = POLLIN;
        while (poll(&p, 1, wait_ms) < 0 && errno == EINTR)
            ;
        while (read(done_fd[0], &c, 1) > 0)
            ;
    }
    default_action(sig, i);
    errno = saved;
}

void gp_signals_install(void)
{
    struct sigaction sa;

    if (installed || wake_fd[0] < 0)
        return;
    wait_ms = (int)gp_env_long("GPUPACK_SIGNAL_FLUSH_MS", 2000, 0, 60000);
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
    sigemptyset(&sa.sa_mask); /* as a plain handler: a second signal ends the wait */
    for (int i = 0; i < NSIGS; i++)
        if (sigaction(sigs[i], &sa, &old_act[i]) < 0)
            old_act[i].sa_handler = SIG_DFL;
    installed = 1;
}

void gp_signals_block_here(void)
{
    sigset_t set;

    sigemptyset(&set);
    for (int i = 0; i < NSIGS; i++)
        if (sigs[i] != SIGABRT) /* abort() on this thread must still work */
            sigaddset(&set, sigs[i]);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int gp_signals_flush_ms(void)
{
    return wait_ms;
}
