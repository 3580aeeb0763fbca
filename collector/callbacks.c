/* callbacks.c: the session's CUPTI callbacks: operations issued (one
 * relaxed atomic add per launch), new contexts and streams (described
 * once), and the co-scheduler's gate (gate.h). Run on the job's threads.
 *
 * Launches, copies and memsets come through the driver (cuLaunchKernel:
 * Triton, hand-written driver code) or the runtime (cudaLaunchKernel,
 * CUDA 13's __cudaLaunchKernel: PyTorch eager, cuBLAS, cuDNN, CUDA C++), so
 * both API domains are listened to. CUPTI gives no driver-domain callback
 * for the driver calls the runtime makes internally; should it give one,
 * a driver callback inside a runtime call the session handles is ignored,
 * so each operation is counted and gated once, by the outermost layer. */
#include "config.h"

#include <string.h>

#include "collector/devinfo.h"
#include "collector/gate.h"
#include "collector/opcount.h"
#include "collector/session_int.h"

/* A new context: describe it, and its device the first time. App thread. */
static void on_context(CUcontext ctx)
{
    uint32_t dev = 0, id = 0;
    gp_device d;
    gp_devinfo_text text;
    gp_record r;
    int describe;

    if (gp_sess.cupti.GetDeviceId(ctx, &dev) != CUPTI_SUCCESS ||
        gp_sess.cupti.GetContextId(ctx, &id) != CUPTI_SUCCESS)
        return;
    pthread_mutex_lock(&gp_sess.lock);
    describe = dev < 64 && !(gp_sess.devices_described & (1ull << dev));
    if (describe) {
        gp_sess.devices_described |= 1ull << dev;
        if (gp_sess.counters)
            gp_sess.pm_wanted |= 1ull << dev;
    }
    pthread_mutex_unlock(&gp_sess.lock);
    gp_record_init(&r, GP_KIND_DEVICE);
    d = r.u.device;
    if (describe && gp_devinfo_device(&gp_sess.cuda, (int)dev, &d, &text) < 0)
        describe = 0;
    pthread_mutex_lock(&gp_sess.lock);
    if (gp_sess.state == ACTIVE) {
        if (describe) {
            d.name = gp_sender_intern(gp_sess.sender, text.name);
            d.uuid = gp_sender_intern(gp_sess.sender, text.uuid);
            d.pci_bus_id = gp_sender_intern(gp_sess.sender, text.pci_bus_id);
            r.u.device = d;
            gp_sender_add(gp_sess.sender, &r);
        }
        gp_record_init(&r, GP_KIND_CONTEXT);
        r.u.context.id = id;
        r.u.context.device = (int32_t)dev;
        gp_sender_add(gp_sess.sender, &r);
    }
    pthread_mutex_unlock(&gp_sess.lock);
}

/* A new stream: its id, priority and flags. App thread. */
static void on_stream(CUcontext ctx, CUstream stream)
{
    uint32_t dev = 0, ctx_id = 0, id = 0;
    gp_record r;

    if (gp_sess.cupti.GetStreamIdEx(ctx, stream, 0, &id) != CUPTI_SUCCESS)
        return;
    gp_sess.cupti.GetDeviceId(ctx, &dev);
    gp_sess.cupti.GetContextId(ctx, &ctx_id);
    gp_record_init(&r, GP_KIND_STREAM);
    r.u.stream.id = id;
    r.u.stream.context = ctx_id;
    r.u.stream.device = (int32_t)dev;
    r.u.stream.is_default = stream == NULL;
    gp_devinfo_stream(&gp_sess.cuda, stream, &r.u.stream);
    pthread_mutex_lock(&gp_sess.lock);
    if (gp_sess.state == ACTIVE)
        gp_sender_add(gp_sess.sender, &r);
    pthread_mutex_unlock(&gp_sess.lock);
}

/* Per API domain ([0] driver, [1] runtime) and callback id: its
 * gp_op_kind, and what the function is to the gate (its op, and where its
 * stream is, for capture checks even when the gate is off). Written
 * before the callbacks are enabled, read-only after. */
static unsigned char op_kind[2][MAX_CBID];
static gp_gate_fn gate_fn[2][MAX_CBID];
/* > 0 while this thread is inside a runtime call the session handles. */
static __thread int tl_runtime_depth;
/* Stream captures under way in the process (successful begins minus
 * ends): only then is a launch asked whether its stream captures. */
static atomic_int captures;

/* Operations a call issues that will have records of their own: none for
 * a launch into a capturing stream (it becomes a graph node; the graph's
 * launches bring its kernels, with a graph id). App thread, at ENTER. */
static uint64_t issued_by(int rt, CUpti_CallbackId cbid, const CUpti_CallbackData *cd)
{
    int kind = op_kind[rt][cbid];
    gp_gate_call call;
    CUstreamCaptureStatus st;

    if (kind == GP_OP_NONE || kind == GP_OP_GRAPH)
        return 0;
    if (atomic_load_explicit(&captures, memory_order_relaxed) > 0 &&
        gp_sess.cuda.StreamIsCapturing) {
        gp_gate_call_init(&call, gate_fn[rt][cbid], cd->functionParams, 1, cd->context, 0, NULL);
        if (call.has_stream && gp_sess.cuda.StreamIsCapturing(call.stream, &st) == CUDA_SUCCESS &&
            st != CU_STREAM_CAPTURE_STATUS_NONE)
            return 0;
    }
    return gp_op_count(kind, cd->functionParams);
}

/* Keeps `captures`: begins that succeeded, ends (which end the capture
 * whatever they return). At EXIT. */
static void capture_seen(int op, const CUpti_CallbackData *cd)
{
    int ok = cd->functionReturnValue && *(const int *)cd->functionReturnValue == 0;

    if (op == GP_GATE_OP_CAPTURE_BEGIN && ok)
        atomic_fetch_add(&captures, 1);
    else if (op == GP_GATE_OP_CAPTURE_END && atomic_load(&captures) > 0)
        atomic_fetch_sub(&captures, 1);
}

/* A driver or runtime API callback (enabled only for ids with an op kind
 * or a gate class). The hot path: a few branches and an atomic add. */
static void on_api(int rt, CUpti_CallbackId cbid, const CUpti_CallbackData *cd)
{
    int enter = cd->callbackSite == CUPTI_API_ENTER;
    gp_gate_call call;

    if (cbid >= MAX_CBID)
        return;
    if (rt) {
        if (enter)
            tl_runtime_depth++;
        else if (tl_runtime_depth > 0)
            tl_runtime_depth--;
    } else if (tl_runtime_depth > 0) {
        return; /* issued by the runtime call around it: counted there */
    }
    if (enter && op_kind[rt][cbid]) {
        uint64_t n = issued_by(rt, cbid, cd);
        if (n)
            atomic_fetch_add_explicit(&gp_sess.ops_issued, n, memory_order_relaxed);
    }
    if (!enter && (gate_fn[rt][cbid].op == GP_GATE_OP_CAPTURE_BEGIN ||
                   gate_fn[rt][cbid].op == GP_GATE_OP_CAPTURE_END))
        capture_seen(gate_fn[rt][cbid].op, cd);
    if (gp_sess.gate_on && gate_fn[rt][cbid].op) {
        gp_gate_call_init(&call, gate_fn[rt][cbid], cd->functionParams, enter, cd->context,
                          !enter && cd->functionReturnValue
                              ? *(const int *)cd->functionReturnValue : 0,
                          cd->correlationData);
        gp_gate_api(&call);
    }
}

void CUPTIAPI gp_on_callback(void *ud, CUpti_CallbackDomain dom, CUpti_CallbackId cbid,
                                 const void *data)
{
    (void)ud;
    if (dom == CUPTI_CB_DOMAIN_DRIVER_API || dom == CUPTI_CB_DOMAIN_RUNTIME_API) {
        on_api(dom == CUPTI_CB_DOMAIN_RUNTIME_API, cbid, data);
    } else if (dom == CUPTI_CB_DOMAIN_NVTX) {
        gp_gate_nvtx(cbid != CUPTI_CBID_NVTX_nvtxRangePop);
    } else if (dom == CUPTI_CB_DOMAIN_RESOURCE && gp_sess.state == ACTIVE) {
        const CUpti_ResourceData *rd = data;
        if (cbid == CUPTI_CBID_RESOURCE_CONTEXT_CREATED)
            on_context(rd->context);
        else if (cbid == CUPTI_CBID_RESOURCE_STREAM_CREATED)
            on_stream(rd->context, rd->resourceHandle.stream);
    }
}

/* Enables the driver and runtime callbacks that issue GPU work (and those
 * the gate needs: synchronizations, captures), by their CUPTI names. */
void gp_callbacks_enable(void)
{
    static const CUpti_CallbackDomain doms[2] = { CUPTI_CB_DOMAIN_DRIVER_API,
                                                  CUPTI_CB_DOMAIN_RUNTIME_API };

    gp_sess.cupti.EnableCallback(1, gp_sess.sub, CUPTI_CB_DOMAIN_RESOURCE,
                                 CUPTI_CBID_RESOURCE_CONTEXT_CREATED);
    gp_sess.cupti.EnableCallback(1, gp_sess.sub, CUPTI_CB_DOMAIN_RESOURCE,
                                 CUPTI_CBID_RESOURCE_STREAM_CREATED);
    for (int rt = 0; rt < 2; rt++) {
        for (uint32_t cbid = 1; cbid < MAX_CBID; cbid++) {
            const char *name = NULL;
            gp_gate_fn gate = { GP_GATE_OP_NONE, GP_GATE_SCOPE_NONE, -1 };
            int kind;

            if (gp_sess.cupti.GetCallbackName(doms[rt], cbid, &name) != CUPTI_SUCCESS || !name)
                continue;
            kind = gp_op_kind(name);
            gate = gp_gate_describe(name); /* streams and captures, gate or not */
            if (!gp_sess.gate_on && gate.op != GP_GATE_OP_CAPTURE_BEGIN &&
                gate.op != GP_GATE_OP_CAPTURE_END && !kind)
                gate.op = GP_GATE_OP_NONE;
            if ((kind || gate.op) &&
                gp_sess.cupti.EnableCallback(1, gp_sess.sub, doms[rt], cbid) == CUPTI_SUCCESS) {
                op_kind[rt][cbid] = (unsigned char)kind;
                gate_fn[rt][cbid] = gate;
            }
        }
    }
    if (gp_sess.gate_on) { /* request ranges: default-domain push/pop */
        static const CUpti_CallbackId nvtx[] = {
            CUPTI_CBID_NVTX_nvtxRangePushA, CUPTI_CBID_NVTX_nvtxRangePushW,
            CUPTI_CBID_NVTX_nvtxRangePushEx, CUPTI_CBID_NVTX_nvtxRangePop
        };
        for (size_t i = 0; i < sizeof nvtx / sizeof nvtx[0]; i++)
            gp_sess.cupti.EnableCallback(1, gp_sess.sub, CUPTI_CB_DOMAIN_NVTX, nvtx[i]);
    }
}

/* The gate's records (gate.h). App thread, gp_sess.lock not held. */
void gp_session_gate_emit(const gp_record *r)
{
    pthread_mutex_lock(&gp_sess.lock);
    if (gp_sess.state == ACTIVE && gp_sess.sender && gp_sender_add(gp_sess.sender, r) < 0)
        gp_sender_count_drop(gp_sess.sender, GP_DROP_COLLECTOR, 1);
    pthread_mutex_unlock(&gp_sess.lock);
}
