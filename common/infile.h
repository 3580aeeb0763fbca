/* infile.h: opening a file that a user named as input, without ever blocking.
 *
 * Only regular files are read. A FIFO would block open() until a writer
 * comes and read() until it writes, /dev/zero never ends, a directory
 * cannot be read: each is refused with a message that names the path and
 * says what it is. The path is looked at with stat() before it is opened
 * (a device is never opened), opened with O_NONBLOCK and checked again on
 * the descriptor (fstat), so what was checked is what is read.
 *
 *     gp_error err = { 0 };
 *     int fd = gp_infile_open(path, &err);
 *     if (fd < 0) ... err.msg: "x.json: a named pipe (FIFO), not a regular file ..."
 *
 * Messages: "PATH: <strerror>" when it cannot be opened or read; "PATH: a
 * directory, not a regular file; ..." (a named pipe (FIFO), a socket, a
 * character or block device alike). Codes: GP_ERR_INPUT for a missing or
 * non-regular file, GP_ERR_IO for other failures (permissions, I/O).
 */
#ifndef GP_INFILE_H
#define GP_INFILE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* A read-only descriptor (O_CLOEXEC, blocking reads) of the regular file
 * at path, or -1 with err set. Never blocks. */
int gp_infile_open(const char *path, gp_error *err);

/* Reads from fd until cap bytes or the end of the file (retrying short
 * reads and EINTR). Returns the count, or -1 with errno set. */
long gp_infile_read(int fd, void *buf, size_t cap);

/* Opens path as gp_infile_open does and reads its first bytes: up to cap
 * into head, their count in *n (0 for an empty file, which is not an
 * error here), the file's size in *size_bytes (may be NULL). Closes the
 * file. O(cap). */
gp_status gp_infile_head(const char *path, void *head, size_t cap, size_t *n,
                         int64_t *size_bytes, gp_error *err);

/* What the first bytes of an input say it is. */
typedef enum gp_infile_kind {
    GP_INFILE_SQLITE = 1, /* an SQLite file with its 100-byte header whole */
    GP_INFILE_GZIP,       /* gzip (Kineto's .json.gz) */
    GP_INFILE_JSON,       /* '{' or '[' after an optional UTF-8 byte order mark and spaces */
    GP_INFILE_SPOOL       /* a collector spool file */
} gp_infile_kind;

/* Bytes of head gp_infile_sniff needs (the SQLite header is 100). */
#define GP_INFILE_HEAD_BYTES 128

/* Opens path as gp_infile_open does, reads its first GP_INFILE_HEAD_BYTES
 * into head (their count in *n, the file's size in *size_bytes, may be
 * NULL) and says which input kind it is. Every command that reads an input
 * gives these messages, so a file that is not one says so the same way
 * everywhere (GP_ERR_INPUT): "PATH: <strerror>", "PATH: a directory, not a
 * regular file; ...", "PATH: the file is empty; expected ...", "PATH: the
 * file is truncated: only N bytes of an SQLite file are left ...", "PATH:
 * not a trace gpupack reads (it starts with ...)". O(1) reads. */
gp_status gp_infile_sniff(const char *path, unsigned char head[GP_INFILE_HEAD_BYTES], size_t *n,
                          int64_t *size_bytes, gp_infile_kind *kind, gp_error *err);

/* Offset past a UTF-8 byte order mark at the start of p (3 or 0). */
size_t gp_infile_bom_len(const unsigned char *p, size_t n);

#endif
