/* writer.h: the recorder's writer thread. It owns the trace store:
 * everything the recorder learns is queued here as an event and written in
 * arrival order, one transaction per batch.
 *
 * It is also where data from sockets is validated: each connection's
 * batches must come from the connected process, refer only to strings that
 * connection defined (within the wire window), and carry sane times;
 * records that fail are dropped and counted as GP_DROP_REJECTED, so a
 * malicious or broken peer can damage neither the trace nor the recorder.
 * In process records, host names are cleaned and bounded (gp_fmt_host) and
 * clock anchors out of bounds (gp_anchor_ok) stored as unknown; both are
 * counted in gp_recw_stats.rejected_values.
 *
 * The queue is bounded in bytes: gp_recw_full() tells the socket loop to
 * stop reading (backpressure) until the writer catches up.
 */
#ifndef GP_REC_WRITER_H
#define GP_REC_WRITER_H

#include <stdint.h>
#include <sys/types.h>

#include "common/batch.h"
#include "common/error.h"
#include "common/store.h"

typedef struct gp_recw gp_recw;

/* Takes ownership of w. Starts the thread. NULL if out of memory. */
gp_recw *gp_recw_start(gp_writer *w, size_t max_queue_bytes);

/* A connection opened by process pid (from the socket's peer credentials). */
void gp_recw_conn_open(gp_recw *q, int conn, pid_t pid);
/* A decoded batch from connection conn; the writer takes ownership of b. */
void gp_recw_batch(gp_recw *q, int conn, gp_batch *b);
/* A batch the connection sent that could not be decoded (counted). */
void gp_recw_rejected(gp_recw *q, int conn, uint64_t count);
/* The connection closed at end_ns; if its process never said goodbye, it
 * is marked lost and its unflushed records estimated. */
void gp_recw_conn_closed(gp_recw *q, int conn, int64_t end_ns);
/* Records made by the recorder itself (NVML samples, ...), strings by text:
 * string fields of the records index into texts (1-based; 0 none). */
void gp_recw_local(gp_recw *q, gp_batch *b);
/* The job's direct child: spawned, and later its exit. Its process row gets
 * this host's name and the clock anchors taken by these calls (a collector
 * in the child may then replace them with its own). The first child also
 * sets the trace's `host` and `anchor_start_*` meta, and gp_recw_finish then
 * its `anchor_end_*`: the recorder's own clock (docs/trace-format.md). */
void gp_recw_child_started(gp_recw *q, pid_t pid, const char *cmdline, int64_t start_ns);
void gp_recw_child_ended(gp_recw *q, pid_t pid, int64_t end_ns, int exited, int code);
void gp_recw_meta(gp_recw *q, const char *key, const char *value);

/* 1 while the queue is over its byte limit. */
int gp_recw_full(gp_recw *q);

typedef struct gp_recw_stats {
    uint64_t records, rejected, batches;
    /* Values out of bounds in records that were kept: clock anchors stored
     * as unknown, host names cleaned or cut (also the trace's meta
     * `rejected_values`). */
    uint64_t rejected_values;
    int processes;
    /* Writing failed (disk full, I/O error; said on stderr when it did):
     * the trace ends there and lost records were not written (the trace
     * counts them too when the disk let gp_recw_finish say so). */
    int write_failed;
    uint64_t lost;
    int64_t ingest_ns;  /* from the first event handled to the last commit */
    int64_t finish_ns;  /* closing the trace: indexes, checkpoint */
} gp_recw_stats;

/* Drains the queue, writes the final process rows, closes the trace
 * (indexes, checkpoint) and frees q. Returns the store's status. */
gp_status gp_recw_finish(gp_recw *q, gp_recw_stats *stats, gp_error *err);

#endif
