/* internal.h: pieces of the recorder shared by its files. Not public. */
#ifndef GP_REC_INTERNAL_H
#define GP_REC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/format.h"
#include "recorder/writer.h"

/* ---- child.c: the job ---- */

/* Starts argv with extra environment entries ("NAME=value", NULL-ended)
 * added to (replacing in) the recorder's own. Returns the child's pid, or
 * -1 with err set when it cannot start (exec failure is detected: the
 * message names the command and the reason). */
pid_t gp_rec_spawn(char *const *argv, char *const *extra_env, gp_error *err);

/* Finds the collector library to inject; err says where it looked. */
gp_status gp_rec_collector_path(char *out, size_t cap, gp_error *err);

/* 1 if a CUDA driver (libcuda.so.1) can be loaded on this machine. */
int gp_rec_have_driver(void);

/* ---- server.c: the collector socket ---- */

typedef struct gp_rec_server gp_rec_server;

/* Listens on a new socket in the runtime folder; its path in path. */
gp_rec_server *gp_rec_server_new(gp_recw *w, char *path, size_t cap, gp_error *err);
/* Waits up to timeout_ms for socket activity or the wake fd, and handles
 * it. Returns the number of open connections. */
int gp_rec_server_poll(gp_rec_server *s, int wake_fd, int timeout_ms);
/* Closes every connection (the processes behind them are marked lost
 * unless they said goodbye), the socket, and removes its file. */
void gp_rec_server_free(gp_rec_server *s);

/* ---- writer.c: live figures for top (live.h) ---- */

/* Feeds the job's kernels, calls and strings to live from the writer's next
 * transaction on; live must outlive gp_recw_finish. */
struct gp_live;
void gp_recw_live(gp_recw *q, struct gp_live *live);

/* ---- hosts.c: host names and clock anchors (the writer thread's) ---- */

typedef struct gp_rec_hosts {
    char own[GP_HOST_NAME_MAX + 1]; /* this host's name, cleaned */
    int own_done;                   /* the trace's host meta is written */
    gp_strid own_id;                /* own in the store */
    gp_strid raw, clean;            /* the last host name cleaned: store ids */
    uint64_t rejected;              /* values out of bounds so far */
} gp_rec_hosts;

/* Learns this host's name. */
void gp_rec_hosts_init(gp_rec_hosts *h);
/* Bounds what a process record from a socket says about its host: a host
 * name (a store id) is replaced by the id of its cleaned form (gp_fmt_host),
 * anchors out of bounds (gp_anchor_ok) become 0, unknown; each value that
 * needed it is counted. Fails only when the store does. */
gp_status gp_rec_hosts_check(gp_rec_hosts *h, gp_writer *w, gp_process *p, gp_error *err);
/* This host's name as a store id, for the processes the recorder started.
 * The first call also writes the trace's `host` and `anchor_start_*` meta
 * from the anchor given (taken when the first child started). */
gp_status gp_rec_hosts_own(gp_rec_hosts *h, gp_writer *w, int64_t anchor_ns, int64_t err_ns,
                           gp_strid *id, gp_error *err);
/* At the end: the trace's `anchor_end_*` meta (taken now, if the start was
 * written) and `rejected_values` (if any). */
gp_status gp_rec_hosts_finish(gp_rec_hosts *h, gp_writer *w, gp_error *err);

/* ---- lost.c: what a trace lacks when writing it fails (the writer thread's) ---- */

#define GP_REC_LOST_SOURCES 16 /* drop sources counted (gp_drop_source) */

typedef struct gp_rec_lost {
    uint64_t txn_rows, txn_drop_rows;        /* rows written in the open transaction */
    uint64_t txn_drops[GP_REC_LOST_SOURCES]; /* the drop counts those rows carry */
    int64_t fail_ns;                         /* when writing failed; 0 while it has not */
    uint64_t records;                        /* records not in the trace */
    uint64_t drops[GP_REC_LOST_SOURCES];     /* drop counts not in the trace, by source */
} gp_rec_lost;

/* A record (not a process row) was written in the open transaction. */
void gp_rec_lost_written(gp_rec_lost *l, int kind, const void *item);
/* The open transaction committed. */
void gp_rec_lost_committed(gp_rec_lost *l);
/* Writing failed at now_ns and the open transaction was rolled back: its
 * records are lost. Returns how many rows it had written. */
uint64_t gp_rec_lost_failed(gp_rec_lost *l, int64_t now_ns);
/* A record that was not written because writing had failed. */
void gp_rec_lost_record(gp_rec_lost *l, int kind, const void *item);
/* After a failure, at the end, in one transaction of the caller's: a
 * process row as the recorder last knew it (string ids the trace does not
 * hold become 0), then (finish) the counts of what is lost as dropped
 * records at the failure's time (GP_DROP_WRITE: the records not written)
 * and meta `write_error` = why. A few pages: SQLite writes them where the
 * rolled-back transaction's were, so it usually fits on the full disk. */
gp_status gp_rec_lost_process(gp_writer *w, const gp_process *p, gp_error *err);
gp_status gp_rec_lost_finish(const gp_rec_lost *l, gp_writer *w, const char *why, gp_error *err);

/* ---- summary.c ---- */

/* Prints the end-of-run summary of the trace at path to stderr. */
void gp_rec_summary(const char *path, const char *what, int64_t wall_ns, int status_line_code,
                    const gp_recw_stats *stats);

#endif
