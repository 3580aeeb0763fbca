/* wire.h: batches to and from the protobuf wire format (proto/gpupack.proto).
 *
 * The only code that sees the generated protobuf-c types; everything else
 * deals in gp_batch. An encoder and a decoder each keep scratch memory that
 * is reused across calls, so steady-state encoding/decoding does not touch
 * malloc. Neither is thread-safe; use one per thread.
 *
 *     gp_wire_enc *e = gp_wire_enc_new();
 *     gp_wire_encode_frame(e, batch, &out);   // appends varint length + Batch
 *
 *     gp_wire_dec *d = gp_wire_dec_new();
 *     gp_wire_decode(d, payload, len, batch, &err);  // one Batch, no length
 */
#ifndef GP_WIRE_H
#define GP_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "buf.h"
#include "error.h"

/* Version this build sends. Bump when a field's meaning changes; adding
 * fields does not need a bump (see proto/gpupack.proto). */
#define GP_WIRE_VERSION 1u
/* A sender reuses a string id only while it is among its last this-many ids. */
#define GP_WIRE_STRING_WINDOW 65536u

typedef struct gp_wire_enc gp_wire_enc;
typedef struct gp_wire_dec gp_wire_dec;

gp_wire_enc *gp_wire_enc_new(void);
void gp_wire_enc_free(gp_wire_enc *e);
/* Appends one frame holding batch b to out. Returns GP_OK or GP_ERR_NOMEM
 * (out is then unchanged). O(records + string bytes). */
gp_status gp_wire_encode_frame(gp_wire_enc *e, const gp_batch *b, gp_buf *out);

gp_wire_dec *gp_wire_dec_new(void);
void gp_wire_dec_free(gp_wire_dec *d);
/* Clears b and fills it from one serialized Batch (without its length).
 * Records with pid 0 get the batch's pid. Returns GP_OK, GP_ERR_INPUT for
 * bytes that are not a valid Batch or carry wire_version 0 (err says which),
 * or GP_ERR_NOMEM. A wire_version newer than GP_WIRE_VERSION decodes
 * normally; callers decide whether to warn (gp_batch_header). */
gp_status gp_wire_decode(gp_wire_dec *d, const uint8_t *data, size_t len, gp_batch *b,
                         gp_error *err);

#endif
