/* fakecupti_internal.h: what the fake CUPTI's files share (fakecupti*.c).
 *
 * fakecupti.c           attaching to the fake driver, clocks, ids, misc API
 * fakecupti_activity.c  activity kinds, the record queue and its delivery
 * fakecupti_callback.c  the one subscriber, callbacks, API records
 * fakecupti_nvtx.c      NVTX injection and marker records
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

#endif
