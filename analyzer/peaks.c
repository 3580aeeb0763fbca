/* peaks.c: placeholder until the peak-rate table lands: no device known. */
#include "config.h"

#include "peaks.h"

const gp_peaks *gp_peaks_lookup(const char *device_name, int cc_major, int cc_minor, int sm_count)
{
    (void)device_name;
    (void)cc_major;
    (void)cc_minor;
    (void)sm_count;
    return NULL;
}

double gp_peaks_rate(const gp_peaks *p, gp_precision prec, gp_tc tc)
{
    (void)p;
    (void)prec;
    (void)tc;
    return 0;
}

int64_t gp_whatif_matmul_ns(const gp_peaks *p, int64_t t_ns, gp_precision from, gp_precision to)
{
    (void)p;
    (void)from;
    (void)to;
    return t_ns;
}
