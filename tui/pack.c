/* pack.c: the co-scheduler panel's data and text (contract in pack.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/format.h"
#include "fmt.h"
#include "pack.h"

#define REGION_SUFFIX ".region"

void tui_pack_init(tui_pack *P)
{
    memset(P, 0, sizeof *P);
    P->req_rate = P->be_rate = -1;
}

double tui_pack_rate(uint64_t prev, uint64_t cur, int64_t then_ns, int64_t now_ns)
{
    if (then_ns <= 0 || now_ns <= then_ns || cur < prev)
        return -1;
    return (double)(cur - prev) * 1e9 / (double)(now_ns - then_ns);
}

/* The pid in "pack-<pid>.region", or 0 if name is not such a file. */
static int region_pid(const char *name)
{
    size_t pl = strlen(GP_COSCHED_REGION_PREFIX), sl = strlen(REGION_SUFFIX), n = strlen(name);
    char *end;
    long v;

    if (n <= pl + sl || strncmp(name, GP_COSCHED_REGION_PREFIX, pl) != 0 ||
        strcmp(name + n - sl, REGION_SUFFIX) != 0)
        return 0;
    errno = 0;
    v = strtol(name + pl, &end, 10);
    if (errno || v <= 0 || v > 0x7fffffff || end != name + n - sl)
        return 0;
    return (int)v;
}

static int alive(int pid)
{
    return kill(pid, 0) == 0 || errno == EPERM;
}

/* Reads path into P; a region other than the one followed starts afresh. */
static int follow(tui_pack *P, const char *path, int pid, int64_t now_ns)
{
    gp_cosched_state st;
    gp_error err = { 0 };

    if (gp_cosched_read(path, &st, &err) != GP_OK)
        return -1;
    if (strcmp(P->path, path) != 0) {
        tui_pack_init(P);
        snprintf(P->path, sizeof P->path, "%s", path);
        P->pack_pid = pid;
    } else {
        P->req_rate = tui_pack_rate(P->st.hp_requests, st.hp_requests, P->read_ns, now_ns);
        P->be_rate = tui_pack_rate(P->st.be_ops, st.be_ops, P->read_ns, now_ns);
        if (P->n_hist == TUI_PACK_HIST) { /* full: the oldest sample goes */
            memmove(P->p99_hist, P->p99_hist + 1, (TUI_PACK_HIST - 1) * sizeof *P->p99_hist);
            memmove(P->be_hist, P->be_hist + 1, (TUI_PACK_HIST - 1) * sizeof *P->be_hist);
            P->n_hist--;
        }
        P->p99_hist[P->n_hist] = st.hp_p99_ns > 0 ? (double)st.hp_p99_ns / 1e6 : -1;
        P->be_hist[P->n_hist++] = P->be_rate;
    }
    P->st = st;
    P->read_ns = now_ns;
    P->ok = 1;
    return 0;
}

void tui_pack_refresh(tui_pack *P, const char *dir, int64_t now_ns)
{
    char path[sizeof P->path];
    struct dirent *e;
    DIR *d;
    int pid;

    /* the one followed, while it lasts */
    if (P->ok && alive(P->pack_pid) && follow(P, P->path, P->pack_pid, now_ns) == 0)
        return;
    P->ok = 0;
    P->path[0] = '\0'; /* gone: whatever is found next starts afresh */
    if (!dir || !dir[0] || !(d = opendir(dir)))
        return;
    while ((e = readdir(d))) {
        if (!(pid = region_pid(e->d_name)) || !alive(pid))
            continue;
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path)
            continue;
        if (follow(P, path, pid, now_ns) == 0)
            break;
    }
    closedir(d);
}

/* ---- text ---------------------------------------------------------------------------- */

static char *ns_or_dash(char *buf, size_t cap, int64_t ns)
{
    if (ns <= 0)
        snprintf(buf, cap, "-");
    else
        gp_fmt_ns(buf, cap, ns);
    return buf;
}

static char *rate_or_dash(char *buf, size_t cap, double r)
{
    if (r < 0)
        snprintf(buf, cap, "-");
    else
        tui_rate(buf, cap, r);
    return buf;
}

int tui_pack_live_lines(const tui_pack *P, char (*out)[TUI_PACK_LINE], int max)
{
    const gp_cosched_state *s = &P->st;
    char b[6][32];
    int n = 0;

    if (!P->ok || max <= 0)
        return 0;
    snprintf(out[n++], TUI_PACK_LINE, "policy %s  gate %s  serve in flight %lld  budget %s  "
             "(pack pid %d)", gp_cosched_policy_name(s->policy), gp_cosched_gate_name(s->gate),
             (long long)s->hp_in_flight, ns_or_dash(b[0], 32, s->budget_ns), P->pack_pid);
    if (n < max)
        snprintf(out[n++], TUI_PACK_LINE, "serve pid %-7d p50 %-9s p99 %-9s %8s requests (%llu)",
                 s->hp_pid, ns_or_dash(b[1], 32, s->hp_p50_ns), ns_or_dash(b[2], 32, s->hp_p99_ns),
                 rate_or_dash(b[3], 32, P->req_rate), (unsigned long long)s->hp_requests);
    if (n < max)
        snprintf(out[n++], TUI_PACK_LINE, "train pid %-7d %8s launches (%llu)  holds %llu, %s held",
                 s->be_pid, rate_or_dash(b[4], 32, P->be_rate), (unsigned long long)s->be_ops,
                 (unsigned long long)s->be_holds, gp_fmt_ns(b[5], 32, (int64_t)s->be_hold_ns));
    if (n < max)
        snprintf(out[n++], TUI_PACK_LINE, "      timeouts %llu  drains %llu  watchdog releases %llu",
                 (unsigned long long)s->be_timeouts, (unsigned long long)s->be_drains,
                 (unsigned long long)s->be_watchdog);
    return n;
}

int tui_pack_trace_lines(const gp_cosched_summary *s, char (*out)[TUI_PACK_LINE], int max)
{
    char b[10][32];
    int n = 0;

    if (!s->present || max <= 0)
        return 0;
    snprintf(out[n++], TUI_PACK_LINE, "serve pid %u: %llu requests, p50 %s p95 %s p99 %s max %s",
             s->serve.pid, (unsigned long long)s->requests, ns_or_dash(b[0], 32, s->p50_ns),
             ns_or_dash(b[1], 32, s->p95_ns), ns_or_dash(b[2], 32, s->p99_ns),
             ns_or_dash(b[3], 32, s->max_ns));
    if (n < max)
        snprintf(out[n++], TUI_PACK_LINE, "kernels serve %s  train %s  training %.0f%% of the "
                 "jobs' GPU time", tui_rate(b[4], 32, s->serve_kps), tui_rate(b[5], 32, s->train_kps),
                 100.0 * s->train_share);
    if (n < max)
        snprintf(out[n++], TUI_PACK_LINE, "train pid %u: holds %llu (%s, max %s)  timeouts %llu  "
                 "watchdog %llu", s->train.pid, (unsigned long long)s->holds,
                 gp_fmt_ns(b[6], 32, s->hold_total_ns), gp_fmt_ns(b[7], 32, s->hold_max_ns),
                 (unsigned long long)s->timeouts, (unsigned long long)s->watchdog);
    if (n < max) {
        if (s->budget_changes)
            snprintf(out[n++], TUI_PACK_LINE, "budget %llu changes  min %s  max %s  last %s",
                     (unsigned long long)s->budget_changes, gp_fmt_ns(b[7], 32, s->budget_min_ns),
                     gp_fmt_ns(b[8], 32, s->budget_max_ns), gp_fmt_ns(b[9], 32, s->budget_last_ns));
        else
            snprintf(out[n++], TUI_PACK_LINE, "budget unchanged during the run");
    }
    return n;
}
