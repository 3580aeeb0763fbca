/* fakecudart_internal.h: what the fake runtime's files share (fakecudart*.c).
 *
 * fakecudart.c         the way into the driver, lazy initialization,
 *                      devices, errors, kernel registration and launches
 * fakecudart_stream.c  memory, copies, memsets, streams, captures, graphs,
 *                      synchronization
 *
 * Every exported cuda* function is one runtime API call: sr_begin (which
 * initializes the driver and the calling thread's context first, then runs
 * the ENTER callback), the driver's work through simgpu_runtime (no driver
 * callback; GPU records carry the runtime call's correlation id), sr_end
 * (EXIT callback, RUNTIME record, the thread's last error).
 */
#ifndef GP_FAKECUDART_INTERNAL_H
#define GP_FAKECUDART_INTERNAL_H

#include <cupti.h> /* cuda.h, cuda_runtime_api.h, the cbids and <fn>_params structs */

#include "tests/simgpu/simcudart.h"
#include "tests/simgpu/simgpu_internal.h"

/* The driver's entries for the runtime; NULL until sr_begin found them. */
extern const simgpu_runtime *sr_drv;

/* The runtime error for a driver result. */
cudaError_t sr_error(CUresult r);
/* Starts a runtime call: loads the driver, cuInit, the calling thread's
 * context (the current one, else its device's primary context), then the
 * ENTER callback. Returns cudaSuccess or the reason the call cannot run
 * (c is then still usable by sr_end). init 0: no device initialization
 * (error strings, last error). */
cudaError_t sr_begin(simgpu_call *c, CUpti_CallbackId cbid, const char *name, const void *params,
                     const char *symbol, int init);
/* Ends it with e: EXIT callback and record; a failure becomes the thread's
 * last error (cudaGetLastError). Returns e. */
cudaError_t sr_end(simgpu_call *c, cudaError_t e);

#endif
