/* livejob.c: finding, polling and validating recorded jobs (contract in
 * livejob.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "analyzer/model/classify.h"
#include "common/rundir.h"
#include "common/clock.h"
#include "livejob.h"

#define REPLY_TIMEOUT_MS 100
#define TF32_SPEEDUP 4.0 /* assumed realised speed-up of FP32 GEMMs on TF32 tensor cores */

/* ---- parsing ------------------------------------------------------------------- */

static int parse_i64(const char **p, int64_t *out)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(*p, &end, 10);
    if (end == *p || errno || v < 0)
        return -1;
    *out = v;
    *p = end;
    return 0;
}

static int bad(char *why, size_t cap, const char *what, int line)
{
    snprintf(why, cap, "live snapshot line %d: %s", line, what);
    return -1;
}

/* Copies the rest of a line as a string, control characters as '?'. */
static void copy_text(char *dst, size_t cap, const char *s, const char *eol)
{
    size_t n = 0;

    for (; s < eol && n + 1 < cap; s++)
        dst[n++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
    dst[n] = '\0';
}

static int parse_line(const char *s, const char *eol, gp_live_snap *o, int line, char *why,
                      size_t cap)
{
    const char *p;
    int64_t v[4];

#define KEY(k) (strncmp(s, k " ", sizeof k) == 0 && (p = s + sizeof k, 1))
    if (KEY("pid")) {
        if (parse_i64(&p, &v[0]) < 0 || v[0] > UINT32_MAX)
            return bad(why, cap, "bad pid", line);
        o->pid = (uint32_t)v[0];
    } else if (KEY("start_ns")) {
        if (parse_i64(&p, &o->start_ns) < 0)
            return bad(why, cap, "bad start_ns", line);
    } else if (KEY("data_end_ns")) {
        if (parse_i64(&p, &o->data_end_ns) < 0)
            return bad(why, cap, "bad data_end_ns", line);
    } else if (KEY("cmd")) {
        copy_text(o->cmd, sizeof o->cmd, p, eol);
        return 0;
    } else if (KEY("pid2")) {
        if (parse_i64(&p, &v[0]) < 0 || v[0] == 0 || v[0] > UINT32_MAX || o->pid2)
            return bad(why, cap, "bad pid2", line);
        o->pid2 = (uint32_t)v[0];
    } else if (KEY("cmd2")) {
        if (!o->pid2) /* a second job's command belongs to its pid */
            return bad(why, cap, "cmd2 before pid2", line);
        copy_text(o->cmd2, sizeof o->cmd2, p, eol);
        return 0;
    } else if (KEY("devices")) {
        if (parse_i64(&p, &v[0]) < 0 || v[0] > 64)
            return bad(why, cap, "bad devices", line);
        o->devices = (int)v[0];
    } else if (KEY("kernels")) {
        if (parse_i64(&p, &o->kernels) < 0 || parse_i64(&p, &o->kernel_ns) < 0)
            return bad(why, cap, "bad kernels", line);
    } else if (KEY("window")) {
        if (parse_i64(&p, &o->win_ns) < 0 || parse_i64(&p, &o->win_kernels) < 0 ||
            parse_i64(&p, &o->win_busy_ns) < 0 || parse_i64(&p, &o->win_idle_ns) < 0)
            return bad(why, cap, "bad window", line);
    } else if (KEY("idle")) {
        if (parse_i64(&p, &v[0]) < 0 || v[0] >= GP_LIVE_IDLE_COUNT ||
            parse_i64(&p, &v[1]) < 0 || parse_i64(&p, &v[2]) < 0)
            return bad(why, cap, "bad idle", line);
        o->idle_ns[v[0]] = v[1];
        o->idle_count[v[0]] = v[2];
    } else if (strncmp(s, "busy", 4) == 0 && (s + 4 == eol || s[4] == ' ')) {
        p = s + 4;
        o->n_busy = 0;
        while (p < eol) {
            char *end;
            double d = strtod(p, &end);
            if (end == p || d < -1 || d > 100 || d != d || o->n_busy >= GP_LIVE_HIST)
                return bad(why, cap, "bad busy history", line);
            o->busy_pct[o->n_busy++] = d;
            p = end;
        }
    } else if (KEY("kernel")) {
        gp_live_kstat *k;
        if (o->n_top >= GP_LIVE_TOP || parse_i64(&p, &v[0]) < 0 || parse_i64(&p, &v[1]) < 0 ||
            *p != ' ')
            return bad(why, cap, "bad kernel", line);
        k = &o->top[o->n_top++];
        k->count = v[0];
        k->total_ns = v[1];
        copy_text(k->name, sizeof k->name, p + 1, eol);
        return 0;
    } else {
        return bad(why, cap, "unknown line", line);
    }
#undef KEY
    if (p != eol)
        return bad(why, cap, "trailing text", line);
    return 0;
}

static int parse_text(const char *text, size_t len, gp_live_snap *o, char *why, size_t cap)
{
    const char *s = text, *end = text + len;
    int line = 1;
    char head[32];

    memset(o, 0, sizeof *o);
    snprintf(head, sizeof head, "gpupack-live %d\n", GP_LIVE_VERSION);
    if (len < strlen(head) || memcmp(text, head, strlen(head)) != 0)
        return bad(why, cap, "not a gpupack live snapshot of this version", line);
    s += strlen(head);
    for (line = 2; s < end; line++) {
        const char *eol = memchr(s, '\n', (size_t)(end - s));
        if (!eol)
            return bad(why, cap, "truncated", line);
        if (eol - s == 3 && memcmp(s, "end", 3) == 0)
            return eol + 1 == end ? 0 : bad(why, cap, "text after end", line);
        if (parse_line(s, eol, o, line, why, cap) < 0)
            return -1;
        s = eol + 1;
    }
    return bad(why, cap, "no end line", line);
}

int tui_live_parse(const char *text, size_t len, gp_live_snap *o, char *why, size_t cap)
{
    char *copy; /* NUL-terminated, so number parsing cannot run past the end */
    int rc;

    if (len > GP_LIVE_SNAP_MAX) {
        memset(o, 0, sizeof *o);
        return bad(why, cap, "snapshot too long", 0);
    }
    copy = malloc(len + 1);
    if (!copy) {
        memset(o, 0, sizeof *o);
        return bad(why, cap, "out of memory", 0);
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    rc = parse_text(copy, len, o, why, cap);
    free(copy);
    return rc;
}

/* ---- findings -------------------------------------------------------------------- */

int tui_live_findings(const gp_live_snap *s, char (*out)[160], int max)
{
    int n = 0, worst = 0;
    double span, busy_pct, fp32_ns = 0;

    if (max <= 0 || s->kernels == 0)
        return 0;
    for (int i = 0; i < s->n_top; i++) {
        gp_kinfo ki;
        gp_classify_kernel(s->top[i].name, &ki);
        if ((ki.kclass == GP_KC_GEMM || ki.kclass == GP_KC_CONV) &&
            ki.precision == GP_PREC_FP32 && ki.tensor_core != GP_TC_YES)
            fp32_ns += (double)s->top[i].total_ns;
    }
    if (fp32_ns > 0.05 * (double)s->kernel_ns && n < max) {
        double share = 100.0 * fp32_ns / (double)s->kernel_ns;
        snprintf(out[n++], 160, "FP32 GEMMs: %.0f %% of GPU time, TF32 would save ~%.0f %% "
                 "(torch.backends.cuda.matmul.allow_tf32 = True)",
                 share, share * (1.0 - 1.0 / TF32_SPEEDUP));
    }
    span = (double)s->win_ns * (s->devices > 0 ? s->devices : 1);
    if (span <= 0)
        return n;
    busy_pct = 100.0 * (double)s->win_busy_ns / span;
    for (int c = 1; c < GP_LIVE_IDLE_COUNT; c++)
        if (s->idle_ns[c] > s->idle_ns[worst])
            worst = c;
    if (busy_pct < 80 && s->win_idle_ns > 0 && n < max) {
        static const char *const fix[] = {
            "remove synchronizations (.item(), .cpu(), cudaDeviceSynchronize) from the loop",
            "fuse small kernels: CUDA Graphs or torch.compile",
            "overlap host work: DataLoader(num_workers, pin_memory)" };
        snprintf(out[n++], 160, "GPU idle %.0f %% of the last %.0f s, mostly %s (%.0f %% of "
                 "the idle time): %s", 100.0 - busy_pct, (double)s->win_ns / 1e9,
                 gp_live_idle_name(worst),
                 100.0 * (double)s->idle_ns[worst] / (double)s->win_idle_ns, fix[worst]);
    }
    return n;
}

/* ---- sockets ----------------------------------------------------------------------- */

void tui_jobs_init(tui_jobs *J)
{
    gp_error err = { 0 };

    memset(J, 0, sizeof *J);
    for (int i = 0; i < TUI_MAX_JOBS; i++)
        J->v[i].fd = -1;
    if (gp_rundir(J->dir, sizeof J->dir, &err) != GP_OK) {
        J->dir[0] = '\0';
        snprintf(J->why, sizeof J->why, "%s", err.msg);
    }
}

static int connect_sock(const char *path)
{
    struct sockaddr_un sa;
    int fd;

    if (strlen(path) >= sizeof sa.sun_path)
        return -1;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* One request, one snapshot. 0, or -1 if the job is gone or spoke nonsense. */
static int poll_job(tui_job *j, int64_t now_ns)
{
    static char buf[GP_LIVE_SNAP_MAX];
    size_t n = 0;
    gp_live_snap snap;
    char why[160];

    if (send(j->fd, "s", 1, MSG_NOSIGNAL) != 1)
        return -1;
    for (;;) {
        struct pollfd p = { .fd = j->fd, .events = POLLIN };
        ssize_t r;
        if (poll(&p, 1, REPLY_TIMEOUT_MS) <= 0)
            return -1;
        r = recv(j->fd, buf + n, sizeof buf - 1 - n, 0);
        if (r <= 0)
            return -1;
        n += (size_t)r;
        if (n >= 4 && memcmp(buf + n - 4, "end\n", 4) == 0)
            break;
        if (n >= sizeof buf - 1)
            return -1;
    }
    if (tui_live_parse(buf, n, &snap, why, sizeof why) < 0)
        return -1;
    if (j->ok && j->prev_ns && now_ns > j->prev_ns) {
        j->rate = (double)(snap.kernels - j->prev_kernels) * 1e9 / (double)(now_ns - j->prev_ns);
        if (j->rate < 0)
            j->rate = 0;
        if (j->n_rate == TUI_JOB_HIST) {
            memmove(j->rate_hist, j->rate_hist + 1, (TUI_JOB_HIST - 1) * sizeof j->rate_hist[0]);
            j->n_rate--;
        }
        j->rate_hist[j->n_rate++] = j->rate;
    }
    j->prev_kernels = snap.kernels;
    j->prev_ns = now_ns;
    j->snap = snap;
    j->ok = 1;
    return 0;
}

static void drop_job(tui_jobs *J, int i)
{
    if (J->v[i].fd >= 0)
        close(J->v[i].fd);
    memmove(&J->v[i], &J->v[i + 1], (size_t)(J->n - i - 1) * sizeof J->v[0]);
    J->n--;
    J->v[J->n].fd = -1;
}

static int known(const tui_jobs *J, const char *path)
{
    for (int i = 0; i < J->n; i++)
        if (strcmp(J->v[i].sock, path) == 0)
            return 1;
    return 0;
}

void tui_jobs_refresh(tui_jobs *J, int64_t now_ns)
{
    DIR *d;
    struct dirent *e;

    if (!J->dir[0])
        return;
    d = opendir(J->dir);
    while (d && (e = readdir(d)) != NULL && J->n < TUI_MAX_JOBS) {
        char path[512];
        size_t len = strlen(e->d_name);
        int fd;
        if (strncmp(e->d_name, "live-", 5) != 0 || len < 6 ||
            strcmp(e->d_name + len - 5, ".sock") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", J->dir, e->d_name);
        if (strlen(path) >= sizeof J->v[0].sock || known(J, path))
            continue;
        fd = connect_sock(path);
        if (fd < 0)
            continue; /* stale: its recorder is gone */
        memset(&J->v[J->n], 0, sizeof J->v[0]);
        memcpy(J->v[J->n].sock, path, strlen(path) + 1); /* length checked above */
        J->v[J->n].fd = fd;
        J->n++;
    }
    if (d)
        closedir(d);
    for (int i = 0; i < J->n;) {
        if (poll_job(&J->v[i], now_ns) < 0)
            drop_job(J, i);
        else
            i++;
    }
}

void tui_jobs_free(tui_jobs *J)
{
    for (int i = 0; i < J->n; i++)
        if (J->v[i].fd >= 0)
            close(J->v[i].fd);
    J->n = 0;
}
