/* gpus.c: GPU readings and their history (contract in gpus.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "gpus.h"

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

int tui_gpus_open(tui_gpus *G)
{
    memset(G, 0, sizeof *G);
    G->nv = gp_nvml_open(G->why, sizeof G->why);
    if (!G->nv)
        return -1;
    G->n = gp_nvml_device_count(G->nv);
    if (G->n > TUI_MAX_GPUS)
        G->n = TUI_MAX_GPUS;
    for (int i = 0; i < G->n; i++)
        G->g[i].info_ok = gp_nvml_device_info(G->nv, i, &G->g[i].info) == 0;
    return 0;
}

void tui_gpus_sample(tui_gpus *G)
{
    for (int i = 0; i < G->n; i++) {
        tui_gpu *g = &G->g[i];
        double util = -1, mem = -1;

        g->ok = gp_nvml_sample(G->nv, i, &g->s, g->procs, TUI_GPU_PROCS, &g->n_procs) == 0;
        if (!g->ok) {
            snprintf(g->err, sizeof g->err, "%s", gp_nvml_last_error(G->nv));
            g->n_procs = 0;
        } else {
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
    gp_nvml_close(G->nv);
    G->nv = NULL;
    G->n = 0;
}
