/* sample.c: one reading of a device (gp_nvml_read, gp_nvml_sample):
 * utilization, memory, power, clocks, temperature, GPM windows and processes
 * (the fast part), PCIe throughput (the slow part). A reading touches only its
 * own device's state. */
#include "config.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "gpumon/internal.h"

/* State of one reading: where it goes, and the first GPU_IS_LOST seen. */
typedef struct reading {
    gp_nvml *nv;
    gp_nvml_dev *d;
    gp_gpu_sample *out;
    nvmlReturn_t lost;
    const char *lost_call;
    const atomic_int *stop;       /* set: make no further call; NULL: never */
} reading;

/* 1 while the reading goes on: the GPU is not lost and no stop was asked. */
static int go(const reading *r)
{
    return !r->lost && !(r->stop && atomic_load(r->stop));
}

/* Returns rc == NVML_SUCCESS; remembers the call that found the GPU lost.
 * Every other error (not supported, no permission, ...) only leaves the
 * field invalid. */
static int ok(reading *r, nvmlReturn_t rc, const char *call)
{
    if (rc == NVML_ERROR_GPU_IS_LOST && !r->lost) {
        r->lost = rc;
        r->lost_call = call;
    }
    return rc == NVML_SUCCESS;
}

static void read_util(reading *r)
{
    nvmlUtilization_t u;

    if (!r->nv->f.nvmlDeviceGetUtilizationRates)
        return;
    if (ok(r, r->nv->f.nvmlDeviceGetUtilizationRates(r->d->h, &u),
           "nvmlDeviceGetUtilizationRates")) {
        r->out->gpu_util_pct = u.gpu;
        r->out->mem_util_pct = u.memory;
        r->out->valid |= GP_S_GPU_UTIL | GP_S_MEM_UTIL;
    }
}

/* _v2 (used excludes the driver's reservation), else the first version. */
static void read_memory(reading *r)
{
    const gp_nvml_fns *f = &r->nv->f;

    if (f->nvmlDeviceGetMemoryInfo_v2) {
        nvmlMemory_v2_t m = { .version = nvmlMemory_v2 };
        if (ok(r, f->nvmlDeviceGetMemoryInfo_v2(r->d->h, &m), "nvmlDeviceGetMemoryInfo_v2")) {
            r->out->mem_used_bytes = m.used;
            r->out->mem_total_bytes = m.total;
            r->out->valid |= GP_S_MEM_USED;
            return;
        }
    }
    if (f->nvmlDeviceGetMemoryInfo && go(r)) {
        nvmlMemory_t m;
        if (ok(r, f->nvmlDeviceGetMemoryInfo(r->d->h, &m), "nvmlDeviceGetMemoryInfo")) {
            r->out->mem_used_bytes = m.used;
            r->out->mem_total_bytes = m.total;
            r->out->valid |= GP_S_MEM_USED;
        }
    }
}

static void read_power_clocks(reading *r)
{
    const gp_nvml_fns *f = &r->nv->f;
    unsigned v = 0;

    if (f->nvmlDeviceGetPowerUsage &&
        ok(r, f->nvmlDeviceGetPowerUsage(r->d->h, &v), "nvmlDeviceGetPowerUsage")) {
        r->out->power_w = v / 1000.0;
        r->out->valid |= GP_S_POWER;
    }
    if (!f->nvmlDeviceGetClockInfo || !go(r))
        return;
    if (ok(r, f->nvmlDeviceGetClockInfo(r->d->h, NVML_CLOCK_SM, &v), "nvmlDeviceGetClockInfo")) {
        r->out->sm_clock_mhz = v;
        r->out->valid |= GP_S_SM_CLOCK;
    }
    if (go(r) &&
        ok(r, f->nvmlDeviceGetClockInfo(r->d->h, NVML_CLOCK_MEM, &v), "nvmlDeviceGetClockInfo")) {
        r->out->mem_clock_mhz = v;
        r->out->valid |= GP_S_MEM_CLOCK;
    }
}

/* nvmlDeviceGetTemperatureV where the driver has it (GetTemperature is
 * deprecated in NVML 13), else GetTemperature. */
static void read_temp(reading *r)
{
    const gp_nvml_fns *f = &r->nv->f;
    unsigned v = 0;

    if (f->nvmlDeviceGetTemperatureV) {
        nvmlTemperature_t t = { .version = nvmlTemperature_v1, .sensorType = NVML_TEMPERATURE_GPU };
        if (ok(r, f->nvmlDeviceGetTemperatureV(r->d->h, &t), "nvmlDeviceGetTemperatureV")) {
            r->out->temp_c = t.temperature;
            r->out->valid |= GP_S_TEMP;
            return;
        }
    }
    if (f->nvmlDeviceGetTemperature && go(r) &&
        ok(r, f->nvmlDeviceGetTemperature(r->d->h, NVML_TEMPERATURE_GPU, &v),
           "nvmlDeviceGetTemperature")) {
        r->out->temp_c = (int)v;
        r->out->valid |= GP_S_TEMP;
    }
}

/* NVML counts each PCIe direction over 20 ms. */
#define PCIE_WINDOW_NS 20000000LL

/* One PCIe counter in KB/s, and the window it covers: the call's own span,
 * reaching back to 20 ms before its end when the call returned sooner (the
 * driver then counted, at least in part, before it was asked). */
static int read_pcie_counter(reading *r, nvmlPcieUtilCounter_t counter, uint64_t *bytes_per_s,
                             int64_t *start_ns, int64_t *dur_ns)
{
    unsigned v = 0;
    int64_t before = gp_nvml_now_ns(), after;

    if (!ok(r, r->nv->f.nvmlDeviceGetPcieThroughput(r->d->h, counter, &v),
            "nvmlDeviceGetPcieThroughput"))
        return 0;
    after = gp_nvml_now_ns();
    *bytes_per_s = (uint64_t)v * 1024;
    *start_ns = after - before >= PCIE_WINDOW_NS ? before : after - PCIE_WINDOW_NS;
    *dur_ns = after - *start_ns;
    return 1;
}

static void read_pcie(reading *r)
{
    gp_gpu_sample *o = r->out;

    if (!r->nv->f.nvmlDeviceGetPcieThroughput)
        return;
    if (read_pcie_counter(r, NVML_PCIE_UTIL_TX_BYTES, &o->pcie_tx_bytes_per_s,
                          &o->pcie_tx_start_ns, &o->pcie_tx_dur_ns))
        o->valid |= GP_S_PCIE_TX;
    if (go(r) && read_pcie_counter(r, NVML_PCIE_UTIL_RX_BYTES, &o->pcie_rx_bytes_per_s,
                                      &o->pcie_rx_start_ns, &o->pcie_rx_dur_ns))
        o->valid |= GP_S_PCIE_RX;
}

/* The GPM metrics between the device's two samples, older first. */
static void gpm_window(reading *r, nvmlGpmSample_t older, nvmlGpmSample_t newer)
{
    static const struct {
        unsigned id;
        uint32_t bit;
    } want[] = {
        { NVML_GPM_METRIC_SM_UTIL, GP_S_GPM_SM_ACTIVE },
        { NVML_GPM_METRIC_ANY_TENSOR_UTIL, GP_S_GPM_TENSOR_ACTIVE },
        { NVML_GPM_METRIC_DRAM_BW_UTIL, GP_S_GPM_DRAM_BW },
    };
    enum { N = sizeof want / sizeof want[0] };
    nvmlGpmMetricsGet_t *mg = r->d->mg;
    gp_nvml_dev *d = r->d;
    double *dst[N] = { &d->gpm_sm, &d->gpm_tensor, &d->gpm_dram };

    /* Only the header and the entries in use are touched; the rest of the
     * 333 stay zero from the allocation. */
    mg->version = NVML_GPM_METRICS_GET_VERSION;
    mg->numMetrics = N;
    mg->sample1 = older;
    mg->sample2 = newer;
    memset(mg->metrics, 0, N * sizeof mg->metrics[0]);
    for (int i = 0; i < N; i++)
        mg->metrics[i].metricId = want[i].id;
    d->gpm_valid = 0;
    if (!ok(r, r->nv->f.nvmlGpmMetricsGet(mg), "nvmlGpmMetricsGet"))
        return;
    for (int i = 0; i < N; i++) {
        if (mg->metrics[i].nvmlReturn != NVML_SUCCESS || !isfinite(mg->metrics[i].value))
            continue;
        *dst[i] = mg->metrics[i].value;
        d->gpm_valid |= want[i].bit;
    }
}

/* Takes a GPM sample when the newest is >= 100 ms old and computes the
 * window since it; reports the last window either way. */
static void read_gpm(reading *r)
{
    gp_nvml_dev *d = r->d;
    int64_t now = r->out->time_ns;

    if (!d->gpm_supported)
        return;
    if (d->gpm_count == 0 || now - d->gpm_t_ns[d->gpm_newest] >= GP_NVML_GPM_MIN_NS) {
        int next = d->gpm_count ? d->gpm_newest ^ 1 : 0;

        if (!ok(r, r->nv->f.nvmlGpmSampleGet(d->h, d->gpm[next]), "nvmlGpmSampleGet")) {
            d->gpm_count = 0; /* start again at the next call */
            d->gpm_valid = 0;
            return;
        }
        d->gpm_t_ns[next] = now;
        if (d->gpm_count) {
            int old = d->gpm_newest;
            gpm_window(r, d->gpm[old], d->gpm[next]);
            d->gpm_start_ns = d->gpm_t_ns[old];
            d->gpm_dur_ns = now - d->gpm_t_ns[old];
        }
        d->gpm_newest = next;
        d->gpm_count = d->gpm_count < 2 ? d->gpm_count + 1 : 2;
    }
    r->out->valid |= d->gpm_valid;
    r->out->gpm_sm_active_pct = d->gpm_sm;
    r->out->gpm_tensor_active_pct = d->gpm_tensor;
    r->out->gpm_dram_bw_pct = d->gpm_dram;
    r->out->gpm_start_ns = d->gpm_start_ns;
    r->out->gpm_dur_ns = d->gpm_dur_ns;
}

/* Grows *buf to hold n entries of size each; 0, or -1 out of memory. */
static int grow(void **buf, unsigned *cap, unsigned n, size_t size)
{
    void *p;

    if (n <= *cap)
        return 0;
    n += 16; /* processes come and go between the two calls */
    p = realloc(*buf, (size_t)n * size);
    if (!p)
        return -1;
    *buf = p;
    *cap = n;
    return 0;
}

/* The entry for pid in procs[0..*n), added if there is room; NULL if not. */
static gp_gpu_proc *proc_slot(gp_gpu_proc *procs, int max, int *n, unsigned pid)
{
    for (int i = 0; i < *n; i++)
        if (procs[i].pid == pid)
            return &procs[i];
    if (*n >= max)
        return NULL;
    memset(&procs[*n], 0, sizeof procs[*n]);
    procs[*n].pid = pid;
    return &procs[(*n)++];
}

/* Processes with a compute context and the memory each uses. */
static void read_running(reading *r, gp_gpu_proc *procs, int max, int *n)
{
    gp_nvml *nv = r->nv;
    gp_nvml_dev *d = r->d;
    nvmlReturn_t rc = NVML_ERROR_INSUFFICIENT_SIZE;
    unsigned count = 0;

    if (!nv->f.nvmlDeviceGetComputeRunningProcesses_v3)
        return;
    for (int tries = 0; tries < 4 && rc == NVML_ERROR_INSUFFICIENT_SIZE; tries++) {
        count = d->pinfo_cap;
        rc = nv->f.nvmlDeviceGetComputeRunningProcesses_v3(d->h, &count, d->pinfo);
        if (rc == NVML_ERROR_INSUFFICIENT_SIZE &&
            grow((void **)&d->pinfo, &d->pinfo_cap, count, sizeof *d->pinfo) < 0)
            return;
    }
    if (!ok(r, rc, "nvmlDeviceGetComputeRunningProcesses_v3"))
        return;
    if (count > d->pinfo_cap)
        count = d->pinfo_cap;
    for (unsigned i = 0; i < count; i++) {
        gp_gpu_proc *p = proc_slot(procs, max, n, d->pinfo[i].pid);
        if (!p)
            break;
        if (d->pinfo[i].usedGpuMemory != NVML_VALUE_NOT_AVAILABLE_ULL) {
            p->mem_bytes += d->pinfo[i].usedGpuMemory; /* a pid may appear once per MIG instance */
            p->valid |= GP_P_MEM;
        }
    }
    r->out->valid |= GP_S_PROCS;
}

/* Mean SM utilization of each process over the samples newer than the last
 * seen (the first call: whatever the driver still holds). */
static void read_proc_util(reading *r, gp_gpu_proc *procs, int max, int *n)
{
    gp_nvml *nv = r->nv;
    gp_nvml_dev *d = r->d;
    nvmlReturn_t rc = NVML_ERROR_INSUFFICIENT_SIZE;
    unsigned long long seen = d->proc_seen_us, newest = seen;
    unsigned count = 0;

    if (!nv->f.nvmlDeviceGetProcessUtilization)
        return;
    for (int tries = 0; tries < 4 && rc == NVML_ERROR_INSUFFICIENT_SIZE; tries++) {
        count = d->putil_cap;
        rc = nv->f.nvmlDeviceGetProcessUtilization(d->h, d->putil, &count, seen);
        if (rc == NVML_ERROR_INSUFFICIENT_SIZE &&
            grow((void **)&d->putil, &d->putil_cap, count, sizeof *d->putil) < 0)
            return;
    }
    if (rc == NVML_ERROR_NOT_FOUND) { /* no samples since `seen`: known, none */
        r->out->valid |= GP_S_PROC_UTIL;
        return;
    }
    if (!ok(r, rc, "nvmlDeviceGetProcessUtilization"))
        return;
    if (count > d->putil_cap)
        count = d->putil_cap;
    for (unsigned i = 0; i < count; i++) {
        const nvmlProcessUtilizationSample_t *s = &d->putil[i];
        gp_gpu_proc *p;
        double sum = 0;
        int k = 0;

        if (s->timeStamp <= seen)
            continue;
        if (s->timeStamp > newest)
            newest = s->timeStamp;
        p = proc_slot(procs, max, n, s->pid);
        if (!p || (p->valid & GP_P_SM_UTIL))
            continue; /* no room, or this pid's samples are already averaged */
        for (unsigned j = i; j < count; j++) { /* O(samples^2); a few dozen at most */
            if (d->putil[j].pid == s->pid && d->putil[j].timeStamp > seen) {
                sum += d->putil[j].smUtil;
                k++;
            }
        }
        p->sm_util_pct = sum / k;
        p->valid |= GP_P_SM_UTIL;
    }
    d->proc_seen_us = newest;
    r->out->valid |= GP_S_PROC_UTIL;
}

/* The fast part of a reading: everything but PCIe. */
static void read_fast(reading *r, gp_gpu_proc *procs, int max_procs, int *n)
{
    /* Each step skips its calls once the GPU is found lost or a stop is asked. */
    read_util(r);
    if (go(r))
        read_memory(r);
    if (go(r))
        read_power_clocks(r);
    if (go(r))
        read_temp(r);
    if (go(r))
        read_gpm(r);
    if (go(r) && max_procs > 0) {
        read_running(r, procs, max_procs, n);
        if (go(r))
            read_proc_util(r, procs, max_procs, n);
        if (r->d->proc_prev_ns)
            r->out->proc_start_ns = r->d->proc_prev_ns;
        r->d->proc_prev_ns = r->out->time_ns;
    }
}

int gp_nvml_read_until(gp_nvml *nv, int index, unsigned what, gp_gpu_sample *out,
                       gp_gpu_proc *procs, int max_procs, int *n_procs, const atomic_int *stop)
{
    reading r = { .nv = nv, .out = out, .stop = stop };
    int n = 0;

    memset(out, 0, sizeof *out);
    out->index = index;
    out->time_ns = gp_nvml_now_ns();
    out->proc_start_ns = out->time_ns;
    if (n_procs)
        *n_procs = 0;
    if (!procs || !(what & GP_NVML_READ_FAST))
        max_procs = 0;
    if (index < 0 || index >= nv->n_dev)
        return gp_nvml_fail(nv, "no GPU %d: NVML reports %d", index, nv->n_dev);
    r.d = &nv->dev[index];
    if (r.d->handle_rc != NVML_SUCCESS) {
        out->lost = r.d->handle_rc == NVML_ERROR_GPU_IS_LOST;
        return gp_nvml_fail_device(nv, index, "nvmlDeviceGetHandleByIndex_v2", r.d->handle_rc);
    }
    if (what & GP_NVML_READ_FAST)
        read_fast(&r, procs, max_procs, &n);
    if (go(&r) && (what & GP_NVML_READ_PCIE))
        read_pcie(&r);
    if (!r.lost && stop && atomic_load(stop)) {
        memset(out, 0, sizeof *out);
        out->index = index;
        return gp_nvml_fail(nv, "GPU %d: reading stopped", index);
    }
    if (r.lost) {
        int64_t t = out->time_ns;
        memset(out, 0, sizeof *out);
        out->index = index;
        out->time_ns = t;
        out->proc_start_ns = t;
        out->lost = 1;
        return gp_nvml_fail_device(nv, index, r.lost_call, r.lost);
    }
    if (n_procs)
        *n_procs = n;
    return 0;
}

int gp_nvml_read(gp_nvml *nv, int index, unsigned what, gp_gpu_sample *out, gp_gpu_proc *procs,
                 int max_procs, int *n_procs)
{
    return gp_nvml_read_until(nv, index, what, out, procs, max_procs, n_procs, NULL);
}

int gp_nvml_sample(gp_nvml *nv, int index, gp_gpu_sample *out, gp_gpu_proc *procs,
                   int max_procs, int *n_procs)
{
    return gp_nvml_read(nv, index, GP_NVML_READ_ALL, out, procs, max_procs, n_procs);
}
