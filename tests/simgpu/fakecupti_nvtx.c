/* fakecupti_nvtx.c: the fake CUPTI's NVTX injection (InitializeInjectionNvtx2,
 * called by NVTX v3 when NVTX_INJECTION64_PATH names this library) and the
 * marker records it makes, as CUPTI does:
 *   - marks: one CUpti_ActivityMarker2, flags MARKER_INSTANTANEOUS;
 *   - ranges (start/end and push/pop, default domain or not): a START and an
 *     END record sharing an id; END has no name;
 *   - objectKind THREAD with the process and thread ids; domain NULL for
 *     the default domain, else the domain's name;
 *   - Ex calls (with event attributes) also make a CUpti_ActivityMarkerData2
 *     with the same id (color, category, payload) when MARKER_DATA is on.
 * Records need MARKER enabled. Push/pop nest per thread and domain, up to
 * STACK_DEPTH deep in STACK_DOMAINS domains per thread; deeper ranges are
 * counted (the return values stay right) but not recorded. Names are
 * interned, so their pointers stay valid. Also calls the subscriber's NVTX
 * callbacks (CUpti_NvtxData with the real nvtx*_params). */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#define NVTX_NO_IMPL /* types only: this library implements the API */
#include <generated_nvtx_meta.h>

#include "tests/simgpu/fakecupti_internal.h"

#define MAX_DOMAINS 256
#define STACK_DEPTH 64
#define STACK_DOMAINS 8

typedef struct domain {
    const char *name;             /* interned */
} domain;

static pthread_mutex_t domains_mu = PTHREAD_MUTEX_INITIALIZER;
static domain domains[MAX_DOMAINS];
static int ndomains;
static atomic_uint next_marker_id = 1;

/* Push/pop stacks of this thread; slot 0 is the default domain. */
static __thread struct {
    const domain *dom;
    int used, depth;
    uint32_t ids[STACK_DEPTH];
} stacks[STACK_DOMAINS];

int InitializeInjectionNvtx2(NvtxGetExportTableFunc_t getExportTable);

/* The message of attr as a string (interned), or NULL. */
static const char *message_of(const nvtxEventAttributes_t *a)
{
    char buf[256];
    size_t i;

    if (!a)
        return NULL;
    switch (a->messageType) {
    case NVTX_MESSAGE_TYPE_ASCII: return sc_intern(a->message.ascii);
    case NVTX_MESSAGE_TYPE_REGISTERED: return (const char *)a->message.registered;
    case NVTX_MESSAGE_TYPE_UNICODE: /* ASCII only; anything else becomes '?' */
        if (!a->message.unicode)
            return NULL;
        for (i = 0; i + 1 < sizeof buf && a->message.unicode[i]; i++)
            buf[i] = a->message.unicode[i] > 0 && a->message.unicode[i] < 128
                         ? (char)a->message.unicode[i] : '?';
        buf[i] = 0;
        return sc_intern(buf);
    default: return NULL;
    }
}

static const char *wide_name(const wchar_t *w)
{
    nvtxEventAttributes_t a;

    memset(&a, 0, sizeof a);
    a.messageType = NVTX_MESSAGE_TYPE_UNICODE;
    a.message.unicode = w;
    return message_of(&a);
}

static void emit_marker(CUpti_ActivityFlag flags, uint32_t id, const char *name, const domain *dom,
                        const nvtxEventAttributes_t *attr)
{
    CUpti_ActivityMarker2 m;

    if (!sc_kind_on(CUPTI_ACTIVITY_KIND_MARKER))
        return;
    memset(&m, 0, sizeof m);
    m.kind = CUPTI_ACTIVITY_KIND_MARKER;
    m.flags = flags;
    m.timestamp = sc_now();
    m.id = id;
    m.objectKind = CUPTI_ACTIVITY_OBJECT_THREAD;
    m.objectId.pt.processId = sc_process_id();
    m.objectId.pt.threadId = sc_thread_id();
    m.name = flags == CUPTI_ACTIVITY_FLAG_MARKER_END ? NULL : name;
    m.domain = dom ? dom->name : NULL;
    sc_queue(&m, sizeof m, 0);
    if (attr && flags != CUPTI_ACTIVITY_FLAG_MARKER_END && sc_kind_on(CUPTI_ACTIVITY_KIND_MARKER_DATA)) {
        CUpti_ActivityMarkerData2 d;
        memset(&d, 0, sizeof d);
        d.kind = CUPTI_ACTIVITY_KIND_MARKER_DATA;
        d.flags = attr->colorType == NVTX_COLOR_ARGB ? CUPTI_ACTIVITY_FLAG_MARKER_COLOR_ARGB
                                                     : CUPTI_ACTIVITY_FLAG_MARKER_COLOR_NONE;
        d.id = id;
        switch (attr->payloadType) {
        case NVTX_PAYLOAD_TYPE_INT64:
            d.payloadKind = CUPTI_METRIC_VALUE_KIND_INT64;
            d.payload.metricValueInt64 = attr->payload.llValue;
            break;
        case NVTX_PAYLOAD_TYPE_INT32:
            d.payloadKind = CUPTI_METRIC_VALUE_KIND_INT64;
            d.payload.metricValueInt64 = attr->payload.iValue;
            break;
        case NVTX_PAYLOAD_TYPE_DOUBLE:
            d.payloadKind = CUPTI_METRIC_VALUE_KIND_DOUBLE;
            d.payload.metricValueDouble = attr->payload.dValue;
            break;
        case NVTX_PAYLOAD_TYPE_FLOAT:
            d.payloadKind = CUPTI_METRIC_VALUE_KIND_DOUBLE;
            d.payload.metricValueDouble = attr->payload.fValue;
            break;
        case NVTX_PAYLOAD_TYPE_UNSIGNED_INT32:
            d.payloadKind = CUPTI_METRIC_VALUE_KIND_UINT64;
            d.payload.metricValueUint64 = attr->payload.uiValue;
            break;
        default: /* UNSIGNED_INT64, or no payload (then 0) */
            d.payloadKind = CUPTI_METRIC_VALUE_KIND_UINT64;
            d.payload.metricValueUint64 =
                attr->payloadType == NVTX_PAYLOAD_TYPE_UNSIGNED_INT64 ? attr->payload.ullValue : 0;
            break;
        }
        d.color = attr->colorType == NVTX_COLOR_ARGB ? attr->color : 0;
        d.category = attr->category;
        d.cuptiDomainId = dom ? (uint32_t)(dom - domains) + 1 : 0;
        sc_queue(&d, sizeof d, 0);
    }
}

static uint32_t new_id(void)
{
    return atomic_fetch_add(&next_marker_id, 1);
}

/* This thread's stack for dom, or -1 if all slots are taken. */
static int stack_of(const domain *dom)
{
    int free_slot = -1;

    if (!dom) {
        stacks[0].used = 1;
        return 0;
    }
    for (int i = 1; i < STACK_DOMAINS; i++) {
        if (stacks[i].used && stacks[i].dom == dom)
            return i;
        if (!stacks[i].used && free_slot < 0)
            free_slot = i;
    }
    if (free_slot >= 0) {
        stacks[free_slot].used = 1;
        stacks[free_slot].dom = dom;
        stacks[free_slot].depth = 0;
    }
    return free_slot;
}

static void mark(const domain *dom, const char *name, const nvtxEventAttributes_t *attr)
{
    emit_marker(CUPTI_ACTIVITY_FLAG_MARKER_INSTANTANEOUS, new_id(), name, dom, attr);
}

static nvtxRangeId_t range_start(const domain *dom, const char *name, const nvtxEventAttributes_t *attr)
{
    uint32_t id = new_id();

    emit_marker(CUPTI_ACTIVITY_FLAG_MARKER_START, id, name, dom, attr);
    return id;
}

static void range_end(const domain *dom, nvtxRangeId_t id)
{
    emit_marker(CUPTI_ACTIVITY_FLAG_MARKER_END, (uint32_t)id, NULL, dom, NULL);
}

static int push(const domain *dom, const char *name, const nvtxEventAttributes_t *attr)
{
    int s = stack_of(dom), level;
    uint32_t id;

    if (s < 0)
        return -1;
    level = stacks[s].depth++;
    if (level < STACK_DEPTH) {
        id = new_id();
        stacks[s].ids[level] = id;
        emit_marker(CUPTI_ACTIVITY_FLAG_MARKER_START, id, name, dom, attr);
    }
    return level;
}

static int pop(const domain *dom)
{
    int s = stack_of(dom), level;

    if (s < 0 || stacks[s].depth == 0)
        return -1;
    level = --stacks[s].depth;
    if (level < STACK_DEPTH)
        emit_marker(CUPTI_ACTIVITY_FLAG_MARKER_END, stacks[s].ids[level], NULL, dom, NULL);
    return level;
}

/* --- the NVTX entry points ------------------------------------------------ */

#define NVTX_CB(fn, ...)                                                                  \
    do {                                                                                  \
        fn##_params p_ = { __VA_ARGS__ };                                                 \
        sc_nvtx_callback(CUPTI_CBID_NVTX_##fn, #fn, &p_);                                 \
    } while (0)

static void NVTX_API mark_a(const char *message)
{
    NVTX_CB(nvtxMarkA, message);
    mark(NULL, sc_intern(message), NULL);
}

static void NVTX_API mark_w(const wchar_t *message)
{
    NVTX_CB(nvtxMarkW, message);
    mark(NULL, wide_name(message), NULL);
}

static void NVTX_API mark_ex(const nvtxEventAttributes_t *attr)
{
    NVTX_CB(nvtxMarkEx, attr);
    mark(NULL, message_of(attr), attr);
}

static nvtxRangeId_t NVTX_API range_start_a(const char *message)
{
    NVTX_CB(nvtxRangeStartA, message);
    return range_start(NULL, sc_intern(message), NULL);
}

static nvtxRangeId_t NVTX_API range_start_w(const wchar_t *message)
{
    NVTX_CB(nvtxRangeStartW, message);
    return range_start(NULL, wide_name(message), NULL);
}

static nvtxRangeId_t NVTX_API range_start_ex(const nvtxEventAttributes_t *attr)
{
    NVTX_CB(nvtxRangeStartEx, attr);
    return range_start(NULL, message_of(attr), attr);
}

static void NVTX_API range_end_(nvtxRangeId_t id)
{
    NVTX_CB(nvtxRangeEnd, id);
    range_end(NULL, id);
}

static int NVTX_API push_a(const char *message)
{
    NVTX_CB(nvtxRangePushA, message);
    return push(NULL, sc_intern(message), NULL);
}

static int NVTX_API push_w(const wchar_t *message)
{
    NVTX_CB(nvtxRangePushW, message);
    return push(NULL, wide_name(message), NULL);
}

static int NVTX_API push_ex(const nvtxEventAttributes_t *attr)
{
    NVTX_CB(nvtxRangePushEx, attr);
    return push(NULL, message_of(attr), attr);
}

static int NVTX_API pop_(void)
{
    NVTX_CB(nvtxRangePop, NULL);
    return pop(NULL);
}

static nvtxDomainHandle_t NVTX_API domain_create_a(const char *name)
{
    const char *n = sc_intern(name);
    domain *d = NULL;

    NVTX_CB(nvtxDomainCreateA, name);
    if (!n)
        return NULL;
    pthread_mutex_lock(&domains_mu);
    for (int i = 0; i < ndomains && !d; i++)
        if (domains[i].name == n)
            d = &domains[i];
    if (!d && ndomains < MAX_DOMAINS) {
        d = &domains[ndomains++];
        d->name = n;
    }
    pthread_mutex_unlock(&domains_mu);
    return (nvtxDomainHandle_t)d; /* NULL past MAX_DOMAINS: the default domain */
}

static void NVTX_API domain_destroy(nvtxDomainHandle_t dom)
{
    NVTX_CB(nvtxDomainDestroy, dom);
    /* domains stay: their names may be in records not yet delivered */
}

static nvtxStringHandle_t NVTX_API register_string_a(nvtxDomainHandle_t dom, const char *s)
{
    NVTX_CB(nvtxDomainRegisterStringA, dom, s);
    return (nvtxStringHandle_t)sc_intern(s);
}

static void NVTX_API domain_mark_ex(nvtxDomainHandle_t dom, const nvtxEventAttributes_t *attr)
{
    NVTX_CB(nvtxDomainMarkEx, dom, { attr });
    mark((const domain *)dom, message_of(attr), attr);
}

static nvtxRangeId_t NVTX_API domain_range_start_ex(nvtxDomainHandle_t dom,
                                                    const nvtxEventAttributes_t *attr)
{
    NVTX_CB(nvtxDomainRangeStartEx, dom, { attr });
    return range_start((const domain *)dom, message_of(attr), attr);
}

static void NVTX_API domain_range_end(nvtxDomainHandle_t dom, nvtxRangeId_t id)
{
    NVTX_CB(nvtxDomainRangeEnd, dom, { id });
    range_end((const domain *)dom, id);
}

static int NVTX_API domain_push_ex(nvtxDomainHandle_t dom, const nvtxEventAttributes_t *attr)
{
    NVTX_CB(nvtxDomainRangePushEx, dom, { attr });
    return push((const domain *)dom, message_of(attr), attr);
}

static int NVTX_API domain_pop(nvtxDomainHandle_t dom)
{
    NVTX_CB(nvtxDomainRangePop, dom);
    return pop((const domain *)dom);
}

static void NVTX_API initialize(const void *reserved)
{
    (void)reserved;
}

/* Points table entry cbid (of n) at fn. */
static void install(NvtxFunctionTable table, unsigned n, unsigned cbid, NvtxFunctionPointer fn)
{
    if (cbid < n && table[cbid])
        *table[cbid] = fn;
}

#define FP(f) ((NvtxFunctionPointer)(void (*)(void))(f))

int InitializeInjectionNvtx2(NvtxGetExportTableFunc_t getExportTable)
{
    const NvtxExportTableCallbacks *cb;
    const NvtxExportTableVersionInfo *vi;
    NvtxFunctionTable t;
    unsigned n;

    if (!getExportTable)
        return 0;
    cb = getExportTable(NVTX_ETID_CALLBACKS);
    if (!cb || cb->struct_size < sizeof *cb || !cb->GetModuleFunctionTable)
        return 0;
    vi = getExportTable(NVTX_ETID_VERSIONINFO);
    if (vi && vi->struct_size >= sizeof *vi && vi->SetInjectionNvtxVersion)
        vi->SetInjectionNvtxVersion(NVTX_VERSION);
    if (!cb->GetModuleFunctionTable(NVTX_CB_MODULE_CORE, &t, &n))
        return 0;
    install(t, n, NVTX_CBID_CORE_MarkEx, FP(mark_ex));
    install(t, n, NVTX_CBID_CORE_MarkA, FP(mark_a));
    install(t, n, NVTX_CBID_CORE_MarkW, FP(mark_w));
    install(t, n, NVTX_CBID_CORE_RangeStartEx, FP(range_start_ex));
    install(t, n, NVTX_CBID_CORE_RangeStartA, FP(range_start_a));
    install(t, n, NVTX_CBID_CORE_RangeStartW, FP(range_start_w));
    install(t, n, NVTX_CBID_CORE_RangeEnd, FP(range_end_));
    install(t, n, NVTX_CBID_CORE_RangePushEx, FP(push_ex));
    install(t, n, NVTX_CBID_CORE_RangePushA, FP(push_a));
    install(t, n, NVTX_CBID_CORE_RangePushW, FP(push_w));
    install(t, n, NVTX_CBID_CORE_RangePop, FP(pop_));
    if (!cb->GetModuleFunctionTable(NVTX_CB_MODULE_CORE2, &t, &n))
        return 1; /* an NVTX without domains: the core is enough */
    install(t, n, NVTX_CBID_CORE2_DomainMarkEx, FP(domain_mark_ex));
    install(t, n, NVTX_CBID_CORE2_DomainRangeStartEx, FP(domain_range_start_ex));
    install(t, n, NVTX_CBID_CORE2_DomainRangeEnd, FP(domain_range_end));
    install(t, n, NVTX_CBID_CORE2_DomainRangePushEx, FP(domain_push_ex));
    install(t, n, NVTX_CBID_CORE2_DomainRangePop, FP(domain_pop));
    install(t, n, NVTX_CBID_CORE2_DomainRegisterStringA, FP(register_string_a));
    install(t, n, NVTX_CBID_CORE2_DomainCreateA, FP(domain_create_a));
    install(t, n, NVTX_CBID_CORE2_DomainDestroy, FP(domain_destroy));
    install(t, n, NVTX_CBID_CORE2_Initialize, FP(initialize));
    return 1;
}
