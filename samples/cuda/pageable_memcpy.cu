/* pageable_memcpy.cu: "asynchronous" copies from pageable host memory.
 *
 * What it does: STEPS times (default 200), copies a MIB-MiB batch (default
 * 32) from a malloc'd host buffer to the GPU with cudaMemcpyAsync, scales it
 * with one kernel, and copies it back into another malloc'd buffer with
 * cudaMemcpyAsync, all on one stream, with a single synchronize at the end.
 * Each iteration is one NVTX range "step".
 *
 * Planted problem: pageable-memory async copies. cudaMemcpyAsync cannot DMA
 * from pageable memory: the driver stages the data through a pinned bounce
 * buffer, and the call returns only once the source has been staged (H2D)
 * or the data has arrived (D2H). The code reads as asynchronous, but the
 * host is blocked in every copy call, and the copies run slower than from
 * pinned memory. Nothing else is wrong: the kernel is short and there is no
 * other synchronisation.
 *
 * Expected findings: stall.pageable_copy
 *
 * Approximate magnitudes on an H100 SXM (estimates, not measurements): 400
 * copies (200 Pageable -> Device, 200 Device -> Pageable) of 32 MiB, about
 * 12.5 GiB moved; each call blocks the host for roughly the length of its
 * copy (1.5-4 ms at 8-20 GB/s), so the host spends well over 80 % of the
 * loop inside cudaMemcpyAsync; the run takes about 1-2 s. From pinned memory
 * the same copies would not block and would run at about 25-50 GB/s.
 *
 * Fix: allocate the host buffers with cudaMallocHost/cudaHostAlloc (or
 * cudaHostRegister them; pin_memory=True in a PyTorch DataLoader).
 */
#include "sample.h"

static __global__ void scale_kernel(float *p, size_t n, float a)
{
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
        p[i] *= a;
}

int main(int argc, char **argv)
{
    sample_arg args[] = {
        {"STEPS", 200, 1, 10000000, "steps, each one copy in and one copy out"},
        {"MIB", 32, 1, 4096, "MiB per copy"},
    };
    sample_parse_args(argc, argv, "pageable_memcpy",
                      "Copies with cudaMemcpyAsync from and to malloc'd (pageable) host memory.", args, 2);
    sample_gpu gpu;
    sample_require_gpu(&gpu);
    long long steps = args[0].value;
    size_t bytes = (size_t)args[1].value << 20, n = bytes / sizeof(float);
    const int threads = 256;
    int blocks = 4 * gpu.sm_count;

    /* The planted problem: plain malloc, not cudaMallocHost. */
    float *host_in = (float *)malloc(bytes), *host_out = (float *)malloc(bytes);
    if (host_in == NULL || host_out == NULL) {
        fprintf(stderr, "%s: out of host memory for two %zu-byte buffers\n", sample_name, bytes);
        return SAMPLE_EXIT_CUDA;
    }
    for (size_t i = 0; i < n; i++)
        host_in[i] = (float)(i % 1000);
    memset(host_out, 0, bytes);
    float *dev;
    cudaStream_t stream;
    CUDA_CHECK(cudaMalloc(&dev, bytes));
    CUDA_CHECK(cudaStreamCreate(&stream));

    double t0 = sample_now_ms();
    for (long long s = 0; s < steps; s++) {
        nvtxRangePushA("step");
        CUDA_CHECK(cudaMemcpyAsync(dev, host_in, bytes, cudaMemcpyHostToDevice, stream));
        scale_kernel<<<blocks, threads, 0, stream>>>(dev, n, 0.5f);
        CUDA_CHECK_LAUNCH();
        CUDA_CHECK(cudaMemcpyAsync(host_out, dev, bytes, cudaMemcpyDeviceToHost, stream));
        nvtxRangePop();
    }
    CUDA_CHECK(cudaStreamSynchronize(stream));
    double ms = sample_now_ms() - t0;

    double gib = 2.0 * (double)steps * (double)bytes / (double)(1ULL << 30);
    printf("%s: %lld kernels, %lld copies (pageable, %zu MiB each, %.1f GiB), %.1f ms, "
           "%.1f GB/s on %s\n",
           sample_name, steps, 2 * steps, bytes >> 20, gib, ms,
           2.0 * (double)steps * (double)bytes / (ms * 1e6), gpu.name);
    int rc = SAMPLE_EXIT_OK;
    if (host_out[1] != 0.5f) {
        fprintf(stderr, "%s: wrong result: out[1] = %g, want 0.5\n", sample_name, host_out[1]);
        rc = SAMPLE_EXIT_CUDA;
    }

    CUDA_CHECK(cudaStreamDestroy(stream));
    CUDA_CHECK(cudaFree(dev));
    free(host_in);
    free(host_out);
    return rc;
}
