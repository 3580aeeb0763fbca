/* test_wire.c: batches through the protobuf wire format and back. */
#include "config.h"

#include "common/batch.h"
#include "common/frame.h"
#include "common/wire.h"
#include "records.h"
#include "tests/tap.h"

#define PER_KIND 50

/* Decodes the single frame in buf into b. */
static gp_status decode_frame(gp_wire_dec *d, const gp_buf *buf, gp_batch *b, gp_error *err)
{
    uint64_t n;
    int h = gp_varint_get(buf->data, buf->len, &n);

    if (h <= 0 || (size_t)h + n != buf->len)
        return gp_error_set(err, GP_ERR_INPUT, "bad frame");
    return gp_wire_decode(d, buf->data + h, (size_t)n, b, err);
}

static void round_trip_every_kind(void)
{
    gp_batch *in = gp_batch_new(), *out = gp_batch_new();
    gp_wire_enc *e = gp_wire_enc_new();
    gp_wire_dec *d = gp_wire_dec_new();
    gp_buf buf = GP_BUF_INIT;
    gp_error err = { 0 };
    static const char *const texts[] = { "void gemm<float>(float*)", "", "cudaLaunchKernel",
                                         "step \xce\xbb 3", "nccl" };
    gp_strid ids[5] = { 1, 2, 3, 70000, 5 };
    uint32_t ver, pid;
    uint64_t seq;

    gp_batch_set_header(in, GP_WIRE_VERSION, 4242, 17);
    gp_batch_set_progress(in, 123456789012ull, 123456789000ull);
    for (int i = 0; i < 5; i++)
        gp_batch_add_string(in, ids[i], texts[i], strlen(texts[i]));
    for (int k = 0; k < GP_KIND_COUNT; k++)
        for (int i = 0; i < PER_KIND; i++) {
            gp_record r;
            rec_random(&r, k, (uint64_t)k * 1000 + (uint64_t)i, i, ids, 5);
            gp_batch_add(in, &r);
        }
    is_int(gp_wire_encode_frame(e, in, &buf), GP_OK, "encode");
    is_int(decode_frame(d, &buf, out, &err), GP_OK, "decode: %s", err.msg);
    gp_batch_header(out, &ver, &pid, &seq);
    ok(ver == GP_WIRE_VERSION && pid == 4242 && seq == 17, "header survives");
    {
        uint64_t issued, recorded;
        gp_batch_progress(out, &issued, &recorded);
        ok(issued == 123456789012ull && recorded == 123456789000ull, "progress counters survive");
    }
    is_int(gp_batch_string_count(out), 5, "five strings");
    for (size_t i = 0; i < 5; i++) {
        gp_strid id;
        const char *t = gp_batch_string(out, i, &id, NULL);
        ok(id == ids[i] && strcmp(t, texts[i]) == 0, "string %zu: id %u \"%s\"", i, id, t);
    }
    for (int k = 0; k < GP_KIND_COUNT; k++) {
        size_t n;
        int bad = 0;
        const char *field = "";
        gp_batch_items(out, k, &n);
        is_int(n, PER_KIND, "%s: all records decoded", gp_kind_name(k));
        for (size_t i = 0; i < n && !bad; i++) {
            gp_record a, b;
            gp_batch_get(in, k, i, &a);
            gp_batch_get(out, k, i, &b);
            if (!rec_equal(&a, &b, &field)) {
                diag("%s record %zu differs in %s", gp_kind_name(k), i, field);
                bad = 1;
            }
        }
        ok(!bad, "%s: every field equal after the round trip", gp_kind_name(k));
    }

    /* The same encoder/decoder reused: scratch memory is recycled. */
    gp_buf_reset(&buf);
    gp_batch_clear(in);
    gp_batch_set_header(in, GP_WIRE_VERSION, 9, 18);
    is_int(gp_wire_encode_frame(e, in, &buf), GP_OK, "encode an empty batch");
    is_int(decode_frame(d, &buf, out, &err), GP_OK, "decode an empty batch");
    is_int(gp_batch_record_count(out), 0, "no records");

    gp_buf_free(&buf);
    gp_batch_free(in);
    gp_batch_free(out);
    gp_wire_enc_free(e);
    gp_wire_dec_free(d);
}

/* Hand-made protobuf bytes stand for other versions of the collector. */
static void compatibility(void)
{
    gp_wire_dec *d = gp_wire_dec_new();
    gp_batch *b = gp_batch_new();
    gp_error err = { 0 };
    const gp_kernel *k;
    size_t n;
    uint32_t pid;

    /* An older collector: Batch{wire_version=1, pid=77, kernels=[{start_ns=5,
     * end_ns=9}]} with no other fields. Absent fields read as zero and the
     * kernel takes the batch's pid. Field 9 (kernels), length 4: 08 05 10 09. */
    {
        static const uint8_t old[] = { 0x08, 0x01, 0x10, 0x4d, 0x4a, 0x04, 0x08, 0x05, 0x10, 0x09 };
        is_int(gp_wire_decode(d, old, sizeof old, b, &err), GP_OK, "older stream decodes");
        k = gp_batch_items(b, GP_KIND_KERNEL, &n);
        ok(n == 1 && k[0].start_ns == 5 && k[0].end_ns == 9, "kernel times read");
        ok(n == 1 && k[0].pid == 77, "kernel pid defaults to the batch pid");
        ok(n == 1 && k[0].grid_x == 0 && k[0].name == 0, "absent fields are zero");
    }
    /* A newer collector: version 2 and an unknown field 100 (varint 5) in
     * the batch and an unknown field 99 in the kernel: both skipped. */
    {
        static const uint8_t newer[] = { 0x08, 0x02, 0x10, 0x4d, 0xa0, 0x06, 0x05,
                                         0x4a, 0x07, 0x08, 0x05, 0x10, 0x09, 0x98, 0x06, 0x01 };
        is_int(gp_wire_decode(d, newer, sizeof newer, b, &err), GP_OK,
               "newer stream with unknown fields decodes: %s", err.msg);
        gp_batch_header(b, NULL, &pid, NULL);
        k = gp_batch_items(b, GP_KIND_KERNEL, &n);
        ok(pid == 77 && n == 1 && k[0].end_ns == 9, "known fields read past unknown ones");
    }
    /* Version 0 (no version field): not a gpupack stream. */
    {
        static const uint8_t nover[] = { 0x10, 0x4d };
        is_int(gp_wire_decode(d, nover, sizeof nover, b, &err), GP_ERR_INPUT,
               "batch without version rejected");
        like(err.msg, "wire version", "message says why");
    }
    /* Garbage and truncation. */
    {
        static const uint8_t junk[] = { 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00 };
        static const uint8_t cut[] = { 0x08, 0x01, 0x4a, 0x07, 0x08, 0x05 };
        is_int(gp_wire_decode(d, junk, sizeof junk, b, &err), GP_ERR_INPUT, "junk rejected");
        like(err.msg, "not a valid gpupack batch", "message");
        is_int(gp_wire_decode(d, cut, sizeof cut, b, &err), GP_ERR_INPUT,
               "truncated sub-message rejected");
        is_int(gp_batch_record_count(b), 0, "a rejected batch leaves no records");
    }
    /* Random bytes never crash the decoder. */
    {
        uint8_t rnd[256];
        int crashed = 0;
        for (int i = 0; i < 2000; i++) {
            size_t len = tap_rand() % sizeof rnd;
            for (size_t j = 0; j < len; j++)
                rnd[j] = (uint8_t)tap_rand();
            gp_status st = gp_wire_decode(d, rnd, len, b, &err);
            crashed |= st != GP_OK && st != GP_ERR_INPUT;
        }
        ok(!crashed, "2000 random inputs: decoded or rejected, nothing else");
    }
    gp_batch_free(b);
    gp_wire_dec_free(d);
}

/* The hello's host name and clock anchors (Process fields 10 and 14 to 17
 * in proto/gpupack.proto), in bytes written out by hand from the field
 * numbers; and a hello of a collector from before the anchors. */
static void hello_anchors(void)
{
    gp_wire_dec *d = gp_wire_dec_new();
    gp_wire_enc *e = gp_wire_enc_new();
    gp_batch *b = gp_batch_new(), *back = gp_batch_new();
    gp_buf buf = GP_BUF_INIT;
    gp_error err = { 0 };
    const gp_process *p;
    size_t n;

    /* Batch{wire_version=1 (08 01), pid=77 (10 4d),
     *       strings=[{id=1 (08 01), text="node-7" (12 06 ...)}] (22 0a ...),
     *       processes=[Process (2a LEN) {pid=77 (08 4d), start_ns=1000 (20 e8 07),
     *                  hostname=1 (50 01), then in the new hello:
     *                  anchor_start_ns=1700000000123456789     (70 + 9-byte varint),
     *                  anchor_start_err_ns=25                  (78 19),
     *                  anchor_end_ns=1700000000123457789       (80 01 + 9-byte varint),
     *                  anchor_end_err_ns=31                    (88 01 1f)}]} */
    static const uint8_t old[] = {
        0x08, 0x01, 0x10, 0x4d, 0x22, 0x0a, 0x08, 0x01, 0x12, 0x06, 0x6e, 0x6f, 0x64, 0x65,
        0x2d, 0x37, 0x2a, 0x07, 0x08, 0x4d, 0x20, 0xe8, 0x07, 0x50, 0x01,
    };
    static const uint8_t new_hello[] = {
        0x08, 0x01, 0x10, 0x4d, 0x22, 0x0a, 0x08, 0x01, 0x12, 0x06, 0x6e, 0x6f, 0x64, 0x65,
        0x2d, 0x37, 0x2a, 0x21, 0x08, 0x4d, 0x20, 0xe8, 0x07, 0x50, 0x01,
        0x70, 0x95, 0x9a, 0x97, 0xec, 0xe3, 0x9f, 0xe7, 0xcb, 0x17,
        0x78, 0x19,
        0x80, 0x01, 0xfd, 0xa1, 0x97, 0xec, 0xe3, 0x9f, 0xe7, 0xcb, 0x17,
        0x88, 0x01, 0x1f,
    };

    is_int(gp_wire_decode(d, new_hello, sizeof new_hello, b, &err), GP_OK,
           "a hello with anchors decodes: %s", err.msg);
    p = gp_batch_items(b, GP_KIND_PROCESS, &n);
    ok(n == 1 && p[0].pid == 77 && p[0].start_ns == 1000 && p[0].hostname == 1,
       "its pid, start and host name (string 1)");
    ok(n == 1 && p[0].anchor_start_ns == 1700000000123456789LL && p[0].anchor_start_err_ns == 25,
       "start anchor and its error: fields 14 and 15");
    ok(n == 1 && p[0].anchor_end_ns == 1700000000123457789LL && p[0].anchor_end_err_ns == 31,
       "end anchor and its error: fields 16 and 17");
    is_str(gp_batch_string(b, 0, NULL, NULL), "node-7", "the host name's text");

    /* Encoded again: the same fields come back. */
    is_int(gp_wire_encode_frame(e, b, &buf), GP_OK, "encode it");
    is_int(decode_frame(d, &buf, back, &err), GP_OK, "and decode: %s", err.msg);
    {
        gp_record x, y;
        const char *field = "";
        gp_batch_get(b, GP_KIND_PROCESS, 0, &x);
        gp_batch_get(back, GP_KIND_PROCESS, 0, &y);
        ok(gp_batch_record_count(back) == 1 && rec_equal(&x, &y, &field),
           "round trip keeps every field (%s)", field);
    }

    is_int(gp_wire_decode(d, old, sizeof old, b, &err), GP_OK,
           "a hello without anchors (older collector) decodes: %s", err.msg);
    p = gp_batch_items(b, GP_KIND_PROCESS, &n);
    ok(n == 1 && p[0].pid == 77 && p[0].hostname == 1, "its pid and host name");
    ok(n == 1 && p[0].anchor_start_ns == 0 && p[0].anchor_start_err_ns == 0 &&
           p[0].anchor_end_ns == 0 && p[0].anchor_end_err_ns == 0,
       "its anchors read as 0, unknown");

    gp_buf_free(&buf);
    gp_batch_free(b);
    gp_batch_free(back);
    gp_wire_enc_free(e);
    gp_wire_dec_free(d);
}

int main(void)
{
    round_trip_every_kind();
    compatibility();
    hello_anchors();
    return done_testing();
}
