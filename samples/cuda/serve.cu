/* serve.cu: batch-1 inference with Poisson arrivals, the serving job for
 * `gpupack pack` (the CUDA C counterpart of samples/pytorch/serve.py).
 *
 * What it does: requests arrive as a Poisson process at RATE per second
 * (exponential gaps from a fixed-seed generator, SEED: the same arrival
 * times on every run) for SECONDS seconds or REQUESTS requests, whichever
 * ends first (0 turns either limit off; not both). They are served one at
 * a time in arrival order on one stream. A request is one NVTX push/pop
 * range "request" (the convention gpupack pack measures serving by, see
 * docs/pack.md) around: a copy of its input (TOKENS x DIM floats, pinned)
 * to the GPU, LAYERS layers of a multilayer perceptron (each a tiled FP32
 * GEMM by a DIM x DIM weight matrix and a bias + ReLU kernel), a sum of
 * the output into one float, its copy back, and cudaStreamSynchronize.
 * Ten requests before the first arrival warm the GPU up, outside any range
 * and untimed.
 *
 * Latency runs from a request's arrival to the end of its synchronize, so
 * a request that arrives while an earlier one is being served includes
 * the time it waited. Percentiles are nearest-rank: the p-th percentile of
 * n sorted latencies is the ceil(p n / 100)-th smallest.
 *
 * Prints one JSON line on stdout:
 *   {"job":"serve","model":"mlp","dim":D,"layers":L,"tokens":T,"requests":N,
 *    "rate":R,"seconds":S,"p50_ms":..,"p95_ms":..,"p99_ms":..}
 * (all percentiles 0 when no request arrived) and a summary on stderr.
 *
 * Not a planted problem: a workload, for measuring serving latency alone
 * and beside a training job (train.cu) under gpupack pack.
 *
 * Approximate magnitudes on an H100 SXM (estimates, not measurements):
 * with the defaults, a request is 2 LAYERS + 1 = 9 kernels, a memset and two
 * copies, about 0.2-0.6 ms in all, so at RATE 50 the GPU is busy about
 * 1-3 % of the time and p99 is close to p50.
 */
#include "sample.h"
#include "mlp.h"

#include <math.h>

enum { WARMUP_REQUESTS = 10 };

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Sleeps until the monotonic clock reads t (returns at once if it has). */
static void sleep_until_ns(uint64_t t)
{
    struct timespec ts = {(time_t)(t / 1000000000u), (long)(t % 1000000000u)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}

/* splitmix64: a small generator whose stream depends only on its seed. */
static uint64_t next_u64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* An exponential gap with mean 1/rate seconds, in nanoseconds. */
static uint64_t exp_gap_ns(uint64_t *state, double rate)
{
    double u = ((double)(next_u64(state) >> 11) + 0.5) / 9007199254740992.0; /* (0, 1) */
    return (uint64_t)(-log(u) / rate * 1e9);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile p (1..100) of v[0..n), sorted ascending; 0 if n == 0. */
static double percentile(const double *v, size_t n, unsigned p)
{
    if (n == 0)
        return 0.0;
    size_t rank = (p * n + 99) / 100; /* ceil(p n / 100), in integers */
    return v[(rank < 1 ? 1 : rank > n ? n : rank) - 1];
}

typedef struct model {
    int dim, layers, tokens;
    float *w, *bias;      /* layers x dim x dim, layers x dim */
    float *act[2];        /* tokens x dim each: ping-pong activations */
    float *out;           /* one float on the GPU */
    float *in_host, *out_host; /* pinned: tokens x dim, one float */
    cudaStream_t stream;
} model;

static void model_init(model *m, int dim, int layers, int tokens, uint32_t seed)
{
    size_t dd = (size_t)dim * dim, td = (size_t)tokens * dim;
    m->dim = dim, m->layers = layers, m->tokens = tokens;
    CUDA_CHECK(cudaStreamCreate(&m->stream));
    CUDA_CHECK(cudaMalloc(&m->w, layers * dd * sizeof(float)));
    CUDA_CHECK(cudaMalloc(&m->bias, (size_t)layers * dim * sizeof(float)));
    CUDA_CHECK(cudaMalloc(&m->act[0], td * sizeof(float)));
    CUDA_CHECK(cudaMalloc(&m->act[1], td * sizeof(float)));
    CUDA_CHECK(cudaMalloc(&m->out, sizeof(float)));
    CUDA_CHECK(cudaMallocHost(&m->in_host, td * sizeof(float)));
    CUDA_CHECK(cudaMallocHost(&m->out_host, sizeof(float)));
    /* Weights ~ U(-1, 1) * sqrt(3 / dim) keep the activations' scale. */
    mlp_fill(m->stream, m->w, layers * dd, seed, sqrtf(3.0f / (float)dim));
    mlp_fill(m->stream, m->bias, (size_t)layers * dim, seed + 1, 0.01f);
    CUDA_CHECK_LAUNCH();
    CUDA_CHECK(cudaStreamSynchronize(m->stream));
    for (size_t i = 0; i < td; i++)
        m->in_host[i] = (float)(i % 17) / 17.0f - 0.5f;
}

static void model_free(model *m)
{
    CUDA_CHECK(cudaStreamDestroy(m->stream));
    CUDA_CHECK(cudaFree(m->w));
    CUDA_CHECK(cudaFree(m->bias));
    CUDA_CHECK(cudaFree(m->act[0]));
    CUDA_CHECK(cudaFree(m->act[1]));
    CUDA_CHECK(cudaFree(m->out));
    CUDA_CHECK(cudaFreeHost(m->in_host));
    CUDA_CHECK(cudaFreeHost(m->out_host));
}

/* One request: input up, the layers, the result down, synchronize. */
static void model_request(model *m)
{
    size_t dd = (size_t)m->dim * m->dim, td = (size_t)m->tokens * m->dim;
    CUDA_CHECK(cudaMemcpyAsync(m->act[0], m->in_host, td * sizeof(float), cudaMemcpyHostToDevice,
                               m->stream));
    for (int l = 0; l < m->layers; l++) {
        float *x = m->act[l % 2], *y = m->act[(l + 1) % 2];
        mlp_gemm(m->stream, false, false, x, m->w + l * dd, y, m->tokens, m->dim, m->dim);
        mlp_bias_relu(m->stream, y, m->bias + (size_t)l * m->dim, m->tokens, m->dim);
    }
    mlp_sum(m->stream, m->act[m->layers % 2], td, m->out);
    CUDA_CHECK_LAUNCH();
    CUDA_CHECK(cudaMemcpyAsync(m->out_host, m->out, sizeof(float), cudaMemcpyDeviceToHost, m->stream));
    CUDA_CHECK(cudaStreamSynchronize(m->stream));
}

int main(int argc, char **argv)
{
    sample_arg args[] = {
        {"RATE", 50, 1, 1000000, "requests per second (mean of the Poisson process)"},
        {"SECONDS", 30, 0, 86400, "run for this long (0: no time limit)"},
        {"REQUESTS", 0, 0, 100000000, "stop after this many requests (0: no limit)"},
        {"DIM", 1024, 16, 8192, "width of each layer"},
        {"LAYERS", 4, 1, 64, "layers per request"},
        {"TOKENS", 64, 1, 4096, "rows of a request's input (its tokens)"},
        {"SEED", 1, 0, 4294967295LL, "seed of the arrival times"},
    };
    const char *purpose = "Serves batch-1 requests of a small MLP arriving at RATE per second (Poisson),\n"
                          "one NVTX range \"request\" each; prints p50/p95/p99 latency as one JSON line.";
    const int nargs = (int)(sizeof args / sizeof args[0]);
    sample_parse_args(argc, argv, "serve", purpose, args, nargs);
    if (args[1].value == 0 && args[2].value == 0) {
        fprintf(stderr, "serve: SECONDS and REQUESTS are both 0: the run would never end (see serve --help)\n");
        return SAMPLE_EXIT_USAGE;
    }
    sample_gpu gpu;
    sample_require_gpu(&gpu);
    double rate = (double)args[0].value;
    uint64_t limit_ns = (uint64_t)args[1].value * 1000000000u;
    size_t max_requests = (size_t)args[2].value;
    uint64_t rng = (uint64_t)args[6].value;

    model m;
    model_init(&m, (int)args[3].value, (int)args[4].value, (int)args[5].value, (uint32_t)args[6].value);
    for (int i = 0; i < WARMUP_REQUESTS; i++)
        model_request(&m);

    size_t n = 0, cap = 1024;
    double *lat = (double *)malloc(cap * sizeof *lat);
    if (!lat) {
        fprintf(stderr, "serve: out of memory\n");
        return SAMPLE_EXIT_CUDA;
    }
    uint64_t t0 = now_ns(), arrival = t0;
    for (;;) {
        if (max_requests > 0 && n >= max_requests)
            break;
        arrival += exp_gap_ns(&rng, rate);
        if (limit_ns > 0 && arrival - t0 >= limit_ns)
            break;
        if (n == cap) {
            double *more = (double *)realloc(lat, 2 * cap * sizeof *lat);
            if (!more) {
                free(lat);
                fprintf(stderr, "serve: out of memory\n");
                return SAMPLE_EXIT_CUDA;
            }
            lat = more, cap *= 2;
        }
        sleep_until_ns(arrival);
        nvtxRangePushA("request");
        model_request(&m);
        nvtxRangePop();
        lat[n++] = (double)(now_ns() - arrival) / 1e6;
    }
    double seconds = (double)(now_ns() - t0) / 1e9;

    qsort(lat, n, sizeof *lat, cmp_double);
    double p50 = percentile(lat, n, 50), p95 = percentile(lat, n, 95), p99 = percentile(lat, n, 99);
    printf("{\"job\":\"serve\",\"model\":\"mlp\",\"dim\":%d,\"layers\":%d,\"tokens\":%d,\"requests\":%zu,"
           "\"rate\":%.0f,\"seconds\":%.3f,\"p50_ms\":%.3f,\"p95_ms\":%.3f,\"p99_ms\":%.3f}\n",
           m.dim, m.layers, m.tokens, n, rate, seconds, p50, p95, p99);
    fflush(stdout);
    fprintf(stderr,
            "serve: %zu requests at %.0f/s in %.1f ms (%d kernels, 1 memset, 2 copies each), p50 %.3f ms, "
            "p99 %.3f ms, max %.3f ms on %s\n",
            n, rate, seconds * 1e3, 2 * m.layers + 1, p50, p99, n ? lat[n - 1] : 0.0, gpu.name);

    free(lat);
    model_free(&m);
    return SAMPLE_EXIT_OK;
}
