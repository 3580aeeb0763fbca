/* counters.c: hardware counters (PM sampling, collector/pm/) for the
 * session: started on each device the job uses, polled and stopped from
 * the flush thread; samples become metric records. */
#include "config.h"

#include <stdio.h>

#include "collector/session.h"
#include "collector/session_int.h"

/* PM samples become metric records. Runs on the flush thread (from gp_pm_poll). */
static void pm_emit(void *ud, int device, const char *metric, int64_t start_ns, int64_t end_ns,
                    double value)
{
    gp_record r;

    (void)ud;
    gp_record_init(&r, GP_KIND_METRIC);
    r.u.metric.ts_ns = start_ns;
    r.u.metric.dur_ns = end_ns - start_ns;
    r.u.metric.device = device;
    r.u.metric.value = value;
    pthread_mutex_lock(&gp_sess.lock);
    if (gp_sess.state == ACTIVE) {
        r.u.metric.name = gp_sender_intern(gp_sess.sender, metric);
        if (gp_sender_add(gp_sess.sender, &r) < 0)
            gp_sender_count_drop(gp_sess.sender, GP_DROP_COLLECTOR, 1);
    }
    pthread_mutex_unlock(&gp_sess.lock);
}

/* PM samples carry CUPTI's record clock, as activity records do
 * (collector/pm/sampling.c): the same conversion places them. Runs inside
 * gp_pm_poll/gp_pm_stop (flush thread, exit) with gp_sess.lock not held:
 * gp_activity_to_mono takes it. */
static int64_t pm_to_mono(void *ud, uint64_t ts)
{
    (void)ud;
    return gp_activity_to_mono(ts);
}

/* Stops device d's sampler and says how many samples its guard left out. */
static void stop_one(int d)
{
    gp_pm_stats st;
    char line[300];

    gp_pm_stop(gp_sess.pm[d], &st); /* its final samples go through pm_emit */
    gp_sess.pm[d] = NULL;
    if (!st.bad_times)
        return;
    snprintf(line, sizeof line,
             "hardware counters on GPU %d: %llu samples left out, their times fell outside "
             "the run (CUPTI's clock not as expected)", d, (unsigned long long)st.bad_times);
    gp_session_say(line);
}

/* Starts sampling on newly used devices and collects samples. Flush thread,
 * gp_sess.lock not held. */
void gp_counters_service(void)
{
    uint64_t wanted;

    pthread_mutex_lock(&gp_sess.lock);
    wanted = gp_sess.pm_wanted;
    gp_sess.pm_wanted = 0;
    pthread_mutex_unlock(&gp_sess.lock);
    for (int d = 0; d < 64 && wanted; d++) {
        char why[300], line[400];
        if (!(wanted & (1ull << d)))
            continue;
        wanted &= ~(1ull << d);
        gp_sess.pm[d] = gp_pm_start(gp_sess.cupti.lib, d, GP_PM_DEFAULT_INTERVAL_NS, NULL, 0,
                                    pm_to_mono, NULL, pm_emit, NULL, why, sizeof why);
        if (!gp_sess.pm[d]) {
            snprintf(line, sizeof line, "no hardware counters on GPU %d: %s", d, why);
            gp_session_say(line);
        }
    }
    for (int d = 0; d < 64; d++)
        if (gp_sess.pm[d] && gp_pm_poll(gp_sess.pm[d]) < 0) {
            gp_pm_stats st;
            char line[400];
            gp_pm_get_stats(gp_sess.pm[d], &st);
            snprintf(line, sizeof line, "hardware counters on GPU %d stopped: %s", d,
                     st.last_error);
            gp_session_say(line);
            stop_one(d);
        }
}

void gp_counters_stop_all(void)
{
    for (int d = 0; d < 64; d++)
        if (gp_sess.pm[d])
            stop_one(d);
}
