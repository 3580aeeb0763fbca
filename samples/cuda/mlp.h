/* mlp.h: the kernels of a small multilayer perceptron (FP32, row-major),
 * shared by the workloads serve.cu and train.cu. Include after sample.h.
 *
 *   mlp_gemm(stream, ta, tb, A, B, C, M, N, K)   C = op(A) op(B), M x N
 *   mlp_bias_relu / mlp_relu_grad / mlp_sgd / mlp_fill   elementwise
 *   mlp_sum / mlp_mse                            reductions into one float
 *
 * Launches only: none of these checks for errors or synchronises; the
 * caller checks once per request or step with CUDA_CHECK_LAUNCH() (launch
 * errors are kept until read). Plain CUDA cores, no tensor cores, no
 * cuBLAS: the point is a fixed, readable chain of kernels, not speed.
 */
#ifndef GP_SAMPLE_MLP_H
#define GP_SAMPLE_MLP_H

#include <stdint.h>

enum { MLP_TILE = 16, MLP_THREADS = 256 };

/* C[M x N] = op(A)[M x K] * op(B)[K x N], all row-major. op(A) is A
 * (stored M x K) or, with TA, A transposed (stored K x M); likewise op(B)
 * is B (stored K x N) or, with TB, B transposed (stored N x K). One 16x16
 * tile of C per block, through shared memory. mlp_gemm: TA or TB, not both. */
template <bool TA, bool TB>
static __global__ __attribute__((unused)) void mlp_gemm_kernel(const float *A, const float *B, float *C,
                                                             int M, int N, int K)
{
    __shared__ float as[MLP_TILE][MLP_TILE + 1], bs[MLP_TILE][MLP_TILE + 1];
    int tx = threadIdx.x, ty = threadIdx.y;
    int row = blockIdx.y * MLP_TILE + ty, col = blockIdx.x * MLP_TILE + tx;
    float acc = 0.0f;
    for (int k0 = 0; k0 < K; k0 += MLP_TILE) {
        int ka = k0 + tx, kb = k0 + ty;
        as[ty][tx] = row < M && ka < K ? (TA ? A[(size_t)ka * M + row] : A[(size_t)row * K + ka]) : 0.0f;
        bs[ty][tx] = kb < K && col < N ? (TB ? B[(size_t)col * K + kb] : B[(size_t)kb * N + col]) : 0.0f;
        __syncthreads();
#pragma unroll
        for (int k = 0; k < MLP_TILE; k++)
            acc = fmaf(as[ty][k], bs[k][tx], acc);
        __syncthreads();
    }
    if (row < M && col < N)
        C[(size_t)row * N + col] = acc;
}

SAMPLE_FN void mlp_gemm(cudaStream_t s, bool ta, bool tb, const float *A, const float *B, float *C, int M,
                     int N, int K)
{
    dim3 block(MLP_TILE, MLP_TILE);
    dim3 grid((unsigned)(N + MLP_TILE - 1) / MLP_TILE, (unsigned)(M + MLP_TILE - 1) / MLP_TILE);
    if (ta)
        mlp_gemm_kernel<true, false><<<grid, block, 0, s>>>(A, B, C, M, N, K);
    else if (tb)
        mlp_gemm_kernel<false, true><<<grid, block, 0, s>>>(A, B, C, M, N, K);
    else
        mlp_gemm_kernel<false, false><<<grid, block, 0, s>>>(A, B, C, M, N, K);
}

/* Blocks for a grid-stride loop over n elements. */
SAMPLE_FN unsigned mlp_blocks(size_t n)
{
    size_t b = (n + MLP_THREADS - 1) / MLP_THREADS;
    return (unsigned)(b < 1 ? 1 : b > 65536 ? 65536 : b);
}

#define MLP_FOR(i, n) for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
                           i += (size_t)gridDim.x * blockDim.x)

/* x[r][c] = max(x[r][c] + bias[c], 0) over a rows x cols matrix. */
static __global__ __attribute__((unused)) void mlp_bias_relu_kernel(float *x, const float *bias, size_t n,
                                                                  int cols)
{
    MLP_FOR(i, n) x[i] = fmaxf(x[i] + bias[i % cols], 0.0f);
}

SAMPLE_FN void mlp_bias_relu(cudaStream_t s, float *x, const float *bias, int rows, int cols)
{
    size_t n = (size_t)rows * cols;
    mlp_bias_relu_kernel<<<mlp_blocks(n), MLP_THREADS, 0, s>>>(x, bias, n, cols);
}

/* dz[i] = 0 where the ReLU's output a[i] was 0 (its input was <= 0). */
static __global__ __attribute__((unused)) void mlp_relu_grad_kernel(float *dz, const float *a, size_t n)
{
    MLP_FOR(i, n) if (a[i] <= 0.0f) dz[i] = 0.0f;
}

SAMPLE_FN void mlp_relu_grad(cudaStream_t s, float *dz, const float *a, size_t n)
{
    mlp_relu_grad_kernel<<<mlp_blocks(n), MLP_THREADS, 0, s>>>(dz, a, n);
}

/* w[i] -= lr * g[i]. */
static __global__ __attribute__((unused)) void mlp_sgd_kernel(float *w, const float *g, size_t n, float lr)
{
    MLP_FOR(i, n) w[i] = fmaf(-lr, g[i], w[i]);
}

SAMPLE_FN void mlp_sgd(cudaStream_t s, float *w, const float *g, size_t n, float lr)
{
    mlp_sgd_kernel<<<mlp_blocks(n), MLP_THREADS, 0, s>>>(w, g, n, lr);
}

/* p[i] = scale * a pseudo-random number in [-1, 1) that depends only on
 * (seed, i): the same values on every GPU and every run. */
static __global__ __attribute__((unused)) void mlp_fill_kernel(float *p, size_t n, uint32_t seed, float scale)
{
    MLP_FOR(i, n)
    {
        uint64_t z = (uint64_t)i * 0x9E3779B97F4A7C15ull + seed; /* splitmix64's finaliser */
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        p[i] = scale * ((float)(z >> 40) * (2.0f / 16777216.0f) - 1.0f);
    }
}

SAMPLE_FN void mlp_fill(cudaStream_t s, float *p, size_t n, uint32_t seed, float scale)
{
    mlp_fill_kernel<<<mlp_blocks(n), MLP_THREADS, 0, s>>>(p, n, seed, scale);
}

/* Adds v, summed over the block, to *out (one atomicAdd per block). Every
 * thread of the block must call it; blockDim.x == MLP_THREADS. */
static __device__ __attribute__((unused)) void mlp_block_add(float v, float *out)
{
    __shared__ float part[MLP_THREADS];
    part[threadIdx.x] = v;
    __syncthreads();
    for (int w = MLP_THREADS / 2; w > 0; w /= 2) {
        if ((int)threadIdx.x < w)
            part[threadIdx.x] += part[threadIdx.x + w];
        __syncthreads();
    }
    if (threadIdx.x == 0)
        atomicAdd(out, part[0]);
}

/* *out += the sum of x[0..n). */
static __global__ __attribute__((unused)) void mlp_sum_kernel(const float *x, size_t n, float *out)
{
    float v = 0.0f;
    MLP_FOR(i, n) v += x[i];
    mlp_block_add(v, out);
}

/* *out = sum of x[0..n) (zeroes *out first). */
SAMPLE_FN void mlp_sum(cudaStream_t s, const float *x, size_t n, float *out)
{
    CUDA_CHECK(cudaMemsetAsync(out, 0, sizeof(float), s));
    mlp_sum_kernel<<<mlp_blocks(n), MLP_THREADS, 0, s>>>(x, n, out);
}

/* Mean squared error of y against t: grad[i] = 2 (y[i] - t[i]) / n and
 * *loss += sum (y[i] - t[i])^2 / n. */
static __global__ __attribute__((unused)) void mlp_mse_kernel(const float *y, const float *t, float *grad,
                                                            size_t n, float *loss)
{
    float v = 0.0f, inv = 1.0f / (float)n;
    MLP_FOR(i, n)
    {
        float d = y[i] - t[i];
        grad[i] = 2.0f * d * inv;
        v += d * d * inv;
    }
    mlp_block_add(v, loss);
}

/* *loss = the mean squared error (zeroes *loss first); grad its gradient. */
SAMPLE_FN void mlp_mse(cudaStream_t s, const float *y, const float *t, float *grad, size_t n, float *loss)
{
    CUDA_CHECK(cudaMemsetAsync(loss, 0, sizeof(float), s));
    mlp_mse_kernel<<<mlp_blocks(n), MLP_THREADS, 0, s>>>(y, t, grad, n, loss);
}

#endif
