/* frame.h: length-delimited framing of wire batches.
 *
 * A frame is a protobuf varint byte length followed by that many bytes.
 * The reader accepts bytes in arbitrary pieces (as a non-blocking socket
 * delivers them) and yields whole frames:
 *
 *     gp_frame_reader fr;
 *     gp_frame_reader_init(&fr, GP_FRAME_MAX);
 *     while ((n = read(fd, tmp, sizeof tmp)) > 0) {
 *         gp_frame_reader_feed(&fr, tmp, n);
 *         while ((rc = gp_frame_reader_next(&fr, &data, &len, &err)) > 0)
 *             handle(data, len);
 *         if (rc < 0) ... stream is invalid, close it ...
 *     }
 *     if (gp_frame_reader_pending(&fr)) ... stream ended inside a frame ...
 */
#ifndef GP_FRAME_H
#define GP_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "error.h"

#define GP_FRAME_MAX (16u << 20) /* largest frame a reader accepts */

/* A spool file (what a collector writes when it has no recorder) is these
 * 8 bytes followed by frames. */
#define GP_SPOOL_MAGIC "GPSPOOL1"
#define GP_SPOOL_MAGIC_LEN 8
#define GP_VARINT_MAX 10

/* Writes v as a protobuf varint into out (at least GP_VARINT_MAX bytes);
 * returns the number of bytes written. Cannot fail. */
size_t gp_varint_put(uint8_t *out, uint64_t v);
/* Reads a varint from data[0..n). Returns bytes consumed, 0 if more bytes
 * are needed, -1 if malformed (longer than 10 bytes). */
int gp_varint_get(const uint8_t *data, size_t n, uint64_t *v);

/* Appends one frame holding payload[0..n). Returns 0, or -1 if out of memory. */
int gp_frame_append(gp_buf *out, const void *payload, size_t n);

typedef struct gp_frame_reader {
    gp_buf buf;
    size_t pos;       /* start of the unread bytes in buf */
    size_t max_frame;
} gp_frame_reader;

void gp_frame_reader_init(gp_frame_reader *fr, size_t max_frame);
void gp_frame_reader_free(gp_frame_reader *fr);
/* Appends received bytes. Returns 0, or -1 if out of memory. */
int gp_frame_reader_feed(gp_frame_reader *fr, const void *data, size_t n);
/* Next whole frame: returns 1 and sets *data and *len (valid until the next
 * feed), 0 if no whole frame is buffered yet, -1 (with err set) if the
 * stream is invalid: a malformed length or a frame over max_frame. */
int gp_frame_reader_next(gp_frame_reader *fr, const uint8_t **data, size_t *len, gp_error *err);
/* Bytes buffered that do not yet form a whole frame. */
size_t gp_frame_reader_pending(const gp_frame_reader *fr);

#endif
