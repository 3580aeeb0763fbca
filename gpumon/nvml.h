/* nvml.h: device readings from NVML, for `gpupack record` (10 Hz samples into
 * the trace) and `gpupack top` (live view of every GPU).
 *
 * NVML is loaded at run time with dlopen (GPUPACK_NVML_PATH, else
 * "libnvidia-ml.so.1"): nothing here needs nvml.h, the CUDA toolkit or a GPU
 * to build. Functions missing from an older driver, and readings a device
 * refuses (not supported, no permission), leave their fields invalid: every
 * value has a bit in `valid`, so "unsupported" is never shown as 0.
 *
 *     char why[256];
 *     gp_nvml *nv = gp_nvml_open(why, sizeof why);
 *     if (!nv) { printf("no GPU readings: %s\n", why); return; }
 *     for (int i = 0; i < gp_nvml_device_count(nv); i++) {
 *         gp_gpu_sample s;
 *         gp_gpu_proc procs[64];
 *         int np;
 *         if (gp_nvml_sample(nv, i, &s, procs, 64, &np) < 0)
 *             printf("GPU %d: %s\n", i, gp_nvml_last_error(nv));
 *         else if (s.valid & GP_S_POWER)
 *             printf("GPU %d: %.0f W\n", i, s.power_w);
 *     }
 *     gp_nvml_close(nv);
 *
 * Cost: the fast part of a reading (GP_NVML_READ_FAST: about 10 calls) is
 * cheap; the PCIe part (GP_NVML_READ_PCIE) makes two calls that NVML documents
 * as counting over 20 ms each, ~40 ms a device if they block for it. Reading
 * many GPUs at 10 Hz therefore reads each on its own thread, PCIe apart:
 * gpumon/poller.h does that.
 *
 * Thread-safety: a device keeps its own state (previous GPM sample, process
 * timestamps, buffers), so readings of DIFFERENT devices may run at the same
 * time on different threads. For one device, one reading with
 * GP_NVML_READ_FAST at a time; a reading of GP_NVML_READ_PCIE alone uses no
 * device state and may run alongside it. gp_nvml_device_info follows the same
 * rule as a fast reading. gp_nvml_last_error is per thread. Open and close
 * with no other call running. Separate handles may be used from separate
 * threads: NVML is thread-safe and counts nvmlInit/nvmlShutdown pairs.
 * gp_nvml_sample_metrics and gp_nvml_proc_metrics are pure and thread-safe.
 *
 * Not verified on a GPU: this module has only run against the fake NVML in
 * tests/fakenvml (which models NVML's latencies; see its header).
 */
#ifndef GP_NVML_H
#define GP_NVML_H

#include <stddef.h>
#include <stdint.h>

typedef struct gp_nvml gp_nvml;

/* Static facts of a device; each field is meaningful only with its bit set. */
enum {
    GP_I_NAME = 1u << 0,
    GP_I_UUID = 1u << 1,
    GP_I_PCI_BUS_ID = 1u << 2,
    GP_I_MEM_TOTAL = 1u << 3,
    GP_I_MAX_SM_CLOCK = 1u << 4,
    GP_I_MAX_MEM_CLOCK = 1u << 5,
    GP_I_MEM_BUS_WIDTH = 1u << 6,
    GP_I_POWER_LIMIT = 1u << 7,
    GP_I_CC = 1u << 8,             /* cc_major, cc_minor */
    GP_I_DRIVER_VERSION = 1u << 9,
    GP_I_NVML_VERSION = 1u << 10,
    GP_I_CUDA_VERSION = 1u << 11,
    GP_I_GPM = 1u << 12            /* gpm_supported */
};

typedef struct gp_gpu_info {
    int index;                  /* NVML index (as nvidia-smi numbers GPUs) */
    uint32_t valid;             /* GP_I_* */
    char name[96];              /* "NVIDIA H100 80GB HBM3" */
    char uuid[96];              /* "GPU-..." */
    char pci_bus_id[32];        /* "00000000:19:00.0" */
    uint64_t mem_total_bytes;
    unsigned max_sm_clock_mhz;
    unsigned max_mem_clock_mhz;
    unsigned mem_bus_width_bits;
    double power_limit_w;       /* enforced limit */
    int cc_major, cc_minor;     /* CUDA compute capability */
    char driver_version[80];    /* "580.65.06" */
    char nvml_version[80];
    int cuda_driver_version;    /* 13000 for CUDA 13.0 */
    int gpm_supported;          /* 1: GPM metrics (Hopper and newer) */
} gp_gpu_info;

/* One reading of a device; each field is meaningful only with its bit set. */
enum {
    GP_S_GPU_UTIL = 1u << 0,
    GP_S_MEM_UTIL = 1u << 1,
    GP_S_MEM_USED = 1u << 2,       /* mem_used_bytes and mem_total_bytes */
    GP_S_POWER = 1u << 3,
    GP_S_SM_CLOCK = 1u << 4,
    GP_S_MEM_CLOCK = 1u << 5,
    GP_S_TEMP = 1u << 6,
    GP_S_PCIE_TX = 1u << 7,
    GP_S_PCIE_RX = 1u << 8,
    GP_S_GPM_SM_ACTIVE = 1u << 9,
    GP_S_GPM_TENSOR_ACTIVE = 1u << 10,
    GP_S_GPM_DRAM_BW = 1u << 11,
    GP_S_PROCS = 1u << 12,         /* the process list is known (it may be empty) */
    GP_S_PROC_UTIL = 1u << 13      /* per-process SM utilization was read */
};

typedef struct gp_gpu_sample {
    int index;
    int lost;                   /* 1: the GPU fell off the bus (NVML GPU_IS_LOST) */
    uint32_t valid;             /* GP_S_* */
    int64_t time_ns;            /* CLOCK_MONOTONIC (gp_now_ns's clock) when read */
    double gpu_util_pct;        /* time a kernel ran, over the driver's last period */
    double mem_util_pct;        /* time device memory was read or written */
    uint64_t mem_used_bytes;    /* allocated (the driver's reservation excluded when
                                   the driver has nvmlDeviceGetMemoryInfo_v2) */
    uint64_t mem_total_bytes;
    double power_w;
    unsigned sm_clock_mhz;
    unsigned mem_clock_mhz;
    int temp_c;
    /* PCIe: the driver counts each direction over 20 ms (KiB/s * 1024). The
     * count lies within [pcie_*_start_ns, + pcie_*_dur_ns]: the call's own
     * span, reaching back to 20 ms before its end if it returned sooner. */
    uint64_t pcie_tx_bytes_per_s;
    uint64_t pcie_rx_bytes_per_s;
    int64_t pcie_tx_start_ns, pcie_tx_dur_ns;
    int64_t pcie_rx_start_ns, pcie_rx_dur_ns;
    /* GPM: averages over [gpm_start_ns, gpm_start_ns + gpm_dur_ns], the window
     * between the handle's last two GPM samples (>= 100 ms apart). A call less
     * than 100 ms after the last GPM sample reports the same window again. */
    double gpm_sm_active_pct;     /* SMs busy */
    double gpm_tensor_active_pct; /* SMs with any tensor pipe active */
    double gpm_dram_bw_pct;       /* DRAM bandwidth used of peak */
    int64_t gpm_start_ns;
    int64_t gpm_dur_ns;
    /* Per-process SM utilization covers [proc_start_ns, time_ns]: since the
     * previous call for this device (the first call: proc_start_ns == time_ns). */
    int64_t proc_start_ns;
} gp_gpu_sample;

enum {
    GP_P_MEM = 1u << 0,
    GP_P_SM_UTIL = 1u << 1
};

typedef struct gp_gpu_proc {
    uint32_t pid;
    uint32_t valid;             /* GP_P_* */
    uint64_t mem_bytes;         /* GPU memory used */
    double sm_util_pct;         /* mean SM utilization since the previous call */
} gp_gpu_proc;

/* Loads NVML (env GPUPACK_NVML_PATH, else "libnvidia-ml.so.1") and
 * initializes it. Returns NULL with a one-line reason in why (library not
 * found, not an NVML, driver not loaded, no permission, ...); why may be NULL.
 * Zero GPUs is not an error. The library stays loaded after close (it is
 * never dlclose'd). Cost: nvmlInit (tens to hundreds of ms on a real driver)
 * plus a few calls per device. */
gp_nvml *gp_nvml_open(char *why, size_t why_len);

/* nvmlShutdown and frees the handle; NULL is ignored. Never call it while
 * another thread uses the handle. */
void gp_nvml_close(gp_nvml *nv);

/* Devices NVML reported at open. Cannot fail. */
int gp_nvml_device_count(const gp_nvml *nv);

/* Static facts of device `index`. Returns 0 (fields with their bit set), or
 * -1 for a bad index, a device whose handle could not be had, or a lost GPU;
 * then out->index is set, out->valid is 0 and gp_nvml_last_error says why. */
int gp_nvml_device_info(gp_nvml *nv, int index, gp_gpu_info *out);

/* The parts of a reading. */
enum {
    GP_NVML_READ_FAST = 1u << 0,  /* utilization, memory, power, clocks, temperature, GPM,
                                     processes: ~10 calls, each well under a millisecond
                                     (estimated: NVML documents no cost) */
    GP_NVML_READ_PCIE = 1u << 1,  /* PCIe TX and RX: 2 calls that count over 20 ms each */
    GP_NVML_READ_ALL = GP_NVML_READ_FAST | GP_NVML_READ_PCIE
};

/* One reading of the parts `what` (GP_NVML_READ_*) of device `index`, and
 * with GP_NVML_READ_FAST up to max_procs processes using it in procs
 * (*n_procs set; procs may be NULL when max_procs is 0). Returns 0 even when
 * some fields are invalid; -1 for a bad index, a device without a handle, or
 * a lost GPU (out->lost set), with gp_nvml_last_error saying why. Fields of a
 * part not read are left invalid. Cost: see GP_NVML_READ_*; on a real driver
 * whether the PCIe calls block for their 20 ms is unverified. */
int gp_nvml_read(gp_nvml *nv, int index, unsigned what, gp_gpu_sample *out, gp_gpu_proc *procs,
                 int max_procs, int *n_procs);

/* gp_nvml_read of GP_NVML_READ_ALL: every part, ~40 ms a device when the PCIe
 * calls block for their 20 ms. */
int gp_nvml_sample(gp_nvml *nv, int index, gp_gpu_sample *out, gp_gpu_proc *procs,
                   int max_procs, int *n_procs);

/* The reason for the last -1 returned to the calling thread; "" if none.
 * Valid until that thread's next failing call. */
const char *gp_nvml_last_error(const gp_nvml *nv);

/* A reading as a named metric, so the recorder and top agree on names and
 * units. The name ends with its unit (_pct, _bytes, _w, _mhz, _c,
 * _bytes_per_s); names are static strings. The value covers
 * [ts_ns, ts_ns + dur_ns]; dur_ns 0 is an instant reading. */
typedef struct gp_nvml_metric {
    const char *name;
    double value;
    int64_t ts_ns;
    int64_t dur_ns;
} gp_nvml_metric;

#define GP_NVML_SAMPLE_METRICS_MAX 12
#define GP_NVML_PROC_METRICS_MAX 2

/* The valid fields of s as metrics, in a fixed order, at most max (pass
 * GP_NVML_SAMPLE_METRICS_MAX to get all). Returns how many were written.
 * Instant readings are at s->time_ns; PCIe covers its window, GPM its. 
 * Names: nvml.gpu_util_pct nvml.mem_util_pct nvml.mem_used_bytes nvml.power_w
 * nvml.sm_clock_mhz nvml.mem_clock_mhz nvml.temp_c nvml.pcie_tx_bytes_per_s
 * nvml.pcie_rx_bytes_per_s gpm.sm_active_pct gpm.tensor_active_pct
 * gpm.dram_bw_pct. Pure; cannot fail. */
int gp_nvml_sample_metrics(const gp_gpu_sample *s, gp_nvml_metric *out, int max);

/* The valid fields of process p (read in sample s) as metrics:
 * nvml.proc_mem_bytes, nvml.proc_sm_util_pct. Returns how many were written.
 * Pure; cannot fail. */
int gp_nvml_proc_metrics(const gp_gpu_sample *s, const gp_gpu_proc *p, gp_nvml_metric *out,
                         int max);

#endif
