/* devinfo.h: describes a device or stream through the CUDA driver.
 * Driver queries only (no I/O, no CUPTI); O(number of attributes). */
#ifndef GP_COLLECTOR_DEVINFO_H
#define GP_COLLECTOR_DEVINFO_H

#include "common/event.h"
#include "cupti_api.h"

typedef struct gp_devinfo_text {
    char name[128], uuid[48], pci_bus_id[32];
} gp_devinfo_text;

/* Fills the numeric fields of out (strings stay 0) and their text. A
 * property the driver does not report is left 0. Returns 0, or -1 if the
 * device cannot be queried at all. */
int gp_devinfo_device(const gp_cuda *cu, int ordinal, gp_device *out, gp_devinfo_text *text);

/* Priority and flags of a stream; fields the driver cannot give stay 0. */
void gp_devinfo_stream(const gp_cuda *cu, CUstream stream, gp_stream *out);

#endif
