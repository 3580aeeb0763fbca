/* peaks.h: placeholder until the peak-rate table lands. */
#ifndef GP_PEAKS_H
#define GP_PEAKS_H
#include <stdint.h>
#include "model.h"
typedef struct gp_peaks gp_peaks;
const gp_peaks *gp_peaks_lookup(const char *device_name, int cc_major, int cc_minor, int sm_count);
double gp_peaks_rate(const gp_peaks *p, gp_precision prec, gp_tc tc);
int64_t gp_whatif_matmul_ns(const gp_peaks *p, int64_t t_ns, gp_precision from, gp_precision to);
#endif
