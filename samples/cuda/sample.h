/* sample.h: what every CUDA sample shares: error checks, the GPU check,
 * argument parsing, a host clock, and a kernel that keeps the FP32 pipes
 * busy for a set time.
 *
 * Each sample is one .cu file that includes this header once:
 *
 *   static sample_arg args[] = {{"KERNELS", 1000, 1, 100000000, "kernels to launch"}};
 *   sample_parse_args(argc, argv, "launch_bound", "what it does", args, 1);
 *   sample_gpu gpu;
 *   sample_require_gpu(&gpu);          // exits 2 when there is no GPU
 *   CUDA_CHECK(cudaMalloc(...));       // exits 1 on any CUDA error
 *
 * Exit codes of every sample: 0 done, 1 a CUDA or cuBLAS call failed,
 * 2 bad arguments or no usable GPU.
 *
 * Define SAMPLE_CUBLAS before including it to get CUBLAS_CHECK.
 */
#ifndef GP_SAMPLE_H
#define GP_SAMPLE_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cuda_runtime.h>
#include <nvtx3/nvToolsExt.h>
#ifdef SAMPLE_CUBLAS
#include <cublas_v2.h>
#endif

/* Not every sample uses every helper; nvcc warns about unused statics. */
#define SAMPLE_FN __attribute__((unused)) static

enum { SAMPLE_EXIT_OK = 0, SAMPLE_EXIT_CUDA = 1, SAMPLE_EXIT_USAGE = 2 };

static const char *sample_name = "sample";

/* --- errors ------------------------------------------------------------ */

#define CUDA_CHECK(call) sample_cuda_check((call), #call, __FILE__, __LINE__)
/* Kernel launches return nothing: this reports the last launch error. */
#define CUDA_CHECK_LAUNCH() sample_cuda_check(cudaGetLastError(), "kernel launch", __FILE__, __LINE__)

SAMPLE_FN void sample_cuda_check(cudaError_t err, const char *what, const char *file, int line)
{
    if (err == cudaSuccess)
        return;
    fprintf(stderr, "%s: %s:%d: %s failed: %s: %s\n", sample_name, file, line, what,
            cudaGetErrorName(err), cudaGetErrorString(err));
    exit(SAMPLE_EXIT_CUDA);
}

#ifdef SAMPLE_CUBLAS
#define CUBLAS_CHECK(call) sample_cublas_check((call), #call, __FILE__, __LINE__)

SAMPLE_FN void sample_cublas_check(cublasStatus_t st, const char *what, const char *file, int line)
{
    if (st == CUBLAS_STATUS_SUCCESS)
        return;
    fprintf(stderr, "%s: %s:%d: %s failed: %s: %s\n", sample_name, file, line, what,
            cublasGetStatusName(st), cublasGetStatusString(st));
    exit(SAMPLE_EXIT_CUDA);
}
#endif

/* --- arguments ----------------------------------------------------------- */

/* One optional positional argument: `value` holds the default on the way
 * in and the parsed value on the way out. */
typedef struct sample_arg {
    const char *name; /* in the usage line: "KERNELS" */
    long long value;
    long long min, max;
    const char *help;
} sample_arg;

SAMPLE_FN void sample_usage(FILE *to, const char *purpose, const sample_arg *args, int nargs)
{
    fprintf(to, "usage: %s", sample_name);
    for (int i = 0; i < nargs; i++)
        fprintf(to, " [%s", args[i].name);
    for (int i = 0; i < nargs; i++)
        fputc(']', to);
    fprintf(to, "\n%s\n", purpose);
    for (int i = 0; i < nargs; i++)
        fprintf(to, "  %-12s %s (default %lld)\n", args[i].name, args[i].help, args[i].value);
    fprintf(to, "Exit status: 0 done, 1 a CUDA call failed, 2 bad arguments or no GPU.\n");
}

/* Parses argv into args (all optional, in order). -h/--help prints the
 * usage and exits 0; anything else that does not parse prints why and the
 * usage, and exits 2. Needs no GPU. */
SAMPLE_FN void sample_parse_args(int argc, char **argv, const char *name, const char *purpose,
                                 sample_arg *args, int nargs)
{
    sample_name = name;
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        sample_usage(stdout, purpose, args, nargs);
        exit(SAMPLE_EXIT_OK);
    }
    if (argc - 1 > nargs) {
        fprintf(stderr, "%s: too many arguments (%d, at most %d)\n", name, argc - 1, nargs);
        sample_usage(stderr, purpose, args, nargs);
        exit(SAMPLE_EXIT_USAGE);
    }
    for (int i = 1; i < argc; i++) {
        sample_arg *a = &args[i - 1];
        char *end = NULL;
        errno = 0;
        long long v = strtoll(argv[i], &end, 10);
        if (errno != 0 || end == argv[i] || *end != '\0' || v < a->min || v > a->max) {
            fprintf(stderr, "%s: bad %s '%s': want an integer from %lld to %lld\n", name, a->name,
                    argv[i], a->min, a->max);
            sample_usage(stderr, purpose, args, nargs);
            exit(SAMPLE_EXIT_USAGE);
        }
        a->value = v;
    }
}

/* --- the GPU ---------------------------------------------------------------- */

typedef struct sample_gpu {
    int sm_count;
    int cc_major, cc_minor;
    char name[256];
} sample_gpu;

/* Picks device 0 and describes it. No device (or no driver): says so and
 * exits 2. The samples are built for compute capability 8.0 and 9.0 (plus
 * PTX for newer GPUs), so an older GPU is refused the same way. */
SAMPLE_FN void sample_require_gpu(sample_gpu *gpu)
{
    int count = 0;
    cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess || count == 0) {
        if (err == cudaSuccess)
            fprintf(stderr, "%s: no CUDA device: this sample needs a GPU (the driver reports 0 devices)\n",
                    sample_name);
        else
            fprintf(stderr, "%s: no CUDA device: this sample needs a GPU (cudaGetDeviceCount: %s: %s)\n",
                    sample_name, cudaGetErrorName(err), cudaGetErrorString(err));
        exit(SAMPLE_EXIT_USAGE);
    }
    CUDA_CHECK(cudaSetDevice(0));
    cudaDeviceProp prop;
    CUDA_CHECK(cudaGetDeviceProperties(&prop, 0));
    snprintf(gpu->name, sizeof gpu->name, "%s", prop.name);
    gpu->cc_major = prop.major;
    gpu->cc_minor = prop.minor;
    CUDA_CHECK(cudaDeviceGetAttribute(&gpu->sm_count, cudaDevAttrMultiProcessorCount, 0));
    if (gpu->cc_major < 8) {
        fprintf(stderr, "%s: %s has compute capability %d.%d: this sample needs 8.0 or newer\n",
                sample_name, gpu->name, gpu->cc_major, gpu->cc_minor);
        exit(SAMPLE_EXIT_USAGE);
    }
}

/* --- time --------------------------------------------------------------------- */

/* Host monotonic clock in milliseconds. */
SAMPLE_FN double sample_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* --- a kernel of known duration ---------------------------------------------- */

__device__ __attribute__((unused)) static unsigned long long sample_globaltimer_ns(void)
{
    unsigned long long t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    return t;
}

/* Each thread first reads its share of `in` (n floats, grid-stride; in may
 * be NULL), then runs dependent FP32 FMAs until `ns` nanoseconds have passed
 * since it started, and writes one float to out[global thread index]. A grid
 * that fits in one wave therefore lasts about `ns` (the global timer ticks
 * every microsecond or faster), whatever the GPU's clock, while doing real
 * FP32 work. */
static __global__ __attribute__((unused)) void sample_busy_kernel(const float *in, size_t n, float *out,
                                                                 unsigned long long ns)
{
    unsigned long long end = sample_globaltimer_ns() + ns;
    size_t tid = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    float x = 0.0f;
    for (size_t i = tid; in != NULL && i < n; i += (size_t)gridDim.x * blockDim.x)
        x += in[i];
    while (sample_globaltimer_ns() < end) {
#pragma unroll 16
        for (int k = 0; k < 256; k++)
            x = fmaf(x, 0.9999f, 0.5f);
    }
    out[tid] = x;
}

#endif
