/* decode.h: CUPTI activity records to gpupack records.
 *
 * Runs on whichever thread CUPTI hands a completed buffer to; the caller
 * serializes calls on one decoder. Pure apart from the callbacks: strings
 * are interned through env->intern (the text is copied there, so records
 * may outlive the CUPTI buffer), records leave through env->emit.
 *
 *     gp_decoder *d = gp_decoder_new(&env);
 *     while (cupti.ActivityGetNextRecord(buf, valid, &rec) == CUPTI_SUCCESS)
 *         gp_decode(d, rec);
 *     ...
 *     gp_decoder_finish(d, exit_ns);   // ranges never closed end at exit
 *     gp_decoder_free(d);
 *
 * NVTX ranges arrive from CUPTI as a START and an END marker sharing an
 * id (plus an optional MARKER_DATA record with colour and payload); the
 * decoder pairs them and emits one gp_nvtx per range. At most
 * GP_DECODE_MAX_OPEN_RANGES ranges are open at once; more are dropped and
 * counted (GP_DROP_COLLECTOR).
 */
#ifndef GP_COLLECTOR_DECODE_H
#define GP_COLLECTOR_DECODE_H

#include <cupti.h>
#include <stdint.h>

#include "common/event.h"

#define GP_DECODE_MAX_OPEN_RANGES 4096

typedef struct gp_decode_env {
    void *ud;
    /* Id of string s in the output's string table; 0 if it cannot be stored. */
    gp_strid (*intern)(void *ud, const char *s);
    /* Name of an API function (e.g. "cudaLaunchKernel"), or NULL. */
    const char *(*api_name)(void *ud, CUpti_CallbackDomain domain, uint32_t cbid);
    /* Takes one record; returns 0, or -1 if it had no room (the decoder
     * then counts the record as dropped by the collector). */
    int (*emit)(void *ud, const gp_record *r);
    /* Records lost before they could be emitted. */
    void (*dropped)(void *ud, int source, uint64_t count);
    /* A CUPTI timestamp on the trace clock (CLOCK_MONOTONIC ns), 0 for
     * "none"; NULL: CUPTI's times are already on it. */
    int64_t (*time)(void *ud, uint64_t cupti_ts);
} gp_decode_env;

typedef struct gp_decoder gp_decoder;

/* NULL if out of memory. */
gp_decoder *gp_decoder_new(const gp_decode_env *env);
void gp_decoder_free(gp_decoder *d);
/* Decodes one record. Unknown kinds are ignored. O(1) expected. */
void gp_decode(gp_decoder *d, const CUpti_Activity *rec);
/* Emits every range still open as ending at end_ns. */
void gp_decoder_finish(gp_decoder *d, int64_t end_ns);
/* GPU operation records (kernels, copies, memsets not from a graph)
 * decoded so far, those dropped for lack of timestamps included; compared
 * with the operations the process issued. */
uint64_t gp_decoder_ops_recorded(const gp_decoder *d);

#endif
