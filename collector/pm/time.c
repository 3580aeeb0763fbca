/* time.c: PM sampling's timing choices, which need no device: the
 * sampling interval, the trigger mode per GPU generation, the size of the
 * counter-data image, and the mapping of sample times onto
 * CLOCK_MONOTONIC (the assumption behind it is explained in sampling.c). */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "collector/pm/internal.h"
#include "collector/pm/sampling.h"

#define PM_SLACK_NS 1000000000LL
#define PM_IMAGE_SPAN_NS 400000000LL

static int64_t clock_ns(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t pm_interval(int64_t interval_ns)
{
    if (interval_ns <= 0)
        return GP_PM_DEFAULT_INTERVAL_NS;
    if (interval_ns < GP_PM_MIN_INTERVAL_NS)
        return GP_PM_MIN_INTERVAL_NS;
    if (interval_ns > GP_PM_MAX_INTERVAL_NS)
        return GP_PM_MAX_INTERVAL_NS;
    return interval_ns;
}

uint32_t pm_max_samples(int64_t interval_ns)
{
    int64_t n = PM_IMAGE_SPAN_NS / pm_interval(interval_ns);

    return n < 16 ? 16 : n > 2048 ? 2048 : (uint32_t)n;
}

/* cupti_pmsampling.h: GPU_TIME_INTERVAL is "not supported on Turing GPU
 * architecture and GA100", KEEP_LATEST "not supported on Turing"; the CUPTI
 * docs give Turing (CC 7.5) as the oldest PM-sampling architecture. */
int pm_trigger_for(int major, int minor, int64_t interval_ns, pm_trigger *t, char *why,
                   size_t why_len)
{
    int cc = major * 10 + minor;
    int64_t ns = pm_interval(interval_ns);

    if (major < 0 || minor < 0 || cc < 75) {
        snprintf(why, why_len,
                 "hardware counters need a GPU of compute capability 7.5 (Turing) or newer; "
                 "this one is %d.%d", major, minor);
        return -1;
    }
    if (cc == 75 || cc == 80) {
        t->mode = CUPTI_PM_SAMPLING_TRIGGER_MODE_GPU_SYSCLK_INTERVAL;
        t->interval = (uint64_t)ns; /* cycles; ~ns at an assumed 1 GHz SYSCLK */
    } else {
        t->mode = CUPTI_PM_SAMPLING_TRIGGER_MODE_GPU_TIME_INTERVAL;
        t->interval = (uint64_t)ns;
    }
    t->append = cc == 75 ? CUPTI_PM_SAMPLING_HARDWARE_BUFFER_APPEND_MODE_KEEP_OLDEST
                         : CUPTI_PM_SAMPLING_HARDWARE_BUFFER_APPEND_MODE_KEEP_LATEST;
    return 0;
}

void pm_clock_init(pm_clock *c, gp_pm_to_mono_fn to_mono, void *ud)
{
    int64_t best_gap = INT64_MAX;

    c->to_mono = to_mono;
    c->ud = ud;
    c->offset_ns = 0;
    if (to_mono)
        return;
    for (int i = 0; i < 5; i++) {
        int64_t m1 = clock_ns(CLOCK_MONOTONIC);
        int64_t r = clock_ns(CLOCK_REALTIME);
        int64_t m2 = clock_ns(CLOCK_MONOTONIC);

        if (m2 - m1 < best_gap) {
            best_gap = m2 - m1;
            c->offset_ns = r - (m1 + (m2 - m1) / 2);
        }
    }
}

int pm_clock_map(const pm_clock *c, uint64_t ts, int64_t *out)
{
    int64_t t;

    if (ts == 0 || ts > (uint64_t)INT64_MAX)
        return -1;
    if (c->to_mono)
        t = c->to_mono(c->ud, ts);
    else if (__builtin_sub_overflow((int64_t)ts, c->offset_ns, &t))
        return -1;
    if (t <= 0)
        return -1;
    *out = t;
    return 0;
}

int pm_clock_plausible(int64_t t0, int64_t t1, int64_t start_ns, int64_t now_ns)
{
    /* start_ns and now_ns come from clock_gettime: far from INT64 limits */
    return t0 <= t1 && t0 >= start_ns - PM_SLACK_NS && t1 <= now_ns + PM_SLACK_NS;
}
