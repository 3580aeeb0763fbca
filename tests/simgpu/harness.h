/* harness.h: plays the collector's part against a CUPTI library for the
 * simulated GPU's own tests and its trace injection (simtrace.c): loads
 * CUPTI with dlopen, registers buffer and CLOCK_MONOTONIC timestamp
 * callbacks, enables kinds, and keeps a copy of every record delivered.
 * One harness per process; thread-safe.
 *
 *     char why[256];
 *     if (sh_load(getenv("GPUPACK_CUPTI_PATH"), why, sizeof why) != 0) ...
 *     sh_start(SH_KINDS_ALL);
 *     ... CUDA calls ...
 *     sh_flush(1);
 *     for (size_t i = 0; i < sh_count(); i++) { const sh_rec *r = sh_get(i); ... }
 */
#ifndef GP_SIMGPU_HARNESS_H
#define GP_SIMGPU_HARNESS_H

#include <cupti.h>
#include <stddef.h>
#include <stdint.h>

/* One delivered record, copied out of its buffer. */
typedef struct sh_rec {
    union {
        CUpti_Activity any;
        CUpti_ActivityKernel10 k;
        CUpti_ActivityMemcpy6 c;
        CUpti_ActivityMemset4 s;
        CUpti_ActivitySynchronization2 y;
        CUpti_ActivityAPI a;
        CUpti_ActivityMarker2 m;
        CUpti_ActivityMarkerData2 d;
    } u;
    unsigned long done_thread;    /* pthread_self() of the done() call */
} sh_rec;

/* The CUPTI functions the harness and the tests call (as gp_cupti does). */
typedef struct sh_cupti {
    void *lib;
    CUptiResult (*GetVersion)(uint32_t *);
    CUptiResult (*GetResultString)(CUptiResult, const char **);
    CUptiResult (*GetTimestamp)(uint64_t *);
    CUptiResult (*Subscribe)(CUpti_SubscriberHandle *, CUpti_CallbackFunc, void *);
    CUptiResult (*Subscribe_v2)(CUpti_SubscriberHandle *, CUpti_CallbackFunc, void *,
                                CUpti_SubscriberParams *);
    CUptiResult (*Unsubscribe)(CUpti_SubscriberHandle);
    CUptiResult (*EnableCallback)(uint32_t, CUpti_SubscriberHandle, CUpti_CallbackDomain,
                                  CUpti_CallbackId);
    CUptiResult (*EnableDomain)(uint32_t, CUpti_SubscriberHandle, CUpti_CallbackDomain);
    CUptiResult (*GetCallbackName)(CUpti_CallbackDomain, uint32_t, const char **);
    CUptiResult (*ActivityRegisterCallbacks)(CUpti_BuffersCallbackRequestFunc,
                                             CUpti_BuffersCallbackCompleteFunc);
    CUptiResult (*ActivityRegisterTimestampCallback)(CUpti_TimestampCallbackFunc);
    CUptiResult (*ActivityEnable)(CUpti_ActivityKind);
    CUptiResult (*ActivityDisable)(CUpti_ActivityKind);
    CUptiResult (*ActivityFlushAll)(uint32_t);
    CUptiResult (*ActivityFlushPeriod)(uint32_t);
    CUptiResult (*ActivityGetNextRecord)(uint8_t *, size_t, CUpti_Activity **);
    CUptiResult (*ActivityGetNumDroppedRecords)(CUcontext, uint32_t, size_t *);
    CUptiResult (*ActivitySetAttribute)(CUpti_ActivityAttribute, size_t *, void *);
    CUptiResult (*ActivityEnableLatencyTimestamps)(uint8_t);
    CUptiResult (*ActivityEnableDriverApi)(CUpti_CallbackId, uint8_t);
    CUptiResult (*SetThreadIdType)(CUpti_ActivityThreadIdType);
    CUptiResult (*GetDeviceId)(CUcontext, uint32_t *);
    CUptiResult (*GetContextId)(CUcontext, uint32_t *);
    CUptiResult (*GetStreamIdEx)(CUcontext, CUstream, uint8_t, uint32_t *);
    CUptiResult (*GetGraphId)(CUgraph, uint32_t *);
    CUptiResult (*Finalize)(void);
    int (*InitializeInjectionNvtx2)(void *);
} sh_cupti;

extern sh_cupti shc;

/* Kinds for sh_start. */
#define SH_KINDS_ALL 1
#define SH_KINDS_NONE 0

/* Loads the CUPTI at path into shc. 0, or -1 with a reason in why. */
int sh_load(const char *path, char *why, size_t why_len);
/* Registers the buffer callbacks and the CLOCK_MONOTONIC timestamp
 * callback, sets SYSTEM thread ids and latency timestamps, and with
 * SH_KINDS_ALL enables CONCURRENT_KERNEL, MEMCPY, MEMSET, SYNCHRONIZATION,
 * DRIVER, RUNTIME, MARKER and MARKER_DATA. Returns the first failing CUPTI result or
 * CUPTI_SUCCESS. */
CUptiResult sh_start(int kinds);
/* cuptiActivityFlushAll (forced or not). */
CUptiResult sh_flush(int forced);
/* Buffers handed out from now on have this size (default 64 KiB); 0 makes
 * req() return no buffer. */
void sh_set_buffer_size(size_t bytes);
/* Records delivered so far, in delivery order. sh_get's pointer is valid
 * until the next sh_clear or delivery. */
size_t sh_count(void);
const sh_rec *sh_get(size_t i);
size_t sh_count_kind(CUpti_ActivityKind kind);
/* The first record of kind (a GPU, sync or API kind) with correlation id
 * corr, or NULL; O(records). */
const sh_rec *sh_find(CUpti_ActivityKind kind, uint32_t corr);
/* The last API record of kind (DRIVER or RUNTIME) for cbid, or NULL. */
const CUpti_ActivityAPI *sh_last_api(CUpti_ActivityKind kind, CUpti_CallbackId cbid);
/* Number of done() calls so far, and how many came from a thread other
 * than the one that called sh_start. */
size_t sh_done_calls(void);
size_t sh_done_calls_elsewhere(void);
/* Forgets the records and counters (not the registration). */
void sh_clear(void);
/* Frees the copies (for leak checkers); the harness is unusable after. */
void sh_free(void);
uint64_t sh_mono(void);

#endif
