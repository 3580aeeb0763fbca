/* small_grid.cu: long kernels launched with far fewer blocks than the GPU
 * has SMs.
 *
 * What it does: KERNELS times (default 30), runs a kernel over 2^24 floats
 * (64 MiB) that applies FMAS dependent FP32 FMAs (default 4096) to each
 * element, with a grid of only BLOCKS blocks (default 8) of 1024 threads,
 * looping over the data grid-stride. One stream, a single synchronize at the
 * end; each kernel is one NVTX range "step".
 *
 * Planted problem: grids smaller than the SM count. A block runs on one SM,
 * so only BLOCKS of the GPU's SMs (132 on an H100 SXM) ever have work; the
 * rest idle although the GPU looks 100 % busy in a timeline (and to
 * nvidia-smi). The work would split into thousands of blocks.
 *
 * Expected findings: stall.small_grid
 *
 * Approximate magnitudes on an H100 SXM (estimates, not measurements): 30
 * kernels of 8 blocks on 132 SMs (124 SMs, 94 %, idle); each kernel does
 * 6.9e10 FMAs, about 35-45 ms on 8 SMs, about 1-1.3 s in all, with no idle
 * gaps between kernels; with a grid of a few hundred blocks or more each
 * kernel would take about 16x less (2-3 ms).
 *
 * Fix: size the grid from the data (blocks = ceil(n / threads)) or as a
 * multiple of the SM count (cudaDevAttrMultiProcessorCount, or the
 * occupancy API), not a small constant.
 */
#include "sample.h"

/* Each element: `fmas` dependent FMAs. Grid-stride, so any grid size
 * computes the same result; only the speed changes. */
static __global__ void transform_kernel(const float *in, float *out, size_t n, int fmas)
{
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) {
        float x = in[i];
#pragma unroll 8
        for (int k = 0; k < fmas; k++)
            x = fmaf(x, 0.9999f, 0.0001f);
        out[i] = x;
    }
}

static __global__ void fill_kernel(float *p, size_t n)
{
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
        p[i] = (float)(i % 1000) * 0.001f;
}

int main(int argc, char **argv)
{
    sample_arg args[] = {
        {"KERNELS", 30, 1, 1000000, "kernels to run"},
        {"BLOCKS", 8, 1, 1 << 20, "blocks per kernel (the planted problem: fewer than the SMs)"},
        {"FMAS", 4096, 1, 1 << 20, "dependent FMAs per element"},
    };
    sample_parse_args(argc, argv, "small_grid",
                      "Runs long kernels with fewer blocks than the GPU has SMs.", args, 3);
    sample_gpu gpu;
    sample_require_gpu(&gpu);
    long long kernels = args[0].value;
    int blocks = (int)args[1].value, fmas = (int)args[2].value;
    const int threads = 1024;
    const size_t n = (size_t)1 << 24;

    float *in, *out;
    cudaStream_t stream;
    CUDA_CHECK(cudaMalloc(&in, n * sizeof(float)));
    CUDA_CHECK(cudaMalloc(&out, n * sizeof(float)));
    CUDA_CHECK(cudaStreamCreate(&stream));
    fill_kernel<<<4 * gpu.sm_count, 256, 0, stream>>>(in, n);
    CUDA_CHECK_LAUNCH();
    CUDA_CHECK(cudaStreamSynchronize(stream));

    double t0 = sample_now_ms();
    for (long long k = 0; k < kernels; k++) {
        nvtxRangePushA("step");
        /* The planted problem: `blocks` is a small constant, not sized to the GPU. */
        transform_kernel<<<blocks, threads, 0, stream>>>(in, out, n, fmas);
        CUDA_CHECK_LAUNCH();
        nvtxRangePop();
    }
    CUDA_CHECK(cudaStreamSynchronize(stream));
    double ms = sample_now_ms() - t0;

    printf("%s: %lld kernels (%d blocks x %d threads on %d SMs, %.1f ms each), 0 copies, %.1f ms, "
           "%.2f TFLOP/s on %s\n",
           sample_name, kernels, blocks, threads, gpu.sm_count, ms / (double)kernels, ms,
           2.0 * (double)n * fmas * (double)kernels / (ms * 1e9), gpu.name);

    CUDA_CHECK(cudaStreamDestroy(stream));
    CUDA_CHECK(cudaFree(in));
    CUDA_CHECK(cudaFree(out));
    return SAMPLE_EXIT_OK;
}
