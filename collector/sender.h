/* sender.h: the collector's outbound path: records -> batches -> frames ->
 * the recorder's socket, or a spool file when there is no recorder.
 *
 * Not thread-safe: the collector calls it under its own lock. Writing never
 * blocks on a socket (non-blocking, MSG_NOSIGNAL); encoded frames wait in a
 * bounded queue, and what does not fit is dropped and counted. A spool file
 * is written with plain write(2) from the collector's own thread.
 *
 * Every stream (connection or spool file) starts with the process record
 * ("hello"); a stream's string ids are its own (see wire.h's window rule).
 * If the recorder goes away, the sender says so once through opts.say and
 * continues into a spool file, so records are kept rather than lost.
 *
 *     gp_sender *s = gp_sender_new(&opts);
 *     gp_strid id = gp_sender_intern(s, "kernel_name");
 *     gp_sender_add(s, &record);
 *     gp_sender_flush(s, 0);                 // periodically, never waits
 *     gp_sender_goodbye(s, now);             // at exit
 *     gp_sender_flush(s, now + 2000000000);  // waits up to 2 s to drain
 *     gp_sender_free(s);
 */
#ifndef GP_COLLECTOR_SENDER_H
#define GP_COLLECTOR_SENDER_H

#include <stddef.h>
#include <stdint.h>

#include "common/event.h"
#include "common/frame.h"

typedef struct gp_sender_opts {
    const char *socket_path;   /* recorder socket; NULL or "": spool */
    const char *spool_dir;     /* folder for spool files; NULL: current folder */
    size_t max_queue_bytes;    /* encoded frames waiting to be written */
    size_t max_batch_bytes;    /* records waiting to be encoded */
    /* The process record sent first on every stream; its strings come as
     * text. A start anchor left 0 is taken by gp_sender_new (clock.h). */
    gp_process hello;
    const char *cmdline, *hostname, *version;
    void (*say)(const char *line); /* one-line notices for the user (stderr) */
} gp_sender_opts;

typedef struct gp_sender gp_sender;

/* Connects to the recorder, or opens a spool file if there is no socket or
 * it cannot be reached (said through say). NULL only if neither works
 * (said too); the caller then runs unprofiled. */
gp_sender *gp_sender_new(const gp_sender_opts *opts);
void gp_sender_free(gp_sender *s);

/* The wire id of a string, defining it in the current batch if needed.
 * 0 for NULL/"" or when out of memory. */
gp_strid gp_sender_intern(gp_sender *s, const char *text);
/* Queues a record for the next batch. Returns 0, or -1 if the batch is at
 * its memory limit (the caller counts the record as dropped). */
int gp_sender_add(gp_sender *s, const gp_record *r);
/* Counts records lost before reaching the sender; reported in the next batch. */
void gp_sender_count_drop(gp_sender *s, int source, uint64_t count);
/* Progress counters for the next batch header (cumulative). */
void gp_sender_set_progress(gp_sender *s, uint64_t ops_issued, uint64_t ops_recorded);
/* Records waiting in the current batch. */
size_t gp_sender_batch_records(const gp_sender *s);
/* Encodes the current batch (if it holds anything new) and writes what the
 * output takes. With deadline_ns > 0, waits (poll) until everything is
 * written or CLOCK_MONOTONIC passes deadline_ns; what is left is dropped and
 * counted. Returns the number of bytes still queued. */
size_t gp_sender_flush(gp_sender *s, int64_t deadline_ns);
/* Adds the final process record (end_ns, exited, status unknown, the clock
 * anchor now as its end anchor). */
void gp_sender_goodbye(gp_sender *s, int64_t end_ns);
/* Where records go, for messages: "the recorder (PATH)" or the spool path. */
const char *gp_sender_where(const gp_sender *s);
/* Total records dropped so far by source (for tests and the exit line). */
uint64_t gp_sender_dropped_total(const gp_sender *s);

#endif
