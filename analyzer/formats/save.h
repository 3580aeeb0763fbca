/* save.h: a job written as a gpupack trace (what gpupack import does with
 * PyTorch profiler and Nsight Systems files). */
#ifndef GP_SAVE_H
#define GP_SAVE_H

#include "common/error.h"
#include "common/store.h"
#include "analyzer/model/model.h"

/* Writes every rank of job into w (a new trace) and closes w, even on
 * failure. source goes into the trace's meta ("import kineto FILE"). */
gp_status gp_save_job(const gp_job *job, gp_writer *w, const char *source, gp_error *err);

#endif
