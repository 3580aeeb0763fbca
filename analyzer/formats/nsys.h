/* nsys.h: Nsight Systems SQLite exports (`nsys export --type sqlite`) into
 * a job, one rank per process that ran work on a GPU.
 *
 *     gp_error err = {0};
 *     if (gp_nsys_sniff(path) == 1 && gp_nsys_load(job, path, &err) != GP_OK)
 *         fprintf(stderr, "gpupack: %s\n", err.msg);
 *
 * What is read, and from which tables and columns, is the contract at the
 * top of nsys.c. Times stay on the export's own timeline (int64 ns since
 * the start of the nsys session); nothing is shifted.
 */
#ifndef GP_NSYS_H
#define GP_NSYS_H

#include "common/error.h"
#include "analyzer/model/model.h"

/* 1 if path is an SQLite file with the Nsight Systems export tables
 * (StringIds and a CUPTI_ACTIVITY_KIND_* table), 0 if not (another kind of
 * file, another SQLite database), -1 if it cannot be read (missing,
 * unreadable, or an SQLite file too damaged to list its tables).
 * Opens the file read-only; reads its header and schema only. */
int gp_nsys_sniff(const char *path);

/* Loads the export as one rank per process that has GPU activity (a
 * globalPid with kernels, copies or memsets), in pid order, adding them to
 * job, and finishes each rank (gp_rank_finish). The file is opened
 * read-only and streamed: memory is that of the records kept, not of the
 * file. O(rows + rows_kept log rows_kept).
 *
 * Returns GP_OK, or with err naming the file:
 *   GP_ERR_IO     the file cannot be opened or read (including SQLite I/O errors);
 *   GP_ERR_INPUT  not an SQLite database; an SQLite database that is not an
 *                 Nsight Systems export (the message names what is missing);
 *                 a table without a column it needs or with a column of
 *                 another type (the message names both); a GPU record
 *                 ending before it starts or without integer times; an
 *                 export with no GPU activity; a damaged database;
 *   GP_ERR_NOMEM  out of memory.
 * On failure ranks already added from this file stay in job, partly
 * filled: discard the job. */
gp_status gp_nsys_load(gp_job *job, const char *path, gp_error *err);

#endif
