/* live.h: the recorder's live fan-out socket, read by `gpupack top`.
 *
 * The writer thread feeds every kernel, API call and string it writes into
 * a gp_live (O(1) per record, bounded memory: at most GP_LIVE_MAX_NAMES
 * strings of at most GP_LIVE_NAME_MAX bytes and GP_LIVE_MAX_KERNELS kernel
 * names are kept), and publishes a compact text snapshot at most 10 times a
 * second. A thread of its own serves the snapshot on
 * <runtime folder>/live-<recorder pid>.sock (mode 0600 inside the 0700
 * folder; peers of another user are refused): a client writes one byte and
 * reads one snapshot, ending with the line "end".
 *
 *     gp_live *l = gp_live_new();
 *     gp_live_serve(l, path, sizeof path, &err);   // optional: no socket, no top
 *     gp_live_job(l, pid, "python train.py", t0);
 *     gp_live_job2(l, pid2, "python serve.py");    // optional: a second job
 *     ... writer thread: gp_live_string / gp_live_kernel / gp_live_api ...
 *     ... writer thread: gp_live_publish(l, gp_now_ns()) ...
 *     gp_live_free(l);                             // after the writer thread ended
 *
 * The snapshot format (text, one "key value" line each; documented in
 * docs/top.md) is written by gp_live_format and read back by `top`, which
 * validates every line (tui/livejob.c).
 */
#ifndef GP_REC_LIVE_H
#define GP_REC_LIVE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/event.h"

#define GP_LIVE_VERSION 1
#define GP_LIVE_BIN_NS 500000000LL  /* history bins of 0.5 s */
#define GP_LIVE_HIST 20             /* bins kept: 10 s */
#define GP_LIVE_WINDOW_BINS 10      /* "last seconds" figures cover the last 10 bins
                                       (4.5 to 5 s: the newest bin is partial) */
#define GP_LIVE_TOP 8               /* kernels in a snapshot */
#define GP_LIVE_NAME_MAX 200        /* bytes of a kernel name kept */
#define GP_LIVE_MAX_NAMES 8192
#define GP_LIVE_MAX_KERNELS 256
#define GP_LIVE_SNAP_MAX 16384      /* a formatted snapshot is shorter than this */

/* Idle causes the live view can tell cheaply (a subset of the analyzer's). */
enum { GP_LIVE_IDLE_SYNC = 0, GP_LIVE_IDLE_LAUNCH, GP_LIVE_IDLE_HOST, GP_LIVE_IDLE_COUNT };
const char *gp_live_idle_name(int cause); /* "host sync", "launch-bound", "host work" */

typedef struct gp_live_kstat {
    char name[GP_LIVE_NAME_MAX + 1];
    int64_t count, total_ns;
} gp_live_kstat;

/* One snapshot of a job; also what `top` parses into. */
typedef struct gp_live_snap {
    uint32_t pid;                   /* the job's main process */
    int64_t start_ns;               /* when it started (CLOCK_MONOTONIC) */
    int64_t data_end_ns;            /* latest GPU time seen */
    char cmd[256];
    uint32_t pid2;                  /* a second job recorded with it (gpupack pack's
                                       training job); 0: none. The figures below
                                       cover both jobs' kernels. */
    char cmd2[256];
    int devices;                    /* GPUs the job used */
    int64_t kernels, kernel_ns;     /* since the start */
    int64_t win_ns;                 /* the span the win_* fields cover (ends at data_end_ns) */
    int64_t win_kernels, win_busy_ns, win_idle_ns;
    int64_t idle_ns[GP_LIVE_IDLE_COUNT], idle_count[GP_LIVE_IDLE_COUNT]; /* in the window */
    double busy_pct[GP_LIVE_HIST];  /* per bin, oldest first; -1: no data */
    int n_busy;
    gp_live_kstat top[GP_LIVE_TOP]; /* by total time since the start */
    int n_top;
} gp_live_snap;

typedef struct gp_live gp_live;

/* NULL if out of memory. */
gp_live *gp_live_new(void);
/* Stops the socket thread, removes the socket file, frees l; NULL ignored. */
void gp_live_free(gp_live *l);

/* Creates the socket in the runtime folder (path gets its name) and starts
 * the thread serving it. GP_OK, or an error saying why (top then cannot
 * see the job; recording goes on). */
gp_status gp_live_serve(gp_live *l, char *path, size_t cap, gp_error *err);

/* Any thread. gp_live_job2 names a second job of the same recording (the
 * snapshot then carries "pid2" and "cmd2" lines). */
void gp_live_job(gp_live *l, pid_t pid, const char *cmd, int64_t start_ns);
void gp_live_job2(gp_live *l, pid_t pid, const char *cmd);

/* Writer thread only; each O(1) (amortised). Strings by store id. */
void gp_live_string(gp_live *l, uint32_t id, const char *s, size_t len);
void gp_live_kernel(gp_live *l, const gp_kernel *k);
void gp_live_api(gp_live *l, const gp_api *a);
/* Ends a batch: gives its idle gaps their causes (the batch's sync calls
 * are known by then; O(log 4096) per gap), and makes the current state the
 * served snapshot, at most every 100 ms (O(GP_LIVE_MAX_KERNELS)). */
void gp_live_publish(gp_live *l, int64_t now_ns);
/* The current state as a snapshot (writer thread). */
void gp_live_snapshot(gp_live *l, gp_live_snap *out);

/* Writes s as text into buf (cap >= GP_LIVE_SNAP_MAX is always enough).
 * Returns the length. Pure. */
size_t gp_live_format(const gp_live_snap *s, char *buf, size_t cap);

#endif
