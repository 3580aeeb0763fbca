/* test_frame.c: varints and the incremental frame reader. */
#include "config.h"

#include "common/frame.h"
#include "tests/tap.h"

int main(void)
{
    uint8_t b[GP_VARINT_MAX];
    uint64_t v;
    gp_buf out = GP_BUF_INIT;
    gp_frame_reader fr;
    gp_error err = { 0 };
    const uint8_t *data;
    size_t len;

    /* Varint encodings from the protobuf spec: 1 -> 01, 300 -> ac 02. */
    is_int(gp_varint_put(b, 1), 1, "1 is one byte");
    is_int(b[0], 1, "1 encodes as 0x01");
    is_int(gp_varint_put(b, 300), 2, "300 is two bytes");
    ok(b[0] == 0xac && b[1] == 0x02, "300 encodes as ac 02");
    is_int(gp_varint_get(b, 2, &v), 2, "decode 300 consumes 2");
    is_int(v, 300, "decode 300");
    is_int(gp_varint_get(b, 1, &v), 0, "incomplete varint needs more");
    is_int(gp_varint_put(b, UINT64_MAX), 10, "max is ten bytes");
    ok(gp_varint_get(b, 10, &v) == 10 && v == UINT64_MAX, "max round trip");
    {
        uint8_t bad[11] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
        is_int(gp_varint_get(bad, 11, &v), -1, "eleven-byte varint is malformed");
    }

    /* Asked before any byte was fed (the buffer is still NULL): no frame,
     * and no pointer arithmetic on NULL (UBSan reports that). */
    gp_frame_reader_init(&fr, 1000);
    data = NULL;
    is_int(gp_frame_reader_next(&fr, &data, &len, &err), 0, "no frame before the first feed");
    ok(data == NULL, "and nothing returned");
    gp_frame_reader_free(&fr);

    /* Three frames, fed one byte at a time: each comes out whole, in order. */
    gp_frame_append(&out, "hello", 5);
    gp_frame_append(&out, "", 0);
    {
        uint8_t big[300];
        for (int i = 0; i < 300; i++)
            big[i] = (uint8_t)i;
        gp_frame_append(&out, big, sizeof big);
    }
    gp_frame_reader_init(&fr, 1000);
    {
        size_t lens[3], nframes = 0;
        int bad = 0;
        for (size_t i = 0; i < out.len; i++) {
            int rc;
            gp_frame_reader_feed(&fr, out.data + i, 1);
            while ((rc = gp_frame_reader_next(&fr, &data, &len, &err)) > 0) {
                if (nframes < 3)
                    lens[nframes] = len;
                if (nframes == 2)
                    for (size_t j = 0; j < len; j++)
                        bad |= data[j] != (uint8_t)j;
                nframes++;
            }
            bad |= rc < 0;
        }
        is_int(nframes, 3, "three frames from byte-by-byte feeding");
        ok(lens[0] == 5 && lens[1] == 0 && lens[2] == 300, "frame lengths 5, 0, 300");
        ok(!bad, "payload bytes intact");
        is_int(gp_frame_reader_pending(&fr), 0, "nothing left over");
    }
    gp_frame_reader_free(&fr);

    /* A frame cut short: pending bytes, no frame. */
    gp_frame_reader_init(&fr, 1000);
    gp_frame_reader_feed(&fr, out.data, 4);
    is_int(gp_frame_reader_next(&fr, &data, &len, &err), 0, "partial frame is not returned");
    is_int(gp_frame_reader_pending(&fr), 4, "partial bytes pending");
    gp_frame_reader_free(&fr);

    /* A frame over the limit is an error, not an allocation. */
    gp_frame_reader_init(&fr, 100);
    gp_buf_reset(&out);
    gp_varint_put(b, 1u << 30);
    gp_buf_append(&out, b, gp_varint_put(b, 1u << 30));
    gp_frame_reader_feed(&fr, out.data, out.len);
    is_int(gp_frame_reader_next(&fr, &data, &len, &err), -1, "oversized frame rejected");
    like(err.msg, "over the 100-byte limit", "message gives the limit");
    gp_frame_reader_free(&fr);

    /* Garbage length. */
    gp_frame_reader_init(&fr, 100);
    {
        uint8_t junk[12];
        memset(junk, 0xff, sizeof junk);
        gp_frame_reader_feed(&fr, junk, sizeof junk);
    }
    is_int(gp_frame_reader_next(&fr, &data, &len, &err), -1, "malformed length rejected");
    like(err.msg, "malformed frame length", "message");
    gp_frame_reader_free(&fr);
    gp_buf_free(&out);
    return done_testing();
}
