/* fakecuda_share.c: the rules by which processes share one simulated device
 * (time slices between contexts, SM sharing under MPS); fakecuda_share.h
 * states them. Pure: the caller holds the lock on the table.
 *
 * Why decide at launch. A record leaves the driver when the work is placed
 * (sg_emit with its final start and end), and host waits sleep until that
 * end, so a time can never be moved later. Delaying records until their
 * work completes would need a driver thread per process and would change
 * every host wait; instead the model places each kernel with everything
 * already known (the other processes' pending work, in the table) and
 * books what it takes from work already recorded as that work's debt,
 * which its owner pays at its next placement. Device time is conserved
 * over a run; what is lost is only where, inside a busy period, the
 * earlier process's records show the gap. */
#include "config.h"

#include <string.h>

#include "tests/simgpu/fakecuda_share.h"

static uint64_t min64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

static uint64_t max64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

/* When p's queued work really ends: its records' end plus its debt. Both
 * are bounded by forget_stale, so the sum does not overflow. */
static uint64_t busy_end(const sg_share_proc *p)
{
    return p->end_ns + p->owed_ns;
}

/* Forgets rows whose times are more than SG_SHARE_FORGET_NS away from t
 * (left from before a reboot restarted CLOCK_MONOTONIC, or garbage), and
 * bounds the SM counts. The table comes from a file other processes
 * write: nothing in it is trusted. */
static void forget_stale(sg_share_dev *dev, const sg_share_conf *conf, uint64_t t)
{
    uint64_t far = t > UINT64_MAX - SG_SHARE_FORGET_NS ? UINT64_MAX : t + SG_SHARE_FORGET_NS;

    for (int i = 0; i < SG_SHARE_PROCS; i++) {
        sg_share_proc *p = &dev->p[i];
        if (p->end_ns > far || p->slice_end_ns > far || p->since_ns > far ||
            p->owed_ns > SG_SHARE_FORGET_NS)
            memset(p, 0, sizeof *p);
        if (p->sms < 1 || p->sms > conf->sms)
            p->sms = conf->sms;
    }
}

/* pid's row, else a fresh one in a free row or one whose work ended by t;
 * -1 when all SG_SHARE_PROCS rows are busy. */
static int row_for(sg_share_dev *dev, int64_t pid, uint64_t t)
{
    for (int i = 0; i < SG_SHARE_PROCS; i++)
        if (dev->p[i].pid == pid)
            return i;
    for (int i = 0; i < SG_SHARE_PROCS; i++) {
        sg_share_proc *p = &dev->p[i];
        if (p->pid == 0 || (busy_end(p) <= t && p->slice_end_ns <= t)) {
            memset(p, 0, sizeof *p);
            p->pid = pid;
            return i;
        }
    }
    return -1;
}

static int mps_peers(const sg_share_proc *a, const sg_share_proc *b)
{
    return a->mps != 0 && a->mps == b->mps;
}

/* The device time work of dur ns from t needs beside the pending work of
 * me's MPS peers (same server): SMs are shared in proportion to what each
 * asks, so while me's and the peers' SMs together exceed the device's,
 * each runs at device/total of its speed. Peers lose what me takes (their
 * speed with me over their speed without), booked as their debt. */
static uint64_t mps_share(sg_share_dev *dev, const sg_share_conf *conf, int me, uint64_t t,
                          uint64_t dur)
{
    const sg_share_proc *p = &dev->p[me];
    double left[SG_SHARE_PROCS] = { 0 }, lost[SG_SHARE_PROCS] = { 0 };
    double need = (double)dur, now = 0, cap = conf->sms, mine = p->sms;
    int n = 0;

    for (int q = 0; q < SG_SHARE_PROCS; q++) {
        const sg_share_proc *o = &dev->p[q];
        if (q != me && o->pid != 0 && mps_peers(p, o) && busy_end(o) > t) {
            left[q] = (double)(busy_end(o) - t);
            n++;
        }
    }
    if (n == 0)
        return dur;
    while (need > 0) {
        double others = 0, next = 0, rate, kept, step;
        for (int q = 0; q < SG_SHARE_PROCS; q++)
            if (left[q] > now) {
                others += dev->p[q].sms;
                next = next == 0 || left[q] < next ? left[q] : next;
            }
        if (others == 0) {
            now += need;
            break;
        }
        rate = mine + others > cap ? cap / (mine + others) : 1.0;
        kept = rate / (others > cap ? cap / others : 1.0); /* a peer's speed with me / without */
        if (need / rate <= next - now) { /* ends before the next peer's work */
            step = need / rate;
            need = 0;
        } else {
            step = next - now;
            need -= step * rate;
        }
        for (int q = 0; q < SG_SHARE_PROCS; q++)
            if (left[q] > now)
                lost[q] += step * (1.0 - kept);
        now += step;
    }
    for (int q = 0; q < SG_SHARE_PROCS; q++)
        dev->p[q].owed_ns += (uint64_t)(lost[q] + 0.5);
    return max64(dur, (uint64_t)(now + 0.5));
}

/* When the running slice of holder, which has had the device alone since
 * it last got it, ends after t: it got the device when its busy period
 * began, when another process's work last ended before t, or at the end
 * of its last slice; alone, it gets a fresh slice every len from there. */
static uint64_t renewed_slice_end(const sg_share_dev *dev, int holder, uint64_t len, uint64_t t)
{
    const sg_share_proc *h = &dev->p[holder];
    uint64_t since = h->since_ns;

    if (h->slice_end_ns <= t)
        since = max64(since, h->slice_end_ns);
    for (int q = 0; q < SG_SHARE_PROCS; q++)
        if (q != holder && dev->p[q].pid != 0 && busy_end(&dev->p[q]) <= t)
            since = max64(since, busy_end(&dev->p[q]));
    since = min64(since, t);
    return since + ((t - since) / len + 1) * len;
}

/* When me's first slice ends, moving *t to when it starts. A process inside
 * its own slice with work queued goes on; any other waits for the running
 * slice to end (the holder's: a slice covering *t, else the one that
 * renewed_slice_end finds), or until the holder's work ends if sooner.
 * The holder's work runs meanwhile (rem). */
static uint64_t first_slice(const sg_share_dev *dev, const sg_share_conf *conf, int me,
                            uint64_t *rem, uint64_t *t)
{
    const sg_share_proc *p = &dev->p[me];
    uint64_t len = conf->slice_ns, until = 0;
    int holder = -1;

    if (p->slice_end_ns > *t && p->end_ns >= *t)
        return min64(p->slice_end_ns, *t + len);
    for (int q = 0; q < SG_SHARE_PROCS; q++) {
        const sg_share_proc *o = &dev->p[q];
        if (rem[q] > 0 && o->slice_end_ns > *t && o->slice_end_ns - len <= *t) {
            holder = q;
            until = o->slice_end_ns;
        }
    }
    if (holder < 0) { /* the one with the most work (exact for two) */
        for (int q = 0; q < SG_SHARE_PROCS; q++)
            if (rem[q] > 0 && (holder < 0 || rem[q] > rem[holder]))
                holder = q;
        until = renewed_slice_end(dev, holder, len, *t);
    }
    until = min64(until, *t + rem[holder]);
    rem[holder] -= until - *t;
    *t = until;
    return until + len;
}

/* Time slices: see fakecuda_share.h. rem[q] is q's pending work that has
 * not run yet (it runs only in q's own slices); took[q] what me ran while
 * q had work pending, booked as q's debt at the end. */
static void slices(sg_share_dev *dev, const sg_share_conf *conf, int me, uint64_t t, uint64_t dur,
                   uint64_t *start, uint64_t *end)
{
    sg_share_proc *p = &dev->p[me];
    uint64_t rem[SG_SHARE_PROCS] = { 0 }, took[SG_SHARE_PROCS] = { 0 };
    uint64_t len = conf->slice_ns, slice_end;
    int n = 0;

    for (int q = 0; q < SG_SHARE_PROCS; q++) {
        const sg_share_proc *o = &dev->p[q];
        if (q != me && o->pid != 0 && !mps_peers(p, o) && busy_end(o) > t) {
            rem[q] = busy_end(o) - t;
            n++;
        }
    }
    if (n == 0) { /* alone: no slicing */
        *start = t;
        *end = t + dur;
        return;
    }
    slice_end = first_slice(dev, conf, me, rem, &t);
    *start = t;
    for (;;) {
        uint64_t run = min64(dur, slice_end - t), most;
        int pending = 0;

        for (int q = 0; q < SG_SHARE_PROCS; q++)
            if (rem[q] > 0) {
                took[q] += run;
                pending++;
            }
        if (pending == 0) { /* the others' work is done: the rest runs at once */
            t += dur;
            break;
        }
        pending = 0;
        t += run;
        dur -= run;
        if (dur == 0)
            break;
        /* the others' turn, one slice each (or until their work ends) */
        for (int q = 0; q < SG_SHARE_PROCS; q++)
            if (rem[q] > 0) {
                uint64_t s = min64(len, rem[q]);
                t += s;
                rem[q] -= s;
            }
        slice_end = t + len;
        /* Whole rounds (one slice each) while nobody's work runs out, at
         * once: k - 1 of them where k slices fit in everyone's work. */
        most = dur;
        for (int q = 0; q < SG_SHARE_PROCS; q++)
            if (rem[q] > 0) {
                most = min64(most, rem[q]);
                pending++;
            }
        if (pending > 0 && most / len >= 2) {
            uint64_t r = most / len - 1;
            t += r * len * (uint64_t)(pending + 1);
            dur -= r * len;
            for (int q = 0; q < SG_SHARE_PROCS; q++)
                if (rem[q] > 0) {
                    rem[q] -= r * len;
                    took[q] += r * len;
                }
            slice_end = t + len;
        }
    }
    p->slice_end_ns = slice_end;
    for (int q = 0; q < SG_SHARE_PROCS; q++)
        dev->p[q].owed_ns += took[q];
    *end = t;
}

void sg_share_place(sg_share_dev *dev, const sg_share_conf *conf, const sg_share_work *w,
                    uint64_t *start, uint64_t *end)
{
    uint64_t t = w->ready_ns, dur = min64(w->dur_ns, SG_SHARE_MAX_DUR_NS);
    sg_share_proc *p;
    int me, idle;

    forget_stale(dev, conf, t);
    me = row_for(dev, w->pid, t);
    if (me < 0) { /* no row left: after everyone's work, as one queue */
        for (int q = 0; q < SG_SHARE_PROCS; q++)
            t = max64(t, busy_end(&dev->p[q]));
        *start = t;
        *end = t + dur;
        return;
    }
    p = &dev->p[me];
    idle = busy_end(p) < t; /* back-to-back work continues a busy period */
    p->mps = w->mps;
    p->sms = w->sms < 1 ? 1 : w->sms > conf->sms ? conf->sms : w->sms;
    if (p->owed_ns > 0) {
        /* pays its debt: its queued work really ends owed_ns later */
        t = min64(t + p->owed_ns, max64(t, busy_end(p)));
        p->owed_ns = 0;
    }
    dur = mps_share(dev, conf, me, t, dur);
    slices(dev, conf, me, t, dur, start, end);
    if (idle)
        p->since_ns = *start; /* a busy period begins */
    p->end_ns = max64(p->end_ns, *end);
}
