/* sampler.h: the recorder's NVML sampling thread: every device's
 * utilization, memory, power, clocks, temperature, PCIe and per-process use
 * at a fixed rate, into the trace as metric records (nvml.* / gpm.*).
 * Without NVML it says so once and does nothing. */
#ifndef GP_REC_SAMPLER_H
#define GP_REC_SAMPLER_H

#include "recorder/writer.h"

typedef struct gp_rec_nvml gp_rec_nvml;

/* NULL when NVML is unavailable (said on stderr). */
gp_rec_nvml *gp_rec_nvml_start(gp_recw *q, double hz);
/* Stops and joins the thread; NULL is fine. */
void gp_rec_nvml_stop(gp_rec_nvml *n);

#endif
