/* sampler.h: the recorder's NVML sampling: every device's utilization,
 * memory, power, clocks, temperature, GPM and per-process use at a fixed rate
 * (each device on a thread of its own), and its PCIe throughput at most once
 * a second, into the trace as metric records (nvml.* / gpm.*), each covering
 * the window it was measured over. Without NVML it says so once and does
 * nothing. */
#ifndef GP_REC_SAMPLER_H
#define GP_REC_SAMPLER_H

#include "recorder/writer.h"

typedef struct gp_rec_nvml gp_rec_nvml;

/* Starts sampling at hz (> 0). NULL when NVML is unavailable (said on
 * stderr) or out of memory. */
gp_rec_nvml *gp_rec_nvml_start(gp_recw *q, double hz);
/* Stops sampling: returns within about a second (gpumon/poller.h's
 * GP_NVML_POLL_STOP_NS) even when a GPU's calls hang; after it returns
 * nothing more is queued to q. NULL is fine. */
void gp_rec_nvml_stop(gp_rec_nvml *n);

#endif
