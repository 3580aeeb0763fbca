/* panels_live.c: the live dashboard's panels: GPUs, recorded jobs, live
 * findings. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/model/classify.h"
#include "common/format.h"
#include "fmt.h"
#include "panels.h"

/* ---- GPUs ------------------------------------------------------------------------- */

/* The first line of a GPU: 63 columns plus the name (name_w, 8 to 24). */
static void gpu_line1(const tui_gpu *gp, int name_w, char *buf, size_t cap, int *used)
{
    char name[32], ub[16], mb[16], up[8], mp[8], pw[16], tc[16];
    const gp_gpu_sample *s = &gp->s;
    double mem = (s->valid & GP_S_MEM_USED) && s->mem_total_bytes
                     ? 100.0 * (double)s->mem_used_bytes / (double)s->mem_total_bytes : -1;

    tui_fit(name, sizeof name, name_w, gp->info_ok && (gp->info.valid & GP_I_NAME)
            ? gp->info.name : "GPU");
    snprintf(pw, sizeof pw, (s->valid & GP_S_POWER) ? "%4.0f W" : "   - W", s->power_w);
    snprintf(tc, sizeof tc, (s->valid & GP_S_TEMP) ? "%3d C" : "  - C", s->temp_c);
    *used = snprintf(buf, cap, "%-2d %-*s util [%s] %4s  mem [%s] %4s  %s %s", gp->s.index,
                     name_w, name,
                     tui_bar(ub, sizeof ub, 10, (s->valid & GP_S_GPU_UTIL) ? s->gpu_util_pct : 0),
                     tui_pct(up, sizeof up, (s->valid & GP_S_GPU_UTIL) ? s->gpu_util_pct : -1),
                     tui_bar(mb, sizeof mb, 10, mem), tui_pct(mp, sizeof mp, mem), pw, tc);
}

static void gpu_line2(const tui_gpu *gp, char *buf, size_t cap)
{
    const gp_gpu_sample *s = &gp->s;
    char used[16], total[16], tx[16], rx[16], a[8], t[8], d[8];
    size_t n = 0;

#define ADD(...) do { if (n < cap) n += (size_t)snprintf(buf + n, cap - n, __VA_ARGS__); } while (0)
    ADD("   ");
    if (s->valid & GP_S_SM_CLOCK)
        ADD("SM %u MHz  ", s->sm_clock_mhz);
    if (s->valid & GP_S_MEM_USED)
        ADD("mem %s / %s  ", gp_fmt_bytes(used, sizeof used, (int64_t)s->mem_used_bytes),
            gp_fmt_bytes(total, sizeof total, (int64_t)s->mem_total_bytes));
    if ((s->valid & GP_S_PCIE_TX) && (s->valid & GP_S_PCIE_RX))
        ADD("PCIe tx %s/s rx %s/s  ", gp_fmt_bytes(tx, sizeof tx, (int64_t)s->pcie_tx_bytes_per_s),
            gp_fmt_bytes(rx, sizeof rx, (int64_t)s->pcie_rx_bytes_per_s));
    if (s->valid & (GP_S_GPM_SM_ACTIVE | GP_S_GPM_TENSOR_ACTIVE | GP_S_GPM_DRAM_BW))
        ADD("SM active %s tensor %s DRAM %s  ",
            tui_pct(a, sizeof a, (s->valid & GP_S_GPM_SM_ACTIVE) ? s->gpm_sm_active_pct : -1),
            tui_pct(t, sizeof t, (s->valid & GP_S_GPM_TENSOR_ACTIVE) ? s->gpm_tensor_active_pct : -1),
            tui_pct(d, sizeof d, (s->valid & GP_S_GPM_DRAM_BW) ? s->gpm_dram_bw_pct : -1));
    for (int i = 0; i < gp->n_procs; i++) {
        char m[16];
        ADD("%spid %u %s", i ? ", " : "procs: ", gp->procs[i].pid,
            (gp->procs[i].valid & GP_P_MEM) ? gp_fmt_bytes(m, sizeof m, (int64_t)gp->procs[i].mem_bytes) : "");
        if (gp->procs[i].valid & GP_P_SM_UTIL)
            ADD(" SM %.0f%%", gp->procs[i].sm_util_pct);
    }
#undef ADD
}

static void draw_gpus(tui_app *a, tui_grid *g, tui_rect r, int lines)
{
    int y = r.y + 1, inner = r.w - 2;

    tui_box(g, r, lines == 2 ? "GPUs (NVML)     history: GPU utilization" : "GPUs (NVML)");
    if (!a->have_nvml) {
        tui_putf(g, r.x + 1, y, inner, TUI_WARN, "no GPU readings: %s", a->gpus.why);
        tui_put(g, r.x + 1, y + 1, inner, TUI_DIM, "recorded jobs are still shown below");
        return;
    }
    if (a->gpus.n == 0)
        tui_put(g, r.x + 1, y, inner, TUI_DIM, "NVML reports no GPU on this machine");
    for (int i = 0; i < a->gpus.n && y + lines - 1 < r.y + r.h - 1; i++) {
        const tui_gpu *gp = &a->gpus.g[i];
        char buf[512], sp[160];
        int used = 0;
        if (!gp->ok) {
            tui_putf(g, r.x + 1, y, inner, TUI_CRIT, "%-2d %s", i, gp->n_hist ? gp->err : "not read yet");
            y += lines;
            continue;
        }
        int name_w = inner - 63 > 24 ? 24 : inner - 63 < 8 ? 8 : inner - 63;
        gpu_line1(gp, name_w, buf, sizeof buf, &used);
        tui_put(g, r.x + 1, y, inner, TUI_NORMAL, buf);
        if (inner - used - 2 >= 8) {
            int sw = inner - used - 2 > 60 ? 60 : inner - used - 2;
            tui_spark(sp, sizeof sp, sw, gp->util_hist, gp->n_hist, 100);
            tui_put(g, r.x + 1 + inner - sw, y, sw, TUI_BAR, sp);
        }
        if (lines == 2) {
            gpu_line2(gp, buf, sizeof buf);
            tui_put(g, r.x + 1, y + 1, inner, TUI_DIM, buf);
        }
        y += lines;
    }
}

/* ---- jobs --------------------------------------------------------------------------- */

static double job_busy(const tui_job *j)
{
    const gp_live_snap *s = &j->snap;
    double span = (double)s->win_ns * (s->devices > 0 ? s->devices : 1);
    return span > 0 ? 100.0 * (double)s->win_busy_ns / span : -1;
}

static const tui_app *sort_app;

static int cmp_jobs(const void *pa, const void *pb)
{
    const tui_job *x = &sort_app->jobs.v[*(const int *)pa], *y = &sort_app->jobs.v[*(const int *)pb];
    switch (sort_app->sort) {
    case TUI_SORT_TIME: { double bx = job_busy(x), by = job_busy(y); return (bx < by) - (bx > by); }
    case TUI_SORT_COUNT: return (x->rate < y->rate) - (x->rate > y->rate);
    default: return strcmp(x->snap.cmd, y->snap.cmd);
    }
}

int tui_live_order(const tui_app *a, int *order, int max)
{
    int n = 0;

    for (int i = 0; i < a->jobs.n && n < max; i++)
        if (!a->filter[0] || strstr(a->jobs.v[i].snap.cmd, a->filter) ||
            (a->jobs.v[i].snap.pid2 && strstr(a->jobs.v[i].snap.cmd2, a->filter)))
            order[n++] = i;
    sort_app = a;
    qsort(order, (size_t)n, sizeof *order, cmp_jobs);
    return n;
}

int tui_live_job_count(const tui_app *a)
{
    int n = 0;

    for (int i = 0; i < a->jobs.n; i++)
        n += a->jobs.v[i].snap.pid2 ? 2 : 1;
    return n;
}

static void draw_job_detail(const tui_job *j, tui_grid *g, tui_rect r, int y)
{
    const gp_live_snap *s = &j->snap;
    int inner = r.w - 2, bottom = r.y + r.h - 1;
    char sp[160], t[32], rate[32];

    if (y >= bottom)
        return;
    tui_putf(g, r.x + 1, y, inner, TUI_TITLE, "pid %u: GPU busy, last 10 s:", s->pid);
    tui_spark(sp, sizeof sp, GP_LIVE_HIST, s->busy_pct, s->n_busy, 100);
    tui_put(g, r.x + 31, y, GP_LIVE_HIST, TUI_BAR, sp);
    if (inner > 78) {
        double mx = 0;
        for (int i = 0; i < j->n_rate; i++)
            mx = j->rate_hist[i] > mx ? j->rate_hist[i] : mx;
        tui_spark(sp, sizeof sp, inner - 78 > 40 ? 40 : inner - 78, j->rate_hist, j->n_rate, mx);
        tui_putf(g, r.x + 53, y, 24, TUI_DIM, "rate %s", tui_rate(rate, sizeof rate, j->rate));
        tui_put(g, r.x + 78, y, inner - 77, TUI_BAR, sp);
    }
    y++;
    if (y < bottom && s->win_ns > 0) {
        char b[3][32];
        tui_putf(g, r.x + 1, y++, inner, TUI_NORMAL, "  idle in the last %s: host sync %s, "
                 "launch-bound %s, host work %s", gp_fmt_ns(t, sizeof t, s->win_ns),
                 gp_fmt_ns(b[0], 32, s->idle_ns[GP_LIVE_IDLE_SYNC]),
                 gp_fmt_ns(b[1], 32, s->idle_ns[GP_LIVE_IDLE_LAUNCH]),
                 gp_fmt_ns(b[2], 32, s->idle_ns[GP_LIVE_IDLE_HOST]));
    }
    for (int i = 0; i < s->n_top && y < bottom; i++, y++) {
        char name[128], tot[32];
        gp_kinfo ki;
        gp_classify_kernel(s->top[i].name, &ki);
        gp_kernel_short_name(s->top[i].name, (size_t)(inner > 60 ? inner - 44 : 16), name, sizeof name);
        tui_ascii(name);
        tui_putf(g, r.x + 1, y, inner, TUI_NORMAL, "  %5.1f%% %9s %8lld  %-4s %-5s %s",
                 s->kernel_ns ? 100.0 * (double)s->top[i].total_ns / (double)s->kernel_ns : 0.0,
                 gp_fmt_ns(tot, sizeof tot, s->top[i].total_ns), (long long)s->top[i].count,
                 tui_prec(ki.precision), gp_kclass_name(ki.kclass), name);
    }
}

/* The command as a jobs row shows it: the program's folder left out, as
 * the row is narrow (sorting and the filter use the whole command line). */
static const char *cmd_short(const char *cmd)
{
    const char *end = strchr(cmd, ' '), *p = cmd, *slash = NULL;

    for (; *p && (!end || p < end); p++)
        if (*p == '/')
            slash = p;
    return slash && slash[1] && slash[1] != ' ' ? slash + 1 : cmd;
}

static void draw_jobs(tui_app *a, tui_grid *g, tui_rect r)
{
    int order[TUI_MAX_JOBS], n = tui_live_order(a, order, TUI_MAX_JOBS);
    int y = r.y + 1, inner = r.w - 2, bottom = r.y + r.h - 1, sel = -1;
    char title[128];

    snprintf(title, sizeof title, "jobs recorded by gpupack (%d)%s%s", tui_live_job_count(a),
             a->filter[0] ? "  filter: " : "", a->filter);
    tui_box(g, r, title);
    if (!a->jobs.dir[0]) {
        tui_putf(g, r.x + 1, y, inner, TUI_WARN, "cannot look for jobs: %s", a->jobs.why);
        return;
    }
    if (n == 0) {
        tui_put(g, r.x + 1, y, inner, TUI_DIM,
                "no job is being recorded: start one with 'gpupack record -- CMD'");
        return;
    }
    tui_put(g, r.x + 1, y++, inner, TUI_DIM,
            "PID      KERNELS/S  GPU BUSY (5 s)         IDLE   COMMAND");
    for (int k = 0; k < n && y < bottom; k++, y++) {
        const tui_job *j = &a->jobs.v[order[k]];
        char bar[16], pct[8], rate[24], idle[32];
        double busy = job_busy(j);
        int is_sel = order[k] == a->job_sel;
        if (is_sel)
            sel = order[k];
        gp_fmt_ns(idle, sizeof idle, j->snap.win_idle_ns);
        tui_putf(g, r.x + 1, y, inner, is_sel ? TUI_SEL : TUI_NORMAL,
                 "%-8u %9s  [%s] %4s  %8s  %s", j->snap.pid, tui_rate(rate, sizeof rate, j->rate),
                 tui_bar(bar, sizeof bar, 10, busy), tui_pct(pct, sizeof pct, busy), idle,
                 cmd_short(j->snap.cmd));
        if (is_sel)
            tui_paint(g, r.x + 1, y, inner, TUI_SEL);
        if (j->snap.pid2 && y + 1 < bottom) /* gpupack pack's second job: same recording */
            tui_putf(g, r.x + 1, ++y, inner, is_sel ? TUI_SEL : TUI_NORMAL, "%-8u %9s  %-27s  %s",
                     j->snap.pid2, "", "(counted in the row above)", cmd_short(j->snap.cmd2));
    }
    if (sel >= 0)
        draw_job_detail(&a->jobs.v[sel], g, r, y);
}

static void draw_findings(tui_app *a, tui_grid *g, tui_rect r)
{
    int y = r.y + 1, inner = r.w - 2, bottom = r.y + r.h - 1, any = 0;

    tui_box(g, r, "live findings");
    for (int i = 0; i < a->jobs.n && y < bottom; i++) {
        char f[4][160];
        int nf = tui_live_findings(&a->jobs.v[i].snap, f, 4);
        for (int k = 0; k < nf && y < bottom; k++, any = 1)
            tui_putf(g, r.x + 1, y++, inner, TUI_WARN, "pid %u: %s", a->jobs.v[i].snap.pid, f[k]);
    }
    if (!any)
        tui_put(g, r.x + 1, y, inner, TUI_DIM, a->jobs.n ? "nothing to report on the recorded jobs"
                : "findings appear here for jobs recorded with gpupack record");
}

void tui_draw_live(tui_app *a, tui_grid *g, const tui_live_layout *L)
{
    draw_gpus(a, g, L->gpus, L->gpu_lines);
    tui_draw_pack_live(a, g, L->pack);
    draw_jobs(a, g, L->jobs);
    draw_findings(a, g, L->findings);
    if (a->message[0])
        tui_put(g, L->findings.x + 2, L->findings.y + L->findings.h - 1, L->findings.w - 4,
                TUI_TITLE, a->message);
}
