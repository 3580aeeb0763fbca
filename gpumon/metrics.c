/* metrics.c: readings as named metrics (one list of names and units for
 * the recorder and top). Pure functions. */
#include "config.h"

#include "gpumon/nvml.h"

/* Appends a metric if there is room; returns the new count. */
static int put(gp_nvml_metric *out, int n, int max, const char *name, double value, int64_t ts_ns,
               int64_t dur_ns)
{
    if (n >= max)
        return n;
    out[n].name = name;
    out[n].value = value;
    out[n].ts_ns = ts_ns;
    out[n].dur_ns = dur_ns;
    return n + 1;
}

int gp_nvml_sample_metrics(const gp_gpu_sample *s, gp_nvml_metric *out, int max)
{
    const struct {
        uint32_t bit;
        const char *name;
        double value;
    } instant[] = {
        { GP_S_GPU_UTIL, "nvml.gpu_util_pct", s->gpu_util_pct },
        { GP_S_MEM_UTIL, "nvml.mem_util_pct", s->mem_util_pct },
        { GP_S_MEM_USED, "nvml.mem_used_bytes", (double)s->mem_used_bytes },
        { GP_S_POWER, "nvml.power_w", s->power_w },
        { GP_S_SM_CLOCK, "nvml.sm_clock_mhz", s->sm_clock_mhz },
        { GP_S_MEM_CLOCK, "nvml.mem_clock_mhz", s->mem_clock_mhz },
        { GP_S_TEMP, "nvml.temp_c", s->temp_c },
    }, gpm[] = {
        { GP_S_GPM_SM_ACTIVE, "gpm.sm_active_pct", s->gpm_sm_active_pct },
        { GP_S_GPM_TENSOR_ACTIVE, "gpm.tensor_active_pct", s->gpm_tensor_active_pct },
        { GP_S_GPM_DRAM_BW, "gpm.dram_bw_pct", s->gpm_dram_bw_pct },
    };
    int n = 0;

    if (!out || max <= 0)
        return 0;
    for (size_t i = 0; i < sizeof instant / sizeof instant[0]; i++)
        if (s->valid & instant[i].bit)
            n = put(out, n, max, instant[i].name, instant[i].value, s->time_ns, 0);
    if (s->valid & GP_S_PCIE_TX)
        n = put(out, n, max, "nvml.pcie_tx_bytes_per_s", (double)s->pcie_tx_bytes_per_s,
                s->pcie_tx_start_ns, s->pcie_tx_dur_ns);
    if (s->valid & GP_S_PCIE_RX)
        n = put(out, n, max, "nvml.pcie_rx_bytes_per_s", (double)s->pcie_rx_bytes_per_s,
                s->pcie_rx_start_ns, s->pcie_rx_dur_ns);
    for (size_t i = 0; i < sizeof gpm / sizeof gpm[0]; i++)
        if (s->valid & gpm[i].bit)
            n = put(out, n, max, gpm[i].name, gpm[i].value, s->gpm_start_ns, s->gpm_dur_ns);
    return n;
}

int gp_nvml_proc_metrics(const gp_gpu_sample *s, const gp_gpu_proc *p, gp_nvml_metric *out,
                         int max)
{
    int n = 0;

    if (!out || max <= 0)
        return 0;
    if (p->valid & GP_P_MEM)
        n = put(out, n, max, "nvml.proc_mem_bytes", (double)p->mem_bytes, s->time_ns, 0);
    if (p->valid & GP_P_SM_UTIL)
        n = put(out, n, max, "nvml.proc_sm_util_pct", p->sm_util_pct, s->proc_start_ns,
                s->time_ns - s->proc_start_ns);
    return n;
}
