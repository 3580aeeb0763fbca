/* callbacks.c: the session's CUPTI callbacks: operations issued (one
 * relaxed atomic add per launch), new contexts and streams (described
 * once), and the co-scheduler's gate (gate.h). Run on the job's threads. */
#include "config.h"

#include <string.h>

#include "collector/devinfo.h"
#include "collector/gate.h"
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

void CUPTIAPI gp_on_callback(void *ud, CUpti_CallbackDomain dom, CUpti_CallbackId cbid,
                                 const void *data)
{
    (void)ud;
    if (dom == CUPTI_CB_DOMAIN_DRIVER_API) {
        const CUpti_CallbackData *cd = data;
        /* The hot path: one branch and an atomic add per launch. */
        if (cd->callbackSite == CUPTI_API_ENTER && cbid < MAX_CBID &&
            gp_sess.op_kind[cbid] == OP_COUNTED)
            atomic_fetch_add_explicit(&gp_sess.ops_issued, 1, memory_order_relaxed);
        if (gp_sess.gate_on && cbid < MAX_CBID && gp_sess.gate_op[cbid])
            gp_gate_api(gp_sess.gate_op[cbid], cd->callbackSite == CUPTI_API_ENTER);
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

/* Marks the driver callbacks that issue GPU work, by their CUPTI names. */
void gp_callbacks_enable(void)
{
    gp_sess.cupti.EnableCallback(1, gp_sess.sub, CUPTI_CB_DOMAIN_RESOURCE,
                                 CUPTI_CBID_RESOURCE_CONTEXT_CREATED);
    gp_sess.cupti.EnableCallback(1, gp_sess.sub, CUPTI_CB_DOMAIN_RESOURCE,
                                 CUPTI_CBID_RESOURCE_STREAM_CREATED);
    for (uint32_t cbid = 1; cbid < MAX_CBID; cbid++) {
        const char *name = NULL;
        int kind = 0, gate;

        if (gp_sess.cupti.GetCallbackName(CUPTI_CB_DOMAIN_DRIVER_API, cbid, &name) !=
                CUPTI_SUCCESS || !name)
            continue;
        if (strncmp(name, "cuGraphLaunch", 13) == 0)
            kind = OP_GRAPH;
        else if ((strncmp(name, "cuLaunch", 8) == 0 && !strstr(name, "HostFunc")) ||
                 strncmp(name, "cuMemcpy", 8) == 0 || strncmp(name, "cuMemset", 8) == 0)
            kind = OP_COUNTED;
        gate = gp_sess.gate_on ? gp_gate_classify(name) : 0;
        if ((kind || gate) && gp_sess.cupti.EnableCallback(1, gp_sess.sub,
                                                           CUPTI_CB_DOMAIN_DRIVER_API, cbid) ==
                                  CUPTI_SUCCESS) {
            gp_sess.op_kind[cbid] = (unsigned char)kind;
            gp_sess.gate_op[cbid] = (unsigned char)gate;
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
