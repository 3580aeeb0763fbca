/* sampler.c: the recorder's NVML sampling (gpumon/poller.h's threads).
 *
 * Every 1/hz seconds, on each device's own thread: the fast reading
 * (utilization, memory, power, clocks, temperature, GPM, processes) turned
 * into metric records, with the job's processes' own use of the device.
 * PCIe throughput, whose two calls block ~40 ms a device, on a second thread
 * per device at most once a second (GP_REC_PCIE_PERIOD_NS), each record
 * covering the window the driver counted over. A GPU whose calls hang holds
 * up only its own readings; stopping takes at most GP_NVML_POLL_STOP_NS.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gpumon/nvml.h"
#include "gpumon/poller.h"
#include "common/batch.h"
#include "recorder/sampler.h"

#define MAX_PROCS 256

/* PCIe throughput is read at most this often: its two calls block ~40 ms a
 * GPU, and if the driver serializes calls, 8 GPUs at 1 Hz keep it busy a
 * third of each second. */
#define GP_REC_PCIE_PERIOD_NS 1000000000LL

struct gp_rec_nvml {
    gp_recw *q;
    gp_nvml_poll *poll;
    pid_t root; /* the recorder: the job's processes descend from it */
};

/* 1 if pid descends from root (walks /proc parents; a few reads). */
static int in_job(pid_t pid, pid_t root)
{
    for (int depth = 0; depth < 64 && pid > 1; depth++) {
        char path[64], buf[512], *p;
        FILE *f;
        size_t n;
        int ppid;

        if (pid == root)
            return 1;
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
        if (!(f = fopen(path, "r")))
            return 0;
        n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        p = strrchr(buf, ')');
        if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
            return 0;
        pid = ppid;
    }
    return 0;
}

/* Local batches name strings by their 1-based position in the batch. */
static gp_strid local_string(gp_batch *b, const char *s)
{
    size_t n = gp_batch_string_count(b);

    for (size_t i = 0; i < n; i++)
        if (strcmp(gp_batch_string(b, i, NULL, NULL), s) == 0)
            return (gp_strid)i + 1;
    if (gp_batch_add_string(b, (gp_strid)n + 1, s, strlen(s)) < 0)
        return 0;
    return (gp_strid)n + 1;
}

static void add_metric(gp_batch *b, int device, uint32_t pid, const gp_nvml_metric *m)
{
    gp_record r;

    gp_record_init(&r, GP_KIND_METRIC);
    r.u.metric.ts_ns = m->ts_ns;
    r.u.metric.dur_ns = m->dur_ns;
    r.u.metric.device = device;
    r.u.metric.pid = pid;
    r.u.metric.name = local_string(b, m->name);
    r.u.metric.value = m->value;
    gp_batch_add(b, &r);
}

/* One reading's records as one batch (one device, one moment). */
static void fast_reading(gp_rec_nvml *n, const gp_nvml_reading *r, gp_batch *b)
{
    gp_nvml_metric m[GP_NVML_SAMPLE_METRICS_MAX];
    int nm = gp_nvml_sample_metrics(r->s, m, GP_NVML_SAMPLE_METRICS_MAX);

    for (int j = 0; j < nm; j++)
        add_metric(b, r->index, 0, &m[j]);
    for (int p = 0; p < r->n_procs; p++) {
        gp_nvml_metric pm[GP_NVML_PROC_METRICS_MAX];
        int npm;
        if (!in_job((pid_t)r->procs[p].pid, n->root))
            continue; /* other users' and other jobs' processes are not ours */
        npm = gp_nvml_proc_metrics(r->s, &r->procs[p], pm, GP_NVML_PROC_METRICS_MAX);
        for (int j = 0; j < npm; j++)
            add_metric(b, r->index, r->procs[p].pid, &pm[j]);
    }
}

/* Static facts of a device, as trace metadata (nvml.device.N.*). */
static void describe_device(gp_rec_nvml *n, int i, const gp_gpu_info *info)
{
    char key[64], val[128];

#define META(field, fmt, value, bit)                                        \
    if (info->valid & (bit)) {                                              \
        snprintf(key, sizeof key, "nvml.device.%d." field, i);              \
        snprintf(val, sizeof val, fmt, value);                              \
        gp_recw_meta(n->q, key, val);                                       \
    }
    META("name", "%s", info->name, GP_I_NAME)
    META("uuid", "%s", info->uuid, GP_I_UUID)
    META("pci_bus_id", "%s", info->pci_bus_id, GP_I_PCI_BUS_ID)
    META("mem_total_bytes", "%llu", (unsigned long long)info->mem_total_bytes, GP_I_MEM_TOTAL)
    META("max_sm_clock_mhz", "%u", info->max_sm_clock_mhz, GP_I_MAX_SM_CLOCK)
    META("max_mem_clock_mhz", "%u", info->max_mem_clock_mhz, GP_I_MAX_MEM_CLOCK)
    META("mem_bus_width_bits", "%u", info->mem_bus_width_bits, GP_I_MEM_BUS_WIDTH)
    META("power_limit_w", "%.0f", info->power_limit_w, GP_I_POWER_LIMIT)
#undef META
}

/* The poller's callback, on the device's own thread: the writer's queue is
 * thread-safe, and the poller makes no call after gp_rec_nvml_stop. */
static void on_reading(void *ctx, const gp_nvml_reading *r)
{
    gp_rec_nvml *n = ctx;
    gp_batch *b;

    if (r->kind == GP_POLL_INFO) {
        if (r->ok)
            describe_device(n, r->index, r->info);
        return;
    }
    if (!r->ok)
        return; /* a lost GPU is tried again next tick */
    b = gp_batch_new();
    if (!b)
        return;
    if (r->kind == GP_POLL_FAST) {
        fast_reading(n, r, b);
    } else {
        gp_nvml_metric m[GP_NVML_SAMPLE_METRICS_MAX];
        int nm = gp_nvml_sample_metrics(r->s, m, GP_NVML_SAMPLE_METRICS_MAX);
        for (int j = 0; j < nm; j++)
            add_metric(b, r->index, 0, &m[j]);
    }
    if (gp_batch_record_count(b))
        gp_recw_local(n->q, b);
    else
        gp_batch_free(b);
}

gp_rec_nvml *gp_rec_nvml_start(gp_recw *q, double hz)
{
    gp_rec_nvml *n;
    gp_nvml_poll_opts o = { 0 };
    char why[256];
    gp_nvml *nv = gp_nvml_open(why, sizeof why);

    if (!nv) {
        fprintf(stderr, "gpupack record: no GPU readings from NVML (%s); recording goes on "
                "without them\n", why);
        return NULL;
    }
    n = calloc(1, sizeof *n);
    if (!n) {
        gp_nvml_close(nv);
        return NULL;
    }
    n->q = q;
    n->root = getpid();
    o.fast_period_ns = (int64_t)(1e9 / hz);
    o.slow_period_ns = o.fast_period_ns > GP_REC_PCIE_PERIOD_NS ? o.fast_period_ns
                                                                 : GP_REC_PCIE_PERIOD_NS;
    o.max_procs = MAX_PROCS;
    o.read_info = 1;
    o.on_reading = on_reading;
    o.ctx = n;
    n->poll = gp_nvml_poll_start(nv, &o);
    if (!n->poll) {
        gp_nvml_close(nv);
        free(n);
        return NULL;
    }
    return n;
}

void gp_rec_nvml_stop(gp_rec_nvml *n)
{
    if (!n)
        return;
    gp_nvml_poll_stop(n->poll);
    free(n);
}
