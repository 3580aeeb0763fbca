/* host_stall.cu: a training-like loop whose data loading on the host is
 * slower than the GPU's step.
 *
 * What it does: STEPS times (default 200), inside an NVTX range "step":
 * "loads" a batch on the host for about LOAD_MS milliseconds (default 6:
 * CPU work filling a 1 MiB pinned buffer, no CUDA calls, inside an NVTX
 * range "load_batch"), then copies it to the GPU on a copy stream and runs
 * 10 kernels on it totalling about GPU_MS milliseconds (default 3; two
 * blocks of 256 threads per SM doing FP32 FMAs) on a compute stream. The
 * streams are ordered with events and the host never waits for the GPU
 * inside the loop (the one cudaEventSynchronize, before refilling a host
 * buffer, finds its copy long finished).
 *
 * Planted problem: the GPU waits for host work. Each step's GPU work is
 * done in about GPU_MS, then the GPU has nothing to do until the host has
 * loaded the next batch: it idles for about LOAD_MS - GPU_MS every step,
 * while the host is busy in load_batch and makes no CUDA calls.
 *
 * Expected findings: idle.host_work
 *
 * Approximate magnitudes on an H100 SXM (estimates, not measurements): 200
 * gaps of about 3 ms (LOAD_MS - GPU_MS), about 0.6 s in all, roughly 50 % of
 * the span, each inside an NVTX range "load_batch"; 2000 kernels of 0.3 ms;
 * 200 Pinned -> Device copies of 1 MiB (tens of microseconds each, on their
 * own stream); the run takes about 1.2 s.
 *
 * Fix: load batches ahead of the GPU in other threads or processes
 * (DataLoader num_workers > 0, prefetching), or make the loading cheaper.
 */
#include "sample.h"

/* Fills `n` floats with xorshift values over and over until `ms`
 * milliseconds have passed: a stand-in for decoding and augmenting a batch. */
static void load_batch(float *batch, size_t n, double ms, unsigned *state)
{
    double end = sample_now_ms() + ms;
    unsigned x = *state;
    do {
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            batch[i] = (float)(x & 0xffff) * (1.0f / 65536.0f);
        }
    } while (sample_now_ms() < end);
    *state = x;
}

int main(int argc, char **argv)
{
    sample_arg args[] = {
        {"STEPS", 200, 1, 10000000, "training steps"},
        {"LOAD_MS", 6, 0, 100000, "host time to load one batch, in milliseconds"},
        {"GPU_MS", 3, 1, 100000, "GPU time of one step, in milliseconds (10 kernels)"},
    };
    sample_parse_args(argc, argv, "host_stall",
                      "A loop whose host-side batch loading leaves the GPU idle between steps.", args, 3);
    sample_gpu gpu;
    sample_require_gpu(&gpu);
    long long steps = args[0].value;
    double load_ms = (double)args[1].value;
    unsigned long long kernel_ns = (unsigned long long)args[2].value * 1000000ULL / 10ULL;
    const int threads = 256, kernels_per_step = 10;
    int blocks = 2 * gpu.sm_count;
    const size_t bytes = (size_t)1 << 20, n = bytes / sizeof(float);

    /* Double-buffered batches: pinned on the host, and on the GPU. */
    float *host[2], *dev[2], *out;
    cudaEvent_t copied[2], consumed[2];
    cudaStream_t copy_stream, compute_stream;
    for (int b = 0; b < 2; b++) {
        CUDA_CHECK(cudaMallocHost(&host[b], bytes));
        CUDA_CHECK(cudaMalloc(&dev[b], bytes));
        CUDA_CHECK(cudaEventCreateWithFlags(&copied[b], cudaEventDisableTiming));
        CUDA_CHECK(cudaEventCreateWithFlags(&consumed[b], cudaEventDisableTiming));
    }
    CUDA_CHECK(cudaMalloc(&out, (size_t)blocks * threads * sizeof(float)));
    CUDA_CHECK(cudaStreamCreate(&copy_stream));
    CUDA_CHECK(cudaStreamCreate(&compute_stream));

    unsigned rng = 12345u;
    double t0 = sample_now_ms();
    for (long long s = 0; s < steps; s++) {
        int b = (int)(s % 2);
        nvtxRangePushA("step");
        /* host[b] was last copied two steps ago: this returns at once. */
        CUDA_CHECK(cudaEventSynchronize(copied[b]));

        /* The planted problem: host work while the GPU has nothing queued. */
        nvtxRangePushA("load_batch");
        load_batch(host[b], n, load_ms, &rng);
        nvtxRangePop();

        CUDA_CHECK(cudaStreamWaitEvent(copy_stream, consumed[b], 0));
        CUDA_CHECK(cudaMemcpyAsync(dev[b], host[b], bytes, cudaMemcpyHostToDevice, copy_stream));
        CUDA_CHECK(cudaEventRecord(copied[b], copy_stream));
        CUDA_CHECK(cudaStreamWaitEvent(compute_stream, copied[b], 0));
        for (int k = 0; k < kernels_per_step; k++) {
            sample_busy_kernel<<<blocks, threads, 0, compute_stream>>>(k == 0 ? dev[b] : NULL, n, out,
                                                                       kernel_ns);
            CUDA_CHECK_LAUNCH();
        }
        CUDA_CHECK(cudaEventRecord(consumed[b], compute_stream));
        nvtxRangePop();
    }
    CUDA_CHECK(cudaDeviceSynchronize());
    double ms = sample_now_ms() - t0;

    printf("%s: %lld kernels (%llu us each), %lld copies (pinned H2D, 1 MiB each), %lld load_batch "
           "ranges of %.0f ms, %.1f ms on %s\n",
           sample_name, steps * kernels_per_step, kernel_ns / 1000ULL, steps, steps, load_ms, ms, gpu.name);

    CUDA_CHECK(cudaStreamDestroy(copy_stream));
    CUDA_CHECK(cudaStreamDestroy(compute_stream));
    CUDA_CHECK(cudaFree(out));
    for (int b = 0; b < 2; b++) {
        CUDA_CHECK(cudaEventDestroy(copied[b]));
        CUDA_CHECK(cudaEventDestroy(consumed[b]));
        CUDA_CHECK(cudaFreeHost(host[b]));
        CUDA_CHECK(cudaFree(dev[b]));
    }
    return SAMPLE_EXIT_OK;
}
