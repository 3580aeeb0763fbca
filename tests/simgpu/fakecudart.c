/* fakecudart.c: the simulated GPU's fake CUDA runtime (libcudart.so.13): its
 * way into the fake driver, lazy initialization, devices, errors, kernel
 * registration and launches. A test fixture exporting cudart's real names
 * and prototypes (cuda_runtime_api.h; simcudart.h for the entry points nvcc
 * emits); see simgpu.h for what it simulates.
 *
 * As the real runtime, it does not link the driver: it finds libcuda.so.1
 * with dlopen and reaches it through an internal entry
 * (simgpu_runtime_entries), so its calls into the driver are no driver API
 * calls for CUPTI: the fake CUPTI reports each cuda* call in the
 * RUNTIME_API domain (callbacks with the real cudaXxx_vNNNN_params structs,
 * RUNTIME records), and the GPU work it issues carries the runtime call's
 * correlation id. Without that driver every call fails with
 * cudaErrorInsufficientDriver.
 *
 * Rules where cudart leaves a choice (README.md): the first call of a
 * thread initializes the driver (cuInit, which loads CUDA_INJECTION64_PATH)
 * and makes the thread's device's primary context current unless a context
 * is already current, before its own ENTER callback. Kernels are registered
 * as nvcc's code does (__cudaRegisterFatBinary, __cudaRegisterFunction) and
 * loaded into a context at their first use there (a module per fat binary
 * and context, as CUDA's lazy loading). Registration calls are not traced.
 * Primary contexts are retained once and never released. */
#include "config.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "tests/simgpu/fakecudart_internal.h"
#include "tests/simgpu/simgpu.h"

const simgpu_runtime *sr_drv;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER; /* primary, kernels, loaded */
static CUcontext primary[SIMGPU_MAX_DEVICES];
static __thread int tl_device;            /* cudaSetDevice's, default 0 */
static __thread cudaError_t tl_last;      /* cudaGetLastError's */

/* One registered fat binary: the handle __cudaRegisterFatBinary returns
 * points at its first member. */
typedef struct sr_fatbin {
    const void *image;
} sr_fatbin;

typedef struct sr_kernel {
    struct sr_kernel *next;
    const void *host_fun;         /* the host stub's address: the key */
    char *name;                   /* the device function's name */
    const sr_fatbin *fb;
} sr_kernel;

/* What is loaded into a context: a fat binary's module or a kernel's function. */
typedef struct sr_loaded {
    struct sr_loaded *next;
    const void *what;             /* sr_fatbin or sr_kernel */
    CUcontext ctx;
    void *handle;                 /* CUmodule or CUfunction */
} sr_loaded;

static sr_kernel *kernels;
static sr_loaded *loaded;

static void load_driver(void)
{
    const simgpu_runtime *(*entries)(int);
    void *h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD);

    if (!h)
        h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (!h)
        return; /* never dlclose'd, as cudart's own handle */
    *(void **)&entries = dlsym(h, "simgpu_runtime_entries");
    if (entries)
        sr_drv = entries(SIMGPU_ABI_VERSION);
}

cudaError_t sr_error(CUresult r)
{
    switch (r) {
    case CUDA_SUCCESS: return cudaSuccess;
    case CUDA_ERROR_INVALID_VALUE: return cudaErrorInvalidValue;
    case CUDA_ERROR_OUT_OF_MEMORY: return cudaErrorMemoryAllocation;
    case CUDA_ERROR_NOT_INITIALIZED: return cudaErrorInitializationError;
    case CUDA_ERROR_NO_DEVICE: return cudaErrorNoDevice;
    case CUDA_ERROR_INVALID_DEVICE: return cudaErrorInvalidDevice;
    case CUDA_ERROR_INVALID_CONTEXT: return cudaErrorDeviceUninitialized;
    case CUDA_ERROR_CONTEXT_IS_DESTROYED: return cudaErrorContextIsDestroyed;
    case CUDA_ERROR_INVALID_HANDLE: return cudaErrorInvalidResourceHandle;
    case CUDA_ERROR_ILLEGAL_STATE: return cudaErrorIllegalState;
    case CUDA_ERROR_NOT_FOUND: return cudaErrorSymbolNotFound;
    case CUDA_ERROR_NOT_READY: return cudaErrorNotReady;
    case CUDA_ERROR_NOT_SUPPORTED: return cudaErrorNotSupported;
    case CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED: return cudaErrorStreamCaptureUnsupported;
    case CUDA_ERROR_STREAM_CAPTURE_INVALIDATED: return cudaErrorStreamCaptureInvalidated;
    case CUDA_ERROR_STREAM_CAPTURE_IMPLICIT: return cudaErrorStreamCaptureImplicit;
    default: return cudaErrorUnknown;
    }
}

/* The primary context of dev, retained on first use. */
static CUresult primary_of(int dev, CUcontext *ctx)
{
    CUresult r = CUDA_SUCCESS;

    if (dev < 0 || dev >= SIMGPU_MAX_DEVICES)
        return CUDA_ERROR_INVALID_DEVICE;
    pthread_mutex_lock(&mu);
    if (!primary[dev])
        r = sr_drv->primary_retain(dev, &primary[dev]);
    *ctx = primary[dev];
    pthread_mutex_unlock(&mu);
    return r;
}

/* The driver, cuInit, and a current context for the calling thread. */
static cudaError_t ready(void)
{
    CUcontext ctx = NULL;
    CUresult r;

    pthread_once(&load_once, load_driver);
    if (!sr_drv)
        return cudaErrorInsufficientDriver;
    r = sr_drv->init();
    if (r == CUDA_SUCCESS)
        r = sr_drv->get_current(&ctx);
    if (r == CUDA_SUCCESS && !ctx) {
        r = primary_of(tl_device, &ctx);
        if (r == CUDA_SUCCESS)
            r = sr_drv->set_current(ctx);
    }
    return sr_error(r);
}

cudaError_t sr_begin(simgpu_call *c, CUpti_CallbackId cbid, const char *name, const void *params,
                     const char *symbol, int init)
{
    cudaError_t e;

    pthread_once(&load_once, load_driver);
    e = !sr_drv ? cudaErrorInsufficientDriver : init ? ready() : cudaSuccess;
    memset(c, 0, sizeof *c);
    if (sr_drv)
        sr_drv->call_begin(c, cbid, name, params, symbol);
    return e;
}

cudaError_t sr_end(simgpu_call *c, cudaError_t e)
{
    if (e != cudaSuccess)
        tl_last = e;
    if (sr_drv)
        sr_drv->call_end(c, (int)e);
    return e;
}

/* --- devices and errors ---------------------------------------------------- */

cudaError_t CUDARTAPI cudaGetDeviceCount(int *count)
{
    cudaGetDeviceCount_v3020_params p = { count };
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaGetDeviceCount_v3020,
                             "cudaGetDeviceCount", &p, NULL, 1);

    if (e == cudaSuccess)
        e = sr_error(sr_drv->device_count(count));
    return sr_end(&c, e);
}

cudaError_t CUDARTAPI cudaSetDevice(int device)
{
    cudaSetDevice_v3020_params p = { device };
    simgpu_call c;
    CUcontext ctx;
    int n = 0;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaSetDevice_v3020, "cudaSetDevice", &p,
                             NULL, 1);

    if (e == cudaSuccess)
        e = sr_error(sr_drv->device_count(&n));
    if (e == cudaSuccess && (device < 0 || device >= n))
        e = cudaErrorInvalidDevice;
    if (e == cudaSuccess)
        e = sr_error(primary_of(device, &ctx));
    if (e == cudaSuccess)
        e = sr_error(sr_drv->set_current(ctx));
    if (e == cudaSuccess)
        tl_device = device;
    return sr_end(&c, e);
}

cudaError_t CUDARTAPI cudaGetDevice(int *device)
{
    cudaGetDevice_v3020_params p = { device };
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaGetDevice_v3020, "cudaGetDevice", &p,
                             NULL, 1);

    if (e == cudaSuccess && !device)
        e = cudaErrorInvalidValue;
    if (e == cudaSuccess)
        *device = tl_device;
    return sr_end(&c, e);
}

cudaError_t CUDARTAPI cudaGetLastError(void)
{
    simgpu_call c;
    cudaError_t last = tl_last;

    sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaGetLastError_v3020, "cudaGetLastError", NULL, NULL,
             0);
    sr_end(&c, cudaSuccess);
    tl_last = cudaSuccess;
    return last;
}

static const struct {
    cudaError_t code;
    const char *name, *text;
} errors[] = {
#define E(c, t) { c, #c, t }
    E(cudaSuccess, "no error"),
    E(cudaErrorInvalidValue, "invalid argument"),
    E(cudaErrorMemoryAllocation, "out of memory"),
    E(cudaErrorInitializationError, "initialization error"),
    E(cudaErrorInsufficientDriver,
      "CUDA driver version is insufficient for CUDA runtime version (no simulated driver)"),
    E(cudaErrorInvalidDeviceFunction, "invalid device function"),
    E(cudaErrorNoDevice, "no CUDA-capable device is detected"),
    E(cudaErrorInvalidDevice, "invalid device ordinal"),
    E(cudaErrorDeviceUninitialized, "invalid device context"),
    E(cudaErrorInvalidResourceHandle, "invalid resource handle"),
    E(cudaErrorIllegalState, "the operation cannot be performed in the present state"),
    E(cudaErrorSymbolNotFound, "named symbol not found"),
    E(cudaErrorNotReady, "device not ready"),
    E(cudaErrorContextIsDestroyed, "context is destroyed"),
    E(cudaErrorNotSupported, "operation not supported (by the gpupack simulated GPU)"),
    E(cudaErrorStreamCaptureUnsupported, "operation not permitted when stream is capturing"),
    E(cudaErrorStreamCaptureInvalidated, "operation failed due to a previous error during capture"),
    E(cudaErrorStreamCaptureImplicit,
      "operation would make the legacy stream depend on a capturing blocking stream"),
    E(cudaErrorUnknown, "unknown error"),
#undef E
};

static const char *error_text(cudaError_t error, int name)
{
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        if (errors[i].code == error)
            return name ? errors[i].name : errors[i].text;
    return name ? "cudaErrorUnknown" : "unrecognized error code";
}

const char *CUDARTAPI cudaGetErrorString(cudaError_t error)
{
    cudaGetErrorString_v3020_params p = { error };
    simgpu_call c;

    sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaGetErrorString_v3020, "cudaGetErrorString", &p, NULL,
             0);
    sr_end(&c, cudaSuccess);
    return error_text(error, 0);
}

const char *CUDARTAPI cudaGetErrorName(cudaError_t error)
{
    cudaGetErrorName_v6050_params p = { error };
    simgpu_call c;

    sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaGetErrorName_v6050, "cudaGetErrorName", &p, NULL, 0);
    sr_end(&c, cudaSuccess);
    return error_text(error, 1);
}

/* --- kernel registration (not traced) --------------------------------------- */

void **CUDARTAPI __cudaRegisterFatBinary(void *fatCubin)
{
    sr_fatbin *fb = calloc(1, sizeof *fb);

    if (!fb)
        return NULL;
    fb->image = fatCubin ? fatCubin : (const void *)fb;
    return (void **)fb;
}

void CUDARTAPI __cudaRegisterFatBinaryEnd(void **fatCubinHandle)
{
    (void)fatCubinHandle;
}

void CUDARTAPI __cudaRegisterFunction(void **fatCubinHandle, const char *hostFun, char *deviceFun,
                                      const char *deviceName, int thread_limit, uint3 *tid,
                                      uint3 *bid, dim3 *bDim, dim3 *gDim, int *wSize)
{
    sr_kernel *k;

    (void)deviceFun, (void)thread_limit, (void)tid, (void)bid, (void)bDim, (void)gDim, (void)wSize;
    if (!fatCubinHandle || !hostFun || !deviceName || !(k = calloc(1, sizeof *k)))
        return;
    k->name = strdup(deviceName);
    if (!k->name) {
        free(k);
        return;
    }
    k->host_fun = hostFun;
    k->fb = (const sr_fatbin *)fatCubinHandle;
    pthread_mutex_lock(&mu);
    k->next = kernels;
    kernels = k;
    pthread_mutex_unlock(&mu);
}

/* Forgets fb's kernels and what was loaded for them (the driver frees the
 * modules with their contexts). */
void CUDARTAPI __cudaUnregisterFatBinary(void **fatCubinHandle)
{
    sr_fatbin *fb = (sr_fatbin *)fatCubinHandle;

    if (!fb)
        return;
    pthread_mutex_lock(&mu);
    for (sr_kernel **kp = &kernels; *kp;) {
        sr_kernel *k = *kp;
        if (k->fb != fb) {
            kp = &k->next;
            continue;
        }
        for (sr_loaded **lp = &loaded; *lp;) {
            sr_loaded *l = *lp;
            if (l->what == k || l->what == fb) {
                *lp = l->next;
                free(l);
            } else {
                lp = &l->next;
            }
        }
        *kp = k->next;
        free(k->name);
        free(k);
    }
    for (sr_loaded **lp = &loaded; *lp;) { /* a module loaded for no kernel */
        sr_loaded *l = *lp;
        if (l->what == fb) {
            *lp = l->next;
            free(l);
        } else {
            lp = &l->next;
        }
    }
    pthread_mutex_unlock(&mu);
    free(fb);
}

/* The registered kernel whose host stub is host_fun, or whose handle is k. */
static const sr_kernel *kernel_find(const void *host_fun, const void *handle)
{
    const sr_kernel *k;

    pthread_mutex_lock(&mu);
    for (k = kernels; k && k->host_fun != host_fun && (const void *)k != handle; k = k->next)
        ;
    pthread_mutex_unlock(&mu);
    return k;
}

/* What is loaded of what into ctx (mu held). */
static void *loaded_find(const void *what, CUcontext ctx)
{
    for (sr_loaded *l = loaded; l; l = l->next)
        if (l->what == what && l->ctx == ctx)
            return l->handle;
    return NULL;
}

static int loaded_add(const void *what, CUcontext ctx, void *handle)
{
    sr_loaded *l = malloc(sizeof *l);

    if (!l)
        return -1;
    l->what = what;
    l->ctx = ctx;
    l->handle = handle;
    l->next = loaded;
    loaded = l;
    return 0;
}

/* k's function in the current context, loading its module on first use
 * there. mu is held across the driver calls (whose RESOURCE callbacks may
 * run): a subscriber must not call the runtime from them. */
static cudaError_t function_of(const sr_kernel *k, CUfunction *out)
{
    CUcontext ctx = NULL;
    CUmodule mod;
    CUresult r = sr_drv->get_current(&ctx);

    if (r != CUDA_SUCCESS || !ctx)
        return r != CUDA_SUCCESS ? sr_error(r) : cudaErrorDeviceUninitialized;
    pthread_mutex_lock(&mu);
    *out = loaded_find(k, ctx);
    if (!*out) {
        mod = loaded_find(k->fb, ctx);
        if (!mod && (r = sr_drv->module_load(&mod, k->fb->image)) == CUDA_SUCCESS &&
            loaded_add(k->fb, ctx, mod) != 0)
            r = CUDA_ERROR_OUT_OF_MEMORY;
        if (r == CUDA_SUCCESS)
            r = sr_drv->module_function(out, mod, k->name);
        if (r == CUDA_SUCCESS && loaded_add(k, ctx, *out) != 0)
            r = CUDA_ERROR_OUT_OF_MEMORY;
    }
    pthread_mutex_unlock(&mu);
    return sr_error(r);
}

/* --- launches ---------------------------------------------------------------- */

static cudaError_t launch(simgpu_call *c, const sr_kernel *k, dim3 grid, dim3 block,
                          size_t shmem_bytes, cudaStream_t stream)
{
    const unsigned g[3] = { grid.x, grid.y, grid.z }, b[3] = { block.x, block.y, block.z };
    CUfunction f;
    cudaError_t e;

    if (!k)
        return cudaErrorInvalidDeviceFunction;
    if (shmem_bytes > UINT_MAX)
        return cudaErrorInvalidValue;
    e = function_of(k, &f);
    if (e == cudaSuccess)
        e = sr_error(sr_drv->launch(c, f, g, b, (unsigned)shmem_bytes, (CUstream)stream));
    return e;
}

cudaError_t CUDARTAPI cudaLaunchKernel(const void *func, dim3 gridDim, dim3 blockDim, void **args,
                                       size_t sharedMem, cudaStream_t stream)
{
    cudaLaunchKernel_v7000_params p = { func, gridDim, blockDim, args, sharedMem, stream };
    const sr_kernel *k = kernel_find(func, NULL);
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernel_v7000,
                             "cudaLaunchKernel", &p, k ? k->name : NULL, 1);

    if (e == cudaSuccess)
        e = launch(&c, k, gridDim, blockDim, sharedMem, stream);
    return sr_end(&c, e);
}

/* Launch attributes are accepted and ignored. */
cudaError_t CUDARTAPI cudaLaunchKernelExC(const cudaLaunchConfig_t *config, const void *func,
                                          void **args)
{
    cudaLaunchKernelExC_v11060_params p = { config, func, args };
    const sr_kernel *k = kernel_find(func, NULL);
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaLaunchKernelExC_v11060,
                             "cudaLaunchKernelExC", &p, k ? k->name : NULL, 1);

    if (e == cudaSuccess && !config)
        e = cudaErrorInvalidValue;
    if (e == cudaSuccess)
        e = launch(&c, k, config->gridDim, config->blockDim, config->dynamicSmemBytes,
                   config->stream);
    return sr_end(&c, e);
}

/* The kernel handle is the registration itself. Its callback carries
 * cudaGetKernel_v12000_params (the same arguments; the CUDA 13 headers have
 * no struct of their own for __cudaGetKernel). */
cudaError_t CUDARTAPI __cudaGetKernel(cudaKernel_t *kernel, const void *hostFun)
{
    cudaGetKernel_v12000_params p = { kernel, hostFun };
    const sr_kernel *k = kernel_find(hostFun, NULL);
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID___cudaGetKernel_v13000,
                             "__cudaGetKernel", &p, NULL, 1);

    if (e == cudaSuccess && (!kernel || !k))
        e = kernel ? cudaErrorInvalidDeviceFunction : cudaErrorInvalidValue;
    if (e == cudaSuccess)
        *kernel = (cudaKernel_t)(void *)k;
    return sr_end(&c, e);
}

/* CUDA 13's <<<>>>. The CUDA 13 headers have no params struct for it: its
 * callback carries cudaLaunchKernel_v7000_params, whose layout is its
 * argument list (the kernel handle in place of func). */
cudaError_t CUDARTAPI __cudaLaunchKernel(cudaKernel_t kernel, dim3 gridDim, dim3 blockDim,
                                         void **args, size_t sharedMem, cudaStream_t stream)
{
    cudaLaunchKernel_v7000_params p = { (const void *)kernel, gridDim, blockDim, args, sharedMem,
                                        stream };
    const sr_kernel *k = kernel ? kernel_find(NULL, kernel) : NULL;
    simgpu_call c;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID___cudaLaunchKernel_v13000,
                             "__cudaLaunchKernel", &p, k ? k->name : NULL, 1);

    if (e == cudaSuccess)
        e = launch(&c, k, gridDim, blockDim, sharedMem, stream);
    return sr_end(&c, e);
}

cudaError_t CUDARTAPI cudaGetFuncBySymbol(cudaFunction_t *functionPtr, const void *symbolPtr)
{
    cudaGetFuncBySymbol_v11000_params p = { functionPtr, symbolPtr };
    const sr_kernel *k = kernel_find(symbolPtr, NULL);
    simgpu_call c;
    CUfunction f;
    cudaError_t e = sr_begin(&c, CUPTI_RUNTIME_TRACE_CBID_cudaGetFuncBySymbol_v11000,
                             "cudaGetFuncBySymbol", &p, NULL, 1);

    if (e == cudaSuccess && (!functionPtr || !k))
        e = functionPtr ? cudaErrorInvalidDeviceFunction : cudaErrorInvalidValue;
    if (e == cudaSuccess)
        e = function_of(k, &f);
    if (e == cudaSuccess)
        *functionPtr = f;
    return sr_end(&c, e);
}
