/* infile.c: opening an input file without blocking (contract in infile.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frame.h"
#include "infile.h"

/* What a non-regular file is, for the message. */
static const char *kind_of(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a named pipe (FIFO)";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    return "something else";
}

static int refuse(const char *path, mode_t mode, gp_error *err)
{
    gp_error_set(err, GP_ERR_INPUT, "%s: %s, not a regular file; gpupack reads its input only "
                 "from regular files", path, kind_of(mode));
    return -1;
}

static int fail_errno(const char *path, int e, gp_error *err)
{
    gp_error_set(err, e == ENOENT || e == ENOTDIR ? GP_ERR_INPUT : GP_ERR_IO, "%s: %s", path,
                 strerror(e));
    return -1;
}

int gp_infile_open(const char *path, gp_error *err)
{
    struct stat sb;
    int fd, fl;

    /* stat first: a device or FIFO is never opened (opening one may block
     * or act); the fstat below catches a swap between the two. */
    if (stat(path, &sb) < 0)
        return fail_errno(path, errno, err);
    if (!S_ISREG(sb.st_mode))
        return refuse(path, sb.st_mode, err);
    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return fail_errno(path, errno, err);
    if (fstat(fd, &sb) < 0) {
        int e = errno;
        close(fd);
        return fail_errno(path, e, err);
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return refuse(path, sb.st_mode, err);
    }
    fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

long gp_infile_read(int fd, void *buf, size_t cap)
{
    size_t got = 0;

    while (got < cap) {
        ssize_t r = read(fd, (char *)buf + got, cap - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (long)got;
}

gp_status gp_infile_head(const char *path, void *head, size_t cap, size_t *n,
                         int64_t *size_bytes, gp_error *err)
{
    int fd = gp_infile_open(path, err);
    struct stat sb;
    long got;

    *n = 0;
    if (size_bytes)
        *size_bytes = 0;
    if (fd < 0)
        return err ? err->code : GP_ERR_INPUT;
    if (size_bytes && fstat(fd, &sb) == 0)
        *size_bytes = (int64_t)sb.st_size;
    if ((got = gp_infile_read(fd, head, cap)) < 0) {
        int e = errno;
        close(fd);
        return gp_error_set(err, GP_ERR_IO, "%s: cannot read: %s", path, strerror(e));
    }
    close(fd);
    *n = (size_t)got;
    return GP_OK;
}

size_t gp_infile_bom_len(const unsigned char *p, size_t n)
{
    return n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf ? 3 : 0;
}

/* "it starts with "text..."" for printable text, else its first bytes in hex. */
static void describe_start(const unsigned char *p, size_t n, char *out, size_t cap)
{
    size_t k = n < 16 ? n : 16, i, used;
    int text = 1;

    for (i = 0; i < k; i++)
        text &= p[i] >= 0x20 && p[i] < 0x7f;
    if (text) {
        snprintf(out, cap, "\"%.*s%s\"", (int)k, (const char *)p, n > k ? "..." : "");
        return;
    }
    used = (size_t)snprintf(out, cap, "bytes");
    for (i = 0; i < n && i < 4 && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, " %02x", p[i]);
}

gp_status gp_infile_sniff(const char *path, unsigned char head[GP_INFILE_HEAD_BYTES], size_t *n,
                          int64_t *size_bytes, gp_infile_kind *kind, gp_error *err)
{
    static const char expected[] = "expected a gpupack trace, a PyTorch profiler trace or an "
                                   "Nsight Systems export";
    char start[80];
    size_t i;

    if (gp_infile_head(path, head, GP_INFILE_HEAD_BYTES, n, size_bytes, err) != GP_OK)
        return err ? err->code : GP_ERR_INPUT;
    if (*n == 0)
        return gp_error_set(err, GP_ERR_INPUT, "%s: the file is empty; %s", path, expected);
    if (*n >= 16 && memcmp(head, "SQLite format 3", 16) == 0) {
        if (*n < 100)
            return gp_error_set(err, GP_ERR_INPUT, "%s: the file is truncated: only %zu bytes of "
                                "an SQLite file are left; it was cut short while being copied "
                                "or written", path, *n);
        *kind = GP_INFILE_SQLITE;
        return GP_OK;
    }
    if (*n >= GP_SPOOL_MAGIC_LEN && memcmp(head, GP_SPOOL_MAGIC, GP_SPOOL_MAGIC_LEN) == 0) {
        *kind = GP_INFILE_SPOOL;
        return GP_OK;
    }
    if (*n >= 2 && head[0] == 0x1f && head[1] == 0x8b) {
        *kind = GP_INFILE_GZIP;
        return GP_OK;
    }
    for (i = gp_infile_bom_len(head, *n); i < *n; i++)
        if (head[i] != ' ' && head[i] != '\t' && head[i] != '\n' && head[i] != '\r')
            break; /* (all spaces so far: the JSON reader decides) */
    if ((i < *n && (head[i] == '{' || head[i] == '[')) || i == GP_INFILE_HEAD_BYTES) {
        *kind = GP_INFILE_JSON;
        return GP_OK;
    }
    describe_start(head, *n, start, sizeof start);
    return gp_error_set(err, GP_ERR_INPUT, "%s: not a trace gpupack reads (it starts with %s); %s",
                        path, start, expected);
}
