/* load_trace.c: a gpupack trace into the job model.
 *
 * One rank per process that has GPU operations or CUDA calls (its rank is
 * the distributed rank the process reported, else its position). Every
 * device of the trace is known to every rank. Records are read in table
 * order and sorted in memory by gp_rank_finish: O(n log n), one pass per
 * table.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/checked.h"
#include "common/store.h"
#include "analyzer/formats/load.h"
#include "analyzer/model/model.h"

typedef struct loader {
    gp_job *job;
    gp_trace *t;
    int frozen;      /* ranks and strings fixed: readers run in parallel */
    int missed;      /* a frozen reader met an unknown pid: redo serially */
    gp_op *slice;    /* set: kernels go here, not to the rank (frozen readers) */
    size_t n_slice, cap_slice;
    gp_strid *smap;  /* trace string id -> job string id, filled lazily */
    size_t n_smap;
    uint64_t bad;    /* records left out for impossible times, of no one process */
    struct proc {
        uint32_t pid;
        gp_rank *rank;
        gp_process info;
        uint64_t bad; /* its records left out for impossible times */
    } *procs;
    size_t n_procs;
} loader;

/* The job's id for trace string id; 0 ("") for an id the trace does not
 * hold. The map is sized by the strings the file holds (never by an id, which
 * a damaged file may make anything up to 2^32 - 1); an id past it (only in a
 * file whose ids are not dense from 1) is looked up each time, O(log strings),
 * and never when frozen: read_big_tables reads serially unless ids are dense. */
static gp_strid str(loader *L, gp_strid id)
{
    const char *s;

    if (id == 0)
        return 0;
    if (L->frozen) /* every id was mapped before the readers started */
        return id < L->n_smap ? L->smap[id] : 0;
    if (!L->smap) {
        size_t n = gp_trace_string_count(L->t);
        if (!(L->smap = calloc(n, sizeof *L->smap)))
            return 0;
        L->n_smap = n;
    }
    if (id >= L->n_smap) {
        s = gp_trace_string(L->t, id);
        return gp_job_intern(L->job, s, strlen(s));
    }
    if (!L->smap[id]) {
        s = gp_trace_string(L->t, id);
        L->smap[id] = gp_job_intern(L->job, s, strlen(s));
    }
    return L->smap[id];
}

static struct proc *proc_of(loader *L, uint32_t pid)
{
    for (size_t i = 0; i < L->n_procs; i++)
        if (L->procs[i].pid == pid)
            return &L->procs[i];
    return NULL;
}

/* The entry of a pid, made on first use; NULL if out of memory. */
static struct proc *proc_get(loader *L, uint32_t pid)
{
    struct proc *p = proc_of(L, pid), *np;

    if (p)
        return p;
    np = realloc(L->procs, (L->n_procs + 1) * sizeof *np);
    if (!np)
        return NULL;
    L->procs = np;
    p = &L->procs[L->n_procs++];
    memset(p, 0, sizeof *p);
    p->pid = pid;
    p->info.rank = -1;
    return p;
}

/* A record of pid with impossible times (common/checked.h): left out and
 * counted for its process. A frozen reader counts on its own (its one
 * process; another pid makes it start again serially). 0, or -1. */
static int bad_time(loader *L, uint32_t pid)
{
    struct proc *p;

    if (L->frozen) {
        if (!proc_of(L, pid)) {
            L->missed = 1;
            return -1;
        }
        L->bad++;
        return 0;
    }
    if (!(p = proc_get(L, pid)))
        return -1;
    p->bad++;
    return 0;
}

/* The rank of a pid, created on first use. */
static gp_rank *rank_of(loader *L, uint32_t pid)
{
    struct proc *p = proc_of(L, pid);
    char label[300];

    if (L->frozen) {
        if (p && p->rank)
            return p->rank;
        L->missed = 1;
        return NULL;
    }
    if (!p && !(p = proc_get(L, pid)))
        return NULL;
    if (!p->rank) {
        const char *cmd = p->info.cmdline ? gp_trace_string(L->t, p->info.cmdline) : "";
        snprintf(label, sizeof label, "pid %u%s%.200s", pid, *cmd ? " " : "", cmd);
        p->rank = gp_job_add_rank(L->job, label);
        if (!p->rank)
            return NULL;
        p->rank->pid = pid;
        if (p->info.rank >= 0)
            p->rank->rank = p->info.rank;
        p->rank->job_start_ns = p->info.start_ns;
        p->rank->job_end_ns = p->info.end_ns;
    }
    return p->rank;
}

static const char *copy_label(int kind, int src, int dst, char *buf, size_t cap)
{
    static const char *const mem[] = { "Unknown", "Pageable", "Pinned", "Device", "Array",
                                       "Managed", "Device", "Managed" };
    snprintf(buf, cap, "Memcpy %s (%s -> %s)", gp_copy_kind_name(kind),
             mem[src >= 0 && src < 8 ? src : 0], mem[dst >= 0 && dst < 8 ? dst : 0]);
    return buf;
}

static uint32_t sat_mul3(int64_t a, int64_t b, int64_t c)
{
    int64_t v;

    if (a <= 0 || b <= 0 || c <= 0)
        return 0;
    v = a * b;
    if (v > UINT32_MAX)
        return UINT32_MAX;
    v *= c;
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Reads the records of a kind stored at rows [row0, row1) (row1 0: all)
 * in table order, only the fields the analyzer uses for the big kinds.
 * Returns 0 or -1 (err set). A frozen reader that meets what it cannot
 * place stops early with L->missed set and returns 0. */
static int each_rows(loader *L, gp_kind kind, int64_t row0, int64_t row1,
                     int (*fn)(loader *, const gp_record *), gp_error *err)
{
    gp_filter f = { .flags = GP_FILTER_UNORDERED };
    gp_iter *it;
    gp_record r;
    int rc;

    if (kind == GP_KIND_KERNEL)
        f.fields = gp_trace_fields_mask(kind, "start_ns end_ns device stream correlation name grid_x grid_y "
                                 "grid_z block_x block_y block_z registers static_smem_bytes "
                                 "dynamic_smem_bytes graph_id pid");
    else if (kind == GP_KIND_API)
        f.fields = gp_trace_fields_mask(kind, "start_ns end_ns tid correlation domain cbid name pid");
    if (row1 > 0) {
        f.flags |= GP_FILTER_ROWS;
        f.row0 = row0;
        f.row1 = row1;
    }
    it = gp_trace_iter(L->t, kind, &f, err);
    if (!it)
        return -1;
    while ((rc = gp_iter_next(it, &r, err)) > 0)
        if (fn(L, &r) < 0) {
            gp_iter_free(it);
            if (L->missed)
                return 0;
            gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory loading the trace",
                         gp_trace_path(L->t));
            return -1;
        }
    gp_iter_free(it);
    return rc < 0 ? -1 : 0;
}

static int each(loader *L, gp_kind kind, int (*fn)(loader *, const gp_record *), gp_error *err)
{
    return each_rows(L, kind, 0, 0, fn, err);
}

/* A process's life, when its times are impossible, is unknown (0) and the
 * record counts as one with impossible times. */
static int on_process(loader *L, const gp_record *r)
{
    struct proc *p = proc_get(L, r->u.process.pid);
    int bad = 0;

    if (!p)
        return -1;
    p->info = r->u.process;
    if (p->info.start_ns && !gp_time_ok(p->info.start_ns)) {
        p->info.start_ns = 0;
        bad = 1;
    }
    if (p->info.end_ns && !gp_interval_ok(p->info.start_ns, p->info.end_ns)) {
        p->info.end_ns = 0;
        bad = 1;
    }
    p->bad += (uint64_t)bad;
    return 0;
}

/* A new op for a kernel: appended to the rank, or the next slot of the
 * slice a frozen reader fills. */
static gp_op *new_op(loader *L, gp_rank *rk)
{
    gp_op *o;

    if (!rk)
        return NULL;
    if (!L->slice)
        return gp_rank_add_op(rk);
    if (L->n_slice == L->cap_slice) {
        L->missed = 1;
        return NULL;
    }
    o = &L->slice[L->n_slice++];
    memset(o, 0, sizeof *o);
    o->correlation = -1;
    o->stream = -1;
    o->launch = -1;
    o->device = -1;
    return o;
}

static int on_kernel(loader *L, const gp_record *r)
{
    const gp_kernel *k = &r->u.kernel;
    gp_op *o;
    uint32_t threads;

    if (!gp_interval_ok(k->start_ns, k->end_ns))
        return bad_time(L, k->pid);
    if (!(o = new_op(L, rank_of(L, k->pid))))
        return -1;
    o->kind = GP_OP_KERNEL;
    o->start_ns = k->start_ns;
    o->end_ns = k->end_ns;
    o->correlation = k->correlation;
    o->stream = (int32_t)k->stream;
    o->device = (int16_t)k->device;
    o->pid = k->pid;
    o->name = str(L, k->name);
    o->blocks = sat_mul3(k->grid_x, k->grid_y, k->grid_z);
    threads = sat_mul3(k->block_x, k->block_y, k->block_z);
    o->threads = (uint16_t)(threads > UINT16_MAX ? UINT16_MAX : threads);
    o->registers = (uint16_t)(k->registers > UINT16_MAX ? UINT16_MAX : k->registers);
    o->smem_bytes = (uint32_t)(k->static_smem_bytes + k->dynamic_smem_bytes);
    o->graph_id = k->graph_id;
    return 0;
}

static int on_memcpy(loader *L, const gp_record *r)
{
    const gp_memcpy *m = &r->u.memcpy;
    gp_rank *rk;
    gp_op *o;
    char label[64];

    if (!gp_interval_ok(m->start_ns, m->end_ns))
        return bad_time(L, m->pid);
    rk = rank_of(L, m->pid);
    if (!(o = rk ? gp_rank_add_op(rk) : NULL))
        return -1;
    o->kind = GP_OP_MEMCPY;
    o->start_ns = m->start_ns;
    o->end_ns = m->end_ns;
    o->correlation = m->correlation;
    o->stream = (int32_t)m->stream;
    o->device = (int16_t)m->device;
    o->pid = m->pid;
    o->bytes = m->bytes;
    o->copy_kind = (uint8_t)m->copy_kind;
    o->src_kind = (uint8_t)m->src_kind;
    o->dst_kind = (uint8_t)m->dst_kind;
    o->async = (uint8_t)m->async;
    o->graph_id = m->graph_id;
    copy_label(m->copy_kind, m->src_kind, m->dst_kind, label, sizeof label);
    o->name = gp_job_intern(L->job, label, strlen(label));
    return 0;
}

static int on_memset(loader *L, const gp_record *r)
{
    const gp_memset *m = &r->u.memset;
    gp_rank *rk;
    gp_op *o;

    if (!gp_interval_ok(m->start_ns, m->end_ns))
        return bad_time(L, m->pid);
    rk = rank_of(L, m->pid);
    if (!(o = rk ? gp_rank_add_op(rk) : NULL))
        return -1;
    o->kind = GP_OP_MEMSET;
    o->start_ns = m->start_ns;
    o->end_ns = m->end_ns;
    o->correlation = m->correlation;
    o->stream = (int32_t)m->stream;
    o->device = (int16_t)m->device;
    o->pid = m->pid;
    o->bytes = m->bytes;
    o->dst_kind = (uint8_t)m->mem_kind;
    o->async = (uint8_t)m->async;
    o->graph_id = m->graph_id;
    o->name = gp_job_intern(L->job, "Memset (Device)", 15);
    return 0;
}

static int on_api(loader *L, const gp_record *r)
{
    const gp_api *a = &r->u.api;
    gp_rank *rk;
    gp_call *c;

    if (!gp_interval_ok(a->start_ns, a->end_ns))
        return bad_time(L, a->pid);
    rk = rank_of(L, a->pid);
    if (!(c = rk ? gp_rank_add_call(rk) : NULL))
        return -1;
    c->start_ns = a->start_ns;
    c->end_ns = a->end_ns;
    c->correlation = a->correlation;
    c->name = str(L, a->name);
    c->tid = a->tid;
    c->pid = a->pid;
    c->cbid = a->cbid;
    c->domain = (uint8_t)a->domain;
    return 0;
}

static int on_sync(loader *L, const gp_record *r)
{
    const gp_sync *s = &r->u.sync;
    gp_rank *rk;
    gp_syncrec *o;

    if (!gp_interval_ok(s->start_ns, s->end_ns))
        return bad_time(L, s->pid);
    rk = rank_of(L, s->pid);
    if (!(o = rk ? gp_rank_add_sync(rk) : NULL))
        return -1;
    o->start_ns = s->start_ns;
    o->end_ns = s->end_ns;
    o->correlation = s->correlation;
    o->stream = (int32_t)s->stream;
    o->pid = s->pid;
    o->type = (uint8_t)s->type;
    return 0;
}

static int on_nvtx(loader *L, const gp_record *r)
{
    const gp_nvtx *n = &r->u.nvtx;
    struct proc *p = proc_of(L, n->pid);
    gp_range *g;

    /* Ranges of processes with no GPU work are not part of any rank. */
    if (!p || !p->rank)
        return 0;
    if (!gp_interval_ok(n->start_ns, n->end_ns)) {
        p->bad++;
        return 0;
    }
    g = gp_rank_add_range(p->rank);
    if (!g)
        return -1;
    g->start_ns = n->start_ns;
    g->end_ns = n->end_ns;
    g->name = str(L, n->name);
    g->tid = n->tid;
    g->pid = n->pid;
    g->kind = n->kind == GP_NVTX_ANNOTATION ? GP_RANGE_ANNOTATION : GP_RANGE_NVTX;
    return 0;
}

static int on_metric(loader *L, const gp_record *r)
{
    const gp_metric *m = &r->u.metric;

    if (!gp_span_ok(m->ts_ns, m->dur_ns, NULL)) {
        L->bad++;
        return 0;
    }
    for (size_t i = 0; i < L->n_procs; i++) {
        gp_sample *s;
        if (!L->procs[i].rank || (m->pid && m->pid != L->procs[i].pid))
            continue;
        s = gp_rank_add_sample(L->procs[i].rank);
        if (!s)
            return -1;
        s->ts_ns = m->ts_ns;
        s->dur_ns = m->dur_ns;
        s->name = str(L, m->name);
        s->device = m->device;
        s->value = m->value;
    }
    return 0;
}

static int on_dropped(loader *L, const gp_record *r)
{
    struct proc *p = proc_of(L, r->u.dropped.pid);
    gp_rank *rk = p && p->rank ? p->rank : L->n_procs ? L->procs[0].rank : NULL;

    if (!rk)
        return 0;
    rk->dropped_records += r->u.dropped.count;
    if (r->u.dropped.source == GP_DROP_NO_TIMESTAMP)
        rk->kernels_no_ts += r->u.dropped.count;
    if (r->u.dropped.source == GP_DROP_TAKEN && !gp_time_ok(r->u.dropped.ts_ns))
        rk->bad_times++; /* the loss counts; its time is unknown */
    else if (r->u.dropped.source == GP_DROP_TAKEN && r->u.dropped.ts_ns > 0 &&
             (!rk->taken_ns || r->u.dropped.ts_ns < rk->taken_ns))
        rk->taken_ns = r->u.dropped.ts_ns;
    return 0;
}

static int on_device(loader *L, const gp_record *r)
{
    const gp_device *d = &r->u.device;

    for (size_t i = 0; i < L->n_procs; i++) {
        gp_devinfo *o;
        if (!L->procs[i].rank)
            continue;
        o = gp_rank_add_device(L->procs[i].rank);
        if (!o)
            return -1;
        o->id = d->id;
        o->name = str(L, d->name);
        o->sm_count = d->sm_count;
        o->cc_major = d->cc_major;
        o->cc_minor = d->cc_minor;
        o->mem_bandwidth_bps = d->mem_bandwidth_bps;
        o->sm_clock_khz = d->sm_clock_khz;
    }
    return 0;
}

typedef struct side {
    loader L;
    const char *path;
    int64_t row0, row1; /* kernel rows this thread reads after the calls */
    gp_error err;
    int rc;
} side;

/* The API calls and the last kernels, on their own connection and thread. */
static void *read_side(void *arg)
{
    side *s = arg;

    s->L.t = gp_trace_open(s->path, &s->err);
    if (!s->L.t) {
        s->rc = -1;
        return NULL;
    }
    s->rc = each(&s->L, GP_KIND_API, on_api, &s->err);
    if (s->rc == 0 && !s->L.missed && s->row0 < s->row1)
        s->rc = each_rows(&s->L, GP_KIND_KERNEL, s->row0, s->row1, on_kernel, &s->err);
    gp_trace_close(s->L.t);
    return NULL;
}

/* Kernels and API calls, the two big tables, read on two threads when the
 * trace has one process and the rank's arrays were sized from the row
 * counts (nothing is created or grown while they run). The main thread
 * reads the first kernels, the side thread the calls and then the last
 * kernels, each straight into its part of the rank's ops: rows are
 * numbered densely from 1 in an append-only trace, so kernel row i goes to
 * ops[i - 1]; a hole left by missing rows is closed after. The split
 * balances the measured costs (a kernel row reads about 1.6 times slower
 * than an API row). Returns 1 if done, 0 if the caller should read them
 * serially, -1 on error. */
static int read_big_tables(loader *L, const char *path, int64_t k_rows, int64_t a_rows,
                           gp_error *err)
{
    gp_rank *r = L->n_procs == 1 ? L->procs[0].rank : NULL;
    side s = { 0 };
    pthread_t th;
    int64_t mid, main_k;
    size_t n;
    int rc;

    if (!r || r->n_ops || r->n_calls || k_rows <= 0 || r->cap_ops < (size_t)k_rows)
        return 0;
    n = gp_trace_string_count(L->t); /* map every string while single-threaded */
    for (size_t id = 1; id < n; id++)
        if (!str(L, (gp_strid)id))
            return 0;
    main_k = (k_rows * 16 + a_rows * 10) / 32;
    mid = 1 + (main_k < k_rows ? main_k : k_rows);
    s.L = *L;
    s.L.frozen = 1;
    s.L.slice = r->ops + (mid - 1);
    s.L.cap_slice = r->cap_ops - (size_t)(mid - 1);
    s.path = path;
    s.row0 = mid;
    s.row1 = k_rows + 1;
    L->frozen = 1;
    L->slice = r->ops;
    L->cap_slice = (size_t)(mid - 1);
    L->n_slice = 0;
    if (pthread_create(&th, NULL, read_side, &s) != 0) {
        L->frozen = 0;
        L->slice = NULL;
        return 0;
    }
    rc = each_rows(L, GP_KIND_KERNEL, 1, mid, on_kernel, err);
    pthread_join(th, NULL);
    L->frozen = 0;
    L->slice = NULL;
    if (rc < 0)
        return -1;
    if (s.rc < 0) {
        *err = s.err;
        return -1;
    }
    if (L->missed || s.L.missed) { /* records of an unlisted process: start again serially */
        r->n_ops = r->n_calls = 0;
        L->missed = 0;
        L->bad = 0;
        return 0;
    }
    L->procs[0].bad += L->bad + s.L.bad;
    L->bad = 0;
    if (L->n_slice < (size_t)(mid - 1) && s.L.n_slice)
        memmove(r->ops + L->n_slice, r->ops + (mid - 1), s.L.n_slice * sizeof *r->ops);
    r->n_ops = L->n_slice + s.L.n_slice;
    return 1;
}

/* Puts the counts of records left out for impossible times on ranks: a
 * process's on its rank, else on the file's first rank; a file whose every
 * record was left out gets a rank for the first such process, so the count
 * is still said. 0, or -1 if out of memory. */
static int count_bad(loader *L, size_t first)
{
    for (size_t i = 0; i < L->n_procs; i++) {
        struct proc *p = &L->procs[i];
        gp_rank *rk = p->rank;
        if (!p->bad)
            continue;
        if (!rk && gp_job_rank_count(L->job) > first)
            rk = gp_job_rank(L->job, first);
        if (!rk && !(rk = rank_of(L, p->pid)))
            return -1;
        rk->bad_times += p->bad;
    }
    if (L->bad && gp_job_rank_count(L->job) > first)
        gp_job_rank(L->job, first)->bad_times += L->bad;
    return 0;
}

gp_status gp_load_trace(gp_job *job, const char *path, gp_error *err)
{
    loader L = { 0 };
    size_t first = gp_job_rank_count(job);
    gp_status st = GP_OK;
    int64_t nk = 0, nm = 0, ns = 0, na = 0, nr = 0;
    int big;

    L.job = job;
    L.t = gp_trace_open(path, err);
    if (!L.t)
        return err->code;
    /* Processes first (ranks and labels), then what creates ranks, then
     * what attaches to them. A single-process trace gets its arrays sized
     * from the row counts first, so they never grow by copying. */
    if (each(&L, GP_KIND_PROCESS, on_process, err) < 0) {
        st = err->code;
        goto done;
    }
    if (L.n_procs == 1 && gp_trace_last_row(L.t, GP_KIND_KERNEL, &nk, err) == GP_OK &&
        gp_trace_last_row(L.t, GP_KIND_MEMCPY, &nm, err) == GP_OK &&
        gp_trace_last_row(L.t, GP_KIND_MEMSET, &ns, err) == GP_OK &&
        gp_trace_last_row(L.t, GP_KIND_API, &na, err) == GP_OK &&
        gp_trace_last_row(L.t, GP_KIND_NVTX, &nr, err) == GP_OK && (nk || nm || ns || na)) {
        gp_rank *rk = rank_of(&L, L.procs[0].pid);
        if (rk)
            gp_rank_reserve(rk, (size_t)(nk + nm + ns), (size_t)na, (size_t)nr, 0);
    }
    big = read_big_tables(&L, path, nk, na, err);
    if (big < 0 || (!big && (each(&L, GP_KIND_KERNEL, on_kernel, err) < 0 ||
                             each(&L, GP_KIND_API, on_api, err) < 0)) ||
        each(&L, GP_KIND_MEMCPY, on_memcpy, err) < 0 || each(&L, GP_KIND_MEMSET, on_memset, err) < 0 ||
        each(&L, GP_KIND_SYNC, on_sync, err) < 0 ||
        each(&L, GP_KIND_NVTX, on_nvtx, err) < 0 || each(&L, GP_KIND_METRIC, on_metric, err) < 0 ||
        each(&L, GP_KIND_DROPPED, on_dropped, err) < 0 || each(&L, GP_KIND_DEVICE, on_device, err) < 0)
        st = err->code;
    if (st == GP_OK && count_bad(&L, first) < 0)
        st = gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory", path);
    for (size_t i = first; st == GP_OK && i < gp_job_rank_count(job); i++)
        if (gp_rank_finish(job, gp_job_rank(job, i)) < 0)
            st = gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory", path);
done:
    gp_trace_close(L.t);
    free(L.smap);
    free(L.procs);
    return st;
}
