/* kineto.h: imports a PyTorch profiler (Kineto) trace into a gp_job.
 *
 * A Kineto trace is Chrome-trace JSON, often gzip-compressed, written by
 * torch.profiler (export_chrome_trace / tensorboard_trace_handler). One
 * file is one process: it becomes one rank of the job.
 *
 *     if (gp_kineto_sniff(path) == 1 &&
 *         gp_kineto_load(job, path, &err) != GP_OK)
 *         fprintf(stderr, "gpupack: %s\n", err.msg);
 *
 * What is read ("X" complete events; ts and dur are microseconds, maybe
 * fractional, converted to exact integer ns from their decimal text):
 *   kernel/Kernel                  -> gp_op KERNEL (device, stream, correlation,
 *                                     grid -> blocks, block -> threads, registers,
 *                                     shared memory)
 *   gpu_memcpy/Memcpy, gpu_memset/Memset -> gp_op MEMCPY / MEMSET (bytes; copy
 *                                     and memory kinds parsed from the name)
 *   cuda_runtime/Runtime, cuda_driver -> gp_call (runtime / driver domain)
 *   cuda_sync                      -> gp_syncrec (Event/Stream/Context Sync,
 *                                     Stream Wait Event)
 *   user_annotation, cpu_op/Operator, python_function -> gp_range ANNOTATION,
 *                                     CPU_OP, PYTHON (External id)
 *   gpu_user_annotation            -> no record (a GPU-side copy of an
 *                                     annotation, not a host range)
 *   deviceProperties               -> gp_devinfo; distributedInfo.rank -> rank
 * GPU records (kernels, copies, memsets, syncs) take the host process's pid
 * (Kineto writes the device id as their pid): the pid of the API call with
 * the same correlation id, else the process's own (rank->pid).
 *
 * HTA events (rank->hta, rank->hta_native = 1): one per traceEvents element
 * that Holistic Trace Analysis keeps when it loads the file, in file order
 * (docs/hta-semantics.md section 2), with ts/dur as strtod reads them, and
 * rank->hta_rounding set by section 2.1 (HTA_DISABLE_NS_ROUNDING=1 clears it).
 *
 * Cost: one pass over the decompressed text, O(1) memory per byte read;
 * memory is proportional to the events kept, not to the file.
 */
#ifndef GP_KINETO_H
#define GP_KINETO_H

#include "common/error.h"
#include "analyzer/model/model.h"

/* 1 if the file looks like a Kineto trace (gzip or JSON with traceEvents),
 * 0 if not, -1 if it cannot be read. Reads at most the first few MiB. */
int gp_kineto_sniff(const char *path);

/* Loads one Kineto trace file as a new rank of job (gzip is detected by its
 * magic bytes) and finishes the rank (gp_rank_finish). Returns GP_OK;
 * GP_ERR_IO if the file cannot be opened or read; GP_ERR_INPUT if it is not
 * a Kineto trace, is cut short, is not valid JSON, or holds a GPU event
 * without ts/dur; GP_ERR_NOMEM. On error the job gains no rank, and err
 * says which file and what is wrong. An event with impossible times (a
 * negative dur, times outside common/checked.h's range) is left out of the
 * records and the HTA events and counted in the rank's bad_times.
 * schemaVersion: 1 or absent is accepted. */
gp_status gp_kineto_load(gp_job *job, const char *path, gp_error *err);

#endif
