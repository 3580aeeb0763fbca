/* load.h: any supported input into a job.
 *
 * Inputs: a gpupack trace, a PyTorch profiler (Kineto) JSON or JSON.gz
 * trace, an Nsight Systems SQLite export. Each file becomes one or more
 * ranks of the job (several files: the ranks of one distributed job). */
#ifndef GP_LOAD_H
#define GP_LOAD_H

#include "common/error.h"
#include "analyzer/model/model.h"

typedef enum gp_input_kind {
    GP_INPUT_UNKNOWN = 0, GP_INPUT_TRACE, GP_INPUT_KINETO, GP_INPUT_NSYS, GP_INPUT_SPOOL
} gp_input_kind;

/* What a file is, from its first bytes (and SQLite header); never blocks
 * (common/infile.h). An input no reader takes (missing, not a regular file,
 * empty, none of the formats) is an error with the message every command
 * gives for it. */
gp_status gp_input_check(const char *path, gp_input_kind *kind, gp_error *err);
/* gp_input_check's kind, GP_INPUT_UNKNOWN on an error. */
gp_input_kind gp_input_sniff(const char *path);
const char *gp_input_kind_name(gp_input_kind k);

/* A gpupack trace: one rank per process with GPU work or CUDA calls. */
gp_status gp_load_trace(gp_job *job, const char *path, gp_error *err);
/* Any supported input, by its contents. */
gp_status gp_load_any(gp_job *job, const char *path, gp_error *err);

#endif
