/* fakecuda.c: the simulated GPU's driver entry: cuInit (with the real
 * driver's CUDA_INJECTION64_PATH hook), devices and their attributes, the
 * driver version and error strings. */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/simgpu/fakecuda_internal.h"

#define TOTAL_MEM_BYTES (80ull << 30)

/* cuInit runs once per process; the injection it loads may call back into
 * the driver (and cuInit) from the initialising thread. */
static pthread_mutex_t init_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t init_cv = PTHREAD_COND_INITIALIZER;
static int init_state;            /* 0: fresh, 1: running, 2: done */
static pthread_t init_thread;
static CUresult init_result = CUDA_ERROR_NOT_INITIALIZED;
static atomic_int ready;          /* devices usable (set before the injection) */
static int ndev;

CUresult sg_ready(void)
{
    return atomic_load_explicit(&ready, memory_order_acquire) ? CUDA_SUCCESS
                                                              : CUDA_ERROR_NOT_INITIALIZED;
}

int sg_device_count(void)
{
    return ndev;
}

size_t sg_device_total_mem(int dev)
{
    (void)dev;
    return TOTAL_MEM_BYTES;
}

/* Loads CUDA_INJECTION64_PATH and calls its InitializeInjection, as the
 * real driver does during the process's first cuInit. A library that does
 * not load is reported on stderr and skipped. */
static void load_injection(void)
{
    const char *path = getenv("CUDA_INJECTION64_PATH");
    int (*init)(void);
    void *h;

    if (!path || !*path)
        return;
    h = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
    if (!h) {
        fprintf(stderr, "simgpu: cannot load CUDA_INJECTION64_PATH=%s: %s\n", path, dlerror());
        return;
    }
    *(void **)&init = dlsym(h, "InitializeInjection");
    if (!init) {
        fprintf(stderr, "simgpu: %s has no InitializeInjection; ignored\n", path);
        return;
    }
    init(); /* its result is ignored, as by the real driver; never dlclose'd */
}

static void after_fork_child(void)
{
    pthread_mutex_init(&init_mu, NULL);
    pthread_cond_init(&init_cv, NULL);
    sg_after_fork_child();
}

static void register_atfork(void)
{
    pthread_atfork(NULL, NULL, after_fork_child);
}

CUresult sg_init(unsigned flags)
{
    static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
    const char *env;
    CUresult r;

    if (flags != 0)
        return CUDA_ERROR_INVALID_VALUE;
    pthread_once(&atfork_once, register_atfork);
    pthread_mutex_lock(&init_mu);
    if (init_state == 1 && pthread_equal(init_thread, pthread_self())) {
        pthread_mutex_unlock(&init_mu); /* from InitializeInjection */
        return CUDA_SUCCESS;
    }
    while (init_state == 1)
        pthread_cond_wait(&init_cv, &init_mu);
    if (init_state == 2) {
        r = init_result;
        pthread_mutex_unlock(&init_mu);
        return r;
    }
    init_state = 1;
    init_thread = pthread_self();
    pthread_mutex_unlock(&init_mu);

    env = getenv("SIMGPU_DEVICES");
    ndev = env && *env ? atoi(env) : 1;
    if (ndev > SIMGPU_MAX_DEVICES)
        ndev = SIMGPU_MAX_DEVICES;
    if (ndev <= 0) {
        ndev = 0;
        r = CUDA_ERROR_NO_DEVICE;
    } else {
        r = CUDA_SUCCESS;
        atomic_store_explicit(&ready, 1, memory_order_release);
        load_injection();
        sg_resource(CUPTI_CBID_RESOURCE_CU_INIT_FINISHED, NULL, NULL, NULL);
    }

    pthread_mutex_lock(&init_mu);
    init_result = r;
    init_state = 2;
    pthread_cond_broadcast(&init_cv);
    pthread_mutex_unlock(&init_mu);
    return r;
}

CUresult CUDAAPI cuInit(unsigned int Flags)
{
    cuInit_params p = { Flags };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuInit, "cuInit", &p);
    return sg_call_end(&c, sg_init(Flags));
}

CUresult CUDAAPI cuDriverGetVersion(int *driverVersion)
{
    cuDriverGetVersion_params p = { driverVersion };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuDriverGetVersion, "cuDriverGetVersion", &p);
    if (!driverVersion)
        return sg_call_end(&c, CUDA_ERROR_INVALID_VALUE);
    /* SIMGPU_DRIVER_VERSION plays another driver (12040: a CUDA 12.4 one). */
    *driverVersion = getenv("SIMGPU_DRIVER_VERSION") ? atoi(getenv("SIMGPU_DRIVER_VERSION")) : 13000;
    return sg_call_end(&c, CUDA_SUCCESS);
}

/* CUDA_SUCCESS if the driver is ready and dev names a device. */
static CUresult check_dev(CUdevice dev)
{
    CUresult r = sg_ready();

    if (r != CUDA_SUCCESS)
        return r;
    return dev >= 0 && dev < ndev ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE;
}

CUresult CUDAAPI cuDeviceGetCount(int *count)
{
    cuDeviceGetCount_params p = { count };
    simgpu_call c;
    CUresult r = sg_ready();

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuDeviceGetCount, "cuDeviceGetCount", &p);
    if (r == CUDA_SUCCESS && !count)
        r = CUDA_ERROR_INVALID_VALUE;
    if (r == CUDA_SUCCESS)
        *count = ndev;
    return sg_call_end(&c, r);
}

CUresult CUDAAPI cuDeviceGet(CUdevice *device, int ordinal)
{
    cuDeviceGet_params p = { device, ordinal };
    simgpu_call c;
    CUresult r = sg_ready();

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuDeviceGet, "cuDeviceGet", &p);
    if (r == CUDA_SUCCESS && !device)
        r = CUDA_ERROR_INVALID_VALUE;
    if (r == CUDA_SUCCESS && (ordinal < 0 || ordinal >= ndev))
        r = CUDA_ERROR_INVALID_DEVICE;
    if (r == CUDA_SUCCESS)
        *device = ordinal;
    return sg_call_end(&c, r);
}

CUresult CUDAAPI cuDeviceGetName(char *name, int len, CUdevice dev)
{
    cuDeviceGetName_params p = { name, len, dev };
    simgpu_call c;
    CUresult r = check_dev(dev);

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuDeviceGetName, "cuDeviceGetName", &p);
    if (r == CUDA_SUCCESS && (!name || len <= 0))
        r = CUDA_ERROR_INVALID_VALUE;
    if (r == CUDA_SUCCESS)
        snprintf(name, (size_t)len, "%s", SIMGPU_DEVICE_NAME);
    return sg_call_end(&c, r);
}

CUresult CUDAAPI cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev)
{
    cuDeviceTotalMem_v2_params p = { bytes, dev };
    simgpu_call c;
    CUresult r = check_dev(dev);

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuDeviceTotalMem_v2, "cuDeviceTotalMem_v2", &p);
    if (r == CUDA_SUCCESS && !bytes)
        r = CUDA_ERROR_INVALID_VALUE;
    if (r == CUDA_SUCCESS)
        *bytes = TOTAL_MEM_BYTES;
    return sg_call_end(&c, r);
}

CUresult CUDAAPI cuDeviceGetPCIBusId(char *pciBusId, int len, CUdevice dev)
{
    cuDeviceGetPCIBusId_params p = { pciBusId, len, dev };
    simgpu_call c;
    CUresult r = check_dev(dev);

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuDeviceGetPCIBusId, "cuDeviceGetPCIBusId", &p);
    if (r == CUDA_SUCCESS && (!pciBusId || len <= 0))
        r = CUDA_ERROR_INVALID_VALUE;
    if (r == CUDA_SUCCESS)
        snprintf(pciBusId, (size_t)len, "0000:%02x:00.0", 0xa0 + dev);
    return sg_call_end(&c, r);
}

/* "GPU-5349-4d47-5055..." style bytes: "SIMGPU", a zero, the ordinal. */
static void fill_uuid(CUuuid *u, CUdevice dev)
{
    static const char tag[] = "SIMGPU-gpupack";

    memset(u, 0, sizeof *u);
    memcpy(u->bytes, tag, sizeof tag - 1);
    u->bytes[15] = (char)dev;
}

#undef cuDeviceGetUuid
CUresult CUDAAPI cuDeviceGetUuid(CUuuid *uuid, CUdevice dev);

CUresult CUDAAPI cuDeviceGetUuid(CUuuid *uuid, CUdevice dev)
{
    cuDeviceGetUuid_params p = { uuid, dev };
    simgpu_call c;
    CUresult r = check_dev(dev);

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuDeviceGetUuid, "cuDeviceGetUuid", &p);
    if (r == CUDA_SUCCESS && !uuid)
        r = CUDA_ERROR_INVALID_VALUE;
    if (r == CUDA_SUCCESS)
        fill_uuid(uuid, dev);
    return sg_call_end(&c, r);
}

CUresult CUDAAPI cuDeviceGetUuid_v2(CUuuid *uuid, CUdevice dev)
{
    cuDeviceGetUuid_v2_params p = { uuid, dev };
    simgpu_call c;
    CUresult r = check_dev(dev);

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuDeviceGetUuid_v2, "cuDeviceGetUuid_v2", &p);
    if (r == CUDA_SUCCESS && !uuid)
        r = CUDA_ERROR_INVALID_VALUE;
    if (r == CUDA_SUCCESS)
        fill_uuid(uuid, dev);
    return sg_call_end(&c, r);
}

/* Fixed, plausible values (an H100-like part cut down to 16 SMs). */
static const struct {
    CUdevice_attribute attr;
    int value;
} attrs[] = {
    { CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, 1024 },
    { CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X, 1024 },
    { CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y, 1024 },
    { CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z, 64 },
    { CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X, 2147483647 },
    { CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y, 65535 },
    { CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z, 65535 },
    { CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK, 49152 },
    { CU_DEVICE_ATTRIBUTE_TOTAL_CONSTANT_MEMORY, 65536 },
    { CU_DEVICE_ATTRIBUTE_WARP_SIZE, 32 },
    { CU_DEVICE_ATTRIBUTE_MAX_PITCH, 2147483647 },
    { CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK, 65536 },
    { CU_DEVICE_ATTRIBUTE_CLOCK_RATE, 1755000 },
    { CU_DEVICE_ATTRIBUTE_TEXTURE_ALIGNMENT, 512 },
    { CU_DEVICE_ATTRIBUTE_GPU_OVERLAP, 1 },
    { CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, SIMGPU_SM_COUNT },
    { CU_DEVICE_ATTRIBUTE_KERNEL_EXEC_TIMEOUT, 0 },
    { CU_DEVICE_ATTRIBUTE_INTEGRATED, 0 },
    { CU_DEVICE_ATTRIBUTE_CAN_MAP_HOST_MEMORY, 1 },
    { CU_DEVICE_ATTRIBUTE_COMPUTE_MODE, CU_COMPUTEMODE_DEFAULT },
    { CU_DEVICE_ATTRIBUTE_CONCURRENT_KERNELS, 1 },
    { CU_DEVICE_ATTRIBUTE_ECC_ENABLED, 1 },
    { CU_DEVICE_ATTRIBUTE_PCI_BUS_ID, -1 },      /* 0xa0 + ordinal */
    { CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID, 0 },
    { CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID, 0 },
    { CU_DEVICE_ATTRIBUTE_TCC_DRIVER, 0 },
    { CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE, 2619000 },
    { CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH, 5120 },
    { CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE, 50331648 },
    { CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR, 2048 },
    { CU_DEVICE_ATTRIBUTE_ASYNC_ENGINE_COUNT, 2 },
    { CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING, 1 },
    { CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, 9 },
    { CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, 0 },
    { CU_DEVICE_ATTRIBUTE_STREAM_PRIORITIES_SUPPORTED, 1 },
    { CU_DEVICE_ATTRIBUTE_GLOBAL_L1_CACHE_SUPPORTED, 1 },
    { CU_DEVICE_ATTRIBUTE_LOCAL_L1_CACHE_SUPPORTED, 1 },
    { CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR, 233472 },
    { CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_MULTIPROCESSOR, 65536 },
    { CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY, 1 },
    { CU_DEVICE_ATTRIBUTE_MULTI_GPU_BOARD, 0 },
    { CU_DEVICE_ATTRIBUTE_MULTI_GPU_BOARD_GROUP_ID, -2 }, /* ordinal */
    { CU_DEVICE_ATTRIBUTE_HOST_NATIVE_ATOMIC_SUPPORTED, 0 },
    { CU_DEVICE_ATTRIBUTE_SINGLE_TO_DOUBLE_PRECISION_PERF_RATIO, 2 },
    { CU_DEVICE_ATTRIBUTE_PAGEABLE_MEMORY_ACCESS, 0 },
    { CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS, 1 },
    { CU_DEVICE_ATTRIBUTE_COMPUTE_PREEMPTION_SUPPORTED, 1 },
    { CU_DEVICE_ATTRIBUTE_COOPERATIVE_LAUNCH, 1 },
    { CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, 232448 },
    { CU_DEVICE_ATTRIBUTE_MAX_BLOCKS_PER_MULTIPROCESSOR, 32 },
    { CU_DEVICE_ATTRIBUTE_MAX_PERSISTING_L2_CACHE_SIZE, 33554432 },
    { CU_DEVICE_ATTRIBUTE_MAX_ACCESS_POLICY_WINDOW_SIZE, 134213632 },
    { CU_DEVICE_ATTRIBUTE_RESERVED_SHARED_MEMORY_PER_BLOCK, 1024 },
    { CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED, 1 },
    { CU_DEVICE_ATTRIBUTE_CLUSTER_LAUNCH, 1 },
    { CU_DEVICE_ATTRIBUTE_MPS_ENABLED, 0 },
};

CUresult CUDAAPI cuDeviceGetAttribute(int *pi, CUdevice_attribute attrib, CUdevice dev)
{
    cuDeviceGetAttribute_params p = { pi, attrib, dev };
    simgpu_call c;
    CUresult r = check_dev(dev);

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuDeviceGetAttribute, "cuDeviceGetAttribute", &p);
    if (r == CUDA_SUCCESS && !pi)
        r = CUDA_ERROR_INVALID_VALUE;
    if (r == CUDA_SUCCESS) {
        size_t i;
        for (i = 0; i < sizeof attrs / sizeof attrs[0] && attrs[i].attr != attrib; i++)
            ;
        if (i == sizeof attrs / sizeof attrs[0])
            r = CUDA_ERROR_INVALID_VALUE; /* not simulated */
        else if (attrs[i].value == -1)
            *pi = 0xa0 + dev;
        else if (attrs[i].value == -2)
            *pi = dev;
        else
            *pi = attrs[i].value;
    }
    return sg_call_end(&c, r);
}

/* --- error strings (need no cuInit, as in the real driver) --------------- */

static const struct {
    CUresult code;
    const char *name, *text;
} errors[] = {
#define E(c, t) { c, #c, t }
    E(CUDA_SUCCESS, "no error"),
    E(CUDA_ERROR_INVALID_VALUE, "invalid argument"),
    E(CUDA_ERROR_OUT_OF_MEMORY, "out of memory"),
    E(CUDA_ERROR_NOT_INITIALIZED, "initialization error"),
    E(CUDA_ERROR_DEINITIALIZED, "driver shutting down"),
    E(CUDA_ERROR_NO_DEVICE, "no CUDA-capable device is detected"),
    E(CUDA_ERROR_INVALID_DEVICE, "invalid device ordinal"),
    E(CUDA_ERROR_INVALID_IMAGE, "device kernel image is invalid"),
    E(CUDA_ERROR_INVALID_CONTEXT, "invalid device context"),
    E(CUDA_ERROR_INVALID_HANDLE, "invalid resource handle"),
    E(CUDA_ERROR_NOT_FOUND, "named symbol not found"),
    E(CUDA_ERROR_NOT_READY, "device not ready"),
    E(CUDA_ERROR_ILLEGAL_STATE, "the operation cannot be performed in the present state"),
    E(CUDA_ERROR_CONTEXT_IS_DESTROYED, "context is destroyed"),
    E(CUDA_ERROR_NOT_SUPPORTED, "operation not supported (by the gpupack simulated GPU)"),
    E(CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, "operation not permitted when stream is capturing"),
    E(CUDA_ERROR_STREAM_CAPTURE_INVALIDATED,
      "operation failed due to a previous error during capture"),
    E(CUDA_ERROR_STREAM_CAPTURE_IMPLICIT,
      "operation would make the legacy stream depend on a capturing blocking stream"),
    E(CUDA_ERROR_UNKNOWN, "unknown error"),
#undef E
};

static CUresult error_lookup(CUresult error, const char **pStr, int name)
{
    if (!pStr)
        return CUDA_ERROR_INVALID_VALUE;
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        if (errors[i].code == error) {
            *pStr = name ? errors[i].name : errors[i].text;
            return CUDA_SUCCESS;
        }
    }
    *pStr = NULL;
    return CUDA_ERROR_INVALID_VALUE;
}

CUresult CUDAAPI cuGetErrorString(CUresult error, const char **pStr)
{
    cuGetErrorString_params p = { error, pStr };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuGetErrorString, "cuGetErrorString", &p);
    return sg_call_end(&c, error_lookup(error, pStr, 0));
}

CUresult CUDAAPI cuGetErrorName(CUresult error, const char **pStr)
{
    cuGetErrorName_params p = { error, pStr };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuGetErrorName, "cuGetErrorName", &p);
    return sg_call_end(&c, error_lookup(error, pStr, 1));
}

uint64_t simgpuNow(void)
{
    return sg_now();
}
