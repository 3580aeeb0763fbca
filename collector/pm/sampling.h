/* sampling.h: hardware counters of one CUDA device, sampled by CUPTI PM
 * sampling (gpupack record --counters).
 *
 *     char why[256];
 *     gp_pm *pm = gp_pm_start(cupti_lib, dev, 0, NULL, 0, to_mono, tb, emit, ud, why, sizeof why);
 *     if (!pm)
 *         log("no hardware counters: %s", why);   // the job goes on without them
 *     while (pm && recording) {
 *         sleep_ms(100);
 *         if (gp_pm_poll(pm) < 0)                  // the sampler broke: keep what we have
 *             break;
 *     }
 *     gp_pm_stop(pm, NULL);                        // NULL is fine
 *
 * Counters are gathered in one-pass sets ("configs"). When the asked metrics
 * do not fit one pass, the module splits them into several one-pass configs
 * and rotates through them (about one second each), so each metric covers
 * only part of the time; the gap at each switch has no samples.
 *
 * Emitted values: metric is a gpupack name ("pm.sm_active_pct") or
 * "pm." + the CUPTI metric name for metrics given by their CUPTI name;
 * start_ns/end_ns are CLOCK_MONOTONIC nanoseconds. CUPTI stamps PM samples
 * on its record clock, the one activity records carry (sampling.c says why
 * we believe so), so the caller hands in the converter it uses for activity
 * records. A value CUPTI could not compute (NaN/inf) is not emitted:
 * absent, never 0.
 *
 * Threads: gp_pm_start may run on any thread. gp_pm_poll, gp_pm_get_stats
 * and gp_pm_stop lock the gp_pm, so they may come from different threads,
 * but never call gp_pm_* on the same gp_pm from emit (it runs on the
 * polling thread with that lock held) and never use a gp_pm after
 * gp_pm_stop. Nothing here exits, aborts or raises a signal on purpose.
 */
#ifndef GP_PMSAMPLING_H
#define GP_PMSAMPLING_H

#include <stddef.h>
#include <stdint.h>

typedef struct gp_pm gp_pm;

typedef void (*gp_pm_emit_fn)(void *ud, int device, const char *metric, int64_t start_ns,
                              int64_t end_ns, double value);

/* CUPTI's record clock onto CLOCK_MONOTONIC: ts as CLOCK_MONOTONIC ns (> 0),
 * or <= 0 when it cannot be placed. Called from gp_pm_poll and gp_pm_stop
 * with the gp_pm's lock held, like emit. */
typedef int64_t (*gp_pm_to_mono_fn)(void *ud, uint64_t ts);

/* Sampling period used when gp_pm_start gets interval_ns <= 0, and the
 * range other values are clamped to. */
#define GP_PM_DEFAULT_INTERVAL_NS 10000000LL /* 10 ms */
#define GP_PM_MIN_INTERVAL_NS 10000LL        /* 10 us */
#define GP_PM_MAX_INTERVAL_NS 1000000000LL   /* 1 s */

/* What a running sampler did so far. */
typedef struct gp_pm_stats {
    uint64_t samples;        /* samples decoded */
    uint64_t values;         /* values passed to emit */
    uint64_t bad_values;     /* NaN/inf values left out */
    uint64_t sample_errors;  /* samples CUPTI failed to describe or evaluate */
    uint64_t overflows;      /* decodes that reported a hardware-buffer overflow */
    uint64_t rotations;      /* config switches */
    int n_configs;           /* one-pass configs rotated through */
    uint64_t bad_times;      /* samples left out because their mapped times fell outside
                                [sampling start - 1 s, decode time + 1 s]: the converter
                                does not fit the clock CUPTI stamped them with */
    int failed;              /* 1: the sampler stopped working; last_error says why */
    char chip[32];           /* chip name CUPTI reported, e.g. "GH100" */
    char last_error[256];    /* last problem met, "" if none */
} gp_pm_stats;

/* Starts PM sampling of CUDA device `device` (ordinal, as the job sees it)
 * inside a process that has a CUDA context on it.
 * cupti_lib: the dlopen handle of CUPTI (gp_cupti.lib); nothing is linked.
 * interval_ns: sampling period; <= 0 means GP_PM_DEFAULT_INTERVAL_NS.
 * to_mono/to_mono_ud: the converter of CUPTI's activity-record times, which
 * also places the samples. NULL: no timestamp callback is registered in
 * this process, so CUPTI's clock is its own, CLOCK_REALTIME on Linux, mapped
 * with CLOCK_REALTIME - CLOCK_MONOTONIC read at start.
 * metrics/n_metrics: gpupack names (see gp_pm_metric) or CUPTI metric names;
 * NULL or 0 means the default set (pm.sm_active_pct, pm.tensor_active_pct,
 * pm.dram_throughput_pct).
 * Returns the sampler, or NULL with a one-line reason in why: no driver or
 * device, compute capability < 7.5, not enough privileges (CUPTI error 35),
 * another profiler holding the device, unknown metric, and so on.
 * Cost: a few CUPTI host-object builds (~5 ms each, ~0.3 s the first time
 * in a process while CUPTI loads libnvperf_host) and a 64 MiB hardware
 * buffer owned by CUPTI. */
gp_pm *gp_pm_start(void *cupti_lib, int device, int64_t interval_ns, const char *const *metrics,
                   int n_metrics, gp_pm_to_mono_fn to_mono, void *to_mono_ud, gp_pm_emit_fn emit,
                   void *ud, char *why, size_t why_len);

/* Decodes what the hardware buffer holds and emits every completed sample;
 * switches config when it is time to rotate. Call every ~100 ms.
 * Returns the number of samples emitted (>= 0), or -1 once the sampler has
 * failed for good (gp_pm_get_stats says why; call gp_pm_stop). */
int gp_pm_poll(gp_pm *pm);

/* Stops sampling, emits what is left, releases everything. pm may be NULL.
 * If final is not NULL it gets the stats after the last samples (zero for
 * a NULL pm).
 * Call it at shutdown after the activity buffers were flushed: one project
 * (XLA) reports that disabling PM sampling finalizes CUPTI (unverified). */
void gp_pm_stop(gp_pm *pm, gp_pm_stats *final);

/* Copies the sampler's counters into st. */
void gp_pm_get_stats(gp_pm *pm, gp_pm_stats *st);

/* Offline, no GPU needed: builds one config image for `chip` (e.g. "GH100")
 * with all the metrics (names as in gp_pm_start) and returns the number of
 * passes it needs (1 means PM sampling can collect them together), or -1
 * with a reason naming the unknown chip or the invalid metric. */
int gp_pm_host_passes(void *cupti_lib, const char *chip, const char *const *metrics, int n,
                      char *why, size_t why_len);

/* The i-th metric gpupack knows by name (i from 0), or NULL past the end.
 * If cupti_name is not NULL it gets the CUPTI metric behind it. The first
 * three are the default set. */
const char *gp_pm_metric(int i, const char **cupti_name);

#endif
