/* simprog_rt.h: what the runtime variants of the test programs add to
 * simprog.h: the CUDA runtime API (the fake libcudart.so.13) and its check. */
#ifndef GP_SIMPROG_RT_H
#define GP_SIMPROG_RT_H

#include <cuda_runtime_api.h>

#include "tests/simgpu/progs/simprog.h"
#include "tests/simgpu/simcudart.h"

/* Exits 1 with "file:line: call failed: cudaError..." unless e is cudaSuccess. */
#define RK(call) sp_rt_check((call), #call, __FILE__, __LINE__)
void sp_rt_check(cudaError_t e, const char *call, const char *file, int line);

#endif
