/* frame.c: varint length framing. */
#include "config.h"

#include <string.h>

#include "frame.h"

size_t gp_varint_put(uint8_t *out, uint64_t v)
{
    size_t n = 0;

    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

int gp_varint_get(const uint8_t *data, size_t n, uint64_t *v)
{
    uint64_t x = 0;

    for (size_t i = 0; i < n && i < GP_VARINT_MAX; i++) {
        x |= (uint64_t)(data[i] & 0x7f) << (7 * i);
        if (!(data[i] & 0x80)) {
            *v = x;
            return (int)i + 1;
        }
    }
    return n >= GP_VARINT_MAX ? -1 : 0;
}

int gp_frame_append(gp_buf *out, const void *payload, size_t n)
{
    uint8_t hdr[GP_VARINT_MAX];
    size_t h = gp_varint_put(hdr, n);

    if (gp_buf_reserve(out, h + n) < 0)
        return -1;
    gp_buf_append(out, hdr, h);
    gp_buf_append(out, payload, n);
    return 0;
}

void gp_frame_reader_init(gp_frame_reader *fr, size_t max_frame)
{
    memset(fr, 0, sizeof *fr);
    fr->max_frame = max_frame;
}

void gp_frame_reader_free(gp_frame_reader *fr)
{
    gp_buf_free(&fr->buf);
    fr->pos = 0;
}

int gp_frame_reader_feed(gp_frame_reader *fr, const void *data, size_t n)
{
    /* Drop consumed bytes when they are at least half the buffer or the new
     * bytes would not fit: amortized O(1) per byte, and the buffer holds at
     * most about two frames plus what was just received. */
    if (fr->pos > 0 && (fr->pos * 2 >= fr->buf.len || fr->buf.cap - fr->buf.len < n)) {
        gp_buf_consume(&fr->buf, fr->pos);
        fr->pos = 0;
    }
    return gp_buf_append(&fr->buf, data, n);
}

int gp_frame_reader_next(gp_frame_reader *fr, const uint8_t **data, size_t *len, gp_error *err)
{
    size_t avail = fr->buf.len - fr->pos;
    const uint8_t *p;
    uint64_t n;
    int h;

    if (avail == 0)
        return 0; /* also before the first feed, when buf.data is still NULL */
    p = fr->buf.data + fr->pos;
    h = gp_varint_get(p, avail, &n);
    if (h < 0) {
        gp_error_set(err, GP_ERR_INPUT, "malformed frame length");
        return -1;
    }
    if (h == 0)
        return 0;
    if (n > fr->max_frame) {
        gp_error_set(err, GP_ERR_INPUT, "frame of %llu bytes is over the %zu-byte limit",
                     (unsigned long long)n, fr->max_frame);
        return -1;
    }
    if (avail - (size_t)h < n)
        return 0;
    *data = p + h;
    *len = (size_t)n;
    fr->pos += (size_t)h + (size_t)n;
    return 1;
}

size_t gp_frame_reader_pending(const gp_frame_reader *fr)
{
    return fr->buf.len - fr->pos;
}
