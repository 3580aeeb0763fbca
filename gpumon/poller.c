/* poller.c: per-device reading threads (contract in poller.h).
 *
 * Ownership: the poller is shared by its caller and its threads, counted in
 * refs. Stop drops the caller's reference after joining the threads that
 * finished in time and detaching the rest; whoever drops the last reference
 * closes NVML and frees the poller. Cost: two threads per device, asleep
 * between readings. */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gpumon/internal.h"
#include "gpumon/poller.h"

typedef struct poll_thread {
    gp_nvml_poll *p;
    int index;
    int kind;           /* GP_POLL_FAST or GP_POLL_PCIE */
    int started, done;  /* done: set under the lock as the thread's last act on p */
    pthread_t tid;
} poll_thread;

struct gp_nvml_poll {
    gp_nvml *nv;
    gp_nvml_poll_opts o;
    pthread_mutex_t lock;
    pthread_cond_t cond;  /* CLOCK_MONOTONIC: stop, a thread done, a callback returned */
    int stop;
    atomic_int stop_now;  /* stop, readable without the lock by readings under way */
    int refs;             /* the caller's (until stop) + one per running thread */
    int in_callback;
    int n_dev;
    int n_threads;
    poll_thread *t;
};

static void destroy(gp_nvml_poll *p)
{
    gp_nvml_close(p->nv);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->cond);
    free(p->t);
    free(p);
}

/* Hands r to the callback unless the poller is stopping. */
static void deliver(gp_nvml_poll *p, const gp_nvml_reading *r)
{
    pthread_mutex_lock(&p->lock);
    if (p->stop) {
        pthread_mutex_unlock(&p->lock);
        return;
    }
    p->in_callback++;
    pthread_mutex_unlock(&p->lock);
    p->o.on_reading(p->o.ctx, r);
    pthread_mutex_lock(&p->lock);
    if (--p->in_callback == 0 && p->stop)
        pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
}

/* Sleeps until deadline_ns (CLOCK_MONOTONIC); 1 if the poller is stopping. */
static int wait_until(gp_nvml_poll *p, int64_t deadline_ns)
{
    struct timespec ts = { (time_t)(deadline_ns / 1000000000), (long)(deadline_ns % 1000000000) };
    int stop;

    pthread_mutex_lock(&p->lock);
    while (!p->stop && gp_nvml_now_ns() < deadline_ns)
        pthread_cond_timedwait(&p->cond, &p->lock, &ts);
    stop = p->stop;
    pthread_mutex_unlock(&p->lock);
    return stop;
}

static void read_info(poll_thread *t)
{
    gp_gpu_info info;
    gp_nvml_reading r = { .kind = GP_POLL_INFO, .index = t->index, .info = &info };

    r.ok = gp_nvml_device_info(t->p->nv, t->index, &info) == 0;
    r.why = r.ok ? "" : gp_nvml_last_error(t->p->nv);
    deliver(t->p, &r);
}

static void read_once(poll_thread *t, gp_gpu_proc *procs)
{
    gp_nvml_poll *p = t->p;
    unsigned what = t->kind == GP_POLL_FAST ? GP_NVML_READ_FAST : GP_NVML_READ_PCIE;
    gp_gpu_sample s;
    gp_nvml_reading r = { .kind = t->kind, .index = t->index, .s = &s, .procs = procs };

    r.ok = gp_nvml_read_until(p->nv, t->index, what, &s, procs, procs ? p->o.max_procs : 0,
                              &r.n_procs, &p->stop_now) == 0;
    r.why = r.ok ? "" : gp_nvml_last_error(p->nv);
    deliver(p, &r);
}

static void *run(void *arg)
{
    poll_thread *t = arg;
    gp_nvml_poll *p = t->p;
    int64_t period = t->kind == GP_POLL_FAST ? p->o.fast_period_ns : p->o.slow_period_ns;
    gp_gpu_proc *procs = NULL;
    int64_t next = gp_nvml_now_ns();
    int last;

    if (t->kind == GP_POLL_FAST && p->o.max_procs > 0)
        procs = calloc((size_t)p->o.max_procs, sizeof *procs); /* NULL: no process list */
    if (t->kind == GP_POLL_FAST && p->o.read_info)
        read_info(t);
    if (t->kind == GP_POLL_PCIE) {
        /* Spread the devices' PCIe readings over the period: a driver that
         * serializes calls then blocks on one device's ~40 ms at a time. */
        next += period / p->n_dev * t->index;
        if (wait_until(p, next))
            goto out;
    }
    do {
        int64_t now;
        read_once(t, procs);
        next += period;
        now = gp_nvml_now_ns();
        if (next < now)
            next = now; /* overran: skip the missed ticks */
    } while (!wait_until(p, next));
out:
    free(procs);

    pthread_mutex_lock(&p->lock);
    t->done = 1;
    last = --p->refs == 0; /* only once stop has let go of a thread it detached */
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
    if (last)
        destroy(p);
    return NULL;
}

gp_nvml_poll *gp_nvml_poll_start(gp_nvml *nv, const gp_nvml_poll_opts *o)
{
    gp_nvml_poll *p;
    pthread_condattr_t ca;
    int n_dev = gp_nvml_device_count(nv);

    if (!o || !o->on_reading || o->fast_period_ns <= 0 || o->slow_period_ns < 0 ||
        o->max_procs < 0 || o->max_procs > GP_NVML_POLL_MAX_PROCS)
        return NULL;
    p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->n_dev = n_dev;
    p->n_threads = n_dev * (o->slow_period_ns > 0 ? 2 : 1);
    p->t = calloc(p->n_threads ? (size_t)p->n_threads : 1, sizeof *p->t);
    if (!p->t) {
        free(p);
        return NULL;
    }
    p->nv = nv;
    p->o = *o;
    p->refs = 1;
    pthread_mutex_init(&p->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->cond, &ca);
    pthread_condattr_destroy(&ca);
    for (int k = 0; k < p->n_threads; k++) {
        poll_thread *t = &p->t[k];
        t->p = p;
        t->index = k % n_dev;
        t->kind = k < n_dev ? GP_POLL_FAST : GP_POLL_PCIE;
        pthread_mutex_lock(&p->lock);
        p->refs++;
        t->started = pthread_create(&t->tid, NULL, run, t) == 0;
        if (!t->started)
            p->refs--;
        pthread_mutex_unlock(&p->lock);
    }
    return p;
}

void gp_nvml_poll_stop(gp_nvml_poll *p)
{
    int64_t deadline;
    struct timespec ts;
    int last;

    if (!p)
        return;
    deadline = gp_nvml_now_ns() + GP_NVML_POLL_STOP_NS;
    ts.tv_sec = (time_t)(deadline / 1000000000);
    ts.tv_nsec = (long)(deadline % 1000000000);
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    atomic_store(&p->stop_now, 1);
    pthread_cond_broadcast(&p->cond);
    while (p->in_callback > 0) /* callbacks are short: wait them out, unbounded */
        pthread_cond_wait(&p->cond, &p->lock);
    while (p->refs > 1 && gp_nvml_now_ns() < deadline)
        pthread_cond_timedwait(&p->cond, &p->lock, &ts);
    for (int k = 0; k < p->n_threads; k++)
        p->t[k].started = p->t[k].started ? 1 + p->t[k].done : 0; /* 2: join, 1: detach */
    pthread_mutex_unlock(&p->lock);
    /* The threads cannot free p while the caller's reference holds. */
    for (int k = 0; k < p->n_threads; k++) {
        if (p->t[k].started == 2)
            pthread_join(p->t[k].tid, NULL);
        else if (p->t[k].started == 1)
            pthread_detach(p->t[k].tid);
    }
    pthread_mutex_lock(&p->lock);
    last = --p->refs == 0;
    pthread_mutex_unlock(&p->lock);
    if (last)
        destroy(p);
}
