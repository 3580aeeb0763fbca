/* gpus.c: GPU readings and their history (contract in gpus.h).
 *
 * The readings are made by gpumon's poller on threads of their own (a fast
 * reading per GPU every TUI_GPU_FAST_NS, PCIe every TUI_GPU_PCIE_NS) into
 * `latest`; a refresh only copies the newest under a lock, so it never waits
 * on NVML, not even on a hung GPU. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gpumon/poller.h"
#include "gpus.h"

#define TUI_GPU_FAST_NS 250000000LL   /* twice per refresh at the default 0.5 s */
#define TUI_GPU_PCIE_NS 1000000000LL
#define TUI_GPU_FIRST_NS 200000000LL  /* open waits this long at most for first readings */

/* The newest reading of each GPU, written by the poller's threads. */
struct tui_gpus_feed {
    pthread_mutex_t lock;
    pthread_cond_t cond;       /* a first reading arrived */
    int n;
    struct {
        int read, ok;          /* a fast reading came; it succeeded */
        gp_gpu_sample s;       /* fast fields, and the PCIe fields of the last PCIe reading */
        gp_gpu_proc procs[TUI_GPU_PROCS];
        int n_procs;
        char err[128];
    } g[TUI_MAX_GPUS];
};

void tui_hist_push(double *hist, int *n, int cap, double v)
{
    if (cap <= 0)
        return;
    if (*n >= cap) {
        memmove(hist, hist + 1, (size_t)(cap - 1) * sizeof *hist);
        *n = cap - 1;
    }
    hist[(*n)++] = v;
}

/* Keeps the PCIe part of a reading in the GPU's slot. */
static void put_pcie(gp_gpu_sample *dst, const gp_gpu_sample *src)
{
    const uint32_t bits = GP_S_PCIE_TX | GP_S_PCIE_RX;

    dst->valid = (dst->valid & ~bits) | (src->valid & bits);
    dst->pcie_tx_bytes_per_s = src->pcie_tx_bytes_per_s;
    dst->pcie_rx_bytes_per_s = src->pcie_rx_bytes_per_s;
    dst->pcie_tx_start_ns = src->pcie_tx_start_ns;
    dst->pcie_tx_dur_ns = src->pcie_tx_dur_ns;
    dst->pcie_rx_start_ns = src->pcie_rx_start_ns;
    dst->pcie_rx_dur_ns = src->pcie_rx_dur_ns;
}

/* The poller's callback, on the GPU's own threads. */
static void on_reading(void *ctx, const gp_nvml_reading *r)
{
    struct tui_gpus_feed *F = ctx;
    int i = r->index;

    if (i < 0 || i >= F->n)
        return;
    pthread_mutex_lock(&F->lock);
    if (r->kind == GP_POLL_PCIE) {
        if (r->ok)
            put_pcie(&F->g[i].s, r->s);
    } else if (r->kind == GP_POLL_FAST) {
        gp_gpu_sample pcie = F->g[i].s;
        F->g[i].s = *r->s;
        put_pcie(&F->g[i].s, &pcie);
        F->g[i].ok = r->ok;
        F->g[i].n_procs = r->n_procs < TUI_GPU_PROCS ? r->n_procs : TUI_GPU_PROCS;
        if (F->g[i].n_procs > 0)
            memcpy(F->g[i].procs, r->procs, (size_t)F->g[i].n_procs * sizeof *r->procs);
        snprintf(F->g[i].err, sizeof F->g[i].err, "%s", r->why);
        F->g[i].read = 1;
        pthread_cond_broadcast(&F->cond);
    }
    pthread_mutex_unlock(&F->lock);
}

static struct tui_gpus_feed *feed_new(int n)
{
    struct tui_gpus_feed *F = calloc(1, sizeof *F);
    pthread_condattr_t ca;

    if (!F)
        return NULL;
    F->n = n;
    pthread_mutex_init(&F->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&F->cond, &ca);
    pthread_condattr_destroy(&ca);
    return F;
}

static void feed_free(struct tui_gpus_feed *F)
{
    if (!F)
        return;
    pthread_mutex_destroy(&F->lock);
    pthread_cond_destroy(&F->cond);
    free(F);
}

/* Waits (bounded) until every GPU has had its first reading, so that the
 * first screen has values. */
static void wait_first(struct tui_gpus_feed *F)
{
    struct timespec ts;
    int all;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += TUI_GPU_FIRST_NS % 1000000000;
    ts.tv_sec += TUI_GPU_FIRST_NS / 1000000000 + ts.tv_nsec / 1000000000;
    ts.tv_nsec %= 1000000000;
    pthread_mutex_lock(&F->lock);
    do {
        all = 1;
        for (int i = 0; i < F->n; i++)
            all &= F->g[i].read;
    } while (!all && pthread_cond_timedwait(&F->cond, &F->lock, &ts) == 0);
    pthread_mutex_unlock(&F->lock);
}

int tui_gpus_open(tui_gpus *G)
{
    gp_nvml_poll_opts o = { 0 };

    memset(G, 0, sizeof *G);
    G->nv = gp_nvml_open(G->why, sizeof G->why);
    if (!G->nv)
        return -1;
    G->n = gp_nvml_device_count(G->nv);
    if (G->n > TUI_MAX_GPUS)
        G->n = TUI_MAX_GPUS;
    for (int i = 0; i < G->n; i++)
        G->g[i].info_ok = gp_nvml_device_info(G->nv, i, &G->g[i].info) == 0;
    G->feed = feed_new(G->n);
    o.fast_period_ns = TUI_GPU_FAST_NS;
    o.slow_period_ns = TUI_GPU_PCIE_NS;
    o.max_procs = TUI_GPU_PROCS;
    o.on_reading = on_reading;
    o.ctx = G->feed;
    G->poll = G->feed ? gp_nvml_poll_start(G->nv, &o) : NULL;
    if (!G->poll) {
        gp_nvml_close(G->nv);
        feed_free(G->feed);
        memset(G, 0, sizeof *G);
        snprintf(G->why, sizeof G->why, "out of memory starting the GPU readings");
        return -1;
    }
    wait_first(G->feed);
    return 0;
}

void tui_gpus_sample(tui_gpus *G)
{
    if (!G->feed)
        return;
    for (int i = 0; i < G->n; i++) {
        tui_gpu *g = &G->g[i];
        double util = -1, mem = -1;

        pthread_mutex_lock(&G->feed->lock);
        g->ok = G->feed->g[i].read && G->feed->g[i].ok;
        g->s = G->feed->g[i].s;
        g->n_procs = g->ok ? G->feed->g[i].n_procs : 0;
        memcpy(g->procs, G->feed->g[i].procs, sizeof g->procs);
        snprintf(g->err, sizeof g->err, "%s",
                 G->feed->g[i].read ? G->feed->g[i].err : "no reading yet");
        pthread_mutex_unlock(&G->feed->lock);
        if (g->ok) {
            if (g->s.valid & GP_S_GPU_UTIL)
                util = g->s.gpu_util_pct;
            if ((g->s.valid & GP_S_MEM_USED) && g->s.mem_total_bytes)
                mem = 100.0 * (double)g->s.mem_used_bytes / (double)g->s.mem_total_bytes;
        }
        int n = g->n_hist;
        tui_hist_push(g->util_hist, &n, TUI_GPU_HIST, util);
        n = g->n_hist;
        tui_hist_push(g->mem_hist, &n, TUI_GPU_HIST, mem);
        g->n_hist = n;
    }
}

void tui_gpus_close(tui_gpus *G)
{
    gp_nvml_poll_stop(G->poll); /* closes the NVML handle; no callback after it */
    feed_free(G->feed);
    G->poll = NULL;
    G->feed = NULL;
    G->nv = NULL;
    G->n = 0;
}
