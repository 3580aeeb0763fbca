/* sender.c: batches to the recorder's socket or to a spool file. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/batch.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/strcache.h"
#include "common/wire.h"
#include "sender.h"

enum { OUT_SOCKET, OUT_SPOOL, OUT_DEAD };

#define N_SOURCES 8

typedef struct frame_info {
    size_t end;       /* offset just past the frame in the queue */
    uint32_t records; /* records it carries (drops and hello excluded) */
} frame_info;

struct gp_sender {
    gp_sender_opts opts; /* strings below are our copies */
    char *socket_path, *spool_dir, *cmdline, *hostname, *version;
    int fd, mode;
    char where[700];

    gp_batch *batch;
    gp_wire_enc *enc;
    gp_strcache *strings;
    gp_strid next_id;
    int need_hello, hello_in_batch;
    uint64_t seq;

    gp_buf queue;
    frame_info *frames;
    size_t n_frames, cap_frames;

    uint64_t pending_drop[N_SOURCES];
    uint64_t dropped_total;
    uint64_t ops_issued, ops_recorded, sent_issued, sent_recorded;
};

static void say(gp_sender *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(gp_sender *s, const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    if (!s->opts.say)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    s->opts.say(line);
}

static void count_drop(gp_sender *s, int source, uint64_t n)
{
    if (!n)
        return;
    s->pending_drop[source >= 0 && source < N_SOURCES ? source : 0] += n;
    s->dropped_total += n;
}

/* ---- outputs ------------------------------------------------------------ */

static int connect_socket(const char *path)
{
    struct sockaddr_un sa;
    int fd, tries = 0;

    if (strlen(path) >= sizeof sa.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, path);
    while (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        /* A full backlog answers EAGAIN: the recorder is busy accepting. */
        if (errno == EAGAIN && tries++ < 50) {
            struct timespec ts = { 0, 2000000 };
            nanosleep(&ts, NULL);
            continue;
        }
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static int open_spool(gp_sender *s)
{
    char path[600];
    int fd = -1;

    for (int n = 0; n < 100 && fd < 0; n++) {
        if (n == 0)
            snprintf(path, sizeof path, "%s/gpupack-%u.gpspool", s->spool_dir, s->opts.hello.pid);
        else
            snprintf(path, sizeof path, "%s/gpupack-%u-%d.gpspool", s->spool_dir,
                     s->opts.hello.pid, n);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0)
        return -1;
    if (write(fd, GP_SPOOL_MAGIC, GP_SPOOL_MAGIC_LEN) != GP_SPOOL_MAGIC_LEN) {
        close(fd);
        unlink(path);
        return -1;
    }
    s->fd = fd;
    s->mode = OUT_SPOOL;
    snprintf(s->where, sizeof s->where, "%s", path);
    return 0;
}

/* Starts a new stream: fresh string ids, the hello first. */
static void new_stream(gp_sender *s)
{
    gp_strcache_clear(s->strings);
    s->need_hello = 1;
    s->seq = 0;
}

/* Drops every queued frame (counted) and empties the queue. */
static void drop_queue(gp_sender *s)
{
    for (size_t i = 0; i < s->n_frames; i++)
        count_drop(s, GP_DROP_SOCKET, s->frames[i].records);
    s->n_frames = 0;
    gp_buf_reset(&s->queue);
}

/* The socket failed: keep going into a spool file. */
static void lose_recorder(gp_sender *s, int err)
{
    char old[700];

    snprintf(old, sizeof old, "%s", s->where);
    close(s->fd);
    s->fd = -1;
    drop_queue(s);
    new_stream(s);
    if (open_spool(s) == 0) {
        say(s, "lost %s (%s); this process's further records go to %s", old, strerror(err),
            s->where);
    } else {
        s->mode = OUT_DEAD;
        say(s, "lost %s (%s) and cannot write a spool file in %s (%s); this process's further "
               "records are dropped", old, strerror(err), s->spool_dir, strerror(errno));
    }
}

gp_sender *gp_sender_new(const gp_sender_opts *opts)
{
    gp_sender *s = calloc(1, sizeof *s);

    if (!s)
        return NULL;
    s->opts = *opts;
    s->fd = -1;
    s->socket_path = strdup(opts->socket_path ? opts->socket_path : "");
    s->spool_dir = strdup(opts->spool_dir && *opts->spool_dir ? opts->spool_dir : ".");
    s->cmdline = strdup(opts->cmdline ? opts->cmdline : "");
    s->hostname = strdup(opts->hostname ? opts->hostname : "");
    s->version = strdup(opts->version ? opts->version : "");
    s->batch = gp_batch_new();
    s->enc = gp_wire_enc_new();
    /* Half the wire window: every cached id is among the last 32768 issued. */
    s->strings = gp_strcache_new(GP_WIRE_STRING_WINDOW / 2, 8u << 20);
    if (!s->socket_path || !s->spool_dir || !s->cmdline || !s->hostname || !s->version ||
        !s->batch || !s->enc || !s->strings) {
        gp_sender_free(s);
        return NULL;
    }
    if (!s->opts.hello.anchor_start_ns)
        gp_clock_anchor(&s->opts.hello.anchor_start_ns, &s->opts.hello.anchor_start_err_ns);
    new_stream(s);
    if (*s->socket_path) {
        s->fd = connect_socket(s->socket_path);
        if (s->fd >= 0) {
            s->mode = OUT_SOCKET;
            snprintf(s->where, sizeof s->where, "the recorder (%s)", s->socket_path);
            return s;
        }
        int e = errno;
        if (open_spool(s) < 0) {
            say(s, "cannot reach the recorder at %s (%s) nor write a spool file in %s (%s); "
                   "this process runs unprofiled", s->socket_path, strerror(e), s->spool_dir,
                strerror(errno));
            gp_sender_free(s);
            return NULL;
        }
        say(s, "cannot reach the recorder at %s (%s); recording to %s instead (read it with "
               "gpupack import)", s->socket_path, strerror(e), s->where);
        return s;
    }
    if (open_spool(s) < 0) {
        say(s, "no recorder (GPUPACK_SOCKET unset) and cannot write a spool file in %s (%s); "
               "this process runs unprofiled", s->spool_dir, strerror(errno));
        gp_sender_free(s);
        return NULL;
    }
    return s;
}

void gp_sender_free(gp_sender *s)
{
    if (!s)
        return;
    if (s->fd >= 0)
        close(s->fd);
    gp_batch_free(s->batch);
    gp_wire_enc_free(s->enc);
    gp_strcache_free(s->strings);
    gp_buf_free(&s->queue);
    free(s->frames);
    free(s->socket_path);
    free(s->spool_dir);
    free(s->cmdline);
    free(s->hostname);
    free(s->version);
    free(s);
}

const char *gp_sender_where(const gp_sender *s)
{
    return s->where;
}

uint64_t gp_sender_dropped_total(const gp_sender *s)
{
    return s->dropped_total;
}

/* ---- records -------------------------------------------------------------- */

gp_strid gp_sender_intern(gp_sender *s, const char *text)
{
    size_t len;
    int64_t id;

    if (!text || !*text)
        return 0;
    len = strlen(text);
    if (gp_strcache_find(s->strings, text, len, &id))
        return (gp_strid)id;
    if (++s->next_id == 0) /* 4 billion strings later: 0 is reserved */
        s->next_id = 1;
    if (gp_batch_add_string(s->batch, s->next_id, text, len) < 0)
        return 0;
    /* If the cache cannot take it, the string is still defined in this
     * batch; it is simply sent again next time. */
    gp_strcache_put(s->strings, text, len, s->next_id);
    return s->next_id;
}

int gp_sender_add(gp_sender *s, const gp_record *r)
{
    if (gp_batch_bytes(s->batch) > s->opts.max_batch_bytes)
        return -1;
    return gp_batch_add(s->batch, r);
}

void gp_sender_count_drop(gp_sender *s, int source, uint64_t count)
{
    count_drop(s, source, count);
}

void gp_sender_set_progress(gp_sender *s, uint64_t ops_issued, uint64_t ops_recorded)
{
    s->ops_issued = ops_issued;
    s->ops_recorded = ops_recorded;
}

size_t gp_sender_batch_records(const gp_sender *s)
{
    return gp_batch_record_count(s->batch);
}

static void add_hello(gp_sender *s)
{
    gp_record r;

    gp_record_init(&r, GP_KIND_PROCESS);
    r.u.process = s->opts.hello;
    r.u.process.cmdline = gp_sender_intern(s, s->cmdline);
    r.u.process.hostname = gp_sender_intern(s, s->hostname);
    r.u.process.collector_version = gp_sender_intern(s, s->version);
    gp_batch_add(s->batch, &r);
    s->need_hello = 0;
    s->hello_in_batch = 1;
}

void gp_sender_goodbye(gp_sender *s, int64_t end_ns)
{
    gp_record r;

    if (s->need_hello)
        add_hello(s);
    gp_record_init(&r, GP_KIND_PROCESS);
    r.u.process = s->opts.hello;
    r.u.process.cmdline = gp_sender_intern(s, s->cmdline);
    r.u.process.hostname = gp_sender_intern(s, s->hostname);
    r.u.process.collector_version = gp_sender_intern(s, s->version);
    r.u.process.end_ns = end_ns;
    gp_clock_anchor(&r.u.process.anchor_end_ns, &r.u.process.anchor_end_err_ns);
    r.u.process.end_reason = GP_END_EXITED;
    r.u.process.exit_status = -1; /* unknown inside atexit; the recorder may know */
    gp_batch_add(s->batch, &r);
}

/* Encodes the batch into the queue. Drop counters go in as records; if the
 * frame does not fit the queue it is discarded and everything in it counted. */
static void encode_batch(gp_sender *s)
{
    uint64_t drops[N_SOURCES];
    size_t before = s->queue.len, records;
    int hello = s->hello_in_batch;

    if (s->need_hello)
        add_hello(s), hello = 1;
    memcpy(drops, s->pending_drop, sizeof drops);
    for (int i = 0; i < N_SOURCES; i++) {
        gp_record r;
        if (!drops[i])
            continue;
        gp_record_init(&r, GP_KIND_DROPPED);
        r.u.dropped.ts_ns = gp_now_ns();
        r.u.dropped.source = i;
        r.u.dropped.count = drops[i];
        gp_batch_add(s->batch, &r);
        s->pending_drop[i] = 0;
    }
    records = gp_batch_record_count(s->batch);
    if (records == 0 && gp_batch_string_count(s->batch) == 0 &&
        s->ops_issued == s->sent_issued && s->ops_recorded == s->sent_recorded)
        return;
    gp_batch_set_header(s->batch, GP_WIRE_VERSION, s->opts.hello.pid, ++s->seq);
    gp_batch_set_progress(s->batch, s->ops_issued, s->ops_recorded);
    if (s->n_frames == s->cap_frames) {
        size_t cap = s->cap_frames ? 2 * s->cap_frames : 16;
        frame_info *f = realloc(s->frames, cap * sizeof *f);
        if (f) {
            s->frames = f;
            s->cap_frames = cap;
        }
    }
    if (s->n_frames < s->cap_frames &&
        gp_wire_encode_frame(s->enc, s->batch, &s->queue) == GP_OK &&
        s->queue.len <= s->opts.max_queue_bytes) {
        size_t meta = 0;
        for (int i = 0; i < N_SOURCES; i++)
            meta += drops[i] != 0;
        s->frames[s->n_frames].end = s->queue.len;
        s->frames[s->n_frames].records = (uint32_t)(records - meta - (size_t)hello);
        s->n_frames++;
        s->sent_issued = s->ops_issued;
        s->sent_recorded = s->ops_recorded;
        s->hello_in_batch = 0;
    } else {
        /* No room: discard the frame. Its string definitions are gone, so
         * start ids afresh; restore the drop counts it carried. */
        s->queue.len = before;
        s->seq--;
        for (int i = 0; i < N_SOURCES; i++)
            s->pending_drop[i] += drops[i];
        count_drop(s, GP_DROP_SOCKET, records);
        gp_strcache_clear(s->strings);
        if (hello)
            s->need_hello = 1;
        s->hello_in_batch = 0;
    }
    gp_batch_clear(s->batch);
}

/* Writes what the output takes now. */
static void write_queue(gp_sender *s)
{
    size_t done = 0;

    while (done < s->queue.len && s->mode != OUT_DEAD) {
        ssize_t n;
        if (s->mode == OUT_SOCKET)
            n = send(s->fd, s->queue.data + done, s->queue.len - done, MSG_NOSIGNAL | MSG_DONTWAIT);
        else
            n = write(s->fd, s->queue.data + done, s->queue.len - done);
        if (n > 0) {
            done += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (s->mode == OUT_SOCKET) {
            lose_recorder(s, n < 0 ? errno : EPIPE);
            return; /* the queue was dropped; the spool starts clean */
        }
        say(s, "cannot write %s (%s); this process's further records are dropped", s->where,
            strerror(n < 0 ? errno : EIO));
        s->mode = OUT_DEAD;
        drop_queue(s);
        return;
    }
    if (done == 0)
        return;
    gp_buf_consume(&s->queue, done);
    {
        size_t keep = 0;
        for (size_t i = 0; i < s->n_frames; i++) {
            if (s->frames[i].end <= done)
                continue;
            s->frames[keep] = s->frames[i];
            s->frames[keep].end -= done;
            keep++;
        }
        s->n_frames = keep;
    }
}

size_t gp_sender_flush(gp_sender *s, int64_t deadline_ns)
{
    if (s->mode == OUT_DEAD) {
        count_drop(s, GP_DROP_SOCKET, gp_batch_record_count(s->batch));
        gp_batch_clear(s->batch);
        return 0;
    }
    encode_batch(s);
    write_queue(s);
    while (deadline_ns > 0 && s->queue.len && s->mode == OUT_SOCKET) {
        int64_t left = deadline_ns - gp_now_ns();
        struct pollfd p = { s->fd, POLLOUT, 0 };

        if (left <= 0)
            break;
        if (poll(&p, 1, (int)(left / 1000000 + 1)) < 0 && errno != EINTR)
            break;
        write_queue(s);
    }
    if (deadline_ns > 0 && s->queue.len)
        drop_queue(s); /* the end: nobody will take them */
    return s->queue.len;
}
