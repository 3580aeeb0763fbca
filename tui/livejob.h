/* livejob.h: the jobs gpupack is recording on this machine, as `top` sees
 * them through the recorders' live sockets (recorder/live.h).
 *
 *     tui_jobs J;
 *     tui_jobs_init(&J);           // finds the runtime folder
 *     tui_jobs_refresh(&J);        // every refresh: new sockets, one snapshot each
 *     ... J.v[i].snap ...
 *     tui_jobs_free(&J);
 *
 * Everything read from a socket is validated by tui_live_parse: a snapshot
 * that fails is dropped and the job shows its last good one.
 */
#ifndef GP_TUI_LIVEJOB_H
#define GP_TUI_LIVEJOB_H

#include <stddef.h>
#include <stdint.h>

#include "recorder/live.h"

#define TUI_MAX_JOBS 32
#define TUI_JOB_HIST 120 /* kernel-rate samples kept, one per refresh */

typedef struct tui_job {
    char sock[256];
    int fd;                 /* -1: not connected */
    int ok;                 /* snap holds a valid snapshot */
    gp_live_snap snap;
    int64_t prev_kernels;   /* at the previous refresh, for the rate */
    int64_t prev_ns;
    double rate;            /* kernels per second between the last two refreshes */
    double rate_hist[TUI_JOB_HIST];
    int n_rate;
} tui_job;

typedef struct tui_jobs {
    char dir[200];          /* the runtime folder; "" if it could not be had */
    tui_job v[TUI_MAX_JOBS];
    int n;
    char why[512];          /* why the folder is unavailable */
} tui_jobs;

void tui_jobs_init(tui_jobs *J);
/* Lists live-*.sock in the folder, connects new ones (a socket whose
 * connect fails is stale and ignored), asks each job for a snapshot (at
 * most 100 ms each) and drops jobs that went away. */
void tui_jobs_refresh(tui_jobs *J, int64_t now_ns);
void tui_jobs_free(tui_jobs *J);

/* Parses a snapshot (gp_live_format's text). 0, or -1 with why set: bad
 * version, unknown line, a number out of range, a second "pid2" or a pid2
 * of 0, "cmd2" before "pid2", missing "end". Pure. */
int tui_live_parse(const char *text, size_t len, gp_live_snap *out, char *why, size_t why_cap);

/* Findings a job's snapshot supports, one line each ("FP32 GEMMs: 38 % of
 * GPU time, TF32 would save ~30 %"), most important first. Returns how
 * many were written (at most max). Pure. */
int tui_live_findings(const gp_live_snap *s, char (*out)[160], int max);

#endif
