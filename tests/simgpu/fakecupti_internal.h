/* fakecupti_internal.h: what the fake CUPTI's files share (fakecupti*.c).
 *
 * fakecupti.c           attaching to the fake driver, clocks, ids, misc API
 * fakecupti_activity.c  activity kinds, the record queue and its delivery
 * fakecupti_callback.c  the one subscriber, callbacks, API records
 * fakecupti_nvtx.c      NVTX injection and marker records
 * fakecupti_pm.c        PM sampling: the device side and the GPU timeline it samples
 * fakecupti_pm_host.c   the profiler host API: metrics, config images, evaluation
 */
#ifndef GP_FAKECUPTI_INTERNAL_H
#define GP_FAKECUPTI_INTERNAL_H

#include <cupti.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/simgpu/simgpu_internal.h"

/* --- fakecupti.c ---------------------------------------------------------- */
/* The fake driver, attaching to it on first use (thread-safe). NULL when no
 * fake libcuda.so.1 is loaded: callers fail with CUPTI_ERROR_UNKNOWN, as
 * real CUPTI does without a driver. */
const simgpu_driver *sc_driver(void);
/* The record clock now: the registered timestamp callback, else
 * CLOCK_REALTIME (as real CUPTI on Linux). */
uint64_t sc_now(void);
/* The CUPTI API version this copy plays (see fakecupti.c). */
uint32_t sc_version(void);
/* Nonzero if that CUPTI's major version is newer than the driver's. */
int sc_too_new_for_driver(void);
/* CUPTI 12.6-13.0 with a timestamp callback registered: every Nth kernel
 * record loses its timestamps (start = end = 0); N, or 0 for none. */
int sc_zero_ts_every(void);
/* A driver (CLOCK_MONOTONIC) time on the record clock; 0 stays 0. */
uint64_t sc_from_mono(uint64_t mono_ns);
uint64_t sc_mono(void);
/* CUPTI's internal lock, recursive. The fake holds it where a real CUPTI
 * holds its own lock while calling the client: around RESOURCE callbacks
 * and around the worker thread's buffer deliveries; the queries that read
 * CUPTI's tables (cuptiActivityGetNumDroppedRecords, cuptiGet*Id) take it.
 * So a client that calls CUPTI while holding a lock its callbacks also
 * take deadlocks here as it would on the real one (a delivery on a thread
 * that called cuptiActivityFlushAll does not hold it). */
void sc_lock(void);
void sc_unlock(void);
/* The thread id records carry (cuptiSetThreadIdType). */
uint32_t sc_thread_id(void);
uint32_t sc_process_id(void); /* getpid(), cached */
const char *sc_intern(const char *s);

/* --- fakecupti_activity.c ------------------------------------------------- */
int sc_kind_on(CUpti_ActivityKind kind);
/* Nonzero if a DRIVER API record is wanted for cbid. */
int sc_driver_api_on(CUpti_CallbackId cbid);
/* Nonzero if a RUNTIME API record is wanted for cbid. */
int sc_runtime_api_on(CUpti_CallbackId cbid);
/* Queues a copy of a record whose times are already on the record clock,
 * complete once CLOCK_MONOTONIC passes complete_mono (0: now). Full queue
 * or no memory: the record is dropped and counted. Never calls out. */
void sc_queue(const void *record, size_t size, uint64_t complete_mono);
/* simgpu_tracer.wants and .emit (driver records, times in mono). */
int sc_tracer_wants(CUpti_ActivityKind kind);
void sc_tracer_emit(const CUpti_Activity *record, size_t size, uint64_t complete_ns);
/* cuptiFinalize: stops the worker, drops queued records, disables all. */
void sc_activity_finalize(void);

/* --- fakecupti_callback.c ------------------------------------------------- */
extern const simgpu_tracer sc_tracer;
/* Calls the subscriber for an NVTX function if it enabled cbid. */
void sc_nvtx_callback(CUpti_CallbackId cbid, const char *name, const void *params);
void sc_callback_finalize(void);

/* --- fakecupti_pm.c, fakecupti_pm_host.c: PM sampling ----------------------
 * (tests/simgpu/README.md states the rules.) The chip the simulated GPU
 * reports; no real CUPTI knows it. */
#define SC_PM_CHIP "SIMGPU0"
#define SC_PM_MAX_METRICS 8

/* Nonzero while a PM sampler is enabled and kind feeds it (kernels, copies,
 * memsets). Cheap; called with the driver lock held. */
int sc_pm_wants(CUpti_ActivityKind kind);
/* Notes a GPU record (times in mono) on its device's timeline for the PM
 * sampler. Leaf lock; never calls out. */
void sc_pm_note(const CUpti_Activity *record, size_t size);

/* What the simulated hardware counts in one sample. */
typedef struct sc_pm_raw {
    uint64_t start, end;        /* record clock, as CUPTI reports them */
    uint64_t interval_ns;       /* end - start in mono ns */
    uint64_t busy_ns;           /* time with a kernel running on the device */
    uint64_t dram_bytes;        /* device memory read + written by copies and memsets */
} sc_pm_raw;

/* The metrics the chip knows: index, or -1 for a name it does not know. */
int sc_pm_metric(const char *name);
/* Metric m's value over one sample. */
double sc_pm_value(int m, const sc_pm_raw *raw);

/* A config image, as cuptiProfilerHostGetConfigImage writes it. */
typedef struct sc_pm_config {
    char magic[8];              /* "SGPMCFG" */
    char chip[16];
    uint32_t passes, n;
    int32_t metric[SC_PM_MAX_METRICS];
} sc_pm_config;
/* The config in (img, size), or NULL if it is not one. */
const sc_pm_config *sc_pm_config_check(const uint8_t *img, size_t size);

/* A counter-data image: this header, then max_samples sc_pm_raw. */
typedef struct sc_pm_image {
    char magic[8];              /* "SGPMDAT" */
    uint64_t owner;             /* the sampling object's serial number */
    uint32_t max_samples, completed;
    uint32_t n;
    int32_t metric[SC_PM_MAX_METRICS];
} sc_pm_image;
/* The image in (img, size) with its samples, or NULL if it is not one. */
const sc_pm_image *sc_pm_image_check(const uint8_t *img, size_t size);
/* Its sample i (i < completed). */
const sc_pm_raw *sc_pm_image_sample(const sc_pm_image *im, size_t i);
/* The counter availability image of the chip: its bytes and size. */
extern const uint8_t sc_pm_avail[32];

/* The objects a PM API handed out and not yet took back, so that a stale or
 * made-up handle is refused instead of followed. The caller locks. */
typedef struct sc_live {
    void **v;
    size_t n, cap;
} sc_live;
/* 0, or -1 when out of memory. */
int sc_live_add(sc_live *s, void *p);
/* 1 if p is in s. */
int sc_live_has(const sc_live *s, const void *p);
/* Takes p out; 1 if it was in s. */
int sc_live_remove(sc_live *s, const void *p);

#endif
