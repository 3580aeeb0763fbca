/* simgpu.h: simulation-only extras of the simulated GPU, for test programs.
 *
 * The simulated GPU is a TEST FIXTURE: a fake CUDA driver (libcuda.so.1,
 * built from tests/simgpu/fakecuda*.c), a fake CUDA runtime
 * (libcudart.so.13, fakecudart*.c; simcudart.h) and a fake CUPTI
 * (libsimcupti.so, fakecupti*.c) that let gpupack run end to end where
 * there is no GPU. Its
 * device calls itself "gpupack simulated GPU"; every time it reports is
 * made up by the rules below, never measured on a GPU. It is built only by
 * make check and never installed.
 *
 * The virtual GPU runs in real time on CLOCK_MONOTONIC, so host API times
 * and GPU times are consistent:
 *   - a kernel launched at host time t on stream s starts at
 *     max(t + SIMGPU_LAUNCH_LATENCY_NS, s's previous work) and runs for its
 *     function's duration (simgpuFuncSetDuration, default
 *     SIMGPU_KERNEL_DEFAULT_NS); kernels of one process on different
 *     streams may overlap;
 *   - with SIMGPU_SHARED=/path/to/file, all processes naming that file share
 *     each device's compute engine (kernels, memsets) as the driver does:
 *     by time slices of SIMGPU_TIMESLICE_US (default 1024 us) while more
 *     than one has work, or, between clients of one MPS server (the
 *     daemon's pipe "control" in CUDA_MPS_PIPE_DIRECTORY), side by side on
 *     the SIMGPU_SM_COUNT SMs (a kernel asks for min(grid blocks, SMs));
 *     tests/simgpu/README.md states the rules;
 *   - copies use one engine per direction per device: 2 us + bytes over
 *     25 GB/s (pinned host memory), 8 GB/s (pageable), 1000 GB/s (device to
 *     device);
 *   - host waits (stream, event and context synchronize, blocking copies)
 *     really sleep until the virtual GPU gets there.
 * Environment: SIMGPU_DEVICES (1..16, default 1; 0 makes cuInit fail with
 * CUDA_ERROR_NO_DEVICE), SIMGPU_SHARED, SIMGPU_TIMESLICE_US (1..1000000),
 * CUDA_MPS_PIPE_DIRECTORY, CUDA_INJECTION64_PATH (loaded by
 * cuInit as the real driver does); for the fixture's own tests only,
 * SIMGPU_TEST_DIE_HOLDING_LOCK kills the process (SIGKILL) while it holds
 * SIMGPU_SHARED's lock, and SIMGPU_CUPTI_QUEUE_MAX bounds the fake CUPTI's
 * record queue (default 1M records).
 *
 * Programs link the fake driver and include <cuda.h> and this header.
 */
#ifndef GP_SIMGPU_H
#define GP_SIMGPU_H

#include <cuda.h>
#include <stdint.h>

#define SIMGPU_DEVICE_NAME "gpupack simulated GPU"
#define SIMGPU_LAUNCH_LATENCY_NS 3000u
#define SIMGPU_KERNEL_DEFAULT_NS 10000u
#define SIMGPU_MAX_DEVICES 16
#define SIMGPU_SM_COUNT 16                 /* CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT */
#define SIMGPU_TIMESLICE_DEFAULT_NS 1024000u /* SIMGPU_TIMESLICE_US unset (README.md) */

#ifdef __cplusplus
extern "C" {
#endif

/* Every launch of f from now on runs ns nanoseconds on the virtual GPU
 * (launches already queued keep their duration). ns must be > 0.
 * Returns CUDA_SUCCESS, CUDA_ERROR_NOT_INITIALIZED, CUDA_ERROR_INVALID_HANDLE
 * (f is not a live function) or CUDA_ERROR_INVALID_VALUE (ns == 0). */
CUresult simgpuFuncSetDuration(CUfunction f, uint64_t ns);

/* The virtual GPU's clock: CLOCK_MONOTONIC in ns. Never fails. */
uint64_t simgpuNow(void);

/* When the work queued so far on stream (NULL: the current context's
 * legacy default stream) completes, on simgpuNow()'s clock.
 * Returns CUDA_SUCCESS, CUDA_ERROR_NOT_INITIALIZED, CUDA_ERROR_INVALID_VALUE
 * (ns NULL), CUDA_ERROR_INVALID_CONTEXT or CUDA_ERROR_INVALID_HANDLE. */
CUresult simgpuStreamBusyUntil(CUstream stream, uint64_t *ns);

#ifdef __cplusplus
}
#endif

#endif
