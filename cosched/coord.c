/* coord.c: the coordinator of `gpupack pack`: owns the shared region,
 * turns the serve job's latencies into p50/p99, runs the policy, and
 * releases the gate when the serve job is gone. Runs in the gpupack
 * process (the recorder's loop calls gp_coord_tick). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/rundir.h"
#include "cosched.h"
#include "region.h"

#define WINDOW 1024 /* latencies the published p50/p99 cover */

struct gp_coord {
    gp_coord_opts o;
    gp_region *r;
    char path[512];
    uint64_t lat_seen;           /* ring entries read so far */
    int64_t win[WINDOW];         /* the last latencies, a ring */
    size_t win_n, win_next;
    int64_t since[WINDOW];       /* latencies since the last policy decision */
    size_t since_n;
    int64_t last_decide_ns;
    int released;
};

gp_coord *gp_coord_new(const gp_coord_opts *o, gp_error *err)
{
    char dir[400];
    gp_coord *c;
    int fd;
    void *p;

    if (gp_rundir(dir, sizeof dir, err) != GP_OK)
        return NULL;
    c = calloc(1, sizeof *c);
    if (!c) {
        gp_error_set(err, GP_ERR_NOMEM, "out of memory");
        return NULL;
    }
    c->o = *o;
    snprintf(c->path, sizeof c->path, "%s/" GP_COSCHED_REGION_PREFIX "%d.region", dir,
             (int)getpid());
    unlink(c->path); /* a stale one from a pid reused after a crash */
    fd = open(c->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 || ftruncate(fd, sizeof(gp_region)) < 0) {
        gp_error_set(err, GP_ERR_IO, "%s: cannot create the co-scheduler region: %s", c->path,
                     strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(c->path);
        }
        free(c);
        return NULL;
    }
    p = mmap(NULL, sizeof(gp_region), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        gp_error_set(err, GP_ERR_IO, "%s: cannot map the co-scheduler region: %s", c->path,
                     strerror(errno));
        unlink(c->path);
        free(c);
        return NULL;
    }
    c->r = p;
    c->r->policy = (uint32_t)o->policy->id;
    c->r->max_wait_ns = o->max_wait_ns;
    c->r->stale_ns = o->stale_ns;
    c->r->coord_pid = (int32_t)getpid();
    atomic_store(&c->r->budget_ns, o->conf.start_budget_ns);
    c->r->size = sizeof(gp_region);
    c->r->version = GP_REGION_VERSION;
    atomic_thread_fence(memory_order_release);
    c->r->magic = GP_REGION_MAGIC; /* last: a reader sees a whole header or none */
    return c;
}

const char *gp_coord_path(const gp_coord *c)
{
    return c->path;
}

static void add_event(gp_batch *out, int64_t now, int event, int64_t value)
{
    gp_record rec;

    gp_record_init(&rec, GP_KIND_COSCHED);
    rec.u.cosched.ts_ns = now;
    rec.u.cosched.event = event;
    rec.u.cosched.value = value;
    rec.u.cosched.pid = (uint32_t)getpid();
    gp_batch_add(out, &rec);
}

/* The region is written by the jobs, which gpupack does not control: every
 * value read from it passes through here, so a job writing garbage (2^63,
 * INT64_MAX, a negative count) cannot make the coordinator, top or a report
 * overflow. Bounds: cosched.h, GP_COSCHED_VALUE_MAX. */
static int64_t bound_i64(int64_t v)
{
    return v < 0 ? 0 : v > GP_COSCHED_VALUE_MAX ? GP_COSCHED_VALUE_MAX : v;
}

static uint64_t bound_u64(uint64_t v)
{
    return v > (uint64_t)GP_COSCHED_VALUE_MAX ? (uint64_t)GP_COSCHED_VALUE_MAX : v;
}

static int bound_pid(int32_t pid)
{
    return pid < 0 ? 0 : pid;
}

/* Moves latencies the serve job wrote since the last tick into the windows. */
static void read_latencies(gp_coord *c)
{
    uint64_t end = atomic_load(&c->r->lat_count);

    if (end < c->lat_seen)
        c->lat_seen = end; /* the count went back: not written by a gate; read on from here */
    if (end - c->lat_seen > GP_REGION_LAT_RING)
        c->lat_seen = end - GP_REGION_LAT_RING; /* the oldest were overwritten */
    for (; c->lat_seen < end; c->lat_seen++) {
        int64_t v = atomic_load_explicit(&c->r->lat_ns[c->lat_seen % GP_REGION_LAT_RING],
                                         memory_order_acquire);
        if (v <= 0)
            continue;
        v = bound_i64(v);
        c->win[c->win_next] = v;
        c->win_next = (c->win_next + 1) % WINDOW;
        if (c->win_n < WINDOW)
            c->win_n++;
        if (c->since_n < WINDOW)
            c->since[c->since_n++] = v;
    }
}

void gp_coord_tick(gp_coord *c, int64_t now, const int done[2], gp_batch *out)
{
    int64_t tmp[WINDOW];

    read_latencies(c);
    if (c->win_n > 0) {
        memcpy(tmp, c->win, c->win_n * sizeof tmp[0]);
        atomic_store(&c->r->hp_p50_ns, gp_percentile(tmp, c->win_n, 0.50));
        atomic_store(&c->r->hp_p99_ns, gp_percentile(tmp, c->win_n, 0.99));
    }
    if (c->last_decide_ns == 0)
        c->last_decide_ns = now;
    if (now - c->last_decide_ns >= c->o.decide_ns && c->since_n >= c->o.conf.min_samples) {
        int64_t cur = bound_i64(atomic_load(&c->r->budget_ns)); /* a job may write it */
        int64_t p99 = gp_percentile(c->since, c->since_n, 0.99);
        int64_t next = c->o.policy->budget(&c->o.conf, cur, p99, c->since_n);
        if (next != cur) {
            atomic_store(&c->r->budget_ns, next);
            add_event(out, now, GP_COSCHED_BUDGET, next);
        }
        c->since_n = 0;
        c->last_decide_ns = now;
    }
    if (done[0] && !c->released) {
        /* The serve job ended (or died): nothing is in flight any more. */
        c->released = 1;
        atomic_store(&c->r->watchdog_open, 1);
        atomic_store(&c->r->hp_ranges, 0);
        atomic_store(&c->r->hp_dirty, 0);
        add_event(out, now, GP_COSCHED_WATCHDOG, 0);
    }
}

static void fill_state(const gp_region *r, gp_cosched_state *s)
{
    memset(s, 0, sizeof *s);
    s->policy = (int)r->policy;
    s->gate = atomic_load(&r->gate);
    s->hp_pid = bound_pid(atomic_load(&r->hp_pid));
    s->be_pid = bound_pid(atomic_load(&r->be_pid));
    s->hp_in_flight = bound_i64(atomic_load(&r->hp_ranges)) + (atomic_load(&r->hp_dirty) ? 1 : 0);
    s->be_outstanding = bound_i64(atomic_load(&r->be_outstanding));
    s->be_op_ns = bound_i64(atomic_load(&r->be_op_ns));
    s->budget_ns = bound_i64(atomic_load(&r->budget_ns));
    s->hp_p50_ns = bound_i64(atomic_load(&r->hp_p50_ns));
    s->hp_p99_ns = bound_i64(atomic_load(&r->hp_p99_ns));
    s->hp_ops = bound_u64(atomic_load(&r->hp_ops));
    s->hp_requests = bound_u64(atomic_load(&r->hp_requests));
    s->be_ops = bound_u64(atomic_load(&r->be_ops));
    s->be_holds = bound_u64(atomic_load(&r->be_holds));
    s->be_hold_ns = bound_u64(atomic_load(&r->be_hold_ns));
    s->be_timeouts = bound_u64(atomic_load(&r->be_timeouts));
    s->be_drains = bound_u64(atomic_load(&r->be_drains));
    s->be_watchdog = bound_u64(atomic_load(&r->be_watchdog));
}

void gp_coord_state(const gp_coord *c, gp_cosched_state *out)
{
    fill_state(c->r, out);
}

void gp_coord_free(gp_coord *c)
{
    if (!c)
        return;
    munmap(c->r, sizeof(gp_region));
    unlink(c->path);
    free(c);
}

gp_status gp_cosched_read(const char *path, gp_cosched_state *out, gp_error *err)
{
    struct stat sb = { 0 };
    void *p;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

    if (fd < 0)
        return gp_error_set(err, GP_ERR_IO, "%s: %s", path, strerror(errno));
    if (fstat(fd, &sb) < 0 || (size_t)sb.st_size != sizeof(gp_region)) {
        close(fd);
        return gp_error_set(err, GP_ERR_INPUT, "%s: not a gpupack pack region (size %lld, "
                            "expected %zu)", path, (long long)sb.st_size, sizeof(gp_region));
    }
    p = mmap(NULL, sizeof(gp_region), PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return gp_error_set(err, GP_ERR_IO, "%s: %s", path, strerror(errno));
    if (!gp_region_valid(p, sizeof(gp_region))) {
        munmap(p, sizeof(gp_region));
        return gp_error_set(err, GP_ERR_INPUT, "%s: not a gpupack pack region of this version "
                            "(bad magic, version or header)", path);
    }
    fill_state(p, out);
    munmap(p, sizeof(gp_region));
    return GP_OK;
}
