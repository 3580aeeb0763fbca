/* gate.h: the collector's side of `gpupack pack`'s co-scheduler.
 *
 * Active only in a process whose environment names a pack region and a
 * role (cosched/region.h: GPUPACK_PACK_REGION, GPUPACK_PACK_ROLE). In the
 * high-priority (serve) job it publishes, with a few relaxed atomic stores
 * per launch, whether the job has GPU work in flight: an outermost NVTX
 * push/pop range is open (one per request, by convention), or it launched
 * work since its last completed synchronization. It also publishes each
 * request's latency (the range, or failing ranges, the launch burst up to
 * its synchronize). In the best-effort (train) job it is asked on API
 * ENTER of every kernel, graph, copy and memset launch, through the driver
 * or the runtime: it holds the launch while the serve job has work in
 * flight (bounded wait), and when the job's queued work exceeds the budget
 * it waits for that work to finish first (a synchronize of every context
 * it launched to), so the serve job never queues behind much. A graph
 * launch is one decision.
 *
 * Stream capture: a launch into a capturing stream (asked of the driver
 * per launch, cuStreamIsCapturing on the launch's stream) is not GPU work:
 * never held nor counted. While any stream of the process captures (a
 * count kept from successful capture begins and ends) the gate never
 * synchronizes: a context synchronize during a capture in the default
 * global mode is refused and invalidates the capture (cuda.h,
 * cuThreadExchangeStreamCaptureMode).
 *
 * Never deadlocks: a held launch goes after max_wait_ns (counted); the gate
 * opens for good when the serve job or the coordinator is dead (pid check)
 * or when the serve job is busy without any activity for stale_ns. Nothing
 * here exits, aborts or takes a lock shared with another process.
 */
#ifndef GP_COLLECTOR_GATE_H
#define GP_COLLECTOR_GATE_H

#include <cuda.h>
#include <stdint.h>

#include "common/event.h"

/* What a driver or runtime function is to the gate. */
enum gp_gate_op {
    GP_GATE_OP_NONE = 0,
    GP_GATE_OP_LAUNCH = 1,        /* kernel, cooperative kernel, graph, copy, memset */
    GP_GATE_OP_SYNC = 2,          /* returns once queued work is complete (gp_gate_scope) */
    GP_GATE_OP_CAPTURE_BEGIN = 3, /* stream capture: launches are not GPU work */
    GP_GATE_OP_CAPTURE_END = 4
};

/* Which queued work a GP_GATE_OP_SYNC has completed when it returns. */
enum gp_gate_scope {
    GP_GATE_SCOPE_NONE = 0,
    GP_GATE_SCOPE_CONTEXT = 1,    /* every stream of the call's context */
    GP_GATE_SCOPE_STREAM = 2,     /* the call's stream */
    GP_GATE_SCOPE_LEGACY = 3,     /* the legacy stream (a synchronous copy to the host) */
    GP_GATE_SCOPE_EVENT = 4       /* up to an event: no stream the gate can tell */
};

/* A driver or runtime function as the gate sees it, from its CUPTI
 * callback name (gp_gate_describe), once per callback id. */
typedef struct gp_gate_fn {
    uint8_t op;                   /* gp_gate_op */
    uint8_t scope;                /* gp_gate_scope, for GP_GATE_OP_SYNC */
    int16_t args;                 /* how to read its functionParams; -1: not read */
} gp_gate_fn;

/* One call at API ENTER or EXIT (gp_gate_call_init). */
typedef struct gp_gate_call {
    int op, scope;                /* gp_gate_op, gp_gate_scope (refined by the arguments) */
    int enter;                    /* 1 at API ENTER, 0 at EXIT */
    CUcontext ctx;                /* the context it runs in (the callback's, or its argument) */
    CUstream stream;              /* its stream, when has_stream */
    int has_stream;
    int result;                   /* at EXIT: its CUresult or cudaError_t; 0 is success */
    uint64_t *slot;               /* CUPTI's correlationData, ENTER to EXIT; may be NULL */
} gp_gate_call;

/* Reads the environment and maps the region. Returns 1 if the gate is
 * active in this process, 0 if not (not a pack member, or a region that
 * fails validation: said once through say). emit adds a cosched record to
 * the trace (called from the app's threads; may drop). */
int gp_gate_init(void (*say)(const char *line), void (*emit)(const gp_record *r));

/* The gate's view of a driver ("cuLaunchKernel") or runtime
 * ("cudaLaunchKernel_v7000", "__cudaLaunchKernel_v13000") function by its
 * CUPTI callback name. Pure; O(length of name + a table of ~70 names). */
gp_gate_fn gp_gate_describe(const char *name);
/* gp_gate_describe(name).op. */
int gp_gate_classify(const char *name);

/* Fills call for fn from the callback's functionParams (the function's
 * <name>_params struct from CUPTI's generated headers, or NULL), context,
 * result (read at EXIT only) and correlationData. Reads only the fields
 * of params fn names. */
void gp_gate_call_init(gp_gate_call *call, gp_gate_fn fn, const void *params, int enter,
                       CUcontext ctx, int result, uint64_t *slot);

/* A classified call at ENTER or EXIT. App thread. May wait (best-effort
 * job only), never beyond max_wait_ns plus one drain of the job's own
 * queued work. */
void gp_gate_api(const gp_gate_call *call);

/* An NVTX push (push = 1) or pop (0) in the default domain. App thread. */
void gp_gate_nvtx(int push);

#endif
