/* fakenvml.c: a fake libnvidia-ml.so.1 for gpupack's tests and demos. It is
 * NOT NVIDIA's library and reads no GPU: every value below is made up.
 *
 * It exports NVML's versioned symbols with the real ABI (declared once, in
 * gpumon/nvml_types.h, which gpumon/nvml.c also uses). Built with
 * -DFAKENVML_OLD it plays an old driver: only the unversioned nvmlInit,
 * nvmlDeviceGetCount and nvmlDeviceGetHandleByIndex, no MemoryInfo_v2, no
 * TemperatureV, no EnforcedPowerLimit, no ComputeRunningProcesses_v2/_v3 and
 * no GPM.
 *
 * Configuration, read from the environment at every nvmlInit_v2:
 *   FAKENVML_GPUS=N      devices (default 2, at most 16)
 *   FAKENVML_NAME=S      device name (default "gpupack fake NVML GPU")
 *   FAKENVML_GPM=0|1     GPM support (default 1)
 *   FAKENVML_PIDS=pid:memMiB:smPct[:gpu],...   processes (gpu default 0)
 *   FAKENVML_FAIL=init   nvmlInit_v2 returns DRIVER_NOT_LOADED (9)
 *   FAKENVML_FAIL=noperm nvmlInit_v2 returns NO_PERMISSION (4)
 *   FAKENVML_LOST=N      device N returns GPU_IS_LOST (15) from every device
 *                        call but nvmlDeviceGetHandleByIndex (so =1: device 1)
 *   FAKENVML_NO=a,b,...  these return NOT_SUPPORTED (3): util mem power temp
 *                        clocks pcie procs procutil name uuid pci maxclocks
 *                        buswidth powerlimit cc tensor (the GPM tensor metric)
 *   FAKENVML_LATENCY=0   answer at once (default: the latencies below)
 *   FAKENVML_HANG=N:MS   device N hangs: each of its calls takes MS ms more, but
 *                        name, UUID, PCI, max clocks, bus width, power limit, cc
 *   FAKENVML_SERIAL=1    calls wait for each other (one lock over every call's
 *                        latency), as a driver that serializes all calls would
 * and at every call:
 *   FAKENVML_TIME=secs   the time t of the formulas (default: CLOCK_MONOTONIC)
 *
 * Latencies: a call sleeps on the calling thread before it answers, as NVML
 * blocks in the driver; other threads' calls go on meanwhile (unless
 * FAKENVML_SERIAL). Per successful call (NOT_SUPPORTED, GPU_IS_LOST: at once):
 *   PcieThroughput            20 ms: NVML's documentation, "This function is querying
 *                             a byte counter over a 20ms interval and thus is the
 *                             PCIe throughput over that interval" (nvml.h, API 13)
 *   utilization, memory,      0.4 ms, an ESTIMATE (NVML documents no cost): a public
 *   power, clock, temperature nvmlDeviceGetPowerUsage loop from Python on a Tesla
 *   and the facts             K40m made ~2,700 calls a second (gpustat issue #76)
 *   running processes, process
 *   utilization (each try),   1 ms, ESTIMATES (no public figure found): they copy a
 *   GpmSampleGet              list or a block of counters out of the driver
 *   GpmMetricsGet, System*,   0, not modelled (GpmMetricsGet computes from two
 *   handles, init, shutdown   samples the caller holds)
 * So gpumon's fast reading of a device (utilization, memory, power, 2 clocks,
 * temperature, GPM, processes) costs ~5.4 ms and its 2 PCIe calls 40 ms.
 * Whether the real driver blocks the whole 20 ms, and whether it lets calls
 * for different GPUs overlap, is unverified; FAKENVML_SERIAL plays the worse.
 *
 * Readings of device i at time t (seconds), s = sin(t + i), c = cos(t + i):
 *   utilization gpu    lround(50 + 40 s) %      memory lround(30 + 20 c) %
 *   memory total       81920 MiB; reserved 512 MiB
 *          used (v2)   lround(40960 + 20480 s) MiB; free = total - reserved - used
 *          used (v1)   used (v2) + reserved;    free = total - used (v1)
 *   power              lround(300000 + 200000 s) mW; enforced limit 700000 mW
 *   clocks             SM lround(1500 + 300 s) MHz, MEM 2619 MHz; max SM 1980, MEM 2619
 *   temperature        lround(55 + 15 sin(t / 3 + i)) C
 *   PCIe               TX lround(1000000 + 500000 s) KB/s, RX lround(2000000 + 1000000 c)
 *   GPM, samples at t1 < t2, a = t1 + i, b = t2 + i, m = (cos a - cos b) / (b - a)
 *                      (the mean of sin over [a, b]; sin a when b - a < 1e-9):
 *                      SM_UTIL 60 + 30 m, ANY_TENSOR_UTIL 40 + 30 m, DRAM_BW_UTIL 50 + 25 m;
 *                      other metric ids NOT_SUPPORTED
 *   processes          usedGpuMemory memMiB * 2^20; one utilization sample per
 *                      process at timeStamp llround(t * 1e6) us with smUtil smPct,
 *                      memUtil smPct / 2 (NOT_FOUND when not newer than lastSeen)
 * Facts: name as above, UUID "GPU-fa4e0000-0000-0000-0000-0000000000II" (II = i in
 * hex), PCI bus id "00000000:BB:00.0" with bus BB = 0x10 + i, memory bus 5120
 * bits, compute capability 9.0, driver "fakenvml-580.00", NVML "13.fakenvml",
 * CUDA 13000.
 * Versioned structs must carry the right version, or INVALID_ARGUMENT.
 * Thread-safe as NVML is: calls may come from several threads at once (the
 * configuration is written only by nvmlInit, which callers make before
 * they start threads).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gpumon/nvml_types.h"

/* The prototypes every definition below must match. */
#define FAKE_PROTOTYPE(name, params) nvmlReturn_t name params;
GP_NVML_FUNCTIONS(FAKE_PROTOTYPE)
#undef FAKE_PROTOTYPE
nvmlErrorString_fn nvmlErrorString;

#define FAKE_MAX_GPUS 16
#define FAKE_MAX_PIDS 64
#define FAKE_TOTAL_MIB 81920ULL
#define FAKE_RESERVED_MIB 512ULL
#define MIB (1ULL << 20)

enum {
    NO_UTIL = 1u << 0, NO_MEM = 1u << 1, NO_POWER = 1u << 2, NO_TEMP = 1u << 3,
    NO_CLOCKS = 1u << 4, NO_PCIE = 1u << 5, NO_PROCS = 1u << 6, NO_PROCUTIL = 1u << 7,
    NO_NAME = 1u << 8, NO_UUID = 1u << 9, NO_PCI = 1u << 10, NO_MAXCLOCKS = 1u << 11,
    NO_BUSWIDTH = 1u << 12, NO_POWERLIMIT = 1u << 13, NO_CC = 1u << 14, NO_TENSOR = 1u << 15
};

struct nvmlDevice_st {
    int index;
};

struct nvmlGpmSample_st {
    int taken;
    int index;
    double t;
};

typedef struct fake_pid {
    unsigned pid, mem_mib, sm_pct;
    int gpu;
} fake_pid;

/* What a call costs (the table in the header comment). */
enum cost_kind { C_FACT, C_QUERY, C_PCIE, C_PROCS, C_PROCUTIL, C_GPM };
static const long cost_us[] = { 400, 400, 20000, 1000, 1000, 1000 };

static struct {
    int inits; /* nvmlInit calls not yet shut down */
    int latency;       /* 0: answer at once */
    int hang_gpu;      /* -1 none */
    long hang_ms;
    int serial;
    int ngpus;
    char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
    int gpm;
    int lost;
    unsigned no;
    fake_pid pids[FAKE_MAX_PIDS];
    int npids;
} cfg;

static struct nvmlDevice_st devices[FAKE_MAX_GPUS];
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;   /* cfg writes, inits */
static pthread_mutex_t serial_lock = PTHREAD_MUTEX_INITIALIZER; /* FAKENVML_SERIAL */

static int env_int(const char *name, int dflt)
{
    const char *s = getenv(name);
    return s && *s ? atoi(s) : dflt;
}

static unsigned parse_no(const char *s)
{
    static const char *const names[] = { "util", "mem", "power", "temp", "clocks", "pcie",
                                         "procs", "procutil", "name", "uuid", "pci",
                                         "maxclocks", "buswidth", "powerlimit", "cc",
                                         "tensor" };
    unsigned bits = 0;

    while (s && *s) {
        size_t n = strcspn(s, ",");
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strlen(names[i]) == n && strncmp(s, names[i], n) == 0)
                bits |= 1u << i;
        s += n;
        if (*s == ',')
            s++;
    }
    return bits;
}

static void parse_pids(const char *s)
{
    cfg.npids = 0;
    while (s && *s && cfg.npids < FAKE_MAX_PIDS) {
        fake_pid p = { 0, 0, 0, 0 };
        int n = sscanf(s, "%u:%u:%u:%d", &p.pid, &p.mem_mib, &p.sm_pct, &p.gpu);
        if (n >= 3)
            cfg.pids[cfg.npids++] = p;
        s = strchr(s, ',');
        if (s)
            s++;
    }
}

static void configure(void)
{
    const char *name = getenv("FAKENVML_NAME");

    cfg.ngpus = env_int("FAKENVML_GPUS", 2);
    if (cfg.ngpus < 0)
        cfg.ngpus = 0;
    if (cfg.ngpus > FAKE_MAX_GPUS)
        cfg.ngpus = FAKE_MAX_GPUS;
    snprintf(cfg.name, sizeof cfg.name, "%s", name && *name ? name : "gpupack fake NVML GPU");
    cfg.gpm = env_int("FAKENVML_GPM", 1) != 0;
    cfg.lost = getenv("FAKENVML_LOST") ? env_int("FAKENVML_LOST", -1) : -1;
    cfg.no = parse_no(getenv("FAKENVML_NO"));
    parse_pids(getenv("FAKENVML_PIDS"));
    cfg.latency = env_int("FAKENVML_LATENCY", 1) != 0;
    cfg.serial = env_int("FAKENVML_SERIAL", 0) != 0;
    cfg.hang_gpu = -1;
    cfg.hang_ms = 0;
    {
        const char *h = getenv("FAKENVML_HANG");
        int gpu;
        long ms;
        if (h && sscanf(h, "%d:%ld", &gpu, &ms) == 2 && gpu >= 0 && ms > 0) {
            cfg.hang_gpu = gpu;
            cfg.hang_ms = ms;
        }
    }
    for (int i = 0; i < FAKE_MAX_GPUS; i++)
        devices[i].index = i;
}

/* The time t of the formulas, in seconds. */
static double now_s(void)
{
    const char *s = getenv("FAKENVML_TIME");
    struct timespec ts;

    if (s && *s)
        return strtod(s, NULL);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Checks the library is initialized and d is one of ours; *i its index. */
static nvmlReturn_t device(nvmlDevice_t d, int *i)
{
    if (!cfg.inits)
        return NVML_ERROR_UNINITIALIZED;
    if (!d || d < devices || d >= devices + cfg.ngpus)
        return NVML_ERROR_INVALID_ARGUMENT;
    *i = d->index;
    return d->index == cfg.lost ? NVML_ERROR_GPU_IS_LOST : NVML_SUCCESS;
}

static void sleep_us(long us)
{
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Blocks the calling thread for what a call of this kind costs on device i
 * (the hang included: facts excepted). */
static void cost(enum cost_kind kind, int i)
{
    long us = cfg.latency ? cost_us[kind] : 0;

    if (i == cfg.hang_gpu && kind != C_FACT)
        us += cfg.hang_ms * 1000;
    if (us <= 0)
        return;
    if (cfg.serial)
        pthread_mutex_lock(&serial_lock);
    sleep_us(us);
    if (cfg.serial)
        pthread_mutex_unlock(&serial_lock);
}

/* device() plus "this feature is switched off", then the call's cost. */
static nvmlReturn_t feature(nvmlDevice_t d, int *i, unsigned no, enum cost_kind kind)
{
    nvmlReturn_t rc = device(d, i);
    if (rc != NVML_SUCCESS)
        return rc;
    if (cfg.no & no)
        return NVML_ERROR_NOT_SUPPORTED;
    cost(kind, *i);
    return NVML_SUCCESS;
}

static nvmlReturn_t copy_out(char *dst, unsigned length, const char *src)
{
    if (!dst)
        return NVML_ERROR_INVALID_ARGUMENT;
    if (strlen(src) + 1 > length)
        return NVML_ERROR_INSUFFICIENT_SIZE;
    memcpy(dst, src, strlen(src) + 1);
    return NVML_SUCCESS;
}

/* --- library ------------------------------------------------------------- */

const char *nvmlErrorString(nvmlReturn_t rc)
{
    switch (rc) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    case NVML_ERROR_NO_PERMISSION: return "Insufficient Permissions";
    case NVML_ERROR_NOT_FOUND: return "Not Found";
    case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
    case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
    case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
    default: return "Unknown Error";
    }
}

#ifndef FAKENVML_OLD
nvmlReturn_t nvmlInit_v2(void)
{
    const char *fail = getenv("FAKENVML_FAIL");

    if (fail && strcmp(fail, "init") == 0)
        return NVML_ERROR_DRIVER_NOT_LOADED;
    if (fail && strcmp(fail, "noperm") == 0)
        return NVML_ERROR_NO_PERMISSION;
    pthread_mutex_lock(&init_lock);
    configure();
    cfg.inits++;
    pthread_mutex_unlock(&init_lock);
    return NVML_SUCCESS;
}
#endif

nvmlReturn_t nvmlInit(void)
{
    const char *fail = getenv("FAKENVML_FAIL");

    if (fail && strcmp(fail, "init") == 0)
        return NVML_ERROR_DRIVER_NOT_LOADED;
    pthread_mutex_lock(&init_lock);
    configure();
    cfg.inits++;
    pthread_mutex_unlock(&init_lock);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlShutdown(void)
{
    nvmlReturn_t rc = NVML_SUCCESS;

    pthread_mutex_lock(&init_lock);
    if (!cfg.inits)
        rc = NVML_ERROR_UNINITIALIZED;
    else
        cfg.inits--;
    pthread_mutex_unlock(&init_lock);
    return rc;
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length)
{
    return cfg.inits ? copy_out(version, length, "fakenvml-580.00") : NVML_ERROR_UNINITIALIZED;
}

nvmlReturn_t nvmlSystemGetNVMLVersion(char *version, unsigned int length)
{
    return cfg.inits ? copy_out(version, length, "13.fakenvml") : NVML_ERROR_UNINITIALIZED;
}

nvmlReturn_t nvmlSystemGetCudaDriverVersion(int *v)
{
    if (!cfg.inits)
        return NVML_ERROR_UNINITIALIZED;
    if (!v)
        return NVML_ERROR_INVALID_ARGUMENT;
    *v = 13000;
    return NVML_SUCCESS;
}

#ifndef FAKENVML_OLD
nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *v)
{
    return nvmlSystemGetCudaDriverVersion(v);
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *n)
{
    return nvmlDeviceGetCount(n);
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *d)
{
    return nvmlDeviceGetHandleByIndex(index, d);
}
#endif

nvmlReturn_t nvmlDeviceGetCount(unsigned int *n)
{
    if (!cfg.inits)
        return NVML_ERROR_UNINITIALIZED;
    if (!n)
        return NVML_ERROR_INVALID_ARGUMENT;
    *n = (unsigned)cfg.ngpus;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int index, nvmlDevice_t *d)
{
    if (!cfg.inits)
        return NVML_ERROR_UNINITIALIZED;
    if (!d || index >= (unsigned)cfg.ngpus)
        return NVML_ERROR_INVALID_ARGUMENT;
    *d = &devices[index];
    return NVML_SUCCESS;
}

/* --- facts --------------------------------------------------------------- */

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char *name, unsigned int length)
{
    int i;
    nvmlReturn_t rc = feature(d, &i, NO_NAME, C_FACT);
    return rc ? rc : copy_out(name, length, cfg.name);
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t d, char *uuid, unsigned int length)
{
    char buf[64];
    int i;
    nvmlReturn_t rc = feature(d, &i, NO_UUID, C_FACT);

    if (rc)
        return rc;
    snprintf(buf, sizeof buf, "GPU-fa4e0000-0000-0000-0000-0000000000%02x", i);
    return copy_out(uuid, length, buf);
}

nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t d, nvmlPciInfo_t *pci)
{
    int i;
    nvmlReturn_t rc = feature(d, &i, NO_PCI, C_FACT);

    if (rc)
        return rc;
    if (!pci)
        return NVML_ERROR_INVALID_ARGUMENT;
    memset(pci, 0, sizeof *pci);
    pci->domain = 0;
    pci->bus = 0x10u + (unsigned)i;
    pci->device = 0;
    pci->pciDeviceId = 0xfa4e10deu;
    snprintf(pci->busIdLegacy, sizeof pci->busIdLegacy, "0000:%02X:00.0", pci->bus);
    snprintf(pci->busId, sizeof pci->busId, "00000000:%02X:00.0", pci->bus);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMaxClockInfo(nvmlDevice_t d, nvmlClockType_t type, unsigned int *clock)
{
    int i;
    nvmlReturn_t rc = feature(d, &i, NO_MAXCLOCKS, C_FACT);

    if (rc)
        return rc;
    if (!clock || type > NVML_CLOCK_VIDEO)
        return NVML_ERROR_INVALID_ARGUMENT;
    *clock = type == NVML_CLOCK_MEM ? 2619 : 1980;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMemoryBusWidth(nvmlDevice_t d, unsigned int *width)
{
    int i;
    nvmlReturn_t rc = feature(d, &i, NO_BUSWIDTH, C_FACT);

    if (rc)
        return rc;
    if (!width)
        return NVML_ERROR_INVALID_ARGUMENT;
    *width = 5120;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t d, unsigned int *limit)
{
    int i;
    nvmlReturn_t rc = feature(d, &i, NO_POWERLIMIT, C_FACT);

    if (rc)
        return rc;
    if (!limit)
        return NVML_ERROR_INVALID_ARGUMENT;
    *limit = 700000;
    return NVML_SUCCESS;
}

#ifndef FAKENVML_OLD
nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t d, unsigned int *limit)
{
    return nvmlDeviceGetPowerManagementLimit(d, limit);
}
#endif

nvmlReturn_t nvmlDeviceGetCudaComputeCapability(nvmlDevice_t d, int *major, int *minor)
{
    int i;
    nvmlReturn_t rc = feature(d, &i, NO_CC, C_FACT);

    if (rc)
        return rc;
    if (!major || !minor)
        return NVML_ERROR_INVALID_ARGUMENT;
    *major = 9;
    *minor = 0;
    return NVML_SUCCESS;
}

/* --- readings ------------------------------------------------------------ */

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t d, nvmlUtilization_t *u)
{
    int i;
    nvmlReturn_t rc = feature(d, &i, NO_UTIL, C_QUERY);
    double t = now_s();

    if (rc)
        return rc;
    if (!u)
        return NVML_ERROR_INVALID_ARGUMENT;
    u->gpu = (unsigned)lround(50 + 40 * sin(t + i));
    u->memory = (unsigned)lround(30 + 20 * cos(t + i));
    return NVML_SUCCESS;
}

static unsigned long long used_mib(int i)
{
    return (unsigned long long)lround(40960 + 20480 * sin(now_s() + i));
}

#ifndef FAKENVML_OLD
nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t d, nvmlMemory_v2_t *m)
{
    int i;
    nvmlReturn_t rc = feature(d, &i, NO_MEM, C_QUERY);

    if (rc)
        return rc;
    if (!m || m->version != nvmlMemory_v2)
        return NVML_ERROR_INVALID_ARGUMENT;
    m->total = FAKE_TOTAL_MIB * MIB;
    m->reserved = FAKE_RESERVED_MIB * MIB;
    m->used = used_mib(i) * MIB;
    m->free = m->total - m->reserved - m->used;
    return NVML_SUCCESS;
}
#endif

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t *m)
{
    int i;
    nvmlReturn_t rc = feature(d, &i, NO_MEM, C_QUERY);

    if (rc)
        return rc;
    if (!m)
        return NVML_ERROR_INVALID_ARGUMENT;
    m->total = FAKE_TOTAL_MIB * MIB;
    m->used = (used_mib(i) + FAKE_RESERVED_MIB) * MIB;
    m->free = m->total - m->used;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned int *mw)
{
    int i;
    nvmlReturn_t rc = feature(d, &i, NO_POWER, C_QUERY);

    if (rc)
        return rc;
    if (!mw)
        return NVML_ERROR_INVALID_ARGUMENT;
    *mw = (unsigned)lround(300000 + 200000 * sin(now_s() + i));
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t d, nvmlClockType_t type, unsigned int *mhz)
{
    int i;
    nvmlReturn_t rc = feature(d, &i, NO_CLOCKS, C_QUERY);

    if (rc)
        return rc;
    if (!mhz || type > NVML_CLOCK_VIDEO)
        return NVML_ERROR_INVALID_ARGUMENT;
    *mhz = type == NVML_CLOCK_MEM ? 2619 : (unsigned)lround(1500 + 300 * sin(now_s() + i));
    return NVML_SUCCESS;
}

static int temperature(int i)
{
    return (int)lround(55 + 15 * sin(now_s() / 3 + i));
}

#ifndef FAKENVML_OLD
nvmlReturn_t nvmlDeviceGetTemperatureV(nvmlDevice_t d, nvmlTemperature_t *t)
{
    int i;
    nvmlReturn_t rc = feature(d, &i, NO_TEMP, C_QUERY);

    if (rc)
        return rc;
    if (!t || t->version != nvmlTemperature_v1 || t->sensorType != NVML_TEMPERATURE_GPU)
        return NVML_ERROR_INVALID_ARGUMENT;
    t->temperature = temperature(i);
    return NVML_SUCCESS;
}
#endif

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t d, nvmlTemperatureSensors_t sensor,
                                      unsigned int *temp)
{
    int i;
    nvmlReturn_t rc = feature(d, &i, NO_TEMP, C_QUERY);

    if (rc)
        return rc;
    if (!temp || sensor != NVML_TEMPERATURE_GPU)
        return NVML_ERROR_INVALID_ARGUMENT;
    *temp = (unsigned)temperature(i);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPcieThroughput(nvmlDevice_t d, nvmlPcieUtilCounter_t counter,
                                         unsigned int *kbps)
{
    int i;
    nvmlReturn_t rc = feature(d, &i, NO_PCIE, C_PCIE);
    double t = now_s();

    if (rc)
        return rc;
    if (!kbps || (counter != NVML_PCIE_UTIL_TX_BYTES && counter != NVML_PCIE_UTIL_RX_BYTES))
        return NVML_ERROR_INVALID_ARGUMENT;
    *kbps = counter == NVML_PCIE_UTIL_TX_BYTES ? (unsigned)lround(1000000 + 500000 * sin(t + i))
                                               : (unsigned)lround(2000000 + 1000000 * cos(t + i));
    return NVML_SUCCESS;
}

/* --- processes ----------------------------------------------------------- */

#ifndef FAKENVML_OLD
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t d, unsigned int *count,
                                                     nvmlProcessInfo_t *infos)
{
    int i;
    unsigned n = 0, k = 0;
    nvmlReturn_t rc = feature(d, &i, NO_PROCS, C_PROCS);

    if (rc)
        return rc;
    if (!count)
        return NVML_ERROR_INVALID_ARGUMENT;
    for (int p = 0; p < cfg.npids; p++)
        n += cfg.pids[p].gpu == i;
    if (*count < n || (n && !infos)) {
        *count = n;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    for (int p = 0; p < cfg.npids; p++) {
        if (cfg.pids[p].gpu != i)
            continue;
        infos[k].pid = cfg.pids[p].pid;
        infos[k].usedGpuMemory = (unsigned long long)cfg.pids[p].mem_mib * MIB;
        infos[k].gpuInstanceId = 0xffffffffu;
        infos[k].computeInstanceId = 0xffffffffu;
        k++;
    }
    *count = n;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t d, unsigned int *count,
                                                     nvmlProcessInfo_t *infos)
{
    return nvmlDeviceGetComputeRunningProcesses_v3(d, count, infos);
}
#endif

nvmlReturn_t nvmlDeviceGetProcessUtilization(nvmlDevice_t d,
                                             nvmlProcessUtilizationSample_t *samples,
                                             unsigned int *count, unsigned long long last_seen)
{
    int i;
    unsigned n = 0, k = 0;
    unsigned long long ts = (unsigned long long)llround(now_s() * 1e6);
    nvmlReturn_t rc = feature(d, &i, NO_PROCUTIL, C_PROCUTIL);

    if (rc)
        return rc;
    if (!count)
        return NVML_ERROR_INVALID_ARGUMENT;
    for (int p = 0; p < cfg.npids; p++)
        n += cfg.pids[p].gpu == i;
    if (!n || ts <= last_seen) {
        *count = 0;
        return NVML_ERROR_NOT_FOUND;
    }
    if (!samples || *count < n) {
        *count = n;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    for (int p = 0; p < cfg.npids; p++) {
        if (cfg.pids[p].gpu != i)
            continue;
        memset(&samples[k], 0, sizeof samples[k]);
        samples[k].pid = cfg.pids[p].pid;
        samples[k].timeStamp = ts;
        samples[k].smUtil = cfg.pids[p].sm_pct;
        samples[k].memUtil = cfg.pids[p].sm_pct / 2;
        k++;
    }
    *count = n;
    return NVML_SUCCESS;
}

/* --- GPM ----------------------------------------------------------------- */

#ifndef FAKENVML_OLD
nvmlReturn_t nvmlGpmQueryDeviceSupport(nvmlDevice_t d, nvmlGpmSupport_t *s)
{
    int i;
    nvmlReturn_t rc = device(d, &i);

    if (rc)
        return rc;
    if (!s || s->version != NVML_GPM_SUPPORT_VERSION)
        return NVML_ERROR_INVALID_ARGUMENT;
    s->isSupportedDevice = (unsigned)cfg.gpm;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlGpmSampleAlloc(nvmlGpmSample_t *s)
{
    if (!cfg.inits)
        return NVML_ERROR_UNINITIALIZED;
    if (!s)
        return NVML_ERROR_INVALID_ARGUMENT;
    *s = calloc(1, sizeof **s);
    return *s ? NVML_SUCCESS : NVML_ERROR_UNKNOWN;
}

nvmlReturn_t nvmlGpmSampleFree(nvmlGpmSample_t s)
{
    if (!s)
        return NVML_ERROR_INVALID_ARGUMENT;
    free(s);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlGpmSampleGet(nvmlDevice_t d, nvmlGpmSample_t s)
{
    int i;
    nvmlReturn_t rc = device(d, &i);

    if (rc)
        return rc;
    if (!cfg.gpm)
        return NVML_ERROR_NOT_SUPPORTED;
    if (!s)
        return NVML_ERROR_INVALID_ARGUMENT;
    cost(C_GPM, i);
    s->taken = 1;
    s->index = i;
    s->t = now_s();
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlGpmMetricsGet(nvmlGpmMetricsGet_t *mg)
{
    const struct nvmlGpmSample_st *s1, *s2;
    double a, b, m;

    if (!cfg.inits)
        return NVML_ERROR_UNINITIALIZED;
    if (!mg || mg->version != NVML_GPM_METRICS_GET_VERSION ||
        mg->numMetrics > NVML_GPM_METRIC_MAX || !mg->sample1 || !mg->sample2)
        return NVML_ERROR_INVALID_ARGUMENT;
    s1 = mg->sample1;
    s2 = mg->sample2;
    if (!s1->taken || !s2->taken || s1->index != s2->index || s2->t < s1->t)
        return NVML_ERROR_INVALID_ARGUMENT;
    a = s1->t + s1->index;
    b = s2->t + s2->index;
    m = b - a < 1e-9 ? sin(a) : (cos(a) - cos(b)) / (b - a);
    for (unsigned k = 0; k < mg->numMetrics; k++) {
        nvmlGpmMetric_t *x = &mg->metrics[k];
        x->nvmlReturn = NVML_SUCCESS;
        switch (x->metricId) {
        case NVML_GPM_METRIC_SM_UTIL: x->value = 60 + 30 * m; break;
        case NVML_GPM_METRIC_ANY_TENSOR_UTIL:
            if (cfg.no & NO_TENSOR)
                x->nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
            else
                x->value = 40 + 30 * m;
            break;
        case NVML_GPM_METRIC_DRAM_BW_UTIL: x->value = 50 + 25 * m; break;
        default: x->nvmlReturn = NVML_ERROR_NOT_SUPPORTED; break;
        }
    }
    return NVML_SUCCESS;
}
#endif
