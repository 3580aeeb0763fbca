/* sim_serve (driver API) and sim_rt_serve (the same through the CUDA
 * runtime, cudaLaunchKernel and cudaStreamSynchronize; simprog.h): a
 * serving job on the simulated GPU, for gpupack pack's tests and benchmark
 * (simulated times, never GPU measurements).
 *
 *   sim_serve [--rate R] [--seconds S | --requests N] [--kernels K]
 *             [--kernel-us U] [--blocks B] [--seed X] [--no-nvtx] [--stuck]
 *
 * Requests arrive as a Poisson process at R per second (default 200) for S
 * seconds (default 2) or N requests. Each request, in arrival order, is one
 * NVTX push/pop range "request" (unless --no-nvtx) around K kernel launches
 * (default 4) of U us each (default 250) over B blocks (default 1) on one
 * stream and a stream synchronize. A request's latency runs from its
 * arrival to the end
 * of its synchronize (time queued behind earlier requests included).
 * Prints on stdout one JSON line:
 *   {"job":"serve","requests":N,"rate":R,"service_ms":..,"p50_ms":..,"p95_ms":..,"p99_ms":..}
 * where service_ms is K*U/1000 (the GPU time of one request), and the usual
 * summary line on stderr. --stuck (for tests) opens one request range,
 * launches one kernel and then sleeps for S seconds without closing it: a
 * serve job that looks busy forever. */
#include "config.h"

#include <math.h>
#include <nvtx3/nvToolsExt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/simgpu/progs/simprog.h"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank quantile of sorted v. */
static double quantile(const double *v, int n, double q)
{
    int r = (int)ceil(q * n);
    return n ? v[(r < 1 ? 1 : r > n ? n : r) - 1] : 0;
}

static void sleep_until(uint64_t t)
{
    struct timespec ts = { (time_t)(t / 1000000000u), (long)(t % 1000000000u) };
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
        ;
}

int main(int argc, char **argv)
{
    double rate = 200, seconds = 2, *lat;
    int requests = 0, kernels = 4, nvtx = 1, n = 0, stuck = 0, blocks = 1;
    unsigned seed = 1;
    uint64_t kernel_ns = 250000, t0, arrival;
    sp_counts c = { 0 };
    sp_job j;
    const char *prog = sp_api[0] == 'r' ? "sim_rt_serve" : "sim_serve";

    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : "0";
        if (strcmp(argv[i], "--rate") == 0) rate = atof(v), i++;
        else if (strcmp(argv[i], "--seconds") == 0) seconds = atof(v), i++;
        else if (strcmp(argv[i], "--requests") == 0) requests = atoi(v), i++;
        else if (strcmp(argv[i], "--kernels") == 0) kernels = atoi(v), i++;
        else if (strcmp(argv[i], "--kernel-us") == 0) kernel_ns = (uint64_t)(atof(v) * 1000), i++;
        else if (strcmp(argv[i], "--blocks") == 0) blocks = atoi(v), i++;
        else if (strcmp(argv[i], "--seed") == 0) seed = (unsigned)atoi(v), i++;
        else if (strcmp(argv[i], "--no-nvtx") == 0) nvtx = 0;
        else if (strcmp(argv[i], "--stuck") == 0) stuck = 1;
        else {
            fprintf(stderr, "%s: unknown argument %s\n", prog, argv[i]);
            return 2;
        }
    }
    if (rate <= 0 || kernels < 1 || kernel_ns == 0 || blocks < 1) {
        fprintf(stderr, "%s: --rate, --kernels, --kernel-us and --blocks must be above 0\n", prog);
        return 2;
    }
    if (requests <= 0)
        requests = (int)(rate * seconds) > 0 ? (int)(rate * seconds) : 1;
    lat = calloc((size_t)requests, sizeof *lat);
    if (!lat)
        return 1;
    srand(seed);
    sp_job_start(&j, prog, "serve_layer", kernel_ns, SP_RT_LAUNCH_KERNEL);
    t0 = sp_now_ns();
    arrival = t0;
    if (stuck) {
        nvtxRangePushA("request");
        sp_job_launch(&c, &j, (unsigned)blocks);
        sleep_until(t0 + (uint64_t)(seconds * 1e9));
        requests = 0;
    }
    for (n = 0; n < requests; n++) {
        double u = (rand() + 1.0) / ((double)RAND_MAX + 2.0);
        arrival += (uint64_t)(-log(u) / rate * 1e9);
        sleep_until(arrival);
        if (nvtx)
            nvtxRangePushA("request");
        for (int k = 0; k < kernels; k++)
            sp_job_launch(&c, &j, (unsigned)blocks);
        sp_job_sync(&c, &j);
        if (nvtx) {
            nvtxRangePop();
            c.nvtx_ranges++;
        }
        lat[n] = (double)(sp_now_ns() - arrival) / 1e6;
    }
    qsort(lat, (size_t)n, sizeof *lat, cmp);
    printf("{\"job\":\"serve\",\"requests\":%d,\"rate\":%g,\"service_ms\":%.3f,\"p50_ms\":%.3f,"
           "\"p95_ms\":%.3f,\"p99_ms\":%.3f}\n", n, rate, kernels * (double)kernel_ns / 1e6,
           quantile(lat, n, 0.50), quantile(lat, n, 0.95), quantile(lat, n, 0.99));
    fflush(stdout);
    free(lat);
    sp_job_end(&j);
    sp_summary(prog, &c, "");
    return 0;
}
