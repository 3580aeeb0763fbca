/* rec_nvml.c: NVML sampling thread of the recorder (filled in with the NVML module). */
#include "config.h"

#include <stddef.h>

#include "rec_nvml.h"

gp_rec_nvml *gp_rec_nvml_start(gp_recw *q, double hz)
{
    (void)q;
    (void)hz;
    return NULL;
}

void gp_rec_nvml_stop(gp_rec_nvml *n)
{
    (void)n;
}
