/* test_nvml.c: gpumon/nvml against the fake libnvidia-ml.so.1 built in
 * tests/fakenvml (found through GP_BUILDDIR, which make check exports).
 * Expected values are the fake's documented formulas, written out again here;
 * FAKENVML_TIME pins the time they are evaluated at. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gpumon/nvml.h"
#include "tests/fakenvml/fakenvml_env.h"
#include "tests/tap.h"

#define MIB (1ULL << 20)

static char fake_path[1024], old_path[1024];

/* --- the fake's formulas (tests/fakenvml/fakenvml.c) --------------------------- */

static unsigned f_gpu_util(double t, int i) { return (unsigned)lround(50 + 40 * sin(t + i)); }
static unsigned f_mem_util(double t, int i) { return (unsigned)lround(30 + 20 * cos(t + i)); }
static unsigned long long f_used_mib(double t, int i)
{
    return (unsigned long long)lround(40960 + 20480 * sin(t + i));
}
static unsigned f_power_mw(double t, int i) { return (unsigned)lround(300000 + 200000 * sin(t + i)); }
static unsigned f_sm_clock(double t, int i) { return (unsigned)lround(1500 + 300 * sin(t + i)); }
static int f_temp(double t, int i) { return (int)lround(55 + 15 * sin(t / 3 + i)); }
static unsigned f_tx_kbps(double t, int i) { return (unsigned)lround(1000000 + 500000 * sin(t + i)); }
static unsigned f_rx_kbps(double t, int i) { return (unsigned)lround(2000000 + 1000000 * cos(t + i)); }
/* mean of sin over [t1 + i, t2 + i] */
static double f_gpm_mean(double t1, double t2, int i)
{
    double a = t1 + i, b = t2 + i;
    return b - a < 1e-9 ? sin(a) : (cos(a) - cos(b)) / (b - a);
}

/* --- helpers ------------------------------------------------------------------ */

static void env_reset(void)
{
    fakenvml_env_reset(fake_path);
}

static void set_time(double t)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.6f", t);
    setenv("FAKENVML_TIME", buf, 1);
}

static gp_nvml *open_fake(void)
{
    char why[512] = "";
    gp_nvml *nv = gp_nvml_open(why, sizeof why);
    if (!nv)
        diag("gp_nvml_open: %s", why);
    return nv;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static int has_metric(const gp_nvml_metric *m, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(m[i].name, name) == 0)
            return 1;
    return 0;
}

static const gp_gpu_proc *find_proc(const gp_gpu_proc *p, int n, uint32_t pid)
{
    for (int i = 0; i < n; i++)
        if (p[i].pid == pid)
            return &p[i];
    return NULL;
}

/* --- the metric helper (pure) ----------------------------------------------------- */

static void metric_names(void)
{
    static const char *const all[] = {
        "nvml.gpu_util_pct", "nvml.mem_util_pct", "nvml.mem_used_bytes", "nvml.power_w",
        "nvml.sm_clock_mhz", "nvml.mem_clock_mhz", "nvml.temp_c", "nvml.pcie_tx_bytes_per_s",
        "nvml.pcie_rx_bytes_per_s", "gpm.sm_active_pct", "gpm.tensor_active_pct",
        "gpm.dram_bw_pct"
    };
    gp_gpu_sample s;
    gp_gpu_proc p;
    gp_nvml_metric m[GP_NVML_SAMPLE_METRICS_MAX + 4];
    int n, same = 1;

    memset(&s, 0, sizeof s);
    s.time_ns = 5000;
    s.valid = GP_S_GPU_UTIL | GP_S_POWER | GP_S_TEMP | GP_S_GPM_DRAM_BW;
    s.gpu_util_pct = 42;
    s.power_w = 301.5;
    s.temp_c = -3;
    s.gpm_dram_bw_pct = 55.25;
    s.gpm_start_ns = 1000;
    s.gpm_dur_ns = 2500;
    s.power_w = 301.5;
    s.mem_used_bytes = 123; /* not valid: must not appear */
    n = gp_nvml_sample_metrics(&s, m, GP_NVML_SAMPLE_METRICS_MAX);
    is_int(n, 4, "metrics: only the valid fields");
    if (n == 4) {
        is_str(m[0].name, "nvml.gpu_util_pct", "metrics: first name");
        ok(m[0].value == 42 && m[0].ts_ns == 5000 && m[0].dur_ns == 0, "metrics: instant reading");
        is_str(m[1].name, "nvml.power_w", "metrics: power name");
        ok(m[1].value == 301.5, "metrics: power in W");
        is_str(m[2].name, "nvml.temp_c", "metrics: temperature name");
        ok(m[2].value == -3, "metrics: negative temperature kept");
        is_str(m[3].name, "gpm.dram_bw_pct", "metrics: GPM name");
        ok(m[3].value == 55.25 && m[3].ts_ns == 1000 && m[3].dur_ns == 2500,
           "metrics: GPM value covers its window");
    }
    is_int(gp_nvml_sample_metrics(&s, m, 2), 2, "metrics: at most max");
    is_int(gp_nvml_sample_metrics(&s, m, 0), 0, "metrics: max 0");

    s.valid = ~0u;
    s.pcie_tx_start_ns = 3000;
    s.pcie_tx_dur_ns = 20000000;
    s.pcie_rx_start_ns = 20003000;
    s.pcie_rx_dur_ns = 21000000;
    n = gp_nvml_sample_metrics(&s, m, GP_NVML_SAMPLE_METRICS_MAX + 4);
    is_int(n, GP_NVML_SAMPLE_METRICS_MAX, "metrics: all valid gives every name");
    for (int i = 0; i < n && i < GP_NVML_SAMPLE_METRICS_MAX; i++)
        same &= strcmp(m[i].name, all[i]) == 0;
    ok(same, "metrics: names and order as documented");
    if (n == GP_NVML_SAMPLE_METRICS_MAX) {
        ok(m[7].ts_ns == 3000 && m[7].dur_ns == 20000000,
           "metrics: PCIe TX covers the window it was counted over, not an instant");
        ok(m[8].ts_ns == 20003000 && m[8].dur_ns == 21000000, "metrics: PCIe RX likewise");
    }

    memset(&p, 0, sizeof p);
    p.pid = 77;
    p.valid = GP_P_MEM | GP_P_SM_UTIL;
    p.mem_bytes = 3 * MIB;
    p.sm_util_pct = 12.5;
    s.time_ns = 9000;
    s.proc_start_ns = 4000;
    n = gp_nvml_proc_metrics(&s, &p, m, GP_NVML_PROC_METRICS_MAX);
    is_int(n, 2, "proc metrics: both");
    if (n == 2) {
        ok(strcmp(m[0].name, "nvml.proc_mem_bytes") == 0 && m[0].value == 3.0 * MIB &&
           m[0].dur_ns == 0, "proc metrics: memory in bytes, instant");
        ok(strcmp(m[1].name, "nvml.proc_sm_util_pct") == 0 && m[1].value == 12.5 &&
           m[1].ts_ns == 4000 && m[1].dur_ns == 5000, "proc metrics: SM util over its window");
    }
    p.valid = GP_P_SM_UTIL;
    n = gp_nvml_proc_metrics(&s, &p, m, GP_NVML_PROC_METRICS_MAX);
    ok(n == 1 && strcmp(m[0].name, "nvml.proc_sm_util_pct") == 0,
       "proc metrics: unknown memory left out, not 0");
}

/* --- opening ------------------------------------------------------------------------ */

static void open_failures(void)
{
    char why[512];
    gp_nvml *nv;

    env_reset();
    setenv("GPUPACK_NVML_PATH", "/nonexistent/gpupack/libnvidia-ml.so.1", 1);
    why[0] = 0;
    nv = gp_nvml_open(why, sizeof why);
    ok(nv == NULL, "missing library: no handle");
    like(why, "NVML library not found", "missing library: says so");
    like(why, "/nonexistent/gpupack/libnvidia-ml.so.1", "missing library: names the path");
    ok(!strchr(why, '\n'), "missing library: one line");
    ok(gp_nvml_open(NULL, 0) == NULL, "missing library: why may be NULL");

    setenv("GPUPACK_NVML_PATH", "libm.so.6", 1);
    why[0] = 0;
    nv = gp_nvml_open(why, sizeof why);
    ok(nv == NULL, "a library that is not NVML: no handle");
    like(why, "lacks nvmlInit_v2", "not NVML: names the missing function");

    env_reset();
    setenv("FAKENVML_FAIL", "init", 1);
    why[0] = 0;
    nv = gp_nvml_open(why, sizeof why);
    ok(nv == NULL, "init failure: no handle");
    like(why, "driver not loaded", "init failure: driver not loaded");
    like(why, "Driver Not Loaded", "init failure: NVML's own text");

    setenv("FAKENVML_FAIL", "noperm", 1);
    why[0] = 0;
    nv = gp_nvml_open(why, sizeof why);
    ok(nv == NULL, "no permission: no handle");
    like(why, "no permission", "no permission: says so");
    like(why, "/dev/nvidia", "no permission: says what to check");

    char small[16];
    env_reset();
    setenv("FAKENVML_FAIL", "init", 1);
    ok(gp_nvml_open(small, sizeof small) == NULL && strlen(small) == sizeof small - 1,
       "a small why buffer is truncated, terminated");
}

static void counts(void)
{
    static const struct {
        const char *env;
        int want;
    } cases[] = { { NULL, 2 }, { "5", 5 }, { "40", 16 }, { "0", 0 } };
    gp_gpu_sample s;

    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        gp_nvml *nv;
        env_reset();
        if (cases[k].env)
            setenv("FAKENVML_GPUS", cases[k].env, 1);
        nv = open_fake();
        ok(nv != NULL, "open with FAKENVML_GPUS=%s", cases[k].env ? cases[k].env : "(unset)");
        if (!nv)
            continue;
        is_int(gp_nvml_device_count(nv), cases[k].want, "device count %d", cases[k].want);
        if (cases[k].want == 0) {
            is_int(gp_nvml_sample(nv, 0, &s, NULL, 0, NULL), -1, "no GPUs: sample fails");
            like(gp_nvml_last_error(nv), "no GPU 0", "no GPUs: says so");
        }
        gp_nvml_close(nv);
    }
    gp_nvml_close(NULL);
    ok(1, "close(NULL) is a no-op");
}

/* --- static facts ------------------------------------------------------------------- */

static void device_info(void)
{
    const uint32_t all = GP_I_NAME | GP_I_UUID | GP_I_PCI_BUS_ID | GP_I_MEM_TOTAL |
                         GP_I_MAX_SM_CLOCK | GP_I_MAX_MEM_CLOCK | GP_I_MEM_BUS_WIDTH |
                         GP_I_POWER_LIMIT | GP_I_CC | GP_I_DRIVER_VERSION | GP_I_NVML_VERSION |
                         GP_I_CUDA_VERSION | GP_I_GPM;
    gp_gpu_info info;
    gp_nvml *nv;
    char want[64];

    env_reset();
    setenv("FAKENVML_GPUS", "3", 1);
    nv = open_fake();
    ok(nv != NULL, "info: open");
    if (!nv)
        return;
    for (int i = 0; i < 3; i++) {
        is_int(gp_nvml_device_info(nv, i, &info), 0, "info %d: ok", i);
        is_int(info.index, i, "info %d: index", i);
        is_int(info.valid, all, "info %d: every fact valid", i);
        is_str(info.name, "gpupack fake NVML GPU", "info %d: the name reads as fake", i);
        snprintf(want, sizeof want, "GPU-fa4e0000-0000-0000-0000-0000000000%02x", i);
        is_str(info.uuid, want, "info %d: uuid", i);
        snprintf(want, sizeof want, "00000000:%02X:00.0", 0x10 + i);
        is_str(info.pci_bus_id, want, "info %d: PCI bus id", i);
    }
    ok(info.mem_total_bytes == 81920 * MIB, "info: total memory");
    ok(info.max_sm_clock_mhz == 1980 && info.max_mem_clock_mhz == 2619, "info: max clocks");
    is_int(info.mem_bus_width_bits, 5120, "info: bus width");
    ok(info.power_limit_w == 700.0, "info: power limit in W");
    ok(info.cc_major == 9 && info.cc_minor == 0, "info: compute capability");
    is_str(info.driver_version, "fakenvml-580.00", "info: driver version");
    is_str(info.nvml_version, "13.fakenvml", "info: NVML version");
    is_int(info.cuda_driver_version, 13000, "info: CUDA version");
    is_int(info.gpm_supported, 1, "info: GPM supported by default");
    is_int(gp_nvml_device_info(nv, 3, &info), -1, "info: index past the end fails");
    is_int(info.valid, 0, "info: nothing valid on failure");
    like(gp_nvml_last_error(nv), "no GPU 3", "info: bad index reason");
    is_int(gp_nvml_device_info(nv, -1, &info), -1, "info: negative index fails");
    gp_nvml_close(nv);

    env_reset();
    setenv("FAKENVML_NAME", "Custom Fake", 1);
    setenv("FAKENVML_NO", "uuid,cc,powerlimit", 1);
    setenv("FAKENVML_GPM", "0", 1);
    nv = open_fake();
    ok(nv != NULL, "info: open with FAKENVML_NO");
    if (!nv)
        return;
    is_int(gp_nvml_device_info(nv, 0, &info), 0, "info: unsupported facts are no failure");
    is_str(info.name, "Custom Fake", "info: FAKENVML_NAME");
    is_int(info.valid, all & ~(GP_I_UUID | GP_I_CC | GP_I_POWER_LIMIT),
           "info: unsupported facts invalid, the rest valid");
    ok(info.uuid[0] == 0 && info.power_limit_w == 0, "info: invalid fields left zero");
    ok((info.valid & GP_I_GPM) && info.gpm_supported == 0, "info: GPM known unsupported");
    gp_nvml_close(nv);
}

/* --- readings ------------------------------------------------------------------------- */

static void check_reading(const gp_gpu_sample *s, double t, int i)
{
    const uint32_t want = GP_S_GPU_UTIL | GP_S_MEM_UTIL | GP_S_MEM_USED | GP_S_POWER |
                          GP_S_SM_CLOCK | GP_S_MEM_CLOCK | GP_S_TEMP | GP_S_PCIE_TX |
                          GP_S_PCIE_RX;

    is_int(s->valid & want, want, "t=%.1f gpu %d: every NVML field valid", t, i);
    ok(s->index == i && !s->lost && s->time_ns > 0, "t=%.1f gpu %d: index, time", t, i);
    ok(s->gpu_util_pct == f_gpu_util(t, i), "t=%.1f gpu %d: gpu util %.0f", t, i, s->gpu_util_pct);
    ok(s->mem_util_pct == f_mem_util(t, i), "t=%.1f gpu %d: mem util %.0f", t, i, s->mem_util_pct);
    ok(s->mem_used_bytes == f_used_mib(t, i) * MIB && s->mem_total_bytes == 81920 * MIB,
       "t=%.1f gpu %d: memory used (v2: reservation excluded), total", t, i);
    ok(fabs(s->power_w - f_power_mw(t, i) / 1000.0) < 1e-9, "t=%.1f gpu %d: power %.3f W", t, i,
       s->power_w);
    ok(s->sm_clock_mhz == f_sm_clock(t, i) && s->mem_clock_mhz == 2619,
       "t=%.1f gpu %d: clocks", t, i);
    is_int(s->temp_c, f_temp(t, i), "t=%.1f gpu %d: temperature", t, i);
    ok(s->pcie_tx_bytes_per_s == (uint64_t)f_tx_kbps(t, i) * 1024 &&
       s->pcie_rx_bytes_per_s == (uint64_t)f_rx_kbps(t, i) * 1024,
       "t=%.1f gpu %d: PCIe KB/s as bytes/s", t, i);
}

static void readings(void)
{
    static const double times[] = { 0.0, 1.3, 4.7 };
    gp_gpu_sample s;
    gp_nvml *nv;
    int n = -1;

    env_reset();
    setenv("FAKENVML_GPM", "0", 1);
    nv = open_fake();
    ok(nv != NULL, "readings: open");
    if (!nv)
        return;
    for (size_t k = 0; k < sizeof times / sizeof times[0]; k++) {
        set_time(times[k]);
        for (int i = 0; i < 2; i++) {
            is_int(gp_nvml_sample(nv, i, &s, NULL, 0, &n), 0, "sample t=%.1f gpu %d", times[k], i);
            check_reading(&s, times[k], i);
            ok(!(s.valid & ~(GP_S_GPM_SM_ACTIVE - 1)), "t=%.1f gpu %d: no GPM, no processes asked",
               times[k], i);
        }
    }
    is_int(n, 0, "no process list asked: none returned");
    is_int(gp_nvml_sample(nv, 2, &s, NULL, 0, NULL), -1, "sample: index past the end");
    like(gp_nvml_last_error(nv), "no GPU 2", "sample: bad index reason");
    gp_nvml_close(nv);
}

static void not_supported(void)
{
    gp_gpu_sample s;
    gp_nvml_metric m[GP_NVML_SAMPLE_METRICS_MAX];
    gp_nvml *nv;
    int n;

    env_reset();
    setenv("FAKENVML_NO", "power,temp", 1);
    setenv("FAKENVML_GPM", "0", 1);
    set_time(2.0);
    nv = open_fake();
    ok(nv != NULL, "not supported: open");
    if (!nv)
        return;
    is_int(gp_nvml_sample(nv, 1, &s, NULL, 0, NULL), 0, "not supported: the reading succeeds");
    ok(!(s.valid & GP_S_POWER) && !(s.valid & GP_S_TEMP), "not supported: power, temp invalid");
    ok((s.valid & GP_S_GPU_UTIL) && (s.valid & GP_S_MEM_USED) && (s.valid & GP_S_SM_CLOCK) &&
       (s.valid & GP_S_PCIE_TX), "not supported: other fields still valid");
    ok(s.power_w == 0 && s.temp_c == 0, "not supported: invalid fields left zero");
    n = gp_nvml_sample_metrics(&s, m, GP_NVML_SAMPLE_METRICS_MAX);
    is_int(n, 7, "not supported: 7 of 9 NVML metrics");
    ok(!has_metric(m, n, "nvml.power_w") && !has_metric(m, n, "nvml.temp_c"),
       "not supported: no power or temperature metric (not 0)");
    ok(has_metric(m, n, "nvml.gpu_util_pct"), "not supported: utilization metric present");
    gp_nvml_close(nv);

    env_reset();
    setenv("FAKENVML_NO", "util,mem,power,temp,clocks,pcie", 1);
    setenv("FAKENVML_GPM", "0", 1);
    nv = open_fake();
    ok(nv != NULL, "nothing supported: open");
    if (!nv)
        return;
    is_int(gp_nvml_sample(nv, 0, &s, NULL, 0, NULL), 0, "nothing supported: still 0");
    is_int(s.valid, 0, "nothing supported: no field valid");
    is_int(gp_nvml_sample_metrics(&s, m, GP_NVML_SAMPLE_METRICS_MAX), 0,
           "nothing supported: no metric");
    gp_nvml_close(nv);
}

static void lost_gpu(void)
{
    gp_gpu_sample s;
    gp_gpu_info info;
    gp_gpu_proc procs[4];
    gp_nvml *nv;
    int n = -1;

    env_reset();
    setenv("FAKENVML_GPUS", "3", 1);
    setenv("FAKENVML_LOST", "1", 1);
    setenv("FAKENVML_PIDS", "10:1:1:1", 1);
    set_time(7.0);
    nv = open_fake();
    ok(nv != NULL, "lost: open succeeds with a lost GPU");
    if (!nv)
        return;
    is_int(gp_nvml_device_count(nv), 3, "lost: the lost GPU is counted");
    is_int(gp_nvml_sample(nv, 0, &s, procs, 4, &n), 0, "lost: GPU 0 reads");
    check_reading(&s, 7.0, 0);
    is_int(gp_nvml_sample(nv, 1, &s, procs, 4, &n), -1, "lost: GPU 1 fails");
    ok(s.lost == 1 && s.valid == 0 && n == 0, "lost: flagged, nothing valid, no processes");
    like(gp_nvml_last_error(nv), "GPU 1", "lost: names the GPU");
    like(gp_nvml_last_error(nv), "fallen off the bus", "lost: says what happened");
    is_int(gp_nvml_device_info(nv, 1, &info), -1, "lost: its facts fail too");
    ok(info.valid == 0 && info.index == 1, "lost: facts invalid");
    is_int(gp_nvml_sample(nv, 2, &s, NULL, 0, NULL), 0, "lost: GPU 2 still reads");
    check_reading(&s, 7.0, 2);
    is_int(gp_nvml_sample(nv, 0, &s, NULL, 0, NULL), 0, "lost: GPU 0 reads again after");
    is_int(gp_nvml_device_info(nv, 0, &info), 0, "lost: GPU 0 facts");
    gp_nvml_close(nv);
}

/* --- GPM ------------------------------------------------------------------------------ */

static void gpm(void)
{
    const uint32_t bits = GP_S_GPM_SM_ACTIVE | GP_S_GPM_TENSOR_ACTIVE | GP_S_GPM_DRAM_BW;
    const double t1 = 10.0, t2 = 10.8;
    gp_gpu_sample a[2], b[2], c;
    gp_nvml_metric m[GP_NVML_SAMPLE_METRICS_MAX];
    gp_nvml *nv;
    int n;

    env_reset();
    nv = open_fake();
    ok(nv != NULL, "gpm: open");
    if (!nv)
        return;
    set_time(t1);
    for (int i = 0; i < 2; i++) {
        is_int(gp_nvml_sample(nv, i, &a[i], NULL, 0, NULL), 0, "gpm: first sample gpu %d", i);
        is_int(a[i].valid & bits, 0, "gpm: one sample gives no GPM values gpu %d", i);
    }
    sleep_ms(150);
    set_time(t2);
    for (int i = 0; i < 2; i++) {
        double mean = f_gpm_mean(t1, t2, i);
        is_int(gp_nvml_sample(nv, i, &b[i], NULL, 0, NULL), 0, "gpm: second sample gpu %d", i);
        is_int(b[i].valid & bits, bits, "gpm: two samples 150 ms apart give values gpu %d", i);
        ok(fabs(b[i].gpm_sm_active_pct - (60 + 30 * mean)) < 1e-9,
           "gpm gpu %d: SM active %.4f", i, b[i].gpm_sm_active_pct);
        ok(fabs(b[i].gpm_tensor_active_pct - (40 + 30 * mean)) < 1e-9,
           "gpm gpu %d: tensor active %.4f", i, b[i].gpm_tensor_active_pct);
        ok(fabs(b[i].gpm_dram_bw_pct - (50 + 25 * mean)) < 1e-9,
           "gpm gpu %d: DRAM bandwidth %.4f", i, b[i].gpm_dram_bw_pct);
        ok(b[i].gpm_start_ns == a[i].time_ns && b[i].gpm_dur_ns == b[i].time_ns - a[i].time_ns,
           "gpm gpu %d: the window runs from the first sample to the second", i);
        ok(b[i].gpm_dur_ns >= 100000000, "gpm gpu %d: window >= 100 ms", i);
    }
    n = gp_nvml_sample_metrics(&b[0], m, GP_NVML_SAMPLE_METRICS_MAX);
    ok(has_metric(m, n, "gpm.sm_active_pct") && has_metric(m, n, "gpm.tensor_active_pct") &&
       has_metric(m, n, "gpm.dram_bw_pct"), "gpm: metrics named");

    /* A third reading right away: less than 100 ms repeats the last window;
     * (under a slow valgrind) 100 ms or more starts the next one. */
    set_time(11.9);
    is_int(gp_nvml_sample(nv, 0, &c, NULL, 0, NULL), 0, "gpm: third sample");
    if (c.time_ns - b[0].time_ns < 100000000)
        ok(c.gpm_start_ns == b[0].gpm_start_ns && c.gpm_dur_ns == b[0].gpm_dur_ns &&
           c.gpm_sm_active_pct == b[0].gpm_sm_active_pct && (c.valid & bits) == bits,
           "gpm: a reading < 100 ms later repeats the last window");
    else
        ok(c.gpm_start_ns == b[0].time_ns &&
           fabs(c.gpm_sm_active_pct - (60 + 30 * f_gpm_mean(t2, 11.9, 0))) < 1e-9,
           "gpm: a reading >= 100 ms later gives the next window");
    sleep_ms(120);
    set_time(12.5);
    is_int(gp_nvml_sample(nv, 0, &c, NULL, 0, NULL), 0, "gpm: fourth sample");
    ok((c.valid & bits) == bits && c.gpm_start_ns > b[0].gpm_start_ns,
       "gpm: later windows keep coming");
    gp_nvml_close(nv);

    env_reset();
    setenv("FAKENVML_NO", "tensor", 1);
    nv = open_fake();
    ok(nv != NULL, "gpm without tensor: open");
    if (!nv)
        return;
    set_time(1.0);
    gp_nvml_sample(nv, 0, &a[0], NULL, 0, NULL);
    sleep_ms(120);
    set_time(2.0);
    is_int(gp_nvml_sample(nv, 0, &b[0], NULL, 0, NULL), 0, "gpm without tensor: sample");
    is_int(b[0].valid & bits, GP_S_GPM_SM_ACTIVE | GP_S_GPM_DRAM_BW,
           "gpm: a metric the device refuses is invalid, the others valid");
    gp_nvml_close(nv);

    env_reset();
    setenv("FAKENVML_GPM", "0", 1);
    nv = open_fake();
    ok(nv != NULL, "no gpm: open");
    if (!nv)
        return;
    gp_nvml_sample(nv, 0, &a[0], NULL, 0, NULL);
    sleep_ms(120);
    is_int(gp_nvml_sample(nv, 0, &b[0], NULL, 0, NULL), 0, "no gpm: sample");
    is_int(b[0].valid & bits, 0, "no gpm: no GPM values");
    gp_nvml_close(nv);
}

/* --- processes ---------------------------------------------------------------------- */

static void processes(void)
{
    gp_gpu_sample s, s0, s2;
    gp_gpu_proc procs[8];
    gp_nvml_metric m[GP_NVML_PROC_METRICS_MAX];
    const gp_gpu_proc *p;
    gp_nvml *nv;
    int n = -1;

    env_reset();
    setenv("FAKENVML_PIDS", "1234:1024:37,5678:2048:80,999:512:5:1", 1);
    set_time(20.0);
    nv = open_fake();
    ok(nv != NULL, "procs: open");
    if (!nv)
        return;
    is_int(gp_nvml_sample(nv, 0, &s, procs, 8, &n), 0, "procs: sample gpu 0");
    ok((s.valid & GP_S_PROCS) && (s.valid & GP_S_PROC_UTIL), "procs: list and utilization read");
    is_int(n, 2, "procs: gpu 0 has two processes");
    p = find_proc(procs, n, 1234);
    ok(p && p->valid == (GP_P_MEM | GP_P_SM_UTIL) && p->mem_bytes == 1024 * MIB &&
       p->sm_util_pct == 37, "procs: pid 1234 1 GiB, 37%% SM");
    p = find_proc(procs, n, 5678);
    ok(p && p->mem_bytes == 2048 * MIB && p->sm_util_pct == 80, "procs: pid 5678 2 GiB, 80%% SM");
    ok(s.proc_start_ns == s.time_ns, "procs: first window is an instant");
    s0 = s;
    if (p) {
        is_int(gp_nvml_proc_metrics(&s, p, m, GP_NVML_PROC_METRICS_MAX), 2, "procs: two metrics");
        ok(strcmp(m[0].name, "nvml.proc_mem_bytes") == 0 && m[0].value == 2048.0 * MIB,
           "procs: memory metric");
    }

    is_int(gp_nvml_sample(nv, 1, &s, procs, 8, &n), 0, "procs: sample gpu 1");
    ok(n == 1 && procs[0].pid == 999 && procs[0].mem_bytes == 512 * MIB &&
       procs[0].sm_util_pct == 5, "procs: gpu 1 has pid 999");

    /* Same fake time: no utilization sample newer than the last seen. */
    is_int(gp_nvml_sample(nv, 0, &s2, procs, 8, &n), 0, "procs: sample again");
    ok(n == 2 && (s2.valid & GP_S_PROC_UTIL), "procs: still listed, utilization known");
    p = find_proc(procs, n, 1234);
    ok(p && p->valid == GP_P_MEM, "procs: no new utilization samples: SM util invalid, not 0");
    ok(s2.proc_start_ns == s0.time_ns, "procs: window starts at gpu 0's previous reading");

    set_time(21.0);
    is_int(gp_nvml_sample(nv, 0, &s, procs, 1, &n), 0, "procs: room for one");
    ok(n == 1 && procs[0].pid == 1234 && (procs[0].valid & GP_P_SM_UTIL),
       "procs: truncated to max_procs");
    ok(s.proc_start_ns == s2.time_ns, "procs: window since the previous reading");
    gp_nvml_close(nv);

    env_reset();
    nv = open_fake();
    ok(nv != NULL, "no procs: open");
    if (!nv)
        return;
    is_int(gp_nvml_sample(nv, 0, &s, procs, 8, &n), 0, "no procs: sample");
    ok(n == 0 && (s.valid & GP_S_PROCS), "no procs: an empty list that is known to be empty");
    gp_nvml_close(nv);

    env_reset();
    setenv("FAKENVML_PIDS", "1234:1024:37,5678:2048:80", 1);
    setenv("FAKENVML_NO", "procs", 1);
    set_time(30.0);
    nv = open_fake();
    ok(nv != NULL, "procs unsupported: open");
    if (!nv)
        return;
    is_int(gp_nvml_sample(nv, 0, &s, procs, 8, &n), 0, "procs unsupported: sample");
    ok(!(s.valid & GP_S_PROCS) && (s.valid & GP_S_PROC_UTIL), "procs unsupported: list unknown");
    p = find_proc(procs, n, 5678);
    ok(n == 2 && p && p->valid == GP_P_SM_UTIL && p->sm_util_pct == 80,
       "procs unsupported: processes from utilization alone, memory invalid");
    gp_nvml_close(nv);

    env_reset();
    setenv("FAKENVML_PIDS", "1234:1024:37", 1);
    setenv("FAKENVML_NO", "procs,procutil", 1);
    nv = open_fake();
    ok(nv != NULL, "procs and procutil unsupported: open");
    if (!nv)
        return;
    is_int(gp_nvml_sample(nv, 0, &s, procs, 8, &n), 0, "procs and procutil unsupported: sample");
    ok(n == 0 && !(s.valid & (GP_S_PROCS | GP_S_PROC_UTIL)),
       "procs and procutil unsupported: nothing known");
    gp_nvml_close(nv);
}

/* --- an older driver ------------------------------------------------------------------ */

static void old_driver(void)
{
    gp_gpu_sample s;
    gp_gpu_info info;
    gp_gpu_proc procs[4];
    gp_nvml *nv;
    int n = -1;

    env_reset();
    setenv("GPUPACK_NVML_PATH", old_path, 1);
    setenv("FAKENVML_PIDS", "4321:100:50", 1);
    set_time(5.0);
    nv = open_fake();
    ok(nv != NULL, "old driver: opens through nvmlInit and the unversioned calls");
    if (!nv)
        return;
    is_int(gp_nvml_device_count(nv), 2, "old driver: count");
    is_int(gp_nvml_device_info(nv, 1, &info), 0, "old driver: facts");
    ok((info.valid & GP_I_POWER_LIMIT) && info.power_limit_w == 700.0,
       "old driver: power limit from nvmlDeviceGetPowerManagementLimit");
    ok((info.valid & GP_I_CUDA_VERSION) && info.cuda_driver_version == 13000,
       "old driver: CUDA version from the unversioned call");
    ok((info.valid & GP_I_MEM_TOTAL) && info.mem_total_bytes == 81920 * MIB,
       "old driver: total memory from nvmlDeviceGetMemoryInfo");
    ok((info.valid & GP_I_GPM) && !info.gpm_supported, "old driver: no GPM");
    is_int(gp_nvml_sample(nv, 1, &s, procs, 4, &n), 0, "old driver: sample");
    ok((s.valid & GP_S_MEM_USED) && s.mem_used_bytes == (f_used_mib(5.0, 1) + 512) * MIB,
       "old driver: memory used from v1 (reservation included)");
    ok((s.valid & GP_S_TEMP) && s.temp_c == f_temp(5.0, 1),
       "old driver: temperature from nvmlDeviceGetTemperature");
    ok(!(s.valid & GP_S_PROCS), "old driver: no ComputeRunningProcesses_v3/_v2: list unknown");
    is_int(gp_nvml_sample(nv, 0, &s, procs, 4, &n), 0, "old driver: sample gpu 0");
    ok(n == 1 && procs[0].pid == 4321 && procs[0].valid == GP_P_SM_UTIL,
       "old driver: processes from utilization");
    sleep_ms(120);
    gp_nvml_sample(nv, 0, &s, NULL, 0, NULL);
    ok(!(s.valid & (GP_S_GPM_SM_ACTIVE | GP_S_GPM_TENSOR_ACTIVE | GP_S_GPM_DRAM_BW)),
       "old driver: no GPM values");
    gp_nvml_close(nv);
}

/* --- latencies and the parts of a reading ---------------------------------------- */

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The fake blocks as NVML documents (PCIe: a byte counter over 20 ms, per
 * call); a PCIe reading says which window it covers; the fast part leaves
 * the PCIe fields alone and the other way round. */
static void parts(void)
{
    const uint32_t pcie = GP_S_PCIE_TX | GP_S_PCIE_RX;
    gp_gpu_sample s;
    gp_gpu_proc procs[4];
    gp_nvml *nv;
    int64_t t0, t1;
    int n = -1;

    env_reset();
    setenv("FAKENVML_PIDS", "1234:1024:37", 1);
    nv = open_fake();
    ok(nv != NULL, "parts: open (latencies on, the default)");
    if (!nv)
        return;
    t0 = mono_ns();
    is_int(gp_nvml_read(nv, 0, GP_NVML_READ_PCIE, &s, procs, 4, &n), 0, "parts: PCIe alone");
    t1 = mono_ns();
    ok(t1 - t0 >= 40000000, "parts: the two PCIe calls block 20 ms each (%.1f ms)",
       (t1 - t0) / 1e6);
    is_int(s.valid, pcie, "parts: a PCIe reading has only the PCIe fields");
    is_int(n, 0, "parts: and no processes");
    ok(s.pcie_tx_dur_ns >= 20000000 && s.pcie_rx_dur_ns >= 20000000,
       "parts: each counter covers at least its 20 ms");
    ok(s.pcie_tx_start_ns >= t0 && s.pcie_rx_start_ns >= s.pcie_tx_start_ns + s.pcie_tx_dur_ns &&
       s.pcie_rx_start_ns + s.pcie_rx_dur_ns <= t1,
       "parts: TX then RX, one after the other, inside the call");

    t0 = mono_ns();
    is_int(gp_nvml_read(nv, 1, GP_NVML_READ_FAST, &s, procs, 4, &n), 0, "parts: fast alone");
    t1 = mono_ns();
    ok(!(s.valid & pcie) && (s.valid & GP_S_GPU_UTIL) && (s.valid & GP_S_PROCS),
       "parts: a fast reading has everything but PCIe");
    ok(t1 - t0 >= 5000000, "parts: the fast calls block too (%.1f ms, >= 5 ms modelled)",
       (t1 - t0) / 1e6);
    is_int(gp_nvml_read(nv, 1, 0, &s, NULL, 0, NULL), 0, "parts: nothing asked");
    is_int(s.valid, 0, "parts: nothing read");
    gp_nvml_close(nv);

    env_reset();
    setenv("FAKENVML_LATENCY", "0", 1);
    nv = open_fake();
    ok(nv != NULL, "parts: open without latencies");
    if (!nv)
        return;
    t0 = mono_ns();
    is_int(gp_nvml_read(nv, 0, GP_NVML_READ_PCIE, &s, NULL, 0, NULL), 0, "parts: PCIe at once");
    t1 = mono_ns();
    ok(s.pcie_tx_dur_ns == 20000000 && s.pcie_tx_start_ns + s.pcie_tx_dur_ns <= t1 &&
       s.pcie_tx_start_ns + s.pcie_tx_dur_ns >= t0,
       "parts: a call that returns sooner covers the 20 ms before it returned");
    gp_nvml_close(nv);

    env_reset();
    setenv("FAKENVML_HANG", "1:300", 1);
    setenv("FAKENVML_GPM", "0", 1);
    nv = open_fake();
    ok(nv != NULL, "parts: open with GPU 1 hanging");
    if (!nv)
        return;
    t0 = mono_ns();
    gp_nvml_read(nv, 0, GP_NVML_READ_FAST, &s, NULL, 0, NULL);
    t1 = mono_ns();
    ok(t1 - t0 < 300000000, "parts: GPU 0 is not slowed by GPU 1's hang (%.1f ms)",
       (t1 - t0) / 1e6);
    t0 = mono_ns();
    is_int(gp_nvml_read(nv, 1, GP_NVML_READ_FAST, &s, NULL, 0, NULL), 0, "parts: GPU 1 reads");
    t1 = mono_ns();
    ok(t1 - t0 >= 6 * 300000000LL, "parts: slowly: 300 ms more per call, 6 calls (%.0f ms)",
       (t1 - t0) / 1e6);
    gp_nvml_close(nv);
}

/* Two handles at once: NVML counts init/shutdown, so closing one leaves the
 * other working. */
static void two_handles(void)
{
    gp_gpu_sample s;
    gp_nvml *a, *b;

    env_reset();
    a = open_fake();
    b = open_fake();
    ok(a && b, "two handles open");
    if (!a || !b) {
        gp_nvml_close(a);
        gp_nvml_close(b);
        return;
    }
    gp_nvml_close(a);
    is_int(gp_nvml_sample(b, 1, &s, NULL, 0, NULL), 0, "the second handle reads after the first closes");
    ok(s.valid & GP_S_GPU_UTIL, "and its reading is valid");
    gp_nvml_close(b);
}

int main(void)
{
    const char *b = getenv("GP_BUILDDIR");

    if (!b || !*b)
        b = ".";
    snprintf(fake_path, sizeof fake_path, "%s/tests/fakenvml/.libs/libnvidia-ml.so.1", b);
    snprintf(old_path, sizeof old_path, "%s/tests/fakenvml/.libs/libfakenvml-old.so.1", b);
    diag("fake NVML: %s", fake_path);

    metric_names();
    open_failures();
    counts();
    device_info();
    readings();
    not_supported();
    lost_gpu();
    gpm();
    processes();
    old_driver();
    parts();
    two_handles();
    return done_testing();
}
