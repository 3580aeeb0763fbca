/* train.cu: a training loop printing its throughput, the training job for
 * `gpupack pack` (the CUDA C counterpart of samples/pytorch/train.py).
 *
 * What it does: trains a multilayer perceptron of LAYERS layers of width
 * DIM (FP32; each layer a tiled GEMM by a DIM x DIM weight matrix, a fixed
 * bias and a ReLU) with plain SGD on one synthetic batch of BATCH rows and
 * a synthetic target (mean squared error), for SECONDS seconds or STEPS
 * steps, whichever ends first (0 turns either limit off; not both). A step
 * is one NVTX range "step" around, on one stream: the forward pass
 * (2 LAYERS kernels), the loss and its gradient (a memset and a kernel),
 * the backward pass (per layer: the ReLU's gradient, the weight gradient
 * GEMM, the input gradient GEMM except for the first layer, and the SGD
 * update), and the loss copied to the host with a cudaStreamSynchronize,
 * as a loop that logs its loss synchronizes once per step. Two steps
 * before the clock starts warm the GPU up.
 *
 * Prints one JSON line on stdout:
 *   {"job":"train","model":"mlp","dim":D,"layers":L,"batch":B,"steps":N,
 *    "seconds":T,"samples_per_s":X}
 * where samples_per_s = N * B / T over the timed steps, and a summary on
 * stderr (with the first and last loss: it should fall).
 *
 * Not a planted problem: a workload, for measuring training throughput
 * alone and beside a serving job (serve.cu) under gpupack pack.
 *
 * Approximate magnitudes on an H100 SXM (estimates, not measurements):
 * with the defaults a step is 6 LAYERS = 24 kernels, 11 of them GEMMs of
 * 32 x 1024 x 1024 (three per layer, two for the first), about 0.3-1 ms,
 * so some 30000-100000 samples/s.
 */
#include "sample.h"
#include "mlp.h"

#include <math.h>

enum { WARMUP_STEPS = 2 };

static const float LEARNING_RATE = 0.01f;

typedef struct net {
    int dim, layers, batch;
    float *w, *bias;  /* layers x dim x dim, layers x dim */
    float *act;       /* (layers + 1) x batch x dim: the input, then each layer's output */
    float *target;    /* batch x dim */
    float *grad[2];   /* batch x dim each: ping-pong activation gradients */
    float *dw;        /* dim x dim: one layer's weight gradient */
    float *loss;      /* one float on the GPU */
    float *loss_host; /* pinned */
    cudaStream_t stream;
} net;

static void net_init(net *m, int dim, int layers, int batch)
{
    size_t dd = (size_t)dim * dim, bd = (size_t)batch * dim;
    m->dim = dim, m->layers = layers, m->batch = batch;
    CUDA_CHECK(cudaStreamCreate(&m->stream));
    CUDA_CHECK(cudaMalloc(&m->w, layers * dd * sizeof(float)));
    CUDA_CHECK(cudaMalloc(&m->bias, (size_t)layers * dim * sizeof(float)));
    CUDA_CHECK(cudaMalloc(&m->act, (layers + 1) * bd * sizeof(float)));
    CUDA_CHECK(cudaMalloc(&m->target, bd * sizeof(float)));
    CUDA_CHECK(cudaMalloc(&m->grad[0], bd * sizeof(float)));
    CUDA_CHECK(cudaMalloc(&m->grad[1], bd * sizeof(float)));
    CUDA_CHECK(cudaMalloc(&m->dw, dd * sizeof(float)));
    CUDA_CHECK(cudaMalloc(&m->loss, sizeof(float)));
    CUDA_CHECK(cudaMallocHost(&m->loss_host, sizeof(float)));
    /* Weights ~ U(-1, 1) * sqrt(3 / dim) keep the activations' scale. */
    mlp_fill(m->stream, m->w, layers * dd, 1, sqrtf(3.0f / (float)dim));
    mlp_fill(m->stream, m->bias, (size_t)layers * dim, 2, 0.01f);
    mlp_fill(m->stream, m->act, bd, 3, 1.0f);
    mlp_fill(m->stream, m->target, bd, 4, 0.5f);
    CUDA_CHECK_LAUNCH();
    CUDA_CHECK(cudaStreamSynchronize(m->stream));
}

static void net_free(net *m)
{
    CUDA_CHECK(cudaStreamDestroy(m->stream));
    CUDA_CHECK(cudaFree(m->w));
    CUDA_CHECK(cudaFree(m->bias));
    CUDA_CHECK(cudaFree(m->act));
    CUDA_CHECK(cudaFree(m->target));
    CUDA_CHECK(cudaFree(m->grad[0]));
    CUDA_CHECK(cudaFree(m->grad[1]));
    CUDA_CHECK(cudaFree(m->dw));
    CUDA_CHECK(cudaFree(m->loss));
    CUDA_CHECK(cudaFreeHost(m->loss_host));
}

/* One SGD step; returns the loss before the update. */
static float net_step(net *m)
{
    size_t dd = (size_t)m->dim * m->dim, bd = (size_t)m->batch * m->dim;
    cudaStream_t s = m->stream;
    for (int l = 0; l < m->layers; l++) {
        float *x = m->act + l * bd, *y = m->act + (l + 1) * bd;
        mlp_gemm(s, false, false, x, m->w + l * dd, y, m->batch, m->dim, m->dim);
        mlp_bias_relu(s, y, m->bias + (size_t)l * m->dim, m->batch, m->dim);
    }
    mlp_mse(s, m->act + m->layers * bd, m->target, m->grad[0], bd, m->loss);
    int g = 0; /* m->grad[g]: the gradient of the current layer's output */
    for (int l = m->layers - 1; l >= 0; l--) {
        float *x = m->act + l * bd, *y = m->act + (l + 1) * bd, *w = m->w + l * dd;
        mlp_relu_grad(s, m->grad[g], y, bd); /* now the gradient of the GEMM's output */
        if (l > 0) /* the input's gradient, with the weights before their update */
            mlp_gemm(s, false, true, m->grad[g], w, m->grad[1 - g], m->batch, m->dim, m->dim);
        mlp_gemm(s, true, false, x, m->grad[g], m->dw, m->dim, m->dim, m->batch);
        mlp_sgd(s, w, m->dw, dd, LEARNING_RATE);
        g = 1 - g;
    }
    CUDA_CHECK_LAUNCH();
    CUDA_CHECK(cudaMemcpyAsync(m->loss_host, m->loss, sizeof(float), cudaMemcpyDeviceToHost, s));
    CUDA_CHECK(cudaStreamSynchronize(s));
    return *m->loss_host;
}

int main(int argc, char **argv)
{
    sample_arg args[] = {
        {"BATCH", 32, 1, 65536, "samples per step"},
        {"SECONDS", 30, 0, 86400, "run for this long (0: no time limit)"},
        {"STEPS", 0, 0, 100000000, "stop after this many steps (0: no limit)"},
        {"DIM", 1024, 16, 8192, "width of each layer"},
        {"LAYERS", 4, 1, 64, "layers"},
    };
    const char *purpose = "Trains a small MLP with SGD on a synthetic batch, one NVTX range \"step\" per\n"
                          "step; prints samples/s as one JSON line.";
    const int nargs = (int)(sizeof args / sizeof args[0]);
    sample_parse_args(argc, argv, "train", purpose, args, nargs);
    if (args[1].value == 0 && args[2].value == 0) {
        fprintf(stderr, "train: SECONDS and STEPS are both 0: the run would never end (see train --help)\n");
        return SAMPLE_EXIT_USAGE;
    }
    sample_gpu gpu;
    sample_require_gpu(&gpu);
    double limit_ms = (double)args[1].value * 1e3;
    long long max_steps = args[2].value;

    net m;
    net_init(&m, (int)args[3].value, (int)args[4].value, (int)args[0].value);
    for (int i = 0; i < WARMUP_STEPS; i++)
        net_step(&m);

    long long steps = 0;
    float first_loss = 0.0f, last_loss = 0.0f;
    double t0 = sample_now_ms(), ms = 0.0;
    while ((limit_ms == 0.0 || ms < limit_ms) && (max_steps == 0 || steps < max_steps)) {
        nvtxRangePushA("step");
        last_loss = net_step(&m);
        nvtxRangePop();
        if (steps++ == 0)
            first_loss = last_loss;
        ms = sample_now_ms() - t0;
    }
    double sps = ms > 0.0 ? (double)steps * m.batch / (ms / 1e3) : 0.0;

    printf("{\"job\":\"train\",\"model\":\"mlp\",\"dim\":%d,\"layers\":%d,\"batch\":%d,\"steps\":%lld,"
           "\"seconds\":%.3f,\"samples_per_s\":%.1f}\n",
           m.dim, m.layers, m.batch, steps, ms / 1e3, sps);
    fflush(stdout);
    fprintf(stderr,
            "train: %lld steps of %d samples (%d kernels, 1 memset, 1 copy each) in %.1f ms, %.1f samples/s, "
            "loss %.6g -> %.6g on %s\n",
            steps, m.batch, 6 * m.layers, ms, sps, first_loss, last_loss, gpu.name);

    net_free(&m);
    return SAMPLE_EXIT_OK;
}
