/* cupti_load.c: finds CUPTI and the driver and resolves their functions. */
#include "config.h"

#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cupti_api.h"

/* Up to 64 loaded objects' names, gathered without calling the loader
 * from inside dl_iterate_phdr (which holds the loader's lock). */
typedef struct loaded_names {
    int n;
    char name[64][512];
} loaded_names;

static int collect(struct dl_phdr_info *info, size_t size, void *arg)
{
    loaded_names *l = arg;

    (void)size;
    if (info->dlpi_name && info->dlpi_name[0] && l->n < 64)
        snprintf(l->name[l->n++], sizeof l->name[0], "%s", info->dlpi_name);
    return 0;
}

/* A CUPTI already in the process, under whatever name (PyTorch's
 * libcupti.so.12 or .so.13, a pip wheel's, a test's): the first loaded
 * object, not this library, that defines cuptiGetVersion and
 * cuptiActivityEnable. NULL if there is none. */
static void *loaded_cupti(char *path, size_t path_len)
{
    static loaded_names l; /* 32 KB: not on the job's thread stack */
    Dl_info self;
    const char *me = dladdr((void *)gp_cupti_load, &self) ? self.dli_fname : NULL;

    l.n = 0;
    dl_iterate_phdr(collect, &l);
    for (int i = 0; i < l.n; i++) {
        void *h;
        if (me && strcmp(l.name[i], me) == 0)
            continue;
        h = dlopen(l.name[i], RTLD_NOW | RTLD_NOLOAD);
        if (!h)
            continue;
        if (dlsym(h, "cuptiGetVersion") && dlsym(h, "cuptiActivityEnable")) {
            snprintf(path, path_len, "%s (already loaded)", l.name[i]);
            return h;
        }
        dlclose(h); /* only drops the reference RTLD_NOLOAD added */
    }
    return NULL;
}

/* Opens name from the loader's path, then from the toolkit found at build
 * time. */
static void *open_named(const char *name, char *path, size_t path_len)
{
    void *h = dlopen(name, RTLD_NOW | RTLD_GLOBAL);

    if (h) {
        snprintf(path, path_len, "%s", name);
        return h;
    }
#ifdef GP_CUPTI_LIBDIR
    if (*GP_CUPTI_LIBDIR) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", GP_CUPTI_LIBDIR, name);
        h = dlopen(p, RTLD_NOW | RTLD_GLOBAL);
        if (h) {
            snprintf(path, path_len, "%s", p);
            return h;
        }
    }
#endif
    return NULL;
}

/* Where a library called name would be found without loading it: a folder
 * of LD_LIBRARY_PATH or the build-time toolkit; "" if neither has it. */
static void find_file(const char *name, char *out, size_t cap)
{
    const char *lp = getenv("LD_LIBRARY_PATH");
    char dirs[2048], p[2600];

    out[0] = '\0';
    snprintf(dirs, sizeof dirs, "%s", lp ? lp : "");
    for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        if ((size_t)snprintf(p, sizeof p, "%s/%s", d, name) >= cap)
            continue;
        if (access(p, R_OK) == 0) {
            memcpy(out, p, strlen(p) + 1);
            return;
        }
    }
#ifdef GP_CUPTI_LIBDIR
    if (*GP_CUPTI_LIBDIR && (size_t)snprintf(p, sizeof p, "%s/%s", GP_CUPTI_LIBDIR, name) < cap &&
        access(p, R_OK) == 0)
        memcpy(out, p, strlen(p) + 1);
#endif
}

/* Opens the CUPTI to use; see cupti_api.h for the order. driver is
 * cuDriverGetVersion's value, 0 if unknown. */
static void *open_cupti(int driver, char *path, size_t path_len, char *why, size_t why_len)
{
    const char *env = getenv("GPUPACK_CUPTI_PATH");
    void *h = loaded_cupti(path, path_len);
    int cuda12 = driver >= 12000 && driver < 13000;
    char other[600];

    if (h)
        return h; /* never a second CUPTI in one process */
    if (env && *env) {
        h = dlopen(env, RTLD_NOW | RTLD_GLOBAL);
        if (!h)
            snprintf(why, why_len, "cannot load CUPTI from GPUPACK_CUPTI_PATH=%s (%s)", env,
                     dlerror());
        else
            snprintf(path, path_len, "%s", env);
        return h;
    }
    /* The newest CUPTI the driver supports: CUPTI 13 needs a CUDA 13 driver. */
    if (!cuda12 && (h = open_named("libcupti.so.13", path, path_len)))
        return h;
    if ((h = open_named("libcupti.so.12", path, path_len)))
        return h;
    if (!cuda12 && (h = open_named("libcupti.so", path, path_len)))
        return h;
    if (cuda12) {
        find_file("libcupti.so.13", other, sizeof other);
        snprintf(why, why_len,
                 "the CUDA driver is %d.%d, too old for CUPTI 13%s%s%s, and no CUPTI 12 "
                 "(libcupti.so.12) was found; install the CUPTI of a CUDA 12 toolkit no newer "
                 "than %d.%d (e.g. pip install \"nvidia-cuda-cupti-cu12==%d.%d.*\") and point "
                 "GPUPACK_CUPTI_PATH at its libcupti.so.12, or update the driver for CUDA 13 "
                 "(R580 or newer)", driver / 1000, driver % 1000 / 10,
                 other[0] ? " (" : "", other, other[0] ? ")" : "", driver / 1000,
                 driver % 1000 / 10, driver / 1000, driver % 1000 / 10);
        return NULL;
    }
    snprintf(why, why_len,
             "CUPTI not found (libcupti.so.13, libcupti.so.12, libcupti.so: %s); set "
             "GPUPACK_CUPTI_PATH to the CUDA toolkit's libcupti.so", dlerror());
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

int gp_cupti_load(gp_cupti *c, int driver, char *why, size_t why_len)
{
    const char *missing = NULL;
    void *h;

    memset(c, 0, sizeof *c);
    h = open_cupti(driver, c->path, sizeof c->path, why, why_len);
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
    SYM(c, h, ActivityRegisterTimestampCallback, "cuptiActivityRegisterTimestampCallback", 0);
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
    SYM(d, h, StreamIsCapturing, "cuStreamIsCapturing", 0);
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

const char *gp_cupti_release(uint32_t v, char *buf, size_t cap)
{
    /* cupti_version.h: v19 12.0, v20 12.2, v21 12.3, v22 12.4, v23 12.5,
     * v24 12.6, v26 12.8, v27 12.9, v28 12.9 Update 1; from 13.0 on xxyyzz. */
    static const struct {
        uint32_t v;
        const char *cuda;
    } v12[] = { { 19, "12.0" }, { 20, "12.2" }, { 21, "12.3" }, { 22, "12.4" },
                { 23, "12.5" }, { 24, "12.6" }, { 25, "12.7" }, { 26, "12.8" },
                { 27, "12.9" }, { 28, "12.9" } };

    if (v >= 100000)
        snprintf(buf, cap, "%u.%u", v / 10000, v / 100 % 100);
    else
        snprintf(buf, cap, "API version %u", v);
    for (size_t i = 0; i < sizeof v12 / sizeof v12[0]; i++)
        if (v12[i].v == v)
            snprintf(buf, cap, "%s", v12[i].cuda);
    return buf;
}
