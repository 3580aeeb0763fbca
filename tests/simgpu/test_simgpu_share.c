/* test_simgpu_share.c: the rules by which processes share one simulated
 * device (fakecuda_share.h), with exact times: time slices between
 * processes, a process alone unslowed, the running slice's holder, debts
 * paid by the next placement, SM sharing between clients of one MPS
 * server, and a table written by others (stale times, full rows, huge
 * durations). Expected times are worked out by hand from the rules with a
 * 1 ms slice, in the comments. */
#include "config.h"

#include <string.h>

#include "tests/simgpu/fakecuda_share.h"
#include "tests/tap.h"

#define US 1000ull
#define MS 1000000ull
#define SMS 16

static const sg_share_conf conf = { 1 * MS, SMS };

typedef struct span {
    uint64_t start, end;
} span;

/* Places dur of pid (MPS server mps, sms SMs) ready at ready. */
static span place(sg_share_dev *d, int64_t pid, uint32_t mps, uint32_t sms, uint64_t ready,
                  uint64_t dur)
{
    sg_share_work w = { pid, mps, sms, ready, dur };
    span s;

    sg_share_place(d, &conf, &w, &s.start, &s.end);
    return s;
}

static const sg_share_proc *row(const sg_share_dev *d, int64_t pid)
{
    for (int i = 0; i < SG_SHARE_PROCS; i++)
        if (d->p[i].pid == pid)
            return &d->p[i];
    return NULL;
}

static void test_alone(void)
{
    sg_share_dev d;
    span a, b;

    memset(&d, 0, sizeof d);
    a = place(&d, 10, 0, SMS, 300 * US, 10 * MS);
    is_int(a.start, 300 * US, "alone: starts when ready");
    is_int(a.end, 10300 * US, "alone: runs its whole duration, unsliced");
    b = place(&d, 10, 0, SMS, 2 * MS, 5 * MS); /* its own second stream */
    ok(b.start == 2 * MS && b.end == 7 * MS,
       "its own streams still overlap (not sliced against itself)");
    b = place(&d, 11, 0, SMS, 11 * MS, 5 * MS);
    ok(b.start == 11 * MS && b.end == 16 * MS,
       "a second process after the first one's work ended: not slowed");
}

static void test_slices(void)
{
    sg_share_dev d;
    span a, b, c;

    memset(&d, 0, sizeof d);
    a = place(&d, 10, 0, SMS, 300 * US, 10 * MS); /* A: 0.3 .. 10.3 ms, alone */
    /* B, 2 ms ready at 2.5: A has run alone since 0.3, renewing its slice
     * every 1 ms, so B waits for the slice 2.3-3.3; then B 3.3-4.3, A
     * 4.3-5.3, B 5.3-6.3. */
    b = place(&d, 20, 0, SMS, 2500 * US, 2 * MS);
    is_int(b.start, 3300 * US,
           "B waits for the running slice only (not for A's 10 ms of queued work)");
    is_int(b.end, 6300 * US, "B's end moves by the one slice A gets while B is pending");
    is_int(a.end, 10300 * US, "A's record, already out, is not changed");
    is_int(row(&d, 10)->owed_ns, 2 * MS, "A owes the 2 ms B ran while A's records say A ran");
    /* A's next kernel after its synchronize at 10.3: starts 2 ms later */
    c = place(&d, 10, 0, SMS, 10300 * US, 1 * MS);
    ok(c.start == 12300 * US && c.end == 13300 * US,
       "A's next kernel pays the debt: device time is conserved (13 ms of work end at 13.3)");
    is_int(row(&d, 10)->owed_ns, 0, "and the debt is cleared");
}

static void test_holder(void)
{
    sg_share_dev d;
    span b, b2, c;

    memset(&d, 0, sizeof d);
    place(&d, 10, 0, SMS, 0, 10 * MS); /* A: 0 .. 10 */
    /* B 2.5 ms at 0.5: waits to 1; B 1-2, A 2-3, B 3-4, A 4-5, B 5-5.5 */
    b = place(&d, 20, 0, SMS, 500 * US, 2500 * US);
    ok(b.start == 1 * MS && b.end == 5500 * US, "B: 2.5 ms in three slices, 1 .. 5.5 ms");
    /* C 1 ms at 5.2: B holds the slice 5-6 but its work ends at 5.5 */
    c = place(&d, 30, 0, SMS, 5200 * US, 1 * MS);
    is_int(c.start, 5500 * US, "C waits for the holder's slice, which ends early with its work");
    is_int(c.end, 6500 * US, "and runs its 1 ms in one slice");
    /* B's next kernel ready at 6.5 (after a sync): B's slice is over, it waits */
    memset(&d, 0, sizeof d);
    place(&d, 10, 0, SMS, 0, 10 * MS);
    b = place(&d, 20, 0, SMS, 500 * US, 250 * US);   /* B: 1 .. 1.25 */
    b2 = place(&d, 20, 0, SMS, b.end, 250 * US);     /* queued behind it, same slice */
    ok(b.start == 1 * MS && b2.start == b.end && b2.end == 1500 * US,
       "a process inside its slice with work queued goes on without waiting");
    /* later: A got a fresh slice when B's work ended at 1.5, renewed at 2.5 */
    b2 = place(&d, 20, 0, SMS, 2500 * US, 250 * US);
    ok(b2.start == 3500 * US && b2.end == 3750 * US,
       "after it yielded, it waits again: the other's slices run from when it yielded");
}

static void test_three(void)
{
    sg_share_dev d;
    span c;

    memset(&d, 0, sizeof d);
    place(&d, 10, 0, SMS, 0, 20 * MS);
    place(&d, 20, 0, SMS, 0, 20 * MS);
    /* C 3 ms at 0.5: waits to 1 (holder: most work); C 1-2, A 2-3, B 3-4,
     * C 4-5, A, B, C 7-8 */
    c = place(&d, 30, 0, SMS, 500 * US, 3 * MS);
    ok(c.start == 1 * MS && c.end == 8 * MS, "three processes: one slice each in turn");
}

static void test_long(void)
{
    sg_share_dev d;
    span b;

    memset(&d, 0, sizeof d);
    place(&d, 10, 0, SMS, 0, 100000 * MS);
    /* 50 s beside 100 s, from 1 ms: 50000 slices each followed by one of
     * A's, but the last */
    b = place(&d, 20, 0, SMS, 500 * US, 50000 * MS);
    ok(b.start == 1 * MS && b.end == 1 * MS + 99999 * MS,
       "50 s beside 100 s: twice as long, less a slice");
    is_int(row(&d, 10)->owed_ns, 50000 * MS, "the long run's debt");
}

static void test_mps(void)
{
    sg_share_dev d;
    span b;

    memset(&d, 0, sizeof d);
    place(&d, 10, 7, SMS, 0, 10 * MS);
    /* B on all SMs beside A on all SMs: half speed while A is pending */
    b = place(&d, 20, 7, SMS, 1 * MS, 2 * MS);
    is_int(b.start, 1 * MS, "MPS: B starts at once, beside A (no slice to wait for)");
    is_int(b.end, 5 * MS, "and runs at half speed: 2 ms of work over 4 ms");
    is_int(row(&d, 10)->owed_ns, 2 * MS, "A lost half its speed over those 4 ms");
    /* B's work outlasts A's: half speed until A's 10 ms (+ 2 ms debt), then full */
    memset(&d, 0, sizeof d);
    place(&d, 10, 7, SMS, 0, 4 * MS);
    b = place(&d, 20, 7, SMS, 2 * MS, 4 * MS); /* 2-4: 1 ms done; then 3 ms alone */
    ok(b.start == 2 * MS && b.end == 7 * MS, "half speed while A runs, full speed after");
    memset(&d, 0, sizeof d);
    place(&d, 10, 7, 4, 0, 10 * MS);
    b = place(&d, 20, 7, 8, 1 * MS, 2 * MS);
    ok(b.start == 1 * MS && b.end == 3 * MS, "kernels that fit in the SMs together are not slowed");
    is_int(row(&d, 10)->owed_ns, 0, "nor is the other one");
    memset(&d, 0, sizeof d);
    place(&d, 10, 7, SMS, 0, 10 * MS);
    b = place(&d, 20, 8, SMS, 500 * US, 2 * MS);
    ok(b.start == 1 * MS && b.end == 4 * MS, "clients of different MPS servers time-slice");
    memset(&d, 0, sizeof d);
    place(&d, 10, 7, SMS, 0, 10 * MS);
    b = place(&d, 20, 0, SMS, 500 * US, 2 * MS);
    ok(b.start == 1 * MS && b.end == 4 * MS, "so does a process without MPS beside an MPS client");
}

static void test_untrusted(void)
{
    sg_share_dev d;
    span b;

    memset(&d, 0, sizeof d);
    d.p[3].pid = 99;
    d.p[3].end_ns = 5 * MS + SG_SHARE_FORGET_NS + 1; /* from before a reboot */
    d.p[3].owed_ns = UINT64_MAX;
    d.p[3].sms = 0;
    b = place(&d, 20, 0, SMS, 5 * MS, 1 * MS);
    ok(b.start == 5 * MS && b.end == 6 * MS, "times over an hour ahead are forgotten");
    memset(&d, 0, sizeof d);
    d.p[0].pid = 98;
    d.p[0].end_ns = 20 * MS;
    d.p[0].slice_end_ns = 3 * MS;
    d.p[0].sms = 4000000000u;
    d.p[0].mps = 7;
    b = place(&d, 20, 7, SMS, 2 * MS, 1 * MS);
    ok(b.start == 2 * MS && b.end == 4 * MS,
       "an SM count over the device's counts as the device's");
    b = place(&d, 21, 0, SMS, 0, UINT64_MAX);
    ok(b.end > b.start && b.end - b.start >= SG_SHARE_MAX_DUR_NS &&
       b.end - b.start < 2 * SG_SHARE_MAX_DUR_NS, "a huge duration is cut, without overflow");
    memset(&d, 0, sizeof d);
    for (int i = 0; i < SG_SHARE_PROCS; i++)
        place(&d, 100 + i, 0, SMS, 0, (uint64_t)(i + 1) * MS);
    b = place(&d, 200, 0, SMS, 0, 1 * MS);
    ok(b.start >= (uint64_t)SG_SHARE_PROCS * MS, "no row left: after everyone's work");
    b = place(&d, 201, 0, SMS, 1000 * MS, 1 * MS);
    ok(b.start == 1000 * MS && row(&d, 201) != NULL, "rows whose work ended are reused");
}

int main(void)
{
    test_alone();
    test_slices();
    test_holder();
    test_three();
    test_long();
    test_mps();
    test_untrusted();
    return done_testing();
}
