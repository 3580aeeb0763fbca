/* internal.h: pieces of the recorder shared by its files. Not public. */
#ifndef GP_REC_INTERNAL_H
#define GP_REC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
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

/* ---- summary.c ---- */

/* Prints the end-of-run summary of the trace at path to stderr. */
void gp_rec_summary(const char *path, const char *what, int64_t wall_ns, int status_line_code,
                    const gp_recw_stats *stats);

#endif
