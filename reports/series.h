/* series.h: what the report charts draw, aggregated so a chart's size does
 * not grow with the trace: GPU busy % in fixed time bins per (rank, device),
 * and metric samples (NVML, counters) averaged down to at most
 * GP_SERIES_POINTS points per (rank, metric, device).
 *
 *     gp_report_series s;
 *     if (gp_series_build(a, &s) < 0) ... out of memory ...
 *     ... s.util[i].busy_pct[b] ... s.samples[j].value[p] ...
 *     gp_series_free(&s);
 *
 * Cost: O(ops + samples + devices x bins).
 */
#ifndef GP_REPORTS_SERIES_H
#define GP_REPORTS_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer/analyses/analyze.h"

#define GP_SERIES_BINS 200
#define GP_SERIES_POINTS 300
#define GP_SERIES_MAX_SAMPLE_SERIES 64

typedef struct gp_util_series {
    int rank_index;
    const gp_device_result *dev;
    int64_t start_ns, bin_ns;   /* bin b covers [start + b*bin, start + (b+1)*bin); the
                                 * last one ends at the device's last op end */
    int n_bins;
    double busy_pct[GP_SERIES_BINS];
    /* Idle share of each bin by cause (the analyzer's idle bins, which use
     * the same bins); busy + the idle shares = 100 in every bin. */
    double idle_pct[GP_SERIES_BINS][GP_CAUSE_COUNT];
} gp_util_series;

typedef struct gp_sample_series {
    int rank_index;
    int32_t device;
    gp_strid name;
    size_t n, n_raw;            /* points kept, samples read */
    int64_t *ts_ns;
    double *value;              /* the mean of the samples averaged into each point */
    double min, max;            /* over the points kept */
} gp_sample_series;

typedef struct gp_report_series {
    gp_util_series *util;
    size_t n_util;
    gp_sample_series *samples;
    size_t n_samples;
} gp_report_series;

/* Returns 0, or -1 if out of memory (s is then empty, safe to free). */
int gp_series_build(const gp_analysis *a, gp_report_series *s);
void gp_series_free(gp_report_series *s);

#endif
