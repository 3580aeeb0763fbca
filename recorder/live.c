/* live.c: incremental live figures of a recorded job, and the socket
 * that serves them to `gpupack top` (contract in live.h). */
#include "config.h"

#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "recorder/live.h"
#include "common/rundir.h"

#define NAME_SLOTS (2 * GP_LIVE_MAX_NAMES) /* open addressing, at most half full */
#define RING 4096                          /* sync calls kept, and gaps waiting for a cause */
#define MAX_DEV 64
#define MAX_CLIENTS 8
#define LAUNCH_GAP_NS 30000                /* shorter gaps: the GPU waited on the next launch */
#define PUBLISH_NS 100000000LL

typedef struct name_slot {
    uint32_t id;                 /* 0: empty */
    uint8_t sync;                /* a synchronize call's name */
    int16_t kidx;                /* index in kern[], -1 none */
    char *text;
} name_slot;

typedef struct kacc {
    uint32_t id;
    int64_t count, total_ns;
} kacc;

typedef struct span {
    int64_t s, e;
} span;

struct gp_live {
    pthread_mutex_t lock;        /* guards job fields and text */
    uint32_t pid;
    int64_t start_ns;
    char cmd[256];
    uint32_t pid2;
    char cmd2[256];
    char *text;                  /* the served snapshot, NULL before the first */
    size_t text_len;

    /* writer thread only */
    name_slot *names;
    size_t n_names;
    kacc kern[GP_LIVE_MAX_KERNELS + 1]; /* the last one: every other name */
    int n_kern;
    int64_t kernels, kernel_ns, first_ns, data_end_ns;
    int64_t dev_end[MAX_DEV];
    uint64_t dev_mask;
    int64_t bin_no[GP_LIVE_HIST], bin_busy[GP_LIVE_HIST], bin_kernels[GP_LIVE_HIST];
    int64_t bin_idle[GP_LIVE_HIST][GP_LIVE_IDLE_COUNT], bin_gaps[GP_LIVE_HIST][GP_LIVE_IDLE_COUNT];
    span gaps[RING];             /* gaps of this batch, classified at its end */
    unsigned n_gaps;
    span syncs[RING];            /* the latest sync calls; slot = n % RING */
    uint64_t n_syncs;
    int64_t last_publish_ns;
    char *fmt;                   /* GP_LIVE_SNAP_MAX bytes */

    /* server */
    int listen_fd, wake[2], serving;
    pthread_t thread;
    char path[256];
};

const char *gp_live_idle_name(int cause)
{
    static const char *const names[] = { "host sync", "launch-bound", "host work" };
    return cause >= 0 && cause < GP_LIVE_IDLE_COUNT ? names[cause] : "?";
}

gp_live *gp_live_new(void)
{
    gp_live *l = calloc(1, sizeof *l);

    if (!l)
        return NULL;
    l->names = calloc(NAME_SLOTS, sizeof *l->names);
    l->fmt = malloc(GP_LIVE_SNAP_MAX);
    if (!l->names || !l->fmt) {
        free(l->names);
        free(l->fmt);
        free(l);
        return NULL;
    }
    pthread_mutex_init(&l->lock, NULL);
    l->listen_fd = l->wake[0] = l->wake[1] = -1;
    for (int i = 0; i < GP_LIVE_HIST; i++)
        l->bin_no[i] = -1;
    return l;
}

/* ---- accumulating (writer thread) ------------------------------------------ */

/* The slot of string id (0: none), added when insert is set and there is
 * room; NULL otherwise. */
static name_slot *name_slot_of(gp_live *l, uint32_t id, int insert)
{
    size_t h = (id * 2654435761u) % NAME_SLOTS;

    if (id == 0)
        return NULL;

    for (;;) {
        name_slot *s = &l->names[h];
        if (s->id == id)
            return s;
        if (s->id == 0) {
            if (!insert || l->n_names >= GP_LIVE_MAX_NAMES)
                return NULL;
            s->id = id;
            s->kidx = -1;
            l->n_names++;
            return s;
        }
        h = (h + 1) % NAME_SLOTS;
    }
}

void gp_live_string(gp_live *l, uint32_t id, const char *s, size_t len)
{
    name_slot *slot;

    if (!l || !id)
        return;
    slot = name_slot_of(l, id, 1);
    if (!slot || slot->text)
        return;
    if (len > GP_LIVE_NAME_MAX)
        len = GP_LIVE_NAME_MAX;
    slot->text = malloc(len + 1);
    if (!slot->text)
        return;
    memcpy(slot->text, s, len);
    slot->text[len] = '\0';
    slot->sync = strstr(slot->text, "Synchronize") != NULL;
}

/* The ring slot of history bin b, emptied when it held an older bin; -1
 * when b is older than what the ring holds. */
static int bin_slot(gp_live *l, int64_t b)
{
    int slot = (int)(b % GP_LIVE_HIST);

    if (l->bin_no[slot] > b)
        return -1;
    if (l->bin_no[slot] < b) {
        l->bin_no[slot] = b;
        l->bin_busy[slot] = l->bin_kernels[slot] = 0;
        memset(l->bin_idle[slot], 0, sizeof l->bin_idle[slot]);
        memset(l->bin_gaps[slot], 0, sizeof l->bin_gaps[slot]);
    }
    return slot;
}

/* Adds [s, e) to the history bins it falls in: busy time, or idle time of
 * a cause (cause >= 0). */
static void add_time(gp_live *l, int64_t s, int64_t e, int cause)
{
    if (e - s > GP_LIVE_HIST * GP_LIVE_BIN_NS)
        s = e - GP_LIVE_HIST * GP_LIVE_BIN_NS;
    for (int64_t b = s / GP_LIVE_BIN_NS; b <= (e - 1) / GP_LIVE_BIN_NS; b++) {
        int slot = bin_slot(l, b);
        int64_t lo = b * GP_LIVE_BIN_NS, hi = lo + GP_LIVE_BIN_NS;
        int64_t part = (e < hi ? e : hi) - (s > lo ? s : lo);
        if (slot < 0)
            continue;
        if (cause < 0)
            l->bin_busy[slot] += part;
        else
            l->bin_idle[slot][cause] += part;
    }
    if (cause >= 0 && e > 0) {
        int slot = bin_slot(l, (e - 1) / GP_LIVE_BIN_NS);
        if (slot >= 0)
            l->bin_gaps[slot][cause]++;
    }
}

static void count_kernel_bin(gp_live *l, int64_t t)
{
    int slot = bin_slot(l, t / GP_LIVE_BIN_NS);

    if (slot >= 0)
        l->bin_kernels[slot]++;
}

static void flush_gaps(gp_live *l);

void gp_live_kernel(gp_live *l, const gp_kernel *k)
{
    unsigned d;
    int64_t s = k->start_ns, e = k->end_ns;
    name_slot *slot;
    kacc *acc;

    if (!l || s < 0 || e < s)
        return;
    d = (unsigned)k->device % MAX_DEV;
    l->dev_mask |= 1ull << d;
    l->kernels++;
    l->kernel_ns += e - s;
    if (!l->first_ns || s < l->first_ns)
        l->first_ns = s;
    if (e > l->data_end_ns)
        l->data_end_ns = e;
    count_kernel_bin(l, s);
    if (l->dev_end[d] && s > l->dev_end[d]) {
        if (l->n_gaps == RING)
            flush_gaps(l);
        l->gaps[l->n_gaps].s = l->dev_end[d];
        l->gaps[l->n_gaps++].e = s;
    }
    if (e > l->dev_end[d]) {
        add_time(l, s > l->dev_end[d] ? s : l->dev_end[d], e, -1);
        l->dev_end[d] = e;
    }
    slot = name_slot_of(l, k->name, 1);
    if (slot && slot->kidx < 0 && l->n_kern < GP_LIVE_MAX_KERNELS) {
        slot->kidx = (int16_t)l->n_kern;
        l->kern[l->n_kern++].id = k->name;
    }
    acc = &l->kern[slot && slot->kidx >= 0 ? slot->kidx : GP_LIVE_MAX_KERNELS];
    acc->count++;
    acc->total_ns += e - s;
}

void gp_live_api(gp_live *l, const gp_api *a)
{
    name_slot *slot;

    if (!l || a->end_ns < a->start_ns)
        return;
    slot = name_slot_of(l, a->name, 0);
    if (slot && slot->sync) {
        span *sp = &l->syncs[l->n_syncs++ % RING];
        sp->s = a->start_ns;
        sp->e = a->end_ns;
    }
}

/* The idle cause of gap g: a synchronize overlapped it, it was too short
 * for anything but the next launch, or the host did something else. The
 * kept syncs are taken as ordered by end (one host thread's calls are):
 * a binary search finds the first ending after the gap starts, and a few
 * after it are checked for other threads. O(log RING). */
static int gap_cause(const gp_live *l, const span *g)
{
    uint64_t lo = l->n_syncs > RING ? l->n_syncs - RING : 0, hi = l->n_syncs;

    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (l->syncs[mid % RING].e <= g->s)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (uint64_t k = lo; k < l->n_syncs && k < lo + 4; k++)
        if (l->syncs[k % RING].s < g->e && l->syncs[k % RING].e > g->s)
            return GP_LIVE_IDLE_SYNC;
    return g->e - g->s < LAUNCH_GAP_NS ? GP_LIVE_IDLE_LAUNCH : GP_LIVE_IDLE_HOST;
}

/* Gives the gaps seen so far their causes. Called at the end of a batch,
 * so the sync calls of the batch (written after its kernels) are known. */
static void flush_gaps(gp_live *l)
{
    for (unsigned i = 0; i < l->n_gaps; i++)
        add_time(l, l->gaps[i].s, l->gaps[i].e, gap_cause(l, &l->gaps[i]));
    l->n_gaps = 0;
}

static void fill_top(gp_live *l, gp_live_snap *out)
{
    uint8_t taken[GP_LIVE_MAX_KERNELS + 1] = { 0 };

    out->n_top = 0;
    while (out->n_top < GP_LIVE_TOP) {
        int best = -1;
        for (int i = 0; i <= GP_LIVE_MAX_KERNELS; i++) {
            if (i >= l->n_kern && i < GP_LIVE_MAX_KERNELS)
                continue;
            if (!taken[i] && l->kern[i].count &&
                (best < 0 || l->kern[i].total_ns > l->kern[best].total_ns))
                best = i;
        }
        if (best < 0)
            break;
        taken[best] = 1;
        gp_live_kstat *t = &out->top[out->n_top++];
        const name_slot *slot = best < GP_LIVE_MAX_KERNELS ? name_slot_of(l, l->kern[best].id, 0) : NULL;
        snprintf(t->name, sizeof t->name, "%s",
                 best == GP_LIVE_MAX_KERNELS ? "(other kernels)"
                 : slot && slot->text ? slot->text : "(unnamed)");
        t->count = l->kern[best].count;
        t->total_ns = l->kern[best].total_ns;
    }
}

/* The job fields (lock held). */
static void copy_job(const gp_live *l, gp_live_snap *out)
{
    out->pid = l->pid;
    out->start_ns = l->start_ns;
    memcpy(out->cmd, l->cmd, sizeof out->cmd);
    out->pid2 = l->pid2;
    memcpy(out->cmd2, l->cmd2, sizeof out->cmd2);
}

void gp_live_snapshot(gp_live *l, gp_live_snap *out)
{
    int64_t end_bin = (l->data_end_ns - 1) / GP_LIVE_BIN_NS; /* the bin of the last ns */
    int ndev = __builtin_popcountll(l->dev_mask);

    flush_gaps(l);
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&l->lock);
    copy_job(l, out);
    pthread_mutex_unlock(&l->lock);
    out->data_end_ns = l->data_end_ns;
    out->devices = ndev;
    out->kernels = l->kernels;
    out->kernel_ns = l->kernel_ns;
    if (!l->kernels)
        return;
    if (ndev < 1)
        ndev = 1;
    /* the window: the last GP_LIVE_WINDOW_BINS bins, the last one partial */
    int64_t w0 = (end_bin - GP_LIVE_WINDOW_BINS + 1) * GP_LIVE_BIN_NS;
    out->win_ns = l->data_end_ns - (w0 > l->first_ns ? w0 : l->first_ns);
    for (int i = 0; i < GP_LIVE_HIST; i++) {
        int64_t b = end_bin - (GP_LIVE_HIST - 1) + i;
        int slot = (int)(((b % GP_LIVE_HIST) + GP_LIVE_HIST) % GP_LIVE_HIST);
        int64_t lo = b * GP_LIVE_BIN_NS, hi = lo + GP_LIVE_BIN_NS, len;
        if (b < 0 || l->bin_no[slot] != b || hi <= l->first_ns) {
            out->busy_pct[out->n_busy++] = b * GP_LIVE_BIN_NS < l->first_ns ? -1.0 : 0.0;
            continue;
        }
        if (lo < l->first_ns)
            lo = l->first_ns;
        if (hi > l->data_end_ns)
            hi = l->data_end_ns;
        len = hi > lo ? hi - lo : 1;
        double pct = 100.0 * (double)l->bin_busy[slot] / ((double)len * ndev);
        out->busy_pct[out->n_busy++] = pct > 100.0 ? 100.0 : pct;
        if (i >= GP_LIVE_HIST - GP_LIVE_WINDOW_BINS) {
            out->win_kernels += l->bin_kernels[slot];
            out->win_busy_ns += l->bin_busy[slot];
            for (int c = 0; c < GP_LIVE_IDLE_COUNT; c++) {
                out->idle_ns[c] += l->bin_idle[slot][c];
                out->idle_count[c] += l->bin_gaps[slot][c];
                out->win_idle_ns += l->bin_idle[slot][c];
            }
        }
    }
    fill_top(l, out);
}

/* Control characters would break the line format: '?' instead. */
static void put_clean(char *buf, size_t cap, size_t *n, const char *s)
{
    for (; *s && *n + 1 < cap; s++)
        buf[(*n)++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
    buf[*n] = '\0';
}

#define APPEND(...)                                                            \
    do {                                                                       \
        if (n < cap) {                                                         \
            int k_ = snprintf(buf + n, cap - n, __VA_ARGS__);                  \
            n += k_ > 0 ? (size_t)k_ : 0;                                      \
            if (n >= cap)                                                      \
                n = cap - 1;                                                   \
        }                                                                      \
    } while (0)

size_t gp_live_format(const gp_live_snap *s, char *buf, size_t cap)
{
    size_t n = 0;

    if (!cap)
        return 0;
    buf[0] = '\0';
    APPEND("gpupack-live %d\npid %u\nstart_ns %lld\ndata_end_ns %lld\ncmd ", GP_LIVE_VERSION,
           s->pid, (long long)s->start_ns, (long long)s->data_end_ns);
    put_clean(buf, cap, &n, s->cmd);
    if (s->pid2) {
        APPEND("\npid2 %u\ncmd2 ", s->pid2);
        put_clean(buf, cap, &n, s->cmd2);
    }
    APPEND("\ndevices %d\nkernels %lld %lld\nwindow %lld %lld %lld %lld\n", s->devices,
           (long long)s->kernels, (long long)s->kernel_ns, (long long)s->win_ns,
           (long long)s->win_kernels, (long long)s->win_busy_ns, (long long)s->win_idle_ns);
    for (int c = 0; c < GP_LIVE_IDLE_COUNT; c++)
        APPEND("idle %d %lld %lld\n", c, (long long)s->idle_ns[c], (long long)s->idle_count[c]);
    APPEND("busy");
    for (int i = 0; i < s->n_busy; i++)
        APPEND(" %.1f", s->busy_pct[i]);
    APPEND("\n");
    for (int i = 0; i < s->n_top; i++) {
        APPEND("kernel %lld %lld ", (long long)s->top[i].count, (long long)s->top[i].total_ns);
        put_clean(buf, cap, &n, s->top[i].name);
        APPEND("\n");
    }
    APPEND("end\n");
    return n;
}

void gp_live_publish(gp_live *l, int64_t now_ns)
{
    gp_live_snap *snap;
    char *text;
    size_t len;

    if (!l)
        return;
    flush_gaps(l);
    if (now_ns - l->last_publish_ns < PUBLISH_NS)
        return;
    l->last_publish_ns = now_ns;
    snap = malloc(sizeof *snap);
    if (!snap)
        return;
    gp_live_snapshot(l, snap);
    len = gp_live_format(snap, l->fmt, GP_LIVE_SNAP_MAX);
    free(snap);
    text = malloc(len + 1);
    if (!text)
        return;
    memcpy(text, l->fmt, len + 1);
    pthread_mutex_lock(&l->lock);
    free(l->text);
    l->text = text;
    l->text_len = len;
    pthread_mutex_unlock(&l->lock);
}

void gp_live_job(gp_live *l, pid_t pid, const char *cmd, int64_t start_ns)
{
    if (!l)
        return;
    pthread_mutex_lock(&l->lock);
    l->pid = (uint32_t)pid;
    l->start_ns = start_ns;
    snprintf(l->cmd, sizeof l->cmd, "%s", cmd ? cmd : "");
    pthread_mutex_unlock(&l->lock);
}

void gp_live_job2(gp_live *l, pid_t pid, const char *cmd)
{
    if (!l)
        return;
    pthread_mutex_lock(&l->lock);
    l->pid2 = (uint32_t)pid;
    snprintf(l->cmd2, sizeof l->cmd2, "%s", cmd ? cmd : "");
    pthread_mutex_unlock(&l->lock);
}

/* ---- serving ------------------------------------------------------------------ */

/* Sends the served snapshot (or, before the first, the job alone). */
static int send_snapshot(gp_live *l, int fd)
{
    char small[1024];
    const char *p = small;
    char *copy = NULL;
    size_t len;
    ssize_t w;

    pthread_mutex_lock(&l->lock);
    if (l->text) {
        copy = malloc(l->text_len + 1);
        if (copy)
            memcpy(copy, l->text, l->text_len + 1);
        len = l->text_len;
        p = copy;
    } else {
        gp_live_snap s;
        memset(&s, 0, sizeof s);
        copy_job(l, &s);
        len = gp_live_format(&s, small, sizeof small);
    }
    pthread_mutex_unlock(&l->lock);
    if (!p)
        return -1;
    w = send(fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    free(copy);
    return w == (ssize_t)len ? 0 : -1; /* a client that cannot keep up is dropped */
}

static void accept_client(gp_live *l, int *clients)
{
    struct ucred cred;
    socklen_t clen = sizeof cred;
    int fd = accept4(l->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

    if (fd < 0)
        return;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 || cred.uid != getuid()) {
        close(fd);
        return;
    }
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (clients[i] < 0) {
            clients[i] = fd;
            return;
        }
    close(fd);
}

static void *serve_thread(void *arg)
{
    gp_live *l = arg;
    int clients[MAX_CLIENTS];

    for (int i = 0; i < MAX_CLIENTS; i++)
        clients[i] = -1;
    for (;;) {
        struct pollfd p[2 + MAX_CLIENTS];
        int n = 0;

        p[n++] = (struct pollfd){ .fd = l->wake[0], .events = POLLIN };
        p[n++] = (struct pollfd){ .fd = l->listen_fd, .events = POLLIN };
        for (int i = 0; i < MAX_CLIENTS; i++)
            p[n++] = (struct pollfd){ .fd = clients[i], .events = POLLIN };
        if (poll(p, (nfds_t)n, -1) < 0 && errno != EINTR)
            break;
        if (p[0].revents)
            break;
        if (p[1].revents & POLLIN)
            accept_client(l, clients);
        for (int i = 0; i < MAX_CLIENTS; i++) {
            char req[64];
            if (clients[i] < 0 || !p[2 + i].revents)
                continue;
            if (recv(clients[i], req, sizeof req, MSG_DONTWAIT) <= 0 ||
                send_snapshot(l, clients[i]) < 0) {
                close(clients[i]);
                clients[i] = -1;
            }
        }
    }
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (clients[i] >= 0)
            close(clients[i]);
    return NULL;
}

gp_status gp_live_serve(gp_live *l, char *path, size_t cap, gp_error *err)
{
    char dir[200];
    struct sockaddr_un sa;
    gp_status st = gp_rundir(dir, sizeof dir, err);

    if (st != GP_OK)
        return st;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    snprintf(l->path, sizeof l->path, "%s/live-%d.sock", dir, (int)getpid());
    if (strlen(l->path) >= sizeof sa.sun_path)
        return gp_error_set(err, GP_ERR_IO, "live socket path %s is too long", l->path);
    memcpy(sa.sun_path, l->path, strlen(l->path) + 1);
    unlink(l->path); /* a stale socket of an earlier process with this pid */
    l->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (l->listen_fd < 0 || bind(l->listen_fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        chmod(l->path, 0600) < 0 || listen(l->listen_fd, MAX_CLIENTS) < 0 ||
        pipe2(l->wake, O_CLOEXEC) < 0) {
        st = gp_error_set(err, GP_ERR_IO, "cannot serve the live socket %s: %s", l->path,
                          strerror(errno));
        goto fail;
    }
    if (pthread_create(&l->thread, NULL, serve_thread, l) != 0) {
        st = gp_error_set(err, GP_ERR_IO, "cannot start the live socket thread");
        goto fail;
    }
    l->serving = 1;
    if (path)
        snprintf(path, cap, "%s", l->path);
    return GP_OK;
fail:
    if (l->listen_fd >= 0) {
        close(l->listen_fd);
        unlink(l->path);
    }
    l->listen_fd = -1;
    return st;
}

void gp_live_free(gp_live *l)
{
    if (!l)
        return;
    if (l->serving) {
        if (write(l->wake[1], "x", 1) < 0)
            (void)0;
        pthread_join(l->thread, NULL);
        close(l->listen_fd);
        unlink(l->path);
    }
    if (l->wake[0] >= 0) {
        close(l->wake[0]);
        close(l->wake[1]);
    }
    for (size_t i = 0; i < NAME_SLOTS; i++)
        free(l->names[i].text);
    free(l->names);
    free(l->fmt);
    free(l->text);
    pthread_mutex_destroy(&l->lock);
    free(l);
}
