/* gate.h: the collector's side of `gpupack pack`'s co-scheduler.
 *
 * Active only in a process whose environment names a pack region and a
 * role (cosched/region.h: GPUPACK_PACK_REGION, GPUPACK_PACK_ROLE). In the
 * high-priority (serve) job it publishes, with a few relaxed atomic stores
 * per launch, whether the job has GPU work in flight: an outermost NVTX
 * push/pop range is open (one per request, by convention), or it launched
 * work since its last synchronize. It also publishes each request's latency
 * (the range, or failing ranges, the launch burst up to its synchronize).
 * In the best-effort (train) job it is asked on API ENTER of every kernel,
 * graph, copy and memset launch: it holds the launch while the serve job has
 * work in flight (bounded wait), and when the job's queued work exceeds the
 * budget it waits for that work to finish first (cuCtxSynchronize), so the
 * serve job never queues behind much. A graph launch is one decision.
 *
 * Never deadlocks: a held launch goes after max_wait_ns (counted); the gate
 * opens for good when the serve job or the coordinator is dead (pid check)
 * or when the serve job is busy without any activity for stale_ns. Nothing
 * here exits, aborts or takes a lock shared with another process.
 */
#ifndef GP_COLLECTOR_GATE_H
#define GP_COLLECTOR_GATE_H

#include "common/event.h"

/* What a driver function is to the gate. */
enum gp_gate_op {
    GP_GATE_OP_NONE = 0,
    GP_GATE_OP_LAUNCH = 1,        /* kernel, cooperative kernel, graph, async copy, memset */
    GP_GATE_OP_SYNC = 2,          /* ctx/stream/event synchronize, synchronous copy */
    GP_GATE_OP_CAPTURE_BEGIN = 3, /* stream capture: launches are not GPU work */
    GP_GATE_OP_CAPTURE_END = 4
};

/* Reads the environment and maps the region. Returns 1 if the gate is
 * active in this process, 0 if not (not a pack member, or a region that
 * fails validation: said once through say). emit adds a cosched record to
 * the trace (called from the app's threads; may drop). */
int gp_gate_init(void (*say)(const char *line), void (*emit)(const gp_record *r));

/* The gate's class of a driver function, by its CUPTI callback name.
 * Pure; O(length of name). */
int gp_gate_classify(const char *name);

/* A classified driver call: enter = 1 at API ENTER, 0 at API EXIT.
 * App thread. May wait (best-effort job only), never beyond max_wait_ns
 * plus one drain of the job's own queued work. */
void gp_gate_api(int op, int enter);

/* An NVTX push (push = 1) or pop (0) in the default domain. App thread. */
void gp_gate_nvtx(int push);

#endif
