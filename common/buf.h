/* buf.h: a growable byte buffer.
 *
 *     gp_buf b = GP_BUF_INIT;
 *     if (gp_buf_append(&b, data, n) < 0) ... out of memory ...
 *     use(b.data, b.len);
 *     gp_buf_free(&b);
 */
#ifndef GP_BUF_H
#define GP_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct gp_buf {
    uint8_t *data;
    size_t len, cap;
} gp_buf;

#define GP_BUF_INIT { NULL, 0, 0 }

/* Makes room for `extra` more bytes. Returns 0, or -1 if out of memory
 * (the buffer is unchanged). Amortized O(1). */
int gp_buf_reserve(gp_buf *b, size_t extra);
int gp_buf_append(gp_buf *b, const void *data, size_t n);
/* Drops the first n bytes (memmove of the rest). */
void gp_buf_consume(gp_buf *b, size_t n);
void gp_buf_reset(gp_buf *b); /* len = 0, keeps the memory */
void gp_buf_free(gp_buf *b);

#endif
