/* region.h: the shared-memory region of `gpupack pack`: its layout, shared
 * by the coordinator (cosched/, in the gpupack process) and the gate
 * (collector/gate.c, in both jobs).
 *
 * The region is a file in the per-user runtime folder (0700), created mode
 * 0600 by the coordinator before the jobs start and mapped MAP_SHARED by
 * all three processes. The jobs find it through GP_PACK_ENV_REGION and
 * learn their role ("hp": the serve job, "be": the training job) through
 * GP_PACK_ENV_ROLE; a process without both never touches a region.
 *
 * Every field after the header is a lock-free atomic (address-free on the
 * targets gpupack builds for), so a process that dies at any moment leaves
 * nothing locked: a dead job's counters are simply stale, and the gate
 * checks liveness (pids, heartbeat) before it waits on them.
 *
 * Who writes what:
 *   coordinator: the header, policy, max_wait_ns, stale_ns, budget_ns,
 *                hp_p50_ns/hp_p99_ns, watchdog_open, coord_pid; clears the
 *                HP fields when the serve job ends
 *   HP gate:     hp_pid, hp_ranges, hp_dirty, hp_heartbeat_ns, hp_ops,
 *                hp_requests, the latency ring (lat_ns, lat_count)
 *   BE gate:     be_pid, be_* counters, be_outstanding, be_op_ns, gate
 */
#ifndef GP_COSCHED_REGION_H
#define GP_COSCHED_REGION_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define GP_REGION_MAGIC 0x4b434150u /* "PACK" */
#define GP_REGION_VERSION 1u
#define GP_REGION_LAT_RING 1024      /* latencies kept for the coordinator */

#define GP_PACK_ENV_REGION "GPUPACK_PACK_REGION"
#define GP_PACK_ENV_ROLE "GPUPACK_PACK_ROLE"

enum gp_pack_policy { GP_POLICY_OFF = 0, GP_POLICY_PRIORITY = 1, GP_POLICY_SLO = 2 };

/* What the best-effort gate is doing (gp_region.gate). */
enum gp_gate_state {
    GP_GATE_IDLE = 0,     /* no best-effort launch seen yet */
    GP_GATE_OPEN = 1,     /* launches pass */
    GP_GATE_HOLDING = 2,  /* a launch waits for the serve job's work */
    GP_GATE_DRAINING = 3, /* waiting for best-effort work over the budget to finish */
    GP_GATE_FORCED = 4    /* watchdog: the serve job is gone or stuck; everything passes */
};

typedef struct gp_region {
    /* Header: written once before the jobs start, then read-only. */
    uint32_t magic, version, size, policy;
    int64_t max_wait_ns; /* bounded wait: a held launch goes after this */
    int64_t stale_ns;    /* serve job busy with no activity this long: stuck */
    int32_t coord_pid;   /* the coordinator; if it dies the gate opens */
    uint32_t pad0;

    _Atomic int64_t budget_ns;     /* best-effort work allowed queued on the GPU */
    _Atomic int32_t watchdog_open; /* 1: coordinator says the serve job is gone */
    _Atomic int32_t gate;          /* enum gp_gate_state */

    _Atomic int32_t hp_pid, be_pid;   /* set by each job's gate; 0: none yet */
    _Atomic int64_t hp_ranges;        /* open outermost NVTX request ranges */
    _Atomic int64_t hp_dirty;         /* 1: launches since the last synchronize */
    _Atomic int64_t hp_heartbeat_ns;  /* last serve-job activity (CLOCK_MONOTONIC) */
    _Atomic uint64_t hp_ops, hp_requests;

    _Atomic int64_t be_outstanding;   /* best-effort ops since its last synchronize */
    _Atomic int64_t be_op_ns;         /* estimated GPU time per best-effort op */
    _Atomic uint64_t be_ops, be_holds, be_hold_ns, be_timeouts, be_drains, be_watchdog;

    _Atomic int64_t hp_p50_ns, hp_p99_ns; /* coordinator's window; 0: no data */

    _Atomic uint64_t lat_count;           /* latencies ever written */
    _Atomic int64_t lat_ns[GP_REGION_LAT_RING];
} gp_region;

/* 1 if the mapping p of size bytes holds a region this build understands. */
static inline int gp_region_valid(const void *p, size_t size)
{
    const gp_region *r = p;

    return p && size >= sizeof(gp_region) && r->magic == GP_REGION_MAGIC &&
           r->version == GP_REGION_VERSION && r->size == sizeof(gp_region) &&
           r->policy <= GP_POLICY_SLO && r->max_wait_ns > 0 && r->stale_ns > 0;
}

#endif
