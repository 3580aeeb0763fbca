/* server.c: the socket the job's collectors connect to.
 *
 * One poll loop in the recorder's main thread: accepts connections from
 * processes of this user only (SO_PEERCRED), reads frames, decodes them and
 * hands batches to the writer thread. Cost per record: one protobuf decode.
 * While the writer's queue is full, sockets are not read (the collectors
 * queue, then drop and count).
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/frame.h"
#include "common/wire.h"
#include "recorder/internal.h"
#include "common/rundir.h"

#define MAX_CONNS 4096
#define READ_CHUNK (256 * 1024)
#define READ_BUDGET (4 << 20) /* bytes read from one connection per poll round */

typedef struct conn {
    int fd, id;
    pid_t pid;
    gp_frame_reader fr;
    int warned_version;
} conn;

struct gp_rec_server {
    gp_recw *w;
    int listen_fd;
    char path[256];
    conn *conns;
    int n_conns;
    int next_id;
    gp_wire_dec *dec;
    struct pollfd *pfd;
    uint8_t *buf;
};

gp_rec_server *gp_rec_server_new(gp_recw *w, char *path, size_t cap, gp_error *err)
{
    gp_rec_server *s = calloc(1, sizeof *s);
    struct sockaddr_un sa;
    char dir[200];
    mode_t old;

    if (!s || !(s->conns = calloc(MAX_CONNS, sizeof *s->conns)) ||
        !(s->pfd = calloc(MAX_CONNS + 2, sizeof *s->pfd)) || !(s->buf = malloc(READ_CHUNK)) ||
        !(s->dec = gp_wire_dec_new())) {
        gp_error_set(err, GP_ERR_NOMEM, "out of memory");
        goto fail;
    }
    s->w = w;
    s->listen_fd = -1;
    if (gp_rundir(dir, sizeof dir, err) != GP_OK)
        goto fail;
    snprintf(s->path, sizeof s->path, "%s/rec-%d.sock", dir, (int)getpid());
    if (strlen(s->path) >= sizeof sa.sun_path) {
        gp_error_set(err, GP_ERR_IO, "socket path %s is too long", s->path);
        goto fail;
    }
    unlink(s->path); /* a stale socket of a recorder that had our pid */
    s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (s->listen_fd < 0) {
        gp_error_set(err, GP_ERR_IO, "cannot create a socket: %s", strerror(errno));
        goto fail;
    }
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, s->path);
    old = umask(0177); /* the socket file: 0600 */
    if (bind(s->listen_fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        listen(s->listen_fd, 128) < 0) {
        umask(old);
        gp_error_set(err, GP_ERR_IO, "%s: cannot listen: %s", s->path, strerror(errno));
        goto fail;
    }
    umask(old);
    snprintf(path, cap, "%s", s->path);
    return s;
fail:
    if (s && s->listen_fd >= 0)
        close(s->listen_fd);
    if (s) {
        gp_wire_dec_free(s->dec);
        free(s->conns);
        free(s->pfd);
        free(s->buf);
        free(s);
    }
    return NULL;
}

static void drop_conn(gp_rec_server *s, int i)
{
    conn *c = &s->conns[i];

    gp_recw_conn_closed(s->w, c->id, gp_now_ns());
    close(c->fd);
    gp_frame_reader_free(&c->fr);
    s->conns[i] = s->conns[--s->n_conns];
}

static void accept_all(gp_rec_server *s)
{
    for (;;) {
        struct ucred cred;
        socklen_t len = sizeof cred;
        int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        conn *c;

        if (fd < 0)
            return;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != getuid() ||
            s->n_conns >= MAX_CONNS) {
            close(fd); /* another user, or too many: not ours to record */
            continue;
        }
        c = &s->conns[s->n_conns++];
        memset(c, 0, sizeof *c);
        c->fd = fd;
        c->pid = cred.pid;
        c->id = s->next_id++;
        gp_frame_reader_init(&c->fr, GP_FRAME_MAX);
        gp_recw_conn_open(s->w, c->id, c->pid);
    }
}

/* Decodes every whole frame buffered for c. Returns -1 if the stream is
 * broken (the connection is then dropped). */
static int decode_frames(gp_rec_server *s, conn *c)
{
    const uint8_t *data;
    size_t len;
    gp_error err = { 0 };
    int rc;

    while ((rc = gp_frame_reader_next(&c->fr, &data, &len, &err)) > 0) {
        gp_batch *b = gp_batch_new();
        uint32_t version;

        if (!b)
            return -1;
        if (gp_wire_decode(s->dec, data, len, b, &err) != GP_OK) {
            fprintf(stderr, "gpupack record: rejected a malformed batch from pid %d: %s\n",
                    (int)c->pid, err.msg);
            gp_batch_free(b);
            gp_recw_rejected(s->w, c->id, 1);
            continue;
        }
        gp_batch_header(b, &version, NULL, NULL);
        if (version > GP_WIRE_VERSION && !c->warned_version) {
            c->warned_version = 1;
            fprintf(stderr, "gpupack record: pid %d sends wire format %u, newer than this "
                    "recorder's %u; reading what it knows\n", (int)c->pid, version,
                    GP_WIRE_VERSION);
        }
        gp_recw_batch(s->w, c->id, b);
    }
    if (rc < 0) {
        fprintf(stderr, "gpupack record: closing the connection of pid %d: %s\n", (int)c->pid,
                err.msg);
        gp_recw_rejected(s->w, c->id, 1);
        return -1;
    }
    return 0;
}

/* Reads what c has (up to a budget). Returns -1 when it closed or broke. */
static int read_conn(gp_rec_server *s, conn *c)
{
    size_t total = 0;

    while (total < READ_BUDGET) {
        ssize_t n = read(c->fd, s->buf, READ_CHUNK);
        if (n > 0) {
            total += (size_t)n;
            if (gp_frame_reader_feed(&c->fr, s->buf, (size_t)n) < 0 || decode_frames(s, c) < 0)
                return -1;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (gp_frame_reader_pending(&c->fr))
            fprintf(stderr, "gpupack record: pid %d closed its connection in the middle of a "
                    "batch (%zu bytes lost)\n", (int)c->pid, gp_frame_reader_pending(&c->fr));
        return -1; /* EOF or error */
    }
    return 0;
}

int gp_rec_server_poll(gp_rec_server *s, int wake_fd, int timeout_ms)
{
    int full = gp_recw_full(s->w), n = 0;

    s->pfd[n++] = (struct pollfd){ wake_fd, POLLIN, 0 };
    s->pfd[n++] = (struct pollfd){ s->listen_fd, POLLIN, 0 };
    for (int i = 0; i < s->n_conns; i++)
        s->pfd[n++] = (struct pollfd){ s->conns[i].fd, full ? 0 : POLLIN, 0 };
    if (full && timeout_ms > 10)
        timeout_ms = 10; /* check again soon whether the writer caught up */
    if (poll(s->pfd, (nfds_t)n, timeout_ms) <= 0)
        return s->n_conns;
    if (s->pfd[1].revents & POLLIN)
        accept_all(s);
    /* Walk backwards: drop_conn moves the last connection into the hole. */
    for (int i = n - 3; i >= 0; i--) {
        if (i >= s->n_conns || !s->pfd[i + 2].revents)
            continue;
        if (read_conn(s, &s->conns[i]) < 0)
            drop_conn(s, i);
    }
    return s->n_conns;
}

void gp_rec_server_free(gp_rec_server *s)
{
    if (!s)
        return;
    while (s->n_conns)
        drop_conn(s, s->n_conns - 1);
    close(s->listen_fd);
    unlink(s->path);
    gp_wire_dec_free(s->dec);
    free(s->conns);
    free(s->pfd);
    free(s->buf);
    free(s);
}
