/* spool.h: reading a collector spool file (what a process writes when it
 * cannot reach a recorder) into a trace. The spool goes through the same
 * validation as a live connection (writer.h). */
#ifndef GP_SPOOL_H
#define GP_SPOOL_H

#include <stdint.h>

#include "common/error.h"
#include "common/store.h"

/* 1 if path starts with the spool magic, 0 if not, -1 if unreadable. */
int gp_spool_sniff(const char *path);

typedef struct gp_spool_stats {
    uint64_t batches, records, rejected;
    int truncated; /* the file ends inside a frame (the process was killed) */
} gp_spool_stats;

/* Reads the spool at path into w and closes w (even on failure). */
gp_status gp_spool_import(const char *path, gp_writer *w, gp_spool_stats *stats, gp_error *err);

#endif
