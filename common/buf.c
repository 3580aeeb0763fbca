/* buf.c: growable byte buffer. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

int gp_buf_reserve(gp_buf *b, size_t extra)
{
    size_t need, cap;
    uint8_t *p;

    if (extra > SIZE_MAX - b->len)
        return -1;
    need = b->len + extra;
    if (need <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    p = realloc(b->data, cap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

int gp_buf_append(gp_buf *b, const void *data, size_t n)
{
    if (n == 0)
        return 0;
    if (gp_buf_reserve(b, n) < 0)
        return -1;
    memcpy(b->data + b->len, data, n);
    b->len += n;
    return 0;
}

void gp_buf_consume(gp_buf *b, size_t n)
{
    if (n >= b->len) {
        b->len = 0;
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

void gp_buf_reset(gp_buf *b)
{
    b->len = 0;
}

void gp_buf_free(gp_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
