/* fakecuda_share.h: how processes share one simulated device (the rules of
 * SIMGPU_SHARED), as a pure function over a per-device table that lives in
 * the shared file: no locking, no clock, no I/O, so the rules can be tested
 * with exact times (test_simgpu_share.c). fakecuda_time.c maps the file,
 * holds its lock and calls sg_share_place.
 *
 * Records are emitted when work is placed (at launch), with their final
 * times, and are never changed. So the model decides each kernel's start
 * and end at its launch, from what the table says about the other
 * processes' queued work; work that other processes queue later cannot
 * move it. What a later process takes from work whose records are already
 * out is kept as that process's debt (owed_ns) and paid by its next
 * placement: its next kernel starts that much later. See README.md. */
#ifndef GP_FAKECUDA_SHARE_H
#define GP_FAKECUDA_SHARE_H

#include <stdint.h>

#define SG_SHARE_PROCS 16                   /* processes per device in the table */
#define SG_SHARE_MAX_DUR_NS (1ull << 50)    /* longer work is cut to this (13 days) */
#define SG_SHARE_FORGET_NS 3600000000000ull /* table times more than 1 h off: forgotten */

/* One process's row. Rows whose work ended are reused. */
typedef struct sg_share_proc {
    int64_t pid;              /* 0: free */
    uint64_t end_ns;          /* latest end of its compute work, as its records say */
    uint64_t owed_ns;         /* device time others took after its records were out */
    uint64_t slice_end_ns;    /* end of the last time slice it was given */
    uint64_t since_ns;        /* start of its current busy period */
    uint32_t sms;             /* SMs its latest work occupies (MPS sharing) */
    uint32_t mps;             /* its MPS server (a hash of the pipe folder), 0: none */
} sg_share_proc;

typedef struct sg_share_dev {
    sg_share_proc p[SG_SHARE_PROCS];
} sg_share_dev;

typedef struct sg_share_conf {
    uint64_t slice_ns;        /* time slice, > 0 */
    uint32_t sms;             /* the device's SM count, > 0 */
} sg_share_conf;

/* One piece of compute work (a kernel, a memset) of process pid, ready at
 * ready_ns (its stream's order and launch latency already applied), running
 * dur_ns when it has the device to itself, on sms SMs (blocks, capped at
 * the device's count). mps: the process's MPS server, 0 if none. */
typedef struct sg_share_work {
    int64_t pid;
    uint32_t mps, sms;
    uint64_t ready_ns, dur_ns;
} sg_share_work;

/* Places w on the device: sets *start and *end (start <= end, start >=
 * ready_ns) and updates the table (w's row; the debts of the rows whose
 * recorded work w's run overlaps). The rules:
 *   - a process with unpaid debt starts its work that much later;
 *   - other processes that are clients of the same MPS server and have work
 *     pending share the SMs with it: while their work and w overlap and
 *     their SMs together exceed the device's, w runs at sms/total of the
 *     device (and they lose what w takes, as debt);
 *   - any other process with work pending time-slices the device with it:
 *     w waits for the running slice to end (the holder's last slice, else
 *     the one it renewed every slice_ns since it got the device: when its
 *     work began or another process's work last ended), then runs
 *     one slice_ns at a time, each pending process running one slice (or
 *     until its work ends) between two of w's; a process still inside its
 *     own slice with work queued goes on without waiting;
 *   - alone (nothing else pending), w runs at once for dur_ns.
 * Cost: O(SG_SHARE_PROCS^2) per placement, whatever dur_ns (whole rounds of
 * slices are taken at once). */
void sg_share_place(sg_share_dev *dev, const sg_share_conf *conf, const sg_share_work *w,
                    uint64_t *start, uint64_t *end);

#endif
