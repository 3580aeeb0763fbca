/* evil_client.c: run under `gpupack record`, talks to the recorder's socket
 * like a broken or malicious collector would:
 *   1. a valid batch: hello + 2 kernels named "good_kernel"        (kept)
 *      whose hello has a 10 kB host name full of control characters
 *      and an anchor before 1970, followed by three more process records
 *      with anchors out of bounds        (kept; 5 values rejected: 1 + 4)
 *   2. a frame whose payload is not protobuf                        (1 rejected)
 *   3. a kernel naming string id 999, never defined                 (1 rejected)
 *   4. a kernel ending before it starts                             (1 rejected)
 *   5. times outside [0, 2^62) ns (common/checked.h): kernels over
 *      [INT64_MIN, INT64_MAX], [0, INT64_MAX] and [0, 2^62], a sample
 *      whose ts + dur leaves int64, a process record starting at -1
 *                                                                   (5 rejected)
 *   6. a batch claiming to come from another pid                    (1 rejected)
 *   7. a valid batch with 1 more kernel                              (kept)
 *   8. a frame announcing 1 GiB                  (1 rejected, connection closed)
 * so the trace must hold 3 kernels and 10 rejected records, the process
 * with a cleaned host name (255 bytes) and no hostile anchor, and the
 * recorder must survive. A second connection then sends half a frame and
 * hangs up.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/batch.h"
#include "common/clock.h"
#include "common/frame.h"
#include "common/wire.h"

static int connect_to(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        perror("evil_client: connect");
        exit(1);
    }
    return fd;
}

static void send_all(int fd, const void *p, size_t n)
{
    if (write(fd, p, n) != (ssize_t)n) {
        perror("evil_client: write");
        exit(1);
    }
}

static void kernel(gp_batch *b, int64_t s, int64_t e, gp_strid name)
{
    gp_record r;
    gp_record_init(&r, GP_KIND_KERNEL);
    r.u.kernel.start_ns = s;
    r.u.kernel.end_ns = e;
    r.u.kernel.device = 0;
    r.u.kernel.stream = 7;
    r.u.kernel.name = name;
    gp_batch_add(b, &r);
}

static void send_batch(int fd, gp_wire_enc *enc, gp_batch *b)
{
    gp_buf out = GP_BUF_INIT;
    gp_wire_encode_frame(enc, b, &out);
    send_all(fd, out.data, out.len);
    gp_buf_free(&out);
    gp_batch_clear(b);
}

int main(void)
{
    const char *path = getenv("GPUPACK_SOCKET");
    gp_wire_enc *enc = gp_wire_enc_new();
    gp_batch *b = gp_batch_new();
    uint32_t pid = (uint32_t)getpid();
    gp_record r;
    static char host[10240];
    static const int64_t bad[][4] = { /* start, start err, end, end err */
        { GP_ANCHOR_MAX_NS + 1, 0, 0, 0 },
        { 1700000000000000000LL, -1, 0, 0 },
        { 0, 0, INT64_MIN, INT64_MAX },
    };
    int fd;

    if (!path) {
        fprintf(stderr, "evil_client: run me under gpupack record\n");
        return 2;
    }
    fd = connect_to(path);

    gp_batch_set_header(b, GP_WIRE_VERSION, pid, 1); /* 1 */
    gp_batch_add_string(b, 1, "good_kernel", 11);
    for (size_t i = 0; i < sizeof host; i++) /* clear screen, red, newline, ... */
        host[i] = "\x1b[2J\x1b[31mevil\r\n\xff"[i % 16];
    gp_batch_add_string(b, 2, host, sizeof host);
    gp_record_init(&r, GP_KIND_PROCESS);
    r.u.process.pid = pid;
    r.u.process.start_ns = 1;
    r.u.process.hostname = 2;
    r.u.process.anchor_start_ns = -5;
    gp_batch_add(b, &r);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r.u.process.anchor_start_ns = bad[i][0];
        r.u.process.anchor_start_err_ns = bad[i][1];
        r.u.process.anchor_end_ns = bad[i][2];
        r.u.process.anchor_end_err_ns = bad[i][3];
        gp_batch_add(b, &r);
    }
    kernel(b, 100, 200, 1);
    kernel(b, 300, 400, 1);
    send_batch(fd, enc, b);

    {
        uint8_t junk[] = { 0x05, 0xff, 0xff, 0xff, 0xff, 0xff }; /* 2: length 5, junk */
        send_all(fd, junk, sizeof junk);
    }
    gp_batch_set_header(b, GP_WIRE_VERSION, pid, 2); /* 3 */
    kernel(b, 500, 600, 999);
    send_batch(fd, enc, b);
    gp_batch_set_header(b, GP_WIRE_VERSION, pid, 3); /* 4 */
    kernel(b, 800, 700, 1);
    send_batch(fd, enc, b);
    gp_batch_set_header(b, GP_WIRE_VERSION, pid, 4); /* 5 */
    kernel(b, INT64_MIN, INT64_MAX, 1);
    kernel(b, 0, INT64_MAX, 1);
    kernel(b, 0, INT64_C(1) << 62, 1);
    gp_record_init(&r, GP_KIND_METRIC);
    r.u.metric.ts_ns = 1;
    r.u.metric.dur_ns = INT64_MAX;
    r.u.metric.value = 1;
    gp_batch_add(b, &r);
    gp_record_init(&r, GP_KIND_PROCESS);
    r.u.process.pid = pid;
    r.u.process.start_ns = -1;
    gp_batch_add(b, &r);
    send_batch(fd, enc, b);
    gp_batch_set_header(b, GP_WIRE_VERSION, pid + 1, 5); /* 6 */
    kernel(b, 900, 950, 1);
    send_batch(fd, enc, b);
    gp_batch_set_header(b, GP_WIRE_VERSION, pid, 6); /* 7 */
    kernel(b, 1000, 1100, 1);
    send_batch(fd, enc, b);
    {
        uint8_t hdr[GP_VARINT_MAX]; /* 8 */
        size_t h = gp_varint_put(hdr, 1u << 30);
        send_all(fd, hdr, h);
    }
    close(fd);

    fd = connect_to(path); /* half a frame, then hang up */
    {
        uint8_t half[] = { 0x40, 0x08, 0x01 };
        send_all(fd, half, sizeof half);
    }
    close(fd);
    gp_batch_free(b);
    gp_wire_enc_free(enc);
    printf("evil_client: done\n");
    return 0;
}
