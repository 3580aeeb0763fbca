/* no_overlap.cu: host-to-device copies and compute strictly serialised on
 * one stream.
 *
 * What it does: BATCHES times (default 300), copies a MIB-MiB batch
 * (default 64) from pinned host memory to the GPU with cudaMemcpyAsync and
 * then runs one kernel on it that lasts about KERNEL_US microseconds
 * (default 1500; two blocks of 256 threads per SM, reading the batch then
 * doing FP32 FMAs), both on the same stream, into the same device buffer.
 * No synchronisation until the end. Each batch is one NVTX range "step".
 *
 * Planted problem: copies not overlapped with compute. The host memory is
 * pinned and the copies are asynchronous, but on a single stream each copy
 * waits for the previous kernel and each kernel waits for its copy, so the
 * copy engine and the SMs take turns: the SMs idle during every copy.
 *
 * Expected findings: stall.no_overlap
 *
 * Approximate magnitudes on an H100 SXM (estimates, not measurements): 300
 * Pinned -> Device copies of 64 MiB (18.75 GiB), each 1.3-2.7 ms at 25-50
 * GB/s, none overlapped with a kernel; 300 kernels of 1.5 ms; no kernel runs
 * during 45-65 % of the span; overlapping would hide about min(copy, kernel)
 * per batch, roughly 35-50 % of the run, which takes about 0.9-1.3 s.
 *
 * Fix: double-buffer the device batch and issue the copies on a second
 * stream, ordered with events (cudaEventRecord / cudaStreamWaitEvent), so
 * batch i+1 is copied while batch i is computed (well_tuned.cu does this).
 */
#include "sample.h"

int main(int argc, char **argv)
{
    sample_arg args[] = {
        {"BATCHES", 300, 1, 10000000, "batches, each one copy then one kernel"},
        {"MIB", 64, 1, 4096, "MiB per batch"},
        {"KERNEL_US", 1500, 1, 10000000, "duration of each kernel in microseconds"},
    };
    sample_parse_args(argc, argv, "no_overlap",
                      "Copies each batch to the GPU and computes on it on one stream (no overlap).", args, 3);
    sample_gpu gpu;
    sample_require_gpu(&gpu);
    long long batches = args[0].value;
    size_t bytes = (size_t)args[1].value << 20, n = bytes / sizeof(float);
    unsigned long long kernel_ns = (unsigned long long)args[2].value * 1000ULL;
    const int threads = 256;
    int blocks = 2 * gpu.sm_count;

    /* Two pinned host batches, as a loader that prefetches would hold. */
    float *host[2], *dev, *out;
    for (int b = 0; b < 2; b++) {
        CUDA_CHECK(cudaMallocHost(&host[b], bytes));
        for (size_t i = 0; i < n; i++)
            host[b][i] = (float)((i + (size_t)b) % 1000);
    }
    cudaStream_t stream;
    CUDA_CHECK(cudaMalloc(&dev, bytes));
    CUDA_CHECK(cudaMalloc(&out, (size_t)blocks * threads * sizeof(float)));
    CUDA_CHECK(cudaStreamCreate(&stream));

    double t0 = sample_now_ms();
    for (long long i = 0; i < batches; i++) {
        nvtxRangePushA("step");
        /* The planted problem: the copy and the kernel share one stream. */
        CUDA_CHECK(cudaMemcpyAsync(dev, host[i % 2], bytes, cudaMemcpyHostToDevice, stream));
        sample_busy_kernel<<<blocks, threads, 0, stream>>>(dev, n, out, kernel_ns);
        CUDA_CHECK_LAUNCH();
        nvtxRangePop();
    }
    CUDA_CHECK(cudaStreamSynchronize(stream));
    double ms = sample_now_ms() - t0;

    double gib = (double)batches * (double)bytes / (double)(1ULL << 30);
    printf("%s: %lld kernels (%llu us each), %lld copies (pinned H2D, %zu MiB each, %.1f GiB), %.1f ms on %s\n",
           sample_name, batches, kernel_ns / 1000ULL, batches, bytes >> 20, gib, ms, gpu.name);

    CUDA_CHECK(cudaStreamDestroy(stream));
    CUDA_CHECK(cudaFree(dev));
    CUDA_CHECK(cudaFree(out));
    for (int b = 0; b < 2; b++)
        CUDA_CHECK(cudaFreeHost(host[b]));
    return SAMPLE_EXIT_OK;
}
