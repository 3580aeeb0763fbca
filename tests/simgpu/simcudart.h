/* simcudart.h: the runtime entry points nvcc emits calls to, which the
 * toolkit declares only for C++ (crt/host_runtime.h, crt/device_functions.h),
 * declared here for the simulated GPU's C test programs with the same
 * signatures. The fake runtime (libcudart.so.13, fakecudart*.c) exports
 * them; see simgpu.h for the rest of the simulation.
 *
 * How a program registers and launches a kernel, as nvcc's code does:
 *
 *     static void my_kernel(void) {}          // the host stub: only its address matters
 *     void **fb = __cudaRegisterFatBinary((void *)"prog");
 *     __cudaRegisterFunction(fb, (const char *)my_kernel, (char *)"my_kernel", "my_kernel",
 *                            -1, NULL, NULL, NULL, NULL, NULL);
 *     __cudaRegisterFatBinaryEnd(fb);
 *     cudaLaunchKernel((const void *)my_kernel, grid, block, NULL, 0, stream);  // or:
 *     cudaKernel_t k; __cudaGetKernel(&k, (const void *)my_kernel);
 *     __cudaLaunchKernel(k, grid, block, NULL, 0, stream);   // what CUDA 13's <<<>>> calls
 *     ...
 *     __cudaUnregisterFatBinary(fb);
 */
#ifndef GP_SIMCUDART_H
#define GP_SIMCUDART_H

#include <cuda_runtime_api.h>

#ifdef __cplusplus
extern "C" {
#endif

void **CUDARTAPI __cudaRegisterFatBinary(void *fatCubin);
void CUDARTAPI __cudaRegisterFatBinaryEnd(void **fatCubinHandle);
void CUDARTAPI __cudaUnregisterFatBinary(void **fatCubinHandle);
void CUDARTAPI __cudaRegisterFunction(void **fatCubinHandle, const char *hostFun, char *deviceFun,
                                      const char *deviceName, int thread_limit, uint3 *tid,
                                      uint3 *bid, dim3 *bDim, dim3 *gDim, int *wSize);
cudaError_t CUDARTAPI __cudaGetKernel(cudaKernel_t *kernel, const void *hostFun);
cudaError_t CUDARTAPI __cudaLaunchKernel(cudaKernel_t kernel, dim3 gridDim, dim3 blockDim,
                                         void **args, size_t sharedMem, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
