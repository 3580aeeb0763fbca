/* sync_storm.cu: a synchronisation after every small kernel.
 *
 * What it does: launches KERNELS (default 60000) kernels of about KERNEL_US
 * microseconds each (default 10; two blocks of 256 threads per SM doing
 * FP32 FMAs) on one stream and waits for each before launching the next:
 * cudaStreamSynchronize after nine kernels out of ten, cudaDeviceSynchronize
 * after the tenth. Every 100 kernels form one NVTX range "step".
 *
 * Planted problem: a synchronisation storm. Each wait drains the GPU's
 * queue: after a kernel ends, the GPU idles while the host wakes up from the
 * synchronize call and issues the next launch, which then still has to reach
 * the GPU. Nothing needs these waits (no result is read back).
 *
 * Expected findings: idle.host_sync, stall.sync_storm
 *
 * Approximate magnitudes on an H100 SXM (estimates, not measurements): one
 * synchronize per kernel, 60000 in all (54000 cudaStreamSynchronize, 6000
 * cudaDeviceSynchronize); a gap of about 5-12 us after every kernel, so the
 * GPU is idle roughly 30-55 % of the span, all of it right after the host
 * returned from a synchronize; the run takes about 1-1.5 s.
 *
 * Fix: drop the waits (stream order already serialises the kernels); wait
 * only where the host needs a result, on an event recorded after it.
 */
#include "sample.h"

int main(int argc, char **argv)
{
    sample_arg args[] = {
        {"KERNELS", 60000, 1, 100000000, "kernels to launch, each followed by a synchronize"},
        {"KERNEL_US", 10, 1, 1000000, "duration of each kernel in microseconds"},
    };
    sample_parse_args(argc, argv, "sync_storm",
                      "Synchronizes after every small kernel (synchronisation storm).", args, 2);
    sample_gpu gpu;
    sample_require_gpu(&gpu);
    long long kernels = args[0].value;
    unsigned long long kernel_ns = (unsigned long long)args[1].value * 1000ULL;
    const int threads = 256, per_step = 100;
    int blocks = 2 * gpu.sm_count;

    float *out;
    cudaStream_t stream;
    CUDA_CHECK(cudaMalloc(&out, (size_t)blocks * threads * sizeof(float)));
    CUDA_CHECK(cudaStreamCreate(&stream));

    long long stream_syncs = 0, device_syncs = 0;
    double t0 = sample_now_ms();
    for (long long k = 0; k < kernels; k += per_step) {
        nvtxRangePushA("step");
        for (long long i = k; i < k + per_step && i < kernels; i++) {
            sample_busy_kernel<<<blocks, threads, 0, stream>>>(NULL, 0, out, kernel_ns);
            CUDA_CHECK_LAUNCH();
            if (i % 10 == 9) {
                CUDA_CHECK(cudaDeviceSynchronize());
                device_syncs++;
            } else {
                CUDA_CHECK(cudaStreamSynchronize(stream));
                stream_syncs++;
            }
        }
        nvtxRangePop();
    }
    double ms = sample_now_ms() - t0;

    printf("%s: %lld kernels (%d blocks x %d threads, %llu us each), 0 copies, "
           "%lld cudaStreamSynchronize + %lld cudaDeviceSynchronize, %.1f ms on %s\n",
           sample_name, kernels, blocks, threads, kernel_ns / 1000ULL, stream_syncs, device_syncs, ms,
           gpu.name);

    CUDA_CHECK(cudaStreamDestroy(stream));
    CUDA_CHECK(cudaFree(out));
    return SAMPLE_EXIT_OK;
}
