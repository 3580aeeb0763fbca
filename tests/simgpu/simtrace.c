/* simtrace.c: a stand-in collector for the simulated GPU's tests, loaded
 * by the fake driver's cuInit through CUDA_INJECTION64_PATH
 * (libsimtrace.so).
 *
 * InitializeInjection counts its calls (simtrace_init_calls, so a test can
 * see that cuInit called it once). When SIMTRACE_OUT is set it also traces
 * the process through the CUPTI named by GPUPACK_CUPTI_PATH (harness.c:
 * every kind the fixture makes, a subscriber "simtrace" on the RESOURCE
 * domain) and at exit writes SIMTRACE_OUT.<pid>, one line in the test
 * programs' summary format followed by checks:
 *   kernels=K memcpy=C memset=M sync=S nvtx_ranges=R nvtx_marks=A graphs=G
 *   devices=D api=N dropped=X unpaired=U uncorrelated=Y overlaps=O
 *   subscribe=ok|taken(<the other subscriber's name>)
 * graphs: distinct graph launches seen in kernel records; unpaired: NVTX
 * range starts and ends without their partner; uncorrelated: GPU and sync
 * records whose correlation id no DRIVER or RUNTIME API record has; api:
 * DRIVER and RUNTIME records; overlaps: kernels
 * overlapping an earlier one on their stream. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/simgpu/harness.h"

#define EXPORT __attribute__((visibility("default")))

EXPORT int InitializeInjection(void);
EXPORT int simtrace_init_calls(void);

static pthread_mutex_t init_mu = PTHREAD_MUTEX_INITIALIZER;
static int init_calls;
static char subscribe_note[96] = "none";

static uint32_t corr_of(const sh_rec *r)
{
    switch (r->u.any.kind) {
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL: return r->u.k.correlationId;
    case CUPTI_ACTIVITY_KIND_MEMCPY: return r->u.c.correlationId;
    case CUPTI_ACTIVITY_KIND_MEMSET: return r->u.s.correlationId;
    case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION: return r->u.y.correlationId;
    default: return 0;
    }
}

static int has_api(uint32_t corr, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const sh_rec *r = sh_get(i);
        if ((r->u.any.kind == CUPTI_ACTIVITY_KIND_DRIVER ||
             r->u.any.kind == CUPTI_ACTIVITY_KIND_RUNTIME) && r->u.a.correlationId == corr)
            return 1;
    }
    return 0;
}

/* Number of records of kind with the given marker flag and id. */
static size_t markers(CUpti_ActivityFlag flag, uint32_t id, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        const sh_rec *r = sh_get(i);
        k += r->u.any.kind == CUPTI_ACTIVITY_KIND_MARKER && r->u.m.flags == flag && r->u.m.id == id;
    }
    return k;
}

/* O(n^2) checks: fine for test programs' few thousand records. */
static void write_summary(FILE *f, size_t dropped)
{
    size_t n = sh_count(), counts[4] = { 0 }, ranges = 0, marks = 0, graphs = 0, api = 0;
    size_t unpaired = 0, uncorrelated = 0, overlaps = 0, devices = 0;
    uint32_t devs_seen = 0;

    for (size_t i = 0; i < n; i++) {
        const sh_rec *r = sh_get(i);
        switch (r->u.any.kind) {
        case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL:
            counts[0]++;
            if (r->u.k.deviceId < 32 && !(devs_seen & (1u << r->u.k.deviceId))) {
                devs_seen |= 1u << r->u.k.deviceId;
                devices++;
            }
            if (r->u.k.graphId) {
                size_t j;
                for (j = 0; j < i; j++) {
                    const sh_rec *q = sh_get(j);
                    if (q->u.any.kind == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL && q->u.k.graphId &&
                        q->u.k.correlationId == r->u.k.correlationId)
                        break;
                }
                graphs += j == i;
            }
            for (size_t j = 0; j < i; j++) {
                const sh_rec *q = sh_get(j);
                overlaps += q->u.any.kind == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL &&
                            q->u.k.contextId == r->u.k.contextId && q->u.k.streamId == r->u.k.streamId &&
                            q->u.k.start < r->u.k.end && r->u.k.start < q->u.k.end;
            }
            break;
        case CUPTI_ACTIVITY_KIND_MEMCPY: counts[1]++; break;
        case CUPTI_ACTIVITY_KIND_MEMSET: counts[2]++; break;
        case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION: counts[3]++; break;
        case CUPTI_ACTIVITY_KIND_DRIVER:
        case CUPTI_ACTIVITY_KIND_RUNTIME: api++; break;
        case CUPTI_ACTIVITY_KIND_MARKER:
            if (r->u.m.flags == CUPTI_ACTIVITY_FLAG_MARKER_INSTANTANEOUS) {
                marks++;
            } else if (r->u.m.flags == CUPTI_ACTIVITY_FLAG_MARKER_START) {
                ranges++;
                unpaired += markers(CUPTI_ACTIVITY_FLAG_MARKER_END, r->u.m.id, n) != 1;
            } else {
                unpaired += markers(CUPTI_ACTIVITY_FLAG_MARKER_START, r->u.m.id, n) != 1;
            }
            break;
        default: break;
        }
        if (corr_of(r) && !has_api(corr_of(r), n))
            uncorrelated++;
        else if (!corr_of(r) && r->u.any.kind != CUPTI_ACTIVITY_KIND_DRIVER &&
                 r->u.any.kind != CUPTI_ACTIVITY_KIND_RUNTIME &&
                 r->u.any.kind != CUPTI_ACTIVITY_KIND_MARKER && r->u.any.kind != CUPTI_ACTIVITY_KIND_MARKER_DATA)
            uncorrelated++;
    }
    fprintf(f, "kernels=%zu memcpy=%zu memset=%zu sync=%zu nvtx_ranges=%zu nvtx_marks=%zu graphs=%zu "
            "devices=%zu api=%zu dropped=%zu unpaired=%zu uncorrelated=%zu overlaps=%zu subscribe=%s\n",
            counts[0], counts[1], counts[2], counts[3], ranges, marks, graphs, devices, api, dropped,
            unpaired, uncorrelated, overlaps, subscribe_note);
}

static void at_exit(void)
{
    const char *out = getenv("SIMTRACE_OUT");
    size_t dropped = 0;
    char path[1024];
    FILE *f;

    sh_flush(1);
    shc.ActivityGetNumDroppedRecords(NULL, 0, &dropped);
    snprintf(path, sizeof path, "%s.%ld", out, (long)getpid());
    f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "simtrace: cannot write %s\n", path);
    } else {
        write_summary(f, dropped);
        fclose(f);
    }
    sh_free();
}

static void CUPTIAPI on_resource(void *ud, CUpti_CallbackDomain d, CUpti_CallbackId id, const void *p)
{
    (void)ud, (void)d, (void)id, (void)p;
}

/* Starts tracing; failures are reported on stderr and leave the app alone. */
static void start_tracing(void)
{
    char why[512], old[CUPTI_OLD_SUBSCRIBER_NAME_MIN_LEN] = "";
    CUpti_SubscriberParams p = { CUpti_SubscriberParams_STRUCT_SIZE, "simtrace", old, sizeof old };
    CUpti_SubscriberHandle sub;
    CUptiResult r;

    if (sh_load(getenv("GPUPACK_CUPTI_PATH"), why, sizeof why) != 0) {
        fprintf(stderr, "simtrace: %s\n", why);
        return;
    }
    r = shc.Subscribe_v2(&sub, on_resource, NULL, &p);
    if (r == CUPTI_SUCCESS) {
        snprintf(subscribe_note, sizeof subscribe_note, "ok");
        shc.EnableDomain(1, sub, CUPTI_CB_DOMAIN_RESOURCE);
    } else if (r == CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED) {
        snprintf(subscribe_note, sizeof subscribe_note, "taken(%s)", old);
    } else {
        snprintf(subscribe_note, sizeof subscribe_note, "error%d", (int)r);
    }
    r = sh_start(SH_KINDS_ALL);
    if (r != CUPTI_SUCCESS) {
        fprintf(stderr, "simtrace: cannot start CUPTI activity tracing (error %d)\n", (int)r);
        return;
    }
    atexit(at_exit);
}

int InitializeInjection(void)
{
    int first;

    pthread_mutex_lock(&init_mu);
    first = init_calls++ == 0;
    pthread_mutex_unlock(&init_mu);
    if (first && getenv("SIMTRACE_OUT"))
        start_tracing();
    return 1;
}

int simtrace_init_calls(void)
{
    int n;

    pthread_mutex_lock(&init_mu);
    n = init_calls;
    pthread_mutex_unlock(&init_mu);
    return n;
}
