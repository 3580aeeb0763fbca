/* launch_bound.cu: a long stream of tiny kernels that the host cannot
 * launch fast enough.
 *
 * What it does: launches KERNELS (default 200000) tiny kernels back to back
 * on one stream, each an axpy over ELEMENTS floats (default 512 per SM,
 * two blocks of 256 threads per SM, so the grid is never smaller than the
 * GPU), with no synchronisation until the end. Every 1000 kernels form one
 * NVTX range "step".
 *
 * Planted problem: launch-bound. Each kernel is a microsecond or two of GPU
 * work, but each cudaLaunchKernel costs the host a few microseconds (more
 * under a profiler), so the GPU finishes every kernel before the next one
 * has been issued and waits in a small gap before almost every kernel. In
 * HTA's terms the gaps are host wait: the next launch call started after the
 * previous kernel ended.
 *
 * Expected findings: idle.launch_bound, stall.tiny_kernels
 *
 * Approximate magnitudes on an H100 SXM (estimates, not measurements):
 * kernels of about 1.5-3 us, a launch every 2.5-5 us, so the GPU is idle
 * roughly 40-70 % of the span, in about 200000 gaps of 1-4 us each; the run
 * takes about 0.5-1 s. Every kernel is under 10 us.
 *
 * Fix: capture the sequence once in a CUDA Graph and replay it with
 * cudaGraphLaunch (one launch for thousands of kernels), or fuse the kernels.
 */
#include "sample.h"

/* y = a * x + y: one element per thread, a microsecond or two of work. */
static __global__ void axpy_kernel(float *y, const float *x, float a, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        y[i] = a * x[i] + y[i];
}

static __global__ void fill_kernel(float *p, int n, float v)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        p[i] = v;
}

int main(int argc, char **argv)
{
    sample_arg args[] = {
        {"KERNELS", 200000, 1, 100000000, "tiny kernels to launch"},
        {"ELEMENTS", 0, 0, 1 << 24, "floats per kernel (0: 512 per SM)"},
    };
    sample_parse_args(argc, argv, "launch_bound",
                      "Launches many tiny kernels back to back on one stream (launch-bound).", args, 2);
    sample_gpu gpu;
    sample_require_gpu(&gpu);
    long long kernels = args[0].value;
    int n = args[1].value > 0 ? (int)args[1].value : gpu.sm_count * 512;
    const int threads = 256;
    int blocks = (n + threads - 1) / threads;
    const int per_step = 1000;

    float *x, *y;
    cudaStream_t stream;
    CUDA_CHECK(cudaMalloc(&x, n * sizeof(float)));
    CUDA_CHECK(cudaMalloc(&y, n * sizeof(float)));
    CUDA_CHECK(cudaStreamCreate(&stream));
    fill_kernel<<<blocks, threads, 0, stream>>>(x, n, 1.0f);
    CUDA_CHECK_LAUNCH();
    fill_kernel<<<blocks, threads, 0, stream>>>(y, n, 0.0f);
    CUDA_CHECK_LAUNCH();
    CUDA_CHECK(cudaStreamSynchronize(stream));

    double t0 = sample_now_ms();
    for (long long k = 0; k < kernels; k += per_step) {
        nvtxRangePushA("step");
        for (long long i = k; i < k + per_step && i < kernels; i++)
            axpy_kernel<<<blocks, threads, 0, stream>>>(y, x, 1e-6f, n);
        /* Checked once per step: a per-kernel cudaGetLastError would add a
         * runtime call to every launch. Launch errors are kept until read. */
        CUDA_CHECK_LAUNCH();
        nvtxRangePop();
    }
    CUDA_CHECK(cudaStreamSynchronize(stream));
    double ms = sample_now_ms() - t0;

    printf("%s: %lld kernels (%d blocks x %d threads, %d floats each), 0 copies, %.1f ms, "
           "%.2f us per kernel on %s\n",
           sample_name, kernels, blocks, threads, n, ms, ms * 1e3 / (double)kernels, gpu.name);

    CUDA_CHECK(cudaStreamDestroy(stream));
    CUDA_CHECK(cudaFree(x));
    CUDA_CHECK(cudaFree(y));
    return SAMPLE_EXIT_OK;
}
