/* session.h: the collector's one session per process.
 *
 * Contract with the job: nothing here exits, aborts, or raises; failures
 * print one line on stderr ("gpupack: pid N: ...") and leave the process
 * running unprofiled. The job's threads only run CUPTI callbacks that do
 * an atomic increment (launches) or describe a new context/stream (rare);
 * decoding happens on CUPTI's thread and our flush thread, I/O on the flush
 * thread and at exit.
 */
#ifndef GP_COLLECTOR_SESSION_H
#define GP_COLLECTOR_SESSION_H

/* Starts recording this process (idempotent, thread-safe). Called from the
 * driver's InitializeInjection. */
void gp_session_start(void);

/* CUPTI's NVTX injection entry, loading CUPTI if needed; NULL if none. */
typedef int (*gp_nvtx_init_fn)(void *get_export_table);
gp_nvtx_init_fn gp_session_nvtx_target(void);

/* Prints "gpupack: pid N: <line>" on stderr (one write). */
void gp_session_say(const char *line);

#endif
