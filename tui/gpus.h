/* gpus.h: every GPU on the machine through NVML (gpumon/nvml.h), with a
 * short history of the main signals for the charts.
 *
 *     tui_gpus G;
 *     if (tui_gpus_open(&G) < 0) printf("no GPU readings: %s\n", G.why);
 *     tui_gpus_sample(&G);   // every refresh: copies the newest readings, no NVML call
 *     tui_gpus_close(&G);
 *
 * The GPUs are read on threads of their own (gpumon/poller.h): 4 times a
 * second, PCIe once a second, so a refresh never waits on NVML (PCIe calls
 * block ~40 ms a GPU; a hung GPU shows its last reading). Open reads each
 * GPU's facts and waits up to 200 ms for the first readings; close takes at
 * most about a second.
 *
 * Without NVML (no driver, GPUPACK_NVML_PATH wrong) open fails with why
 * set; the dashboard says so and still shows jobs. */
#ifndef GP_TUI_GPUS_H
#define GP_TUI_GPUS_H

#include "gpumon/nvml.h"

#define TUI_GPU_HIST 120
#define TUI_GPU_PROCS 8
#define TUI_MAX_GPUS 16

typedef struct tui_gpu {
    gp_gpu_info info;
    int info_ok, ok;        /* facts read; last sample read */
    gp_gpu_sample s;
    gp_gpu_proc procs[TUI_GPU_PROCS];
    int n_procs;
    double util_hist[TUI_GPU_HIST]; /* GPU utilization %, -1 unknown, oldest first */
    double mem_hist[TUI_GPU_HIST];  /* memory used % */
    int n_hist;
    char err[128];          /* why the last sample failed */
} tui_gpu;

struct gp_nvml_poll;
struct tui_gpus_feed;

typedef struct tui_gpus {
    gp_nvml *nv;            /* NULL: no NVML; owned by poll once open */
    struct gp_nvml_poll *poll;
    struct tui_gpus_feed *feed; /* the newest readings, shared with poll's threads */
    int n;
    tui_gpu g[TUI_MAX_GPUS];
    char why[256];
} tui_gpus;

/* 0, or -1 with why set (the struct is still usable: n == 0). */
int tui_gpus_open(tui_gpus *G);
void tui_gpus_sample(tui_gpus *G);
void tui_gpus_close(tui_gpus *G);

/* Appends v to a history of at most TUI_GPU_HIST values (oldest dropped). Pure. */
void tui_hist_push(double *hist, int *n, int cap, double v);

#endif
