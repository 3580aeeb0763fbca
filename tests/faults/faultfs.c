/* faultfs.c: an LD_PRELOAD library that makes the file system and the
 * collector socket fail for one program, for tests/faults.sh (a test
 * fixture, never used by gpupack itself).
 *
 * It acts only in a process whose program name (basename of argv[0]) is
 * FAULTFS_PROG (default "gpupack"): the job the recorder starts inherits
 * LD_PRELOAD but runs untouched, and under valgrind the launcher is left
 * alone while the program it runs is not. Each fault is off unless its
 * variable is set:
 *
 *   FAULTFS_FILE=PREFIX      the files the disk faults apply to: every path
 *                            that starts with PREFIX (a trace and its -wal,
 *                            -shm and -journal files)
 *   FAULTFS_ENOSPC_AFTER=N   the disk has N bytes free for those files: a
 *                            write that grows them past N writes what fits
 *                            and then fails with ENOSPC, as a full disk does;
 *                            rewriting bytes a file already has needs no new
 *                            space (SQLite reuses its WAL that way) and a
 *                            truncation gives space back; posix_fallocate
 *                            takes space as writing does. fsync and
 *                            fdatasync of those files fail with ENOSPC once
 *                            the space is used up.
 *   FAULTFS_FULL_WHEN=PATH   the disk is full (as FAULTFS_ENOSPC_AFTER=0)
 *                            from the moment PATH exists: a job can fill
 *                            the disk of its recorder at a point of its
 *                            choosing (touch PATH)
 *   FAULTFS_EROFS=DIR        DIR is on a read-only file system: opening for
 *                            writing, creating or unlinking below it fails
 *                            with EROFS (works for root too, as a read-only
 *                            mount does).
 *   FAULTFS_SOCK_EOF_AFTER=N once the program has read N bytes from sockets,
 *                            it closes each socket it reads from (shutdown,
 *                            then the read says end of file): the peer's
 *                            next send fails as if the program had gone.
 *
 * A test program that preloads the library may call faultfs_set_space()
 * (found with dlsym) to fill the disk at a moment of its choosing.
 *
 * Every fault that fires is counted on stderr once per kind
 * ("faultfs: ENOSPC on PATH") so a test can tell it happened.
 */
#include "config.h"
#undef _FORTIFY_SOURCE /* this file defines open() and read() themselves */

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static int active;
static const char *file_prefix, *erofs_dir, *full_when;
static long long space_left = -1; /* bytes; -1: unlimited */
static long long sock_left = -1;
static int said_enospc, said_eof;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

__attribute__((constructor)) static void faultfs_init(void)
{
    const char *prog = getenv("FAULTFS_PROG"), *v;

    if (!prog || !*prog)
        prog = "gpupack";
    active = strcmp(program_invocation_short_name, prog) == 0;
    if (!active)
        return;
    file_prefix = getenv("FAULTFS_FILE");
    erofs_dir = getenv("FAULTFS_EROFS");
    full_when = getenv("FAULTFS_FULL_WHEN");
    if ((v = getenv("FAULTFS_ENOSPC_AFTER")) && *v)
        space_left = strtoll(v, NULL, 10);
    if ((v = getenv("FAULTFS_SOCK_EOF_AFTER")) && *v)
        sock_left = strtoll(v, NULL, 10);
}

/* For a test program that preloads this library: sets the space left for
 * the files of FAULTFS_FILE (bytes; -1 unlimited) from now on. */
void faultfs_set_space(long long bytes);
void faultfs_set_space(long long bytes)
{
    pthread_mutex_lock(&lock);
    space_left = bytes;
    pthread_mutex_unlock(&lock);
}

static void *real(const char *name)
{
    return dlsym(RTLD_NEXT, name);
}

/* The disk is full once FAULTFS_FULL_WHEN exists. */
static void check_full_when(void)
{
    if (!active || !full_when || !*full_when || access(full_when, F_OK) != 0)
        return;
    pthread_mutex_lock(&lock);
    space_left = 0;
    full_when = NULL;
    pthread_mutex_unlock(&lock);
}

/* 1 if fd is one of the files the disk faults apply to. */
static int fd_matches(int fd)
{
    char link[64], path[4096];
    ssize_t n;

    if (!active || !file_prefix || !*file_prefix)
        return 0;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        return 0;
    path[n] = '\0';
    return strncmp(path, file_prefix, strlen(file_prefix)) == 0;
}

/* How many of len bytes at offset off of fd fit the space left; -1 when the
 * disk faults do not apply. Takes the space (under lock). */
static ssize_t take_space(int fd, off_t off, size_t len)
{
    struct stat sb;
    long long grow, fit;

    check_full_when();
    if (space_left < 0 || !fd_matches(fd) || fstat(fd, &sb) < 0)
        return -1;
    pthread_mutex_lock(&lock);
    grow = (long long)off + (long long)len - (long long)sb.st_size;
    if (grow <= 0) {
        fit = (long long)len;
    } else if (grow <= space_left) {
        space_left -= grow;
        fit = (long long)len;
    } else {
        fit = (long long)len - (grow - space_left);
        space_left = 0;
        if (fit < 0)
            fit = 0;
    }
    pthread_mutex_unlock(&lock);
    return (ssize_t)fit;
}

static void say_enospc(int fd)
{
    char link[64], path[4096];
    ssize_t n;

    if (__atomic_exchange_n(&said_enospc, 1, __ATOMIC_RELAXED))
        return;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    n = readlink(link, path, sizeof path - 1);
    path[n > 0 ? n : 0] = '\0';
    fprintf(stderr, "faultfs: ENOSPC on %s\n", path);
}

/* The write of len bytes at off: how much to pass on, or -1 with errno
 * ENOSPC when nothing fits. *limited says the fault applies. */
static ssize_t allowed(int fd, off_t off, size_t len, int *limited)
{
    ssize_t fit = take_space(fd, off, len);

    *limited = fit >= 0;
    if (fit < 0)
        return (ssize_t)len;
    if (fit == 0 && len > 0) {
        say_enospc(fd);
        errno = ENOSPC;
        return -1;
    }
    if ((size_t)fit < len)
        say_enospc(fd);
    return fit;
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off)
{
    static ssize_t (*fn)(int, const void *, size_t, off_t);
    int limited;
    ssize_t n;

    if (!fn)
        fn = (ssize_t (*)(int, const void *, size_t, off_t))real("pwrite64");
    n = allowed(fd, off, len, &limited);
    if (n < 0)
        return -1;
    return fn(fd, buf, (size_t)n, off);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
    return pwrite64(fd, buf, len, off);
}

ssize_t write(int fd, const void *buf, size_t len)
{
    static ssize_t (*fn)(int, const void *, size_t);
    int limited = 0;
    ssize_t n = (ssize_t)len;

    if (!fn)
        fn = (ssize_t (*)(int, const void *, size_t))real("write");
    check_full_when();
    if (space_left >= 0 && fd_matches(fd)) {
        off_t off = lseek(fd, 0, SEEK_CUR);
        int fl = fcntl(fd, F_GETFL);
        struct stat sb;
        if ((fl >= 0 && (fl & O_APPEND)) || off < 0)
            off = fstat(fd, &sb) == 0 ? sb.st_size : 0;
        n = allowed(fd, off, len, &limited);
        if (n < 0)
            return -1;
    }
    return fn(fd, buf, (size_t)n);
}

static int sync_fault(int fd)
{
    check_full_when();
    if (space_left == 0 && fd_matches(fd)) {
        say_enospc(fd);
        errno = ENOSPC;
        return -1;
    }
    return 0;
}

int fsync(int fd)
{
    static int (*fn)(int);

    if (!fn)
        fn = (int (*)(int))real("fsync");
    return sync_fault(fd) < 0 ? -1 : fn(fd);
}

int fdatasync(int fd)
{
    static int (*fn)(int);

    if (!fn)
        fn = (int (*)(int))real("fdatasync");
    return sync_fault(fd) < 0 ? -1 : fn(fd);
}

/* Reserving space takes it as writing does, all or nothing. */
int posix_fallocate64(int fd, off_t off, off_t len)
{
    static int (*fn)(int, off_t, off_t);
    struct stat sb;

    if (!fn)
        fn = (int (*)(int, off_t, off_t))real("posix_fallocate64");
    check_full_when();
    if (space_left >= 0 && fd_matches(fd) && fstat(fd, &sb) == 0) {
        long long grow = (long long)off + (long long)len - (long long)sb.st_size;
        pthread_mutex_lock(&lock);
        if (grow > space_left) {
            pthread_mutex_unlock(&lock);
            say_enospc(fd);
            return ENOSPC;
        }
        if (grow > 0)
            space_left -= grow;
        pthread_mutex_unlock(&lock);
    }
    return fn(fd, off, len);
}

int posix_fallocate(int fd, off_t off, off_t len)
{
    return posix_fallocate64(fd, off, len);
}

/* Shrinking a file gives its space back. */
int ftruncate64(int fd, off_t len)
{
    static int (*fn)(int, off_t);
    struct stat sb;

    if (!fn)
        fn = (int (*)(int, off_t))real("ftruncate64");
    if (space_left >= 0 && fd_matches(fd) && fstat(fd, &sb) == 0 && len < sb.st_size) {
        int rc = fn(fd, len);
        if (rc == 0) {
            pthread_mutex_lock(&lock);
            space_left += sb.st_size - len;
            pthread_mutex_unlock(&lock);
        }
        return rc;
    }
    return fn(fd, len);
}

int ftruncate(int fd, off_t len)
{
    return ftruncate64(fd, len);
}

/* ---- read-only folder ------------------------------------------------------ */

/* 1 if path is below the read-only folder. */
static int in_erofs(const char *path)
{
    size_t n;

    if (!active || !erofs_dir || !*erofs_dir || !path)
        return 0;
    n = strlen(erofs_dir);
    return strncmp(path, erofs_dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static int erofs_open(const char *path, int flags)
{
    if ((flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) && in_erofs(path)) {
        errno = EROFS;
        return 1;
    }
    return 0;
}

/* Resolves a relative path against the working folder, for in_erofs. */
static const char *absolute(const char *path, char *buf, size_t cap)
{
    char cwd[4096];

    if (!path || path[0] == '/' || !getcwd(cwd, sizeof cwd))
        return path;
    snprintf(buf, cap, "%s/%s", cwd, path);
    return buf;
}

#define OPEN_MODE(flags, mode)                                                                     \
    do {                                                                                           \
        if ((flags) & (O_CREAT | __O_TMPFILE)) {                                                   \
            va_list ap;                                                                            \
            va_start(ap, flags);                                                                   \
            mode = (mode_t)va_arg(ap, int);                                                        \
            va_end(ap);                                                                            \
        }                                                                                          \
    } while (0)

int open64(const char *path, int flags, ...)
{
    static int (*fn)(const char *, int, ...);
    char buf[8192];
    mode_t mode = 0;

    OPEN_MODE(flags, mode);
    if (!fn)
        fn = (int (*)(const char *, int, ...))real("open64");
    if (erofs_open(absolute(path, buf, sizeof buf), flags))
        return -1;
    return fn(path, flags, mode);
}

int open(const char *path, int flags, ...)
{
    mode_t mode = 0;

    OPEN_MODE(flags, mode);
    return open64(path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
    static int (*fn)(int, const char *, int, ...);
    char buf[8192];
    mode_t mode = 0;

    OPEN_MODE(flags, mode);
    if (!fn)
        fn = (int (*)(int, const char *, int, ...))real("openat64");
    if ((dirfd == AT_FDCWD || path[0] == '/') &&
        erofs_open(absolute(path, buf, sizeof buf), flags))
        return -1;
    return fn(dirfd, path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
    mode_t mode = 0;

    OPEN_MODE(flags, mode);
    return openat64(dirfd, path, flags, mode);
}

int __open_2(const char *path, int flags);
int __open_2(const char *path, int flags)
{
    return open64(path, flags);
}

int __open64_2(const char *path, int flags);
int __open64_2(const char *path, int flags)
{
    return open64(path, flags);
}

int unlink(const char *path)
{
    static int (*fn)(const char *);
    char buf[8192];

    if (!fn)
        fn = (int (*)(const char *))real("unlink");
    if (in_erofs(absolute(path, buf, sizeof buf))) {
        errno = EROFS;
        return -1;
    }
    return fn(path);
}

/* ---- the socket ---------------------------------------------------------- */

ssize_t read(int fd, void *buf, size_t len)
{
    static ssize_t (*fn)(int, void *, size_t);
    struct stat sb;
    ssize_t n;

    if (!fn)
        fn = (ssize_t (*)(int, void *, size_t))real("read");
    if (!active || sock_left < 0 || fstat(fd, &sb) < 0 || !S_ISSOCK(sb.st_mode))
        return fn(fd, buf, len);
    pthread_mutex_lock(&lock);
    if (sock_left == 0) {
        pthread_mutex_unlock(&lock);
        if (!__atomic_exchange_n(&said_eof, 1, __ATOMIC_RELAXED))
            fprintf(stderr, "faultfs: closing the sockets read\n");
        shutdown(fd, SHUT_RDWR);
        return 0;
    }
    if ((long long)len > sock_left)
        len = (size_t)sock_left;
    pthread_mutex_unlock(&lock);
    n = fn(fd, buf, len);
    if (n > 0) {
        pthread_mutex_lock(&lock);
        sock_left = sock_left > n ? sock_left - n : 0;
        pthread_mutex_unlock(&lock);
    }
    return n;
}
