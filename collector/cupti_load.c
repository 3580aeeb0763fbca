/* cupti_load.c: finds CUPTI and the driver and resolves their functions. */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cupti_api.h"

/* Opens the CUPTI to use; see cupti_api.h for the order. */
static void *open_cupti(char *path, size_t path_len, char *why, size_t why_len)
{
    static const char *const names[] = { "libcupti.so.13", "libcupti.so" };
    const char *env = getenv("GPUPACK_CUPTI_PATH");
    void *h;

    if (env && *env) {
        h = dlopen(env, RTLD_NOW | RTLD_GLOBAL);
        if (!h)
            snprintf(why, why_len, "cannot load CUPTI from GPUPACK_CUPTI_PATH=%s (%s)", env,
                     dlerror());
        else
            snprintf(path, path_len, "%s", env);
        return h;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        h = dlopen(names[i], RTLD_NOW | RTLD_NOLOAD);
        if (h) {
            snprintf(path, path_len, "%s (already loaded)", names[i]);
            return h;
        }
    }
#ifdef GP_CUPTI_LIBDIR
    if (*GP_CUPTI_LIBDIR) {
        char p[512];
        snprintf(p, sizeof p, "%s/libcupti.so.13", GP_CUPTI_LIBDIR);
        h = dlopen(p, RTLD_NOW | RTLD_GLOBAL);
        if (h) {
            snprintf(path, path_len, "%s", p);
            return h;
        }
    }
#endif
    h = dlopen("libcupti.so.13", RTLD_NOW | RTLD_GLOBAL);
    if (h) {
        snprintf(path, path_len, "libcupti.so.13");
        return h;
    }
    snprintf(why, why_len,
             "CUPTI not found (libcupti.so.13: %s); set GPUPACK_CUPTI_PATH to the CUDA "
             "toolkit's libcupti.so", dlerror());
    return NULL;
}

#define SYM(table, lib, field, name, required)                                      \
    do {                                                                            \
        *(void **)&(table)->field = dlsym(lib, name);                               \
        if (!(table)->field && (required)) {                                        \
            missing = name;                                                         \
            goto fail;                                                              \
        }                                                                           \
    } while (0)

int gp_cupti_load(gp_cupti *c, char *why, size_t why_len)
{
    const char *missing = NULL;
    void *h;

    memset(c, 0, sizeof *c);
    h = open_cupti(c->path, sizeof c->path, why, why_len);
    if (!h)
        return -1;
    c->lib = h;
    SYM(c, h, GetVersion, "cuptiGetVersion", 1);
    SYM(c, h, GetResultString, "cuptiGetResultString", 1);
    SYM(c, h, GetTimestamp, "cuptiGetTimestamp", 1);
    SYM(c, h, Subscribe_v2, "cuptiSubscribe_v2", 0);
    SYM(c, h, Subscribe, "cuptiSubscribe", 1);
    SYM(c, h, Unsubscribe, "cuptiUnsubscribe", 1);
    SYM(c, h, EnableCallback, "cuptiEnableCallback", 1);
    SYM(c, h, EnableDomain, "cuptiEnableDomain", 1);
    SYM(c, h, GetCallbackName, "cuptiGetCallbackName", 1);
    SYM(c, h, ActivityRegisterCallbacks, "cuptiActivityRegisterCallbacks", 1);
    SYM(c, h, ActivityRegisterTimestampCallback, "cuptiActivityRegisterTimestampCallback", 1);
    SYM(c, h, ActivityEnable, "cuptiActivityEnable", 1);
    SYM(c, h, ActivityDisable, "cuptiActivityDisable", 1);
    SYM(c, h, ActivityFlushAll, "cuptiActivityFlushAll", 1);
    SYM(c, h, ActivityFlushPeriod, "cuptiActivityFlushPeriod", 1);
    SYM(c, h, ActivityGetNextRecord, "cuptiActivityGetNextRecord", 1);
    SYM(c, h, ActivityGetNumDroppedRecords, "cuptiActivityGetNumDroppedRecords", 1);
    SYM(c, h, ActivitySetAttribute, "cuptiActivitySetAttribute", 1);
    SYM(c, h, ActivityEnableLatencyTimestamps, "cuptiActivityEnableLatencyTimestamps", 0);
    SYM(c, h, ActivityEnableDriverApi, "cuptiActivityEnableDriverApi", 0);
    SYM(c, h, ActivityEnableRuntimeApi, "cuptiActivityEnableRuntimeApi", 0);
    SYM(c, h, SetThreadIdType, "cuptiSetThreadIdType", 1);
    SYM(c, h, GetDeviceId, "cuptiGetDeviceId", 1);
    SYM(c, h, GetContextId, "cuptiGetContextId", 1);
    SYM(c, h, GetStreamIdEx, "cuptiGetStreamIdEx", 1);
    SYM(c, h, Finalize, "cuptiFinalize", 1);
    SYM(c, h, InitializeInjectionNvtx2, "InitializeInjectionNvtx2", 0);
    return 0;
fail:
    snprintf(why, why_len, "%s lacks %s: an older or incompatible CUPTI", c->path, missing);
    /* never dlclose CUPTI: versions 13.0-13.1 crash at exit when unloaded */
    c->lib = NULL;
    return -1;
}

int gp_cuda_bind(gp_cuda *d)
{
    const char *missing = NULL;
    void *h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD);

    memset(d, 0, sizeof *d);
    if (!h)
        return -1;
    d->lib = h;
    SYM(d, h, DeviceGetAttribute, "cuDeviceGetAttribute", 1);
    SYM(d, h, DeviceGetName, "cuDeviceGetName", 1);
    SYM(d, h, DeviceTotalMem, "cuDeviceTotalMem_v2", 1);
    SYM(d, h, DeviceGetPCIBusId, "cuDeviceGetPCIBusId", 1);
    SYM(d, h, DeviceGetUuid, "cuDeviceGetUuid_v2", 0);
    if (!d->DeviceGetUuid)
        SYM(d, h, DeviceGetUuid, "cuDeviceGetUuid", 0);
    SYM(d, h, DeviceGet, "cuDeviceGet", 1);
    SYM(d, h, DriverGetVersion, "cuDriverGetVersion", 1);
    SYM(d, h, StreamGetPriority, "cuStreamGetPriority", 0);
    SYM(d, h, StreamGetFlags, "cuStreamGetFlags", 0);
    return 0;
fail:
    (void)missing;
    d->lib = NULL;
    return -1;
}

const char *gp_cupti_error(const gp_cupti *c, CUptiResult r)
{
    static __thread char buf[32];
    const char *s = NULL;

    if (c->GetResultString && c->GetResultString(r, &s) == CUPTI_SUCCESS && s)
        return s;
    snprintf(buf, sizeof buf, "CUPTI error %d", (int)r);
    return buf;
}
