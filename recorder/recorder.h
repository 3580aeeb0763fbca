/* recorder.h: `gpupack record`: runs a job under the collector and writes
 * its trace.
 *
 * The recorder listens on a private socket (per-user runtime folder, 0700),
 * starts the job with the collector injected (CUDA_INJECTION64_PATH) and
 * receives from every process of the job that uses CUDA. Signals reach the
 * job (Ctrl-C once: the job handles it; twice: SIGTERM; three times:
 * SIGKILL) and the trace is finished in every case. The recorder's exit
 * code is the job's (128 + signal when it was killed).
 */
#ifndef GP_RECORDER_H
#define GP_RECORDER_H

#include <stdint.h>

#include "common/batch.h"

typedef struct gp_record_opts {
    const char *output;  /* trace path; NULL: gpupack-CMD-N.gpupack, never overwriting */
    int force;           /* overwrite output if it exists */
    int counters;        /* hardware counters (PM sampling) in the job */
    int quiet;           /* no summary at exit */
    double nvml_hz;      /* NVML sampling rate; 0 off */
    char *const *argv;   /* the job: argv[0] is looked up in PATH */
    /* gpupack pack: a second job (argv2, or NULL) runs beside the first into
     * the same trace; env1/env2 are extra "NAME=value" entries (NULL-ended,
     * or NULL) for each job; tick (or NULL) is called about every 100 ms
     * with which jobs have ended and may add records (strings by text, as
     * gp_recw_local takes them) to out; statuses (or NULL) receives both
     * jobs' wait statuses. The run ends when every job has ended. */
    char *const *argv2;
    char *const *env1, *const *env2;
    void (*tick)(void *ud, int64_t now_ns, const int done[2], gp_batch *out);
    void *tick_ud;
    int *statuses;
} gp_record_opts;

/* Runs the job and records it. Returns the process exit code: the job's
 * status, or 2 for a usage/input problem, 3 for an internal one (the job
 * is not started then). Messages go to stderr. */
int gp_record_run(const gp_record_opts *opts);

#endif
