/* cupti_api.h: every CUPTI and CUDA driver function the collector calls,
 * resolved at run time with dlsym (the collector never links libcupti or
 * libcuda: a job without them must still start).
 *
 * CUPTI is found, in order: a CUPTI already loaded in the process, under
 * any name (PyTorch's libcupti.so.12 or .so.13 is shared; a second CUPTI is
 * never loaded into one process); GPUPACK_CUPTI_PATH (tests point it at the
 * simulated GPU's fake); the newest the driver supports: libcupti.so.13
 * (CUDA 13 drivers only), libcupti.so.12, libcupti.so, each from the
 * loader's path, then from the toolkit found at build time. It is never
 * dlclose'd (CUPTI 13.0-13.1 crash at exit when unloaded).
 * The driver is taken only if already loaded (RTLD_NOLOAD "libcuda.so.1"):
 * the collector runs inside cuInit, so it is.
 */
#ifndef GP_CUPTI_API_H
#define GP_CUPTI_API_H

#include <cuda.h>
#include <cupti.h>
#include <stddef.h>

typedef struct gp_cupti {
    void *lib;
    char path[512]; /* the library loaded, for messages */

    CUptiResult (*GetVersion)(uint32_t *version);
    CUptiResult (*GetResultString)(CUptiResult result, const char **str);
    CUptiResult (*GetTimestamp)(uint64_t *ts);
    CUptiResult (*Subscribe_v2)(CUpti_SubscriberHandle *sub, CUpti_CallbackFunc cb, void *ud,
                                CUpti_SubscriberParams *params); /* may be NULL: use Subscribe */
    CUptiResult (*Subscribe)(CUpti_SubscriberHandle *sub, CUpti_CallbackFunc cb, void *ud);
    CUptiResult (*Unsubscribe)(CUpti_SubscriberHandle sub);
    CUptiResult (*EnableCallback)(uint32_t enable, CUpti_SubscriberHandle sub,
                                  CUpti_CallbackDomain domain, CUpti_CallbackId cbid);
    CUptiResult (*EnableDomain)(uint32_t enable, CUpti_SubscriberHandle sub,
                                CUpti_CallbackDomain domain);
    CUptiResult (*GetCallbackName)(CUpti_CallbackDomain domain, uint32_t cbid, const char **name);
    CUptiResult (*ActivityRegisterCallbacks)(CUpti_BuffersCallbackRequestFunc req,
                                             CUpti_BuffersCallbackCompleteFunc done);
    CUptiResult (*ActivityRegisterTimestampCallback)(CUpti_TimestampCallbackFunc fn); /* optional */
    CUptiResult (*ActivityEnable)(CUpti_ActivityKind kind);
    CUptiResult (*ActivityDisable)(CUpti_ActivityKind kind);
    CUptiResult (*ActivityFlushAll)(uint32_t flag);
    CUptiResult (*ActivityFlushPeriod)(uint32_t ms);
    CUptiResult (*ActivityGetNextRecord)(uint8_t *buffer, size_t valid, CUpti_Activity **record);
    CUptiResult (*ActivityGetNumDroppedRecords)(CUcontext ctx, uint32_t stream, size_t *dropped);
    CUptiResult (*ActivitySetAttribute)(CUpti_ActivityAttribute attr, size_t *size, void *value);
    CUptiResult (*ActivityEnableLatencyTimestamps)(uint8_t enable); /* optional */
    CUptiResult (*ActivityEnableDriverApi)(CUpti_CallbackId cbid, uint8_t enable);  /* optional */
    CUptiResult (*ActivityEnableRuntimeApi)(CUpti_CallbackId cbid, uint8_t enable); /* optional */
    CUptiResult (*SetThreadIdType)(CUpti_ActivityThreadIdType type);
    CUptiResult (*GetDeviceId)(CUcontext ctx, uint32_t *device);
    CUptiResult (*GetContextId)(CUcontext ctx, uint32_t *id);
    CUptiResult (*GetStreamIdEx)(CUcontext ctx, CUstream stream, uint8_t per_thread,
                                 uint32_t *id);
    CUptiResult (*Finalize)(void);
    /* NVTX injection entry of CUPTI, forwarded from the collector's own. */
    int (*InitializeInjectionNvtx2)(void *get_export_table);
} gp_cupti;

/* The few driver functions used to describe devices and streams. */
typedef struct gp_cuda {
    void *lib;
    CUresult (*DeviceGetAttribute)(int *value, CUdevice_attribute attr, CUdevice dev);
    CUresult (*DeviceGetName)(char *name, int len, CUdevice dev);
    CUresult (*DeviceTotalMem)(size_t *bytes, CUdevice dev);         /* cuDeviceTotalMem_v2 */
    CUresult (*DeviceGetPCIBusId)(char *id, int len, CUdevice dev);
    CUresult (*DeviceGetUuid)(CUuuid *uuid, CUdevice dev);            /* optional */
    CUresult (*DeviceGet)(CUdevice *dev, int ordinal);
    CUresult (*DriverGetVersion)(int *version);
    CUresult (*StreamGetPriority)(CUstream stream, int *priority);    /* optional */
    CUresult (*StreamGetFlags)(CUstream stream, unsigned int *flags); /* optional */
    CUresult (*StreamIsCapturing)(CUstream stream, CUstreamCaptureStatus *status); /* optional */
} gp_cuda;

/* Loads CUPTI into c; driver is cuDriverGetVersion's value (0: unknown).
 * Returns 0, or -1 with a one-line reason in why (for a CUDA 12 driver
 * with no CUPTI 12: the driver's version, the CUPTI 13 found, and what
 * would work). */
int gp_cupti_load(gp_cupti *c, int driver, char *why, size_t why_len);
/* The CUDA release of CUPTI API version v ("12.9", "13.0"); buf holds it. */
const char *gp_cupti_release(uint32_t v, char *buf, size_t cap);
/* Binds the already-loaded driver. Returns 0, or -1 (no driver loaded). */
int gp_cuda_bind(gp_cuda *d);
/* CUPTI's text for an error code, "CUPTI error N" if it has none. */
const char *gp_cupti_error(const gp_cupti *c, CUptiResult r);

#endif
