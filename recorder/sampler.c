/* sampler.c: the recorder's NVML sampling thread.
 *
 * Every 1/hz seconds: one reading of every device (gp_nvml_sample) turned
 * into metric records, and the job's processes' own use of each device.
 * Cost per tick: a few NVML calls per device (NVML itself may take
 * milliseconds for PCIe counters); the thread sleeps on CLOCK_MONOTONIC
 * absolute deadlines so ticks do not drift.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gpumon/nvml.h"
#include "common/batch.h"
#include "common/clock.h"
#include "recorder/sampler.h"

#define MAX_PROCS 256

struct gp_rec_nvml {
    gp_recw *q;
    gp_nvml *nv;
    int64_t period_ns;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int stop;
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

static void sample_all(gp_rec_nvml *n)
{
    gp_batch *b = gp_batch_new();
    int count = gp_nvml_device_count(n->nv);

    if (!b)
        return;
    for (int i = 0; i < count; i++) {
        gp_gpu_sample s;
        gp_gpu_proc procs[MAX_PROCS];
        gp_nvml_metric m[GP_NVML_SAMPLE_METRICS_MAX];
        int np = 0, nm;

        if (gp_nvml_sample(n->nv, i, &s, procs, MAX_PROCS, &np) < 0)
            continue;
        nm = gp_nvml_sample_metrics(&s, m, GP_NVML_SAMPLE_METRICS_MAX);
        for (int j = 0; j < nm; j++)
            add_metric(b, i, 0, &m[j]);
        for (int p = 0; p < np; p++) {
            gp_nvml_metric pm[GP_NVML_PROC_METRICS_MAX];
            int npm;
            if (!in_job((pid_t)procs[p].pid, n->root))
                continue; /* other users' and other jobs' processes are not ours */
            npm = gp_nvml_proc_metrics(&s, &procs[p], pm, GP_NVML_PROC_METRICS_MAX);
            for (int j = 0; j < npm; j++)
                add_metric(b, i, procs[p].pid, &pm[j]);
        }
    }
    if (gp_batch_record_count(b))
        gp_recw_local(n->q, b);
    else
        gp_batch_free(b);
}

/* Static facts of each device, as trace metadata (nvml.device.N.*). */
static void describe_devices(gp_rec_nvml *n)
{
    int count = gp_nvml_device_count(n->nv);
    char key[64], val[128];

    for (int i = 0; i < count; i++) {
        gp_gpu_info info;
        if (gp_nvml_device_info(n->nv, i, &info) < 0)
            continue;
#define META(field, fmt, value, bit)                                        \
    if (info.valid & (bit)) {                                               \
        snprintf(key, sizeof key, "nvml.device.%d." field, i);              \
        snprintf(val, sizeof val, fmt, value);                              \
        gp_recw_meta(n->q, key, val);                                       \
    }
        META("name", "%s", info.name, GP_I_NAME)
        META("uuid", "%s", info.uuid, GP_I_UUID)
        META("pci_bus_id", "%s", info.pci_bus_id, GP_I_PCI_BUS_ID)
        META("mem_total_bytes", "%llu", (unsigned long long)info.mem_total_bytes, GP_I_MEM_TOTAL)
        META("max_sm_clock_mhz", "%u", info.max_sm_clock_mhz, GP_I_MAX_SM_CLOCK)
        META("max_mem_clock_mhz", "%u", info.max_mem_clock_mhz, GP_I_MAX_MEM_CLOCK)
        META("mem_bus_width_bits", "%u", info.mem_bus_width_bits, GP_I_MEM_BUS_WIDTH)
        META("power_limit_w", "%.0f", info.power_limit_w, GP_I_POWER_LIMIT)
#undef META
    }
}

static void *sampler(void *arg)
{
    gp_rec_nvml *n = arg;
    int64_t next = gp_now_ns();

    describe_devices(n);
    pthread_mutex_lock(&n->lock);
    while (!n->stop) {
        pthread_mutex_unlock(&n->lock);
        sample_all(n);
        next += n->period_ns;
        if (next < gp_now_ns())
            next = gp_now_ns(); /* fell behind: do not burst to catch up */
        pthread_mutex_lock(&n->lock);
        while (!n->stop && gp_now_ns() < next) {
            struct timespec ts = { (time_t)(next / 1000000000), (long)(next % 1000000000) };
            pthread_cond_timedwait(&n->cond, &n->lock, &ts); /* condvar on CLOCK_MONOTONIC */
        }
    }
    pthread_mutex_unlock(&n->lock);
    return NULL;
}

gp_rec_nvml *gp_rec_nvml_start(gp_recw *q, double hz)
{
    gp_rec_nvml *n;
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
    n->nv = nv;
    n->period_ns = (int64_t)(1e9 / hz);
    n->root = getpid();
    pthread_mutex_init(&n->lock, NULL);
    {
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&n->cond, &ca);
        pthread_condattr_destroy(&ca);
    }
    if (pthread_create(&n->thread, NULL, sampler, n) != 0) {
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
    pthread_mutex_lock(&n->lock);
    n->stop = 1;
    pthread_cond_signal(&n->cond);
    pthread_mutex_unlock(&n->lock);
    pthread_join(n->thread, NULL);
    gp_nvml_close(n->nv);
    pthread_mutex_destroy(&n->lock);
    pthread_cond_destroy(&n->cond);
    free(n);
}
