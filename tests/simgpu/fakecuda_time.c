/* fakecuda_time.c: the virtual GPU's timeline. Real time on CLOCK_MONOTONIC;
 * streams, copy engines, and the compute engine shared between processes
 * through SIMGPU_SHARED (time slices between processes, or SM sharing
 * between clients of one MPS server: the rules are fakecuda_share.c's). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/simgpu/fakecuda_internal.h"
#include "tests/simgpu/fakecuda_share.h"

#define NS_PER_S 1000000000ull
#define SLICE_MAX_US 1000000u

/* The file every process of one SIMGPU_SHARED shares, mapped MAP_SHARED:
 * per device, the table of the processes' pending compute work that
 * fakecuda_share.h describes. */
#define SHARED_MAGIC 0x55504730474d4953ull /* "SIMG0GPU" */
#define SHARED_VERSION 2
typedef struct shared_file {
    uint64_t magic;               /* written last at creation */
    uint32_t version, size;
    pthread_mutex_t mu;           /* process-shared, robust */
    sg_share_dev dev[SIMGPU_MAX_DEVICES];
} shared_file;

static uint64_t engine_busy[SIMGPU_MAX_DEVICES][SG_ENGINES];
static shared_file *shared;
static int shared_state;          /* 0: not looked at, 1: on, -1: off */
static int die_holding_lock;      /* SIMGPU_TEST_DIE_HOLDING_LOCK, see simgpu.h */
/* the slice: README.md says where the default comes from */
static sg_share_conf share_conf = { SIMGPU_TIMESLICE_DEFAULT_NS, SIMGPU_SM_COUNT };
static uint32_t mps_server;       /* this process's MPS server, 0: none */

uint64_t sg_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

void sg_sleep_until(uint64_t mono_ns)
{
    struct timespec ts = { (time_t)(mono_ns / NS_PER_S), (long)(mono_ns % NS_PER_S) };

    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}

static uint64_t max64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

uint64_t sg_stream_ready(const struct CUstream_st *s, uint64_t t)
{
    const struct CUctx_st *ctx = s->owner;
    uint64_t r = max64(t, s->busy_until);

    if (s == &ctx->legacy) {
        for (const struct CUstream_st *x = ctx->streams; x; x = x->next)
            if (!(x->flags & CU_STREAM_NON_BLOCKING))
                r = max64(r, x->busy_until);
    } else if (!(s->flags & CU_STREAM_NON_BLOCKING)) {
        r = max64(r, ctx->legacy.busy_until);
    }
    return r;
}

uint64_t sg_ctx_idle_at(const struct CUctx_st *ctx)
{
    uint64_t r = ctx->legacy.busy_until;

    for (const struct CUstream_st *x = ctx->streams; x; x = x->next)
        r = max64(r, x->busy_until);
    return r;
}

uint64_t sg_engine_place(int dev, int engine, uint64_t t, uint64_t dur)
{
    uint64_t start = max64(t, engine_busy[dev][engine]);

    engine_busy[dev][engine] = start + dur;
    return start;
}

/* Initialises a fresh shared file (flock held). */
static int shared_init(shared_file *f)
{
    pthread_mutexattr_t a;
    int rc;

    memset(f, 0, sizeof *f);
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    rc = pthread_mutex_init(&f->mu, &a);
    pthread_mutexattr_destroy(&a);
    if (rc != 0)
        return -1;
    f->version = SHARED_VERSION;
    f->size = sizeof *f;
    __atomic_store_n(&f->magic, SHARED_MAGIC, __ATOMIC_RELEASE);
    return 0;
}

/* The MPS server this process is a client of, as a nonzero hash of its
 * pipe folder, or 0. A real client looks for the control daemon's pipe in
 * CUDA_MPS_PIPE_DIRECTORY (default /tmp/nvidia-mps) and runs without MPS
 * when there is none; the daemon makes the pipe "control" there. So does
 * the fixture, except that it ignores the default folder (a machine's own
 * daemon never changes the tests). */
static uint32_t find_mps_server(void)
{
    const char *dir = getenv("CUDA_MPS_PIPE_DIRECTORY");
    char path[4096];
    struct stat st;
    uint32_t h = 2166136261u; /* FNV-1a */

    if (!dir || !*dir || (size_t)snprintf(path, sizeof path, "%s/control", dir) >= sizeof path ||
        stat(path, &st) != 0 || !S_ISFIFO(st.st_mode))
        return 0;
    for (const char *c = dir; *c; c++)
        h = (h ^ (unsigned char)*c) * 16777619u;
    return h ? h : 1;
}

/* SIMGPU_TIMESLICE_US, 1..SLICE_MAX_US; anything else says so and keeps
 * the default. */
static void read_slice(void)
{
    const char *v = getenv("SIMGPU_TIMESLICE_US");
    char *e;
    unsigned long long us;

    if (!v || !*v)
        return;
    errno = 0;
    us = strtoull(v, &e, 10);
    if (errno || *e || us < 1 || us > SLICE_MAX_US) {
        fprintf(stderr, "simgpu: SIMGPU_TIMESLICE_US=%s is not 1..%u; using %u\n", v, SLICE_MAX_US,
                SIMGPU_TIMESLICE_DEFAULT_NS / 1000u);
        return;
    }
    share_conf.slice_ns = us * 1000ull;
}

/* Maps SIMGPU_SHARED (lock held). Failures turn sharing off with a message:
 * the simulation still runs, each process with a device of its own. */
static void shared_open(void)
{
    const char *path = getenv("SIMGPU_SHARED");
    const char *why = NULL;
    shared_file *f = MAP_FAILED;
    struct stat st;
    int fd;

    shared_state = -1;
    if (!path || !*path)
        return;
    die_holding_lock = getenv("SIMGPU_TEST_DIE_HOLDING_LOCK") != NULL;
    read_slice();
    mps_server = find_mps_server();
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        why = strerror(errno);
        goto fail;
    }
    if (flock(fd, LOCK_EX) != 0 || fstat(fd, &st) != 0) {
        why = strerror(errno);
        goto fail_fd;
    }
    if ((size_t)st.st_size < sizeof *f && ftruncate(fd, sizeof *f) != 0) {
        why = strerror(errno);
        goto fail_fd;
    }
    f = mmap(NULL, sizeof *f, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (f == MAP_FAILED) {
        why = strerror(errno);
        goto fail_fd;
    }
    if (__atomic_load_n(&f->magic, __ATOMIC_ACQUIRE) != SHARED_MAGIC) {
        if (shared_init(f) != 0)
            why = "cannot initialise its mutex";
    } else if (f->version != SHARED_VERSION || f->size != sizeof *f) {
        why = "it was made by another simgpu version; delete it";
    }
    flock(fd, LOCK_UN);
    close(fd);
    if (why) {
        munmap(f, sizeof *f);
        goto fail;
    }
    shared = f;
    shared_state = 1;
    return;
fail_fd:
    close(fd);
fail:
    fprintf(stderr, "simgpu: SIMGPU_SHARED=%s unusable (%s); the processes do not "
            "share the GPU\n", path, why);
}

uint64_t sg_compute_place(int dev, uint64_t t, uint64_t dur, uint64_t blocks, uint64_t *end)
{
    sg_share_work w = { 0 };
    uint64_t start;
    int rc;

    if (shared_state == 0)
        shared_open();
    if (shared_state < 0) {
        *end = t + dur;
        return t;
    }
    rc = pthread_mutex_lock(&shared->mu);
    if (rc == EOWNERDEAD) {
        /* A process died holding it, maybe in the middle of an update: each
         * field is written whole and sg_share_place bounds what it reads,
         * so the table is usable as is. */
        pthread_mutex_consistent(&shared->mu);
    } else if (rc != 0) {
        *end = t + dur;
        return t;
    }
    if (die_holding_lock)
        raise(SIGKILL); /* for the test that a dead process deadlocks no one */
    w.pid = (int64_t)getpid();
    w.mps = mps_server;
    w.sms = blocks < share_conf.sms ? (uint32_t)blocks : share_conf.sms;
    w.ready_ns = t;
    w.dur_ns = dur;
    sg_share_place(&shared->dev[dev], &share_conf, &w, &start, end);
    pthread_mutex_unlock(&shared->mu);
    return start;
}
