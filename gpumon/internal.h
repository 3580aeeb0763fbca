/* internal.h: the gp_nvml handle, shared by gpumon/nvml.c (loading,
 * device facts) and gpumon/sample.c (readings). Private. */
#ifndef GP_NVML_INTERNAL_H
#define GP_NVML_INTERNAL_H

#include <stdatomic.h>
#include <stdint.h>

#include "gpumon/nvml.h"
#include "gpumon/nvml_types.h"

/* NVML's functions, filled by dlsym; a NULL entry is a function this driver
 * lacks. After loading, the entries named *_v2/_v3 hold the older version
 * where only that one exists (same signature), so callers test one pointer. */
typedef struct gp_nvml_fns {
    nvmlErrorString_fn *nvmlErrorString;
#define GP_NVML_FN_FIELD(name, params) nvmlReturn_t (*name) params;
    GP_NVML_FUNCTIONS(GP_NVML_FN_FIELD)
#undef GP_NVML_FN_FIELD
} gp_nvml_fns;

/* GPM needs two samples >= this far apart. */
#define GP_NVML_GPM_MIN_NS 100000000LL

typedef struct gp_nvml_dev {
    nvmlDevice_t h;
    nvmlReturn_t handle_rc;       /* of nvmlDeviceGetHandleByIndex; h is valid when 0 */
    int gpm_supported;
    nvmlGpmSample_t gpm[2];       /* allocated when gpm_supported */
    int gpm_newest;               /* index into gpm[] of the latest sample */
    int gpm_count;                /* samples taken, capped at 2 */
    int64_t gpm_t_ns[2];
    uint32_t gpm_valid;           /* GP_S_GPM_* of the last window */
    double gpm_sm, gpm_tensor, gpm_dram;
    int64_t gpm_start_ns, gpm_dur_ns;
    unsigned long long proc_seen_us; /* newest process-utilization timestamp seen */
    int64_t proc_prev_ns;         /* time of the previous reading; 0 none */
    /* buffers reused by this device's readings (grown on demand): per device,
     * so that different devices may be read on different threads */
    nvmlProcessInfo_t *pinfo;
    unsigned pinfo_cap;
    nvmlProcessUtilizationSample_t *putil;
    unsigned putil_cap;
    nvmlGpmMetricsGet_t *mg;      /* allocated when gpm_supported */
} gp_nvml_dev;

/* Everything but dev[i]'s state is written only by open and close. */
struct gp_nvml {
    void *lib;
    gp_nvml_fns f;
    int n_dev;
    gp_nvml_dev *dev;
    char path[256];               /* the library loaded, for messages */
};

/* Text for an NVML return code: the library's own when it has
 * nvmlErrorString, else ours. Never NULL. */
const char *gp_nvml_rc_text(const gp_nvml *nv, nvmlReturn_t rc);

/* Sets the calling thread's last error (printf-style); returns -1. */
int gp_nvml_fail(gp_nvml *nv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sets the last error for a device whose handle is missing or which is lost. */
int gp_nvml_fail_device(gp_nvml *nv, int index, const char *call, nvmlReturn_t rc);

/* gp_nvml_read that makes no further NVML call once *stop is set (checked
 * between calls; a call under way is not interrupted): then -1, "reading
 * stopped", out invalid. For the poller, whose threads must exit soon after
 * a stop even when each call of a hung GPU takes seconds. */
int gp_nvml_read_until(gp_nvml *nv, int index, unsigned what, gp_gpu_sample *out,
                       gp_gpu_proc *procs, int max_procs, int *n_procs, const atomic_int *stop);

/* CLOCK_MONOTONIC in ns (the clock of common/clock.h's gp_now_ns). */
int64_t gp_nvml_now_ns(void);

#endif
