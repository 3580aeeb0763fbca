/* fp32_gemm.cu: large matrix multiplies in plain FP32 on CUDA cores.
 *
 * What it does: GEMMS times (default 400), multiplies two N x N FP32
 * matrices (default N = 4096) with cublasSgemm in cuBLAS's default math mode
 * (CUBLAS_DEFAULT_MATH: TF32 not allowed), on one stream, with a single
 * synchronize at the end. Each GEMM is one NVTX range "step".
 *
 * Planted problem: FP32 matrix math where tensor cores would be several
 * times faster. In the default math mode cuBLAS runs FP32 GEMMs on the CUDA
 * cores (SIMT FFMA kernels). On an H100 SXM FP32 peaks at 67 TFLOP/s against
 * 495 dense TF32 and 989 dense BF16 on tensor cores (docs/gpu-peaks.md:
 * ratios 7.4 and 14.8).
 *
 * Expected findings: precision.fp32_matmul
 *
 * Approximate magnitudes on an H100 SXM (estimates, not measurements): 400
 * GEMM kernels of 2N^3 = 137 GFLOP each, about 2.3-3 ms each at 45-60
 * TFLOP/s, about 1-1.2 s of FP32 GEMM time, nearly all of the GPU time;
 * with TF32 the estimate (peak ratio) is about 7x less GEMM time, with BF16
 * about 15x less.
 *
 * Kernel names: cuBLAS picks the kernel at run time. Names reported for
 * SGEMM on sm_80/sm_90 include sm80_xmma_gemm_f32f32_f32f32_f32_nn_n_
 * tilesize256x128x8_..._ffma_..._cublas (xmma, but "ffma": CUDA cores),
 * ampere_sgemm_128x64_nn and cutlass_80_simt_sgemm_*; the analyzer must read
 * all of them as FP32 on CUDA cores.
 *
 * Fix: cublasSetMathMode(handle, CUBLAS_TF32_TENSOR_OP_MATH), or
 * cublasGemmEx with CUBLAS_COMPUTE_32F_FAST_TF32, or BF16 inputs
 * (torch.backends.cuda.matmul.allow_tf32 = True / autocast to bf16 in
 * PyTorch). Both change the numerics slightly.
 */
#define SAMPLE_CUBLAS
#include "sample.h"

/* Fills p[0..n) with values in [-0.5, 0.5) from a hash of the index. */
static __global__ void fill_kernel(float *p, size_t n, unsigned seed)
{
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) {
        unsigned h = ((unsigned)i * 2654435761u) ^ seed;
        h ^= h >> 16;
        h *= 2246822519u;
        h ^= h >> 13;
        p[i] = (float)h * (1.0f / 4294967296.0f) - 0.5f;
    }
}

int main(int argc, char **argv)
{
    sample_arg args[] = {
        {"GEMMS", 400, 1, 1000000, "cublasSgemm calls"},
        {"N", 4096, 16, 32768, "matrix size: N x N times N x N"},
    };
    sample_parse_args(argc, argv, "fp32_gemm",
                      "Multiplies FP32 matrices with cublasSgemm in the default math mode (no TF32).", args, 2);
    sample_gpu gpu;
    sample_require_gpu(&gpu);
    long long gemms = args[0].value;
    int n = (int)args[1].value;
    size_t elems = (size_t)n * n;

    float *a, *b, *c;
    cudaStream_t stream;
    cublasHandle_t handle;
    CUDA_CHECK(cudaMalloc(&a, elems * sizeof(float)));
    CUDA_CHECK(cudaMalloc(&b, elems * sizeof(float)));
    CUDA_CHECK(cudaMalloc(&c, elems * sizeof(float)));
    CUDA_CHECK(cudaStreamCreate(&stream));
    CUBLAS_CHECK(cublasCreate(&handle));
    CUBLAS_CHECK(cublasSetStream(handle, stream));
    /* The planted problem, spelled out: this is also cuBLAS's default. */
    CUBLAS_CHECK(cublasSetMathMode(handle, CUBLAS_DEFAULT_MATH));
    fill_kernel<<<4 * gpu.sm_count, 256, 0, stream>>>(a, elems, 1u);
    CUDA_CHECK_LAUNCH();
    fill_kernel<<<4 * gpu.sm_count, 256, 0, stream>>>(b, elems, 2u);
    CUDA_CHECK_LAUNCH();
    CUDA_CHECK(cudaStreamSynchronize(stream));

    const float alpha = 1.0f, beta = 0.0f;
    double t0 = sample_now_ms();
    for (long long i = 0; i < gemms; i++) {
        nvtxRangePushA("step");
        CUBLAS_CHECK(cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &alpha, a, n, b, n, &beta, c, n));
        nvtxRangePop();
    }
    CUDA_CHECK(cudaStreamSynchronize(stream));
    double ms = sample_now_ms() - t0;

    double flop = 2.0 * (double)n * n * n * (double)gemms;
    printf("%s: %lld cublasSgemm calls (%dx%dx%d, CUBLAS_DEFAULT_MATH), 0 copies, %.1f ms, "
           "%.1f TFLOP/s on %s\n",
           sample_name, gemms, n, n, n, ms, flop / (ms * 1e9), gpu.name);

    CUBLAS_CHECK(cublasDestroy(handle));
    CUDA_CHECK(cudaStreamDestroy(stream));
    CUDA_CHECK(cudaFree(a));
    CUDA_CHECK(cudaFree(b));
    CUDA_CHECK(cudaFree(c));
    return SAMPLE_EXIT_OK;
}
