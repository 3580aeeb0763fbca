/* nvml.c: loads NVML, opens and closes the handle, and reads each device's
 * static facts. Readings are in sample.c. */
#include "config.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gpumon/internal.h"

#define NVML_DEFAULT_NAME "libnvidia-ml.so.1"

static void why_set(char *why, size_t why_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void why_set(char *why, size_t why_len, const char *fmt, ...)
{
    va_list ap;

    if (!why || !why_len)
        return;
    va_start(ap, fmt);
    vsnprintf(why, why_len, fmt, ap);
    va_end(ap);
}

int64_t gp_nvml_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

const char *gp_nvml_rc_text(const gp_nvml *nv, nvmlReturn_t rc)
{
    const char *s = NULL;

    if (nv && nv->f.nvmlErrorString)
        s = nv->f.nvmlErrorString(rc);
    if (s && *s)
        return s;
    switch (rc) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    case NVML_ERROR_NO_PERMISSION: return "Insufficient Permissions";
    case NVML_ERROR_NOT_FOUND: return "Not Found";
    case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
    case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
    case NVML_ERROR_LIBRARY_NOT_FOUND: return "Library Not Found";
    case NVML_ERROR_FUNCTION_NOT_FOUND: return "Function Not Found";
    case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
    default: return "Unknown Error";
    }
}

/* The last error, per thread: readings of different devices may run on
 * different threads at once. */
static _Thread_local char last_err[512];

int gp_nvml_fail(gp_nvml *nv, const char *fmt, ...)
{
    va_list ap;

    (void)nv;
    va_start(ap, fmt);
    vsnprintf(last_err, sizeof last_err, fmt, ap);
    va_end(ap);
    return -1;
}

int gp_nvml_fail_device(gp_nvml *nv, int index, const char *call, nvmlReturn_t rc)
{
    if (rc == NVML_ERROR_GPU_IS_LOST)
        return gp_nvml_fail(nv, "GPU %d has fallen off the bus or is otherwise inaccessible "
                            "(%s: %s); check nvidia-smi and the kernel log: the GPU needs a "
                            "reset", index, call, gp_nvml_rc_text(nv, rc));
    if (rc == NVML_ERROR_NO_PERMISSION)
        return gp_nvml_fail(nv, "GPU %d: no permission to read it (%s: %s); check access to "
                            "/dev/nvidia*", index, call, gp_nvml_rc_text(nv, rc));
    return gp_nvml_fail(nv, "GPU %d cannot be read (%s: %s, code %d)", index, call,
                        gp_nvml_rc_text(nv, rc), (int)rc);
}

/* dlopen's NVML; NULL with why set. */
static void *load_library(char *path, size_t path_len, char *why, size_t why_len)
{
    const char *env = getenv("GPUPACK_NVML_PATH");
    void *h;

    if (env && *env) {
        h = dlopen(env, RTLD_NOW | RTLD_LOCAL);
        if (!h)
            why_set(why, why_len, "NVML library not found: cannot load GPUPACK_NVML_PATH=%s "
                    "(%s); fix or unset GPUPACK_NVML_PATH", env, dlerror());
        else
            snprintf(path, path_len, "%s", env);
        return h;
    }
    h = dlopen(NVML_DEFAULT_NAME, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        why_set(why, why_len, "NVML library not found: cannot load %s (%s); the NVIDIA "
                "driver is not installed here, or set GPUPACK_NVML_PATH to its "
                "libnvidia-ml.so.1", NVML_DEFAULT_NAME, dlerror());
    else
        snprintf(path, path_len, "%s", NVML_DEFAULT_NAME);
    return h;
}

/* Fills the table, newest versions first; returns the first required
 * function missing, or NULL. */
static const char *resolve(void *lib, gp_nvml_fns *f)
{
    memset(f, 0, sizeof *f);
    *(void **)&f->nvmlErrorString = dlsym(lib, "nvmlErrorString");
#define GP_NVML_FN_SYM(name, params) *(void **)&f->name = dlsym(lib, #name);
    GP_NVML_FUNCTIONS(GP_NVML_FN_SYM)
#undef GP_NVML_FN_SYM
    /* An older driver: fall back to the previous version of the same call.
     * Count and handle are taken from the same generation, as they must
     * agree on which devices are visible. */
    if (!f->nvmlInit_v2)
        f->nvmlInit_v2 = f->nvmlInit;
    if (!f->nvmlDeviceGetCount_v2 || !f->nvmlDeviceGetHandleByIndex_v2) {
        f->nvmlDeviceGetCount_v2 = f->nvmlDeviceGetCount;
        f->nvmlDeviceGetHandleByIndex_v2 = f->nvmlDeviceGetHandleByIndex;
    }
    if (!f->nvmlSystemGetCudaDriverVersion_v2)
        f->nvmlSystemGetCudaDriverVersion_v2 = f->nvmlSystemGetCudaDriverVersion;
    if (!f->nvmlDeviceGetComputeRunningProcesses_v3)
        f->nvmlDeviceGetComputeRunningProcesses_v3 = f->nvmlDeviceGetComputeRunningProcesses_v2;
    if (!f->nvmlDeviceGetEnforcedPowerLimit)
        f->nvmlDeviceGetEnforcedPowerLimit = f->nvmlDeviceGetPowerManagementLimit;
    /* GPM is all or nothing. */
    if (!f->nvmlGpmQueryDeviceSupport || !f->nvmlGpmSampleAlloc || !f->nvmlGpmSampleFree ||
        !f->nvmlGpmSampleGet || !f->nvmlGpmMetricsGet)
        f->nvmlGpmQueryDeviceSupport = NULL;
    if (!f->nvmlInit_v2)
        return "nvmlInit_v2";
    if (!f->nvmlShutdown)
        return "nvmlShutdown";
    if (!f->nvmlDeviceGetCount_v2)
        return "nvmlDeviceGetCount_v2";
    if (!f->nvmlDeviceGetHandleByIndex_v2)
        return "nvmlDeviceGetHandleByIndex_v2";
    return NULL;
}

/* The reason nvmlInit failed, as one line. */
static void init_failed(const gp_nvml *nv, nvmlReturn_t rc, char *why, size_t why_len)
{
    const char *text = gp_nvml_rc_text(nv, rc);

    switch (rc) {
    case NVML_ERROR_DRIVER_NOT_LOADED:
        why_set(why, why_len, "NVIDIA driver not loaded (nvmlInit_v2: %s, from %s); check "
                "nvidia-smi and that the nvidia kernel module is loaded", text, nv->path);
        break;
    case NVML_ERROR_NO_PERMISSION:
        why_set(why, why_len, "no permission to use the NVIDIA driver (nvmlInit_v2: %s, from "
                "%s); check access to /dev/nvidia* (in a container: the GPU must be passed "
                "through)", text, nv->path);
        break;
    case NVML_ERROR_LIBRARY_NOT_FOUND:
        why_set(why, why_len, "NVML found no driver library (nvmlInit_v2: %s, from %s); "
                "reinstall the NVIDIA driver", text, nv->path);
        break;
    default:
        why_set(why, why_len, "NVML initialization failed (nvmlInit_v2: %s, code %d, from "
                "%s)", text, (int)rc, nv->path);
        break;
    }
}

/* Device handles and GPM support; a device NVML refuses keeps its error. */
static void open_devices(gp_nvml *nv)
{
    for (int i = 0; i < nv->n_dev; i++) {
        gp_nvml_dev *d = &nv->dev[i];
        nvmlGpmSupport_t sup = { .version = NVML_GPM_SUPPORT_VERSION };

        d->handle_rc = nv->f.nvmlDeviceGetHandleByIndex_v2((unsigned)i, &d->h);
        if (d->handle_rc != NVML_SUCCESS || !nv->f.nvmlGpmQueryDeviceSupport)
            continue;
        if (nv->f.nvmlGpmQueryDeviceSupport(d->h, &sup) != NVML_SUCCESS ||
            !sup.isSupportedDevice)
            continue;
        if (nv->f.nvmlGpmSampleAlloc(&d->gpm[0]) != NVML_SUCCESS)
            continue;
        if (nv->f.nvmlGpmSampleAlloc(&d->gpm[1]) != NVML_SUCCESS) {
            nv->f.nvmlGpmSampleFree(d->gpm[0]);
            continue;
        }
        d->mg = calloc(1, sizeof *d->mg);
        if (!d->mg) { /* out of memory: this device goes without GPM */
            nv->f.nvmlGpmSampleFree(d->gpm[0]);
            nv->f.nvmlGpmSampleFree(d->gpm[1]);
            continue;
        }
        d->gpm_supported = 1;
    }
}

gp_nvml *gp_nvml_open(char *why, size_t why_len)
{
    gp_nvml *nv = calloc(1, sizeof *nv);
    const char *missing;
    unsigned count = 0;
    nvmlReturn_t rc;

    if (!nv) {
        why_set(why, why_len, "out of memory opening NVML");
        return NULL;
    }
    /* The library is never dlclose'd, not even here: NVML may have started
     * threads or registered exit handlers while loading. */
    nv->lib = load_library(nv->path, sizeof nv->path, why, why_len);
    if (!nv->lib)
        goto fail;
    missing = resolve(nv->lib, &nv->f);
    if (missing) {
        why_set(why, why_len, "%s is not a usable NVML: it lacks %s; set GPUPACK_NVML_PATH "
                "to the driver's libnvidia-ml.so.1", nv->path, missing);
        goto fail;
    }
    rc = nv->f.nvmlInit_v2();
    if (rc != NVML_SUCCESS) {
        init_failed(nv, rc, why, why_len);
        goto fail;
    }
    rc = nv->f.nvmlDeviceGetCount_v2(&count);
    if (rc != NVML_SUCCESS) {
        why_set(why, why_len, "NVML cannot count the GPUs (nvmlDeviceGetCount_v2: %s, code "
                "%d, from %s)", gp_nvml_rc_text(nv, rc), (int)rc, nv->path);
        nv->f.nvmlShutdown();
        goto fail;
    }
    if (count > 4096) /* nonsense from a broken library; keeps the allocation sane */
        count = 4096;
    nv->n_dev = (int)count;
    nv->dev = calloc(count ? count : 1, sizeof *nv->dev);
    if (!nv->dev) {
        why_set(why, why_len, "out of memory opening NVML");
        nv->f.nvmlShutdown();
        goto fail;
    }
    open_devices(nv);
    return nv;

fail:
    free(nv->dev);
    free(nv);
    return NULL;
}

void gp_nvml_close(gp_nvml *nv)
{
    if (!nv)
        return;
    for (int i = 0; i < nv->n_dev; i++) {
        gp_nvml_dev *d = &nv->dev[i];
        if (d->gpm_supported) {
            nv->f.nvmlGpmSampleFree(d->gpm[0]);
            nv->f.nvmlGpmSampleFree(d->gpm[1]);
        }
        free(d->pinfo);
        free(d->putil);
        free(d->mg);
    }
    nv->f.nvmlShutdown();
    free(nv->dev);
    free(nv);
}

int gp_nvml_device_count(const gp_nvml *nv)
{
    return nv->n_dev;
}

const char *gp_nvml_last_error(const gp_nvml *nv)
{
    (void)nv;
    return last_err;
}

/* Copies an NVML string (src_len bytes, maybe unterminated) into a field,
 * always terminated. */
static void copy_string(char *dst, size_t dst_len, const char *src, size_t src_len)
{
    size_t n = strnlen(src, src_len);

    if (n >= dst_len)
        n = dst_len - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

/* Facts common to all devices: driver, NVML and CUDA versions. */
static void system_info(gp_nvml *nv, gp_gpu_info *out)
{
    char buf[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE] = "";
    int v = 0;

    if (nv->f.nvmlSystemGetDriverVersion &&
        nv->f.nvmlSystemGetDriverVersion(buf, sizeof buf) == NVML_SUCCESS) {
        copy_string(out->driver_version, sizeof out->driver_version, buf, sizeof buf);
        out->valid |= GP_I_DRIVER_VERSION;
    }
    buf[0] = 0;
    if (nv->f.nvmlSystemGetNVMLVersion &&
        nv->f.nvmlSystemGetNVMLVersion(buf, sizeof buf) == NVML_SUCCESS) {
        copy_string(out->nvml_version, sizeof out->nvml_version, buf, sizeof buf);
        out->valid |= GP_I_NVML_VERSION;
    }
    if (nv->f.nvmlSystemGetCudaDriverVersion_v2 &&
        nv->f.nvmlSystemGetCudaDriverVersion_v2(&v) == NVML_SUCCESS) {
        out->cuda_driver_version = v;
        out->valid |= GP_I_CUDA_VERSION;
    }
}

/* Remembers GPU_IS_LOST; returns rc == NVML_SUCCESS. */
static int got(nvmlReturn_t rc, nvmlReturn_t *lost)
{
    if (rc == NVML_ERROR_GPU_IS_LOST)
        *lost = rc;
    return rc == NVML_SUCCESS;
}

int gp_nvml_device_info(gp_nvml *nv, int index, gp_gpu_info *out)
{
    const gp_nvml_fns *f = &nv->f;
    nvmlReturn_t lost = NVML_SUCCESS;
    char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE] = "";
    char uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE] = "";
    nvmlPciInfo_t pci;
    nvmlDevice_t h;
    unsigned u = 0;
    int major = 0, minor = 0;

    memset(out, 0, sizeof *out);
    out->index = index;
    if (index < 0 || index >= nv->n_dev)
        return gp_nvml_fail(nv, "no GPU %d: NVML reports %d", index, nv->n_dev);
    if (nv->dev[index].handle_rc != NVML_SUCCESS)
        return gp_nvml_fail_device(nv, index, "nvmlDeviceGetHandleByIndex_v2",
                                   nv->dev[index].handle_rc);
    h = nv->dev[index].h;
    if (f->nvmlDeviceGetName && got(f->nvmlDeviceGetName(h, name, sizeof name), &lost)) {
        copy_string(out->name, sizeof out->name, name, sizeof name);
        out->valid |= GP_I_NAME;
    }
    if (!lost && f->nvmlDeviceGetUUID && got(f->nvmlDeviceGetUUID(h, uuid, sizeof uuid), &lost)) {
        copy_string(out->uuid, sizeof out->uuid, uuid, sizeof uuid);
        out->valid |= GP_I_UUID;
    }
    memset(&pci, 0, sizeof pci);
    if (!lost && f->nvmlDeviceGetPciInfo_v3 && got(f->nvmlDeviceGetPciInfo_v3(h, &pci), &lost)) {
        copy_string(out->pci_bus_id, sizeof out->pci_bus_id, pci.busId, sizeof pci.busId);
        out->valid |= GP_I_PCI_BUS_ID;
    }
    if (!lost && f->nvmlDeviceGetMemoryInfo_v2) {
        nvmlMemory_v2_t m = { .version = nvmlMemory_v2 };
        if (got(f->nvmlDeviceGetMemoryInfo_v2(h, &m), &lost)) {
            out->mem_total_bytes = m.total;
            out->valid |= GP_I_MEM_TOTAL;
        }
    }
    if (!lost && !(out->valid & GP_I_MEM_TOTAL) && f->nvmlDeviceGetMemoryInfo) {
        nvmlMemory_t m;
        if (got(f->nvmlDeviceGetMemoryInfo(h, &m), &lost)) {
            out->mem_total_bytes = m.total;
            out->valid |= GP_I_MEM_TOTAL;
        }
    }
    if (!lost && f->nvmlDeviceGetMaxClockInfo &&
        got(f->nvmlDeviceGetMaxClockInfo(h, NVML_CLOCK_SM, &u), &lost)) {
        out->max_sm_clock_mhz = u;
        out->valid |= GP_I_MAX_SM_CLOCK;
    }
    if (!lost && f->nvmlDeviceGetMaxClockInfo &&
        got(f->nvmlDeviceGetMaxClockInfo(h, NVML_CLOCK_MEM, &u), &lost)) {
        out->max_mem_clock_mhz = u;
        out->valid |= GP_I_MAX_MEM_CLOCK;
    }
    if (!lost && f->nvmlDeviceGetMemoryBusWidth &&
        got(f->nvmlDeviceGetMemoryBusWidth(h, &u), &lost)) {
        out->mem_bus_width_bits = u;
        out->valid |= GP_I_MEM_BUS_WIDTH;
    }
    if (!lost && f->nvmlDeviceGetEnforcedPowerLimit &&
        got(f->nvmlDeviceGetEnforcedPowerLimit(h, &u), &lost)) {
        out->power_limit_w = u / 1000.0;
        out->valid |= GP_I_POWER_LIMIT;
    }
    if (!lost && f->nvmlDeviceGetCudaComputeCapability &&
        got(f->nvmlDeviceGetCudaComputeCapability(h, &major, &minor), &lost)) {
        out->cc_major = major;
        out->cc_minor = minor;
        out->valid |= GP_I_CC;
    }
    if (lost) {
        memset(out, 0, sizeof *out);
        out->index = index;
        return gp_nvml_fail_device(nv, index, "reading its facts", lost);
    }
    out->gpm_supported = nv->dev[index].gpm_supported;
    out->valid |= GP_I_GPM;
    system_info(nv, out);
    return 0;
}
