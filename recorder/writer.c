/* writer.c: the recorder's writer thread, validation and process table. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/checked.h"
#include "common/clock.h"
#include "common/fields.h"
#include "common/wire.h"
#include "recorder/internal.h"
#include "recorder/live.h"
#include "recorder/writer.h"

#define MAX_STRING_BYTES 65536      /* longer strings are cut */
#define MAX_TXN_RECORDS 200000      /* events grouped per transaction */

enum { EV_CONN_OPEN, EV_BATCH, EV_REJECTED, EV_CONN_CLOSED, EV_LOCAL, EV_CHILD_START,
       EV_CHILD_END, EV_META };

typedef struct event {
    struct event *next;
    int type, conn, exited, code;
    pid_t pid;
    gp_batch *batch;
    int64_t t;
    int64_t anchor_ns, anchor_err_ns; /* clock anchor when the event happened */
    uint64_t count;
    char *s1, *s2;
    size_t bytes;
} event;

typedef struct strmap_entry {
    uint32_t wire, store;
} strmap_entry;

typedef struct conn_state {
    pid_t pid;
    int open, goodbye;
    uint64_t issued, recorded;
    strmap_entry *map; /* GP_WIRE_STRING_WINDOW entries, by wire id modulo the window */
} conn_state;

typedef struct proc_entry {
    gp_process p;     /* strings are store ids */
    int ended_by_wait; /* exit status known from waitpid */
    int closed;        /* its end is known */
} proc_entry;

struct gp_recw {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t thread;
    event *head, *tail;
    size_t bytes, max_bytes;
    int stopping;

    /* writer thread only */
    gp_writer *w;
    gp_error err;
    int failed;
    conn_state **conns;
    size_t n_conns;
    proc_entry *procs;
    size_t n_procs, cap_procs;
    gp_recw_stats stats;
    uint64_t txn_records;
    int64_t first_ns, last_ns; /* first event handled, last commit done */
    gp_live *live_set;         /* live figures for top, or NULL (under lock) */
    gp_live *live;             /* the writer thread's copy of live_set */
    gp_rec_hosts hosts;        /* host names and clock anchors (hosts.c) */
    gp_rec_lost lost;          /* what the trace lacks once writing failed (lost.c) */
};

/* ---- queue ------------------------------------------------------------------ */

static void push(gp_recw *q, event *e)
{
    pthread_mutex_lock(&q->lock);
    if (q->tail)
        q->tail->next = e;
    else
        q->head = e;
    q->tail = e;
    q->bytes += e->bytes;
    pthread_cond_signal(&q->cond);
    pthread_mutex_unlock(&q->lock);
}

static event *new_event(int type)
{
    event *e = calloc(1, sizeof *e);
    if (e)
        e->type = type;
    return e;
}

void gp_recw_live(gp_recw *q, gp_live *live)
{
    pthread_mutex_lock(&q->lock);
    q->live_set = live;
    pthread_mutex_unlock(&q->lock);
}

int gp_recw_full(gp_recw *q)
{
    int full;

    pthread_mutex_lock(&q->lock);
    full = q->bytes > q->max_bytes;
    pthread_mutex_unlock(&q->lock);
    return full;
}

void gp_recw_conn_open(gp_recw *q, int conn, pid_t pid)
{
    event *e = new_event(EV_CONN_OPEN);
    if (!e)
        return;
    e->conn = conn;
    e->pid = pid;
    push(q, e);
}

void gp_recw_batch(gp_recw *q, int conn, gp_batch *b)
{
    event *e = new_event(EV_BATCH);
    if (!e) {
        gp_batch_free(b);
        return;
    }
    e->conn = conn;
    e->batch = b;
    e->bytes = gp_batch_bytes(b);
    push(q, e);
}

void gp_recw_rejected(gp_recw *q, int conn, uint64_t count)
{
    event *e = new_event(EV_REJECTED);
    if (!e)
        return;
    e->conn = conn;
    e->count = count;
    push(q, e);
}

void gp_recw_conn_closed(gp_recw *q, int conn, int64_t end_ns)
{
    event *e = new_event(EV_CONN_CLOSED);
    if (!e)
        return;
    e->conn = conn;
    e->t = end_ns;
    push(q, e);
}

void gp_recw_local(gp_recw *q, gp_batch *b)
{
    event *e = new_event(EV_LOCAL);
    if (!e) {
        gp_batch_free(b);
        return;
    }
    e->batch = b;
    e->bytes = gp_batch_bytes(b);
    push(q, e);
}

void gp_recw_child_started(gp_recw *q, pid_t pid, const char *cmdline, int64_t start_ns)
{
    event *e = new_event(EV_CHILD_START);
    if (!e)
        return;
    e->pid = pid;
    e->s1 = strdup(cmdline ? cmdline : "");
    e->t = start_ns;
    gp_clock_anchor(&e->anchor_ns, &e->anchor_err_ns);
    push(q, e);
}

void gp_recw_child_ended(gp_recw *q, pid_t pid, int64_t end_ns, int exited, int code)
{
    event *e = new_event(EV_CHILD_END);
    if (!e)
        return;
    gp_clock_anchor(&e->anchor_ns, &e->anchor_err_ns);
    e->pid = pid;
    e->t = end_ns;
    e->exited = exited;
    e->code = code;
    push(q, e);
}

void gp_recw_meta(gp_recw *q, const char *key, const char *value)
{
    event *e = new_event(EV_META);
    if (!e)
        return;
    e->s1 = strdup(key);
    e->s2 = strdup(value);
    push(q, e);
}

/* ---- writing ------------------------------------------------------------------ */

/* A store call failed (q->err says why): writing stops for the rest of the
 * run, said now in one line; the job goes on. The open transaction is
 * rolled back: its records are lost with every later one (lost.c). */
static void store_failed(gp_recw *q)
{
    if (q->failed)
        return;
    q->failed = 1;
    gp_writer_rollback(q->w);
    q->stats.records -= gp_rec_lost_failed(&q->lost, gp_now_ns());
    fprintf(stderr, "gpupack record: %s; the job runs on: the trace keeps what was written "
            "before, later records are counted as lost\n", q->err.msg);
}

/* Writes one record held as its kind's struct, or counts it as lost. */
static void put_item(gp_recw *q, gp_kind kind, const void *item)
{
    if (!q->failed && gp_writer_put_item(q->w, kind, item, &q->err) != GP_OK)
        store_failed(q);
    if (q->failed) {
        gp_rec_lost_record(&q->lost, kind, item);
        return;
    }
    gp_rec_lost_written(&q->lost, kind, item);
    q->stats.records++;
    q->txn_records++;
}

static void put(gp_recw *q, const gp_record *r)
{
    put_item(q, r->kind, &r->u);
}

static gp_strid intern(gp_recw *q, const char *s, size_t len)
{
    gp_strid id;

    if (q->failed || len == 0)
        return 0;
    if (len > MAX_STRING_BYTES)
        len = MAX_STRING_BYTES;
    id = gp_writer_intern(q->w, s, len, &q->err);
    if (!id)
        store_failed(q);
    return id;
}

static void count_rejected(gp_recw *q, pid_t pid, uint64_t n)
{
    gp_record r;

    if (!n)
        return;
    q->stats.rejected += n;
    gp_record_init(&r, GP_KIND_DROPPED);
    r.u.dropped.ts_ns = gp_now_ns();
    r.u.dropped.source = GP_DROP_REJECTED;
    r.u.dropped.count = n;
    r.u.dropped.pid = (uint32_t)pid;
    put(q, &r);
}

static conn_state *conn_get(gp_recw *q, int conn)
{
    if (conn < 0 || (size_t)conn >= q->n_conns)
        return NULL;
    return q->conns[conn];
}

/* ---- processes ------------------------------------------------------------------ */

static proc_entry *proc_find(gp_recw *q, pid_t pid)
{
    for (size_t i = q->n_procs; i-- > 0;)
        if (q->procs[i].p.pid == (uint32_t)pid)
            return &q->procs[i];
    return NULL;
}

static proc_entry *proc_add(gp_recw *q, pid_t pid, int64_t start_ns)
{
    proc_entry *e;
    gp_record r;

    if (q->n_procs == q->cap_procs) {
        size_t cap = q->cap_procs ? 2 * q->cap_procs : 16;
        proc_entry *p = realloc(q->procs, cap * sizeof *p);
        if (!p)
            return NULL;
        q->procs = p;
        q->cap_procs = cap;
    }
    e = &q->procs[q->n_procs++];
    memset(e, 0, sizeof *e);
    gp_record_init(&r, GP_KIND_PROCESS);
    e->p = r.u.process;
    e->p.pid = (uint32_t)pid;
    e->p.start_ns = start_ns;
    q->stats.processes++;
    return e;
}

static void proc_write(gp_recw *q, const proc_entry *e)
{
    gp_record r;

    /* Process rows are bookkeeping, not records: not counted. */
    r.kind = GP_KIND_PROCESS;
    r.u.process = e->p;
    if (!q->failed && gp_writer_put(q->w, &r, &q->err) != GP_OK)
        store_failed(q);
}

/* A process record from a collector (hello or goodbye), strings mapped and
 * values checked. What the process says about itself wins over what the
 * recorder filled in for its own children. */
static void proc_from_collector(gp_recw *q, const gp_process *in)
{
    proc_entry *e = proc_find(q, (pid_t)in->pid);

    /* A new process if the pid is unknown, or was reused: this one started
     * after the known one ended. (Its end may already be known when the
     * recorder reaped the job before reading its first batch.) */
    if (!e || (e->closed && e->p.end_ns && in->start_ns > e->p.end_ns))
        e = proc_add(q, (pid_t)in->pid, in->start_ns);
    if (!e)
        return;
    if (in->ppid)
        e->p.ppid = in->ppid;
    if (in->cmdline)
        e->p.cmdline = in->cmdline;
    if (in->collector_version)
        e->p.collector_version = in->collector_version;
    if (in->hostname)
        e->p.hostname = in->hostname;
    if (in->rank >= 0)
        e->p.rank = in->rank;
    if (in->cupti_version)
        e->p.cupti_version = in->cupti_version;
    if (in->driver_version)
        e->p.driver_version = in->driver_version;
    if (in->anchor_start_ns) {
        e->p.anchor_start_ns = in->anchor_start_ns;
        e->p.anchor_start_err_ns = in->anchor_start_err_ns;
    }
    if (in->anchor_end_ns) {
        e->p.anchor_end_ns = in->anchor_end_ns;
        e->p.anchor_end_err_ns = in->anchor_end_err_ns;
    }
    if (in->end_ns && !e->ended_by_wait) {
        e->p.end_ns = in->end_ns;
        e->p.end_reason = GP_END_EXITED;
        e->p.exit_status = -1; /* a clean exit; the status is unknown in-process */
        e->closed = 1;
    }
    proc_write(q, e);
}

/* ---- events ---------------------------------------------------------------- */

static void on_conn_open(gp_recw *q, const event *ev)
{
    conn_state *c;

    if ((size_t)ev->conn >= q->n_conns) {
        size_t n = (size_t)ev->conn + 16;
        conn_state **p = realloc(q->conns, n * sizeof *p);
        if (!p)
            return;
        memset(p + q->n_conns, 0, (n - q->n_conns) * sizeof *p);
        q->conns = p;
        q->n_conns = n;
    }
    c = q->conns[ev->conn];
    if (!c) {
        c = calloc(1, sizeof *c);
        if (c)
            c->map = calloc(GP_WIRE_STRING_WINDOW, sizeof *c->map);
        if (!c || !c->map) {
            if (c)
                free(c);
            return;
        }
        q->conns[ev->conn] = c;
    }
    memset(c->map, 0, GP_WIRE_STRING_WINDOW * sizeof *c->map);
    c->pid = ev->pid;
    c->open = 1;
    c->goodbye = 0;
    c->issued = c->recorded = 0;
}

/* Maps a wire string id of connection c; 0 stays 0; unknown -> -1. */
static int64_t map_string(const conn_state *c, uint32_t wire)
{
    const strmap_entry *m;

    if (wire == 0)
        return 0;
    m = &c->map[wire & (GP_WIRE_STRING_WINDOW - 1)];
    return m->wire == wire ? (int64_t)m->store : -1;
}

/* Per kind: where its string fields and its pid are (from fields.h),
 * computed once so validating a record is a few loads. */
typedef struct kind_layout {
    unsigned short str_off[8];
    int n_str;
    int pid_off; /* -1: the kind keeps its own pid (device, metric) */
} kind_layout;

static kind_layout layouts[GP_KIND_COUNT];
static pthread_once_t layouts_once = PTHREAD_ONCE_INIT;

static void init_layouts(void)
{
    for (int k = 0; k < GP_KIND_COUNT; k++) {
        int nf;
        const gp_field *f = gp_kind_fields(k, &nf);
        kind_layout *l = &layouts[k];

        l->pid_off = -1;
        for (int i = 0; i < nf; i++) {
            if (f[i].type == GP_F_STR && l->n_str < 8)
                l->str_off[l->n_str++] = f[i].offset;
            else if (strcmp(f[i].name, "pid") == 0 && k != GP_KIND_METRIC &&
                     k != GP_KIND_DEVICE)
                l->pid_off = f[i].offset;
        }
    }
}

/* Checks and fixes one record from a socket, in place. Returns 0 if it may
 * be written: its times an interval of common/checked.h's range (a sample's
 * ts + dur, a loss's ts, a process's start and, when known, its end). */
static int validate(const conn_state *c, gp_kind kind, unsigned char *base)
{
    const kind_layout *l = &layouts[kind];
    int64_t s, e;

    for (int i = 0; i < l->n_str; i++) {
        uint32_t *p = (uint32_t *)(base + l->str_off[i]);
        int64_t id = map_string(c, *p);
        if (id < 0)
            return -1;
        *p = (uint32_t)id;
    }
    if (l->pid_off >= 0) /* a process speaks only for itself */
        *(uint32_t *)(base + l->pid_off) = (uint32_t)c->pid;
    switch (kind) { /* the timed kinds: start at offset 0, end next (or a duration) */
    case GP_KIND_KERNEL: case GP_KIND_MEMCPY: case GP_KIND_MEMSET: case GP_KIND_SYNC:
    case GP_KIND_API: case GP_KIND_NVTX: case GP_KIND_OVERHEAD:
        s = ((const int64_t *)base)[0];
        e = ((const int64_t *)base)[1];
        return gp_interval_ok(s, e) ? 0 : -1;
    case GP_KIND_METRIC:
        return gp_span_ok(((const gp_metric *)base)->ts_ns, ((const gp_metric *)base)->dur_ns,
                          NULL) ? 0 : -1;
    case GP_KIND_COSCHED:
        return gp_span_ok(((const gp_cosched *)base)->ts_ns, ((const gp_cosched *)base)->dur_ns,
                          NULL) ? 0 : -1;
    case GP_KIND_DROPPED:
        return gp_time_ok(((const gp_dropped *)base)->ts_ns) ? 0 : -1;
    case GP_KIND_PROCESS:
        s = ((const gp_process *)base)->start_ns;
        e = ((const gp_process *)base)->end_ns;
        return gp_time_ok(s) && (e == 0 || gp_interval_ok(s, e)) ? 0 : -1;
    default:
        return 0;
    }
}

static void on_batch(gp_recw *q, const event *ev)
{
    conn_state *c = conn_get(q, ev->conn);
    uint32_t version, pid;
    uint64_t rejected = 0;
    size_t total = gp_batch_record_count(ev->batch);

    if (!c || !c->open)
        return;
    gp_batch_header(ev->batch, &version, &pid, NULL);
    if (pid != (uint32_t)c->pid) {
        count_rejected(q, c->pid, total);
        return;
    }
    q->stats.batches++;
    gp_batch_progress(ev->batch, &c->issued, &c->recorded);
    for (size_t i = 0; i < gp_batch_string_count(ev->batch); i++) {
        gp_strid wire;
        size_t len;
        const char *t = gp_batch_string(ev->batch, i, &wire, &len);
        gp_strid id = intern(q, t, len);
        strmap_entry *m = &c->map[wire & (GP_WIRE_STRING_WINDOW - 1)];

        if (wire == 0 || !id)
            continue;
        gp_live_string(q->live, id, t, len);
        m->wire = wire;
        m->store = id;
    }
    for (int k = 0; k < GP_KIND_COUNT; k++) {
        size_t n, sz = gp_kind_size(k);
        unsigned char *items = gp_batch_items_mut(ev->batch, k, &n);
        for (size_t i = 0; i < n; i++) {
            unsigned char *item = items + i * sz;
            if (q->failed) /* nothing is interned any more: no string to map */
                for (int j = 0; j < layouts[k].n_str; j++)
                    *(uint32_t *)(item + layouts[k].str_off[j]) = 0;
            if (validate(c, k, item) < 0) {
                rejected++;
                continue;
            }
            if (k == GP_KIND_PROCESS) {
                gp_process *p = (gp_process *)item;
                if (!q->failed && gp_rec_hosts_check(&q->hosts, q->w, p, &q->err) != GP_OK)
                    store_failed(q);
                if (p->end_ns)
                    c->goodbye = 1;
                proc_from_collector(q, p);
            } else {
                if (k == GP_KIND_KERNEL && !q->failed)
                    gp_live_kernel(q->live, (const gp_kernel *)item);
                else if (k == GP_KIND_API && !q->failed)
                    gp_live_api(q->live, (const gp_api *)item);
                put_item(q, k, item);
            }
        }
    }
    count_rejected(q, c->pid, rejected);
    gp_live_publish(q->live, gp_now_ns());
}

static void on_conn_closed(gp_recw *q, const event *ev)
{
    conn_state *c = conn_get(q, ev->conn);
    proc_entry *e;

    if (!c || !c->open)
        return;
    c->open = 0;
    if (c->goodbye)
        return;
    /* Gone without a goodbye: killed, or crashed. What it had issued but not
     * yet sent is lost; its last counters bound that from below. */
    if (c->issued > c->recorded) {
        gp_record r;
        gp_record_init(&r, GP_KIND_DROPPED);
        r.u.dropped.ts_ns = ev->t;
        r.u.dropped.source = GP_DROP_UNFLUSHED;
        r.u.dropped.count = c->issued - c->recorded;
        r.u.dropped.pid = (uint32_t)c->pid;
        put(q, &r);
    }
    e = proc_find(q, c->pid);
    if (!e)
        e = proc_add(q, c->pid, ev->t);
    if (e && !e->ended_by_wait) {
        e->p.end_ns = ev->t;
        e->p.end_reason = GP_END_LOST;
        e->closed = 1;
        proc_write(q, e);
    }
}

static void on_local(gp_recw *q, const event *ev)
{
    size_t nstr = gp_batch_string_count(ev->batch);
    gp_strid *ids = calloc(nstr + 1, sizeof *ids);

    if (!ids)
        return;
    for (size_t i = 0; i < nstr; i++) {
        size_t len;
        const char *t = gp_batch_string(ev->batch, i, NULL, &len);
        ids[i + 1] = intern(q, t, len);
    }
    for (int k = 0; k < GP_KIND_COUNT; k++) {
        size_t n;
        int nf;
        const gp_field *f = gp_kind_fields(k, &nf);
        gp_batch_items(ev->batch, k, &n);
        for (size_t i = 0; i < n; i++) {
            gp_record r;
            unsigned char *base = (unsigned char *)&r.u;
            gp_batch_get(ev->batch, k, i, &r);
            for (int j = 0; j < nf; j++)
                if (f[j].type == GP_F_STR) {
                    uint32_t *s = (uint32_t *)(base + f[j].offset);
                    *s = *s <= nstr ? ids[*s] : 0;
                }
            put(q, &r);
        }
    }
    free(ids);
}

/* This host's name in the store (the first call also writes the trace's
 * host meta, with the event's anchor). */
static gp_strid own_host(gp_recw *q, const event *ev)
{
    gp_strid id = 0;

    if (!q->failed &&
        gp_rec_hosts_own(&q->hosts, q->w, ev->anchor_ns, ev->anchor_err_ns, &id, &q->err) != GP_OK)
        store_failed(q);
    return id;
}

/* The job's processes the recorder started run on its host, on its clock. */
static void on_child_start(gp_recw *q, const event *ev)
{
    proc_entry *e = proc_add(q, ev->pid, ev->t);

    if (!e)
        return;
    e->p.ppid = 0;
    e->p.cmdline = intern(q, ev->s1, strlen(ev->s1));
    e->p.hostname = own_host(q, ev);
    e->p.anchor_start_ns = ev->anchor_ns;
    e->p.anchor_start_err_ns = ev->anchor_err_ns;
    proc_write(q, e);
}

static void on_child_end(gp_recw *q, const event *ev)
{
    proc_entry *e = proc_find(q, ev->pid);

    if (!e)
        e = proc_add(q, ev->pid, ev->t);
    if (!e)
        return;
    e->p.end_ns = ev->t;
    e->p.end_reason = ev->exited ? GP_END_EXITED : GP_END_SIGNALED;
    e->p.exit_status = ev->exited ? ev->code : 0;
    e->p.signal = ev->exited ? 0 : ev->code;
    if (!e->p.hostname)
        e->p.hostname = own_host(q, ev);
    if (!e->p.anchor_end_ns) {
        e->p.anchor_end_ns = ev->anchor_ns;
        e->p.anchor_end_err_ns = ev->anchor_err_ns;
    }
    e->ended_by_wait = e->closed = 1;
    proc_write(q, e);
}

static void handle(gp_recw *q, const event *ev)
{
    switch (ev->type) {
    case EV_CONN_OPEN: on_conn_open(q, ev); break;
    case EV_BATCH: on_batch(q, ev); break;
    case EV_REJECTED: {
        conn_state *c = conn_get(q, ev->conn);
        count_rejected(q, c ? c->pid : 0, ev->count);
        break;
    }
    case EV_CONN_CLOSED: on_conn_closed(q, ev); break;
    case EV_LOCAL: on_local(q, ev); break;
    case EV_CHILD_START: on_child_start(q, ev); break;
    case EV_CHILD_END: on_child_end(q, ev); break;
    case EV_META:
        if (!q->failed && gp_writer_set_meta(q->w, ev->s1, ev->s2, &q->err) != GP_OK)
            store_failed(q);
        break;
    }
}

static void free_event(event *e)
{
    gp_batch_free(e->batch);
    free(e->s1);
    free(e->s2);
    free(e);
}

static void *writer_thread(void *arg)
{
    gp_recw *q = arg;

    pthread_mutex_lock(&q->lock);
    for (;;) {
        event *e;

        while (!q->head && !q->stopping)
            pthread_cond_wait(&q->cond, &q->lock);
        if (!q->head)
            break;
        pthread_mutex_unlock(&q->lock);
        if (!q->first_ns)
            q->first_ns = gp_now_ns();
        pthread_mutex_lock(&q->lock);
        q->live = q->live_set;
        pthread_mutex_unlock(&q->lock);
        if (!q->failed && gp_writer_begin(q->w, &q->err) != GP_OK)
            store_failed(q);
        q->txn_records = 0;
        /* Group queued events into one transaction, up to a size. */
        for (;;) {
            pthread_mutex_lock(&q->lock);
            e = q->head;
            if (e) {
                q->head = e->next;
                if (!q->head)
                    q->tail = NULL;
            }
            pthread_mutex_unlock(&q->lock);
            if (!e)
                break;
            handle(q, e);
            pthread_mutex_lock(&q->lock);
            q->bytes -= e->bytes;
            pthread_mutex_unlock(&q->lock);
            free_event(e);
            if (q->txn_records >= MAX_TXN_RECORDS)
                break;
        }
        if (!q->failed && gp_writer_commit(q->w, &q->err) != GP_OK)
            store_failed(q);
        if (!q->failed)
            gp_rec_lost_committed(&q->lost);
        q->last_ns = gp_now_ns();
        pthread_mutex_lock(&q->lock);
    }
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

gp_recw *gp_recw_start(gp_writer *w, size_t max_queue_bytes)
{
    gp_recw *q = calloc(1, sizeof *q);

    if (!q)
        return NULL;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->cond, NULL);
    q->w = w;
    q->max_bytes = max_queue_bytes;
    gp_rec_hosts_init(&q->hosts);
    pthread_once(&layouts_once, init_layouts);
    if (pthread_create(&q->thread, NULL, writer_thread, q) != 0) {
        free(q);
        return NULL;
    }
    return q;
}

/* After a failure: the trace says what it lacks, if the disk lets it
 * (lost.c); else it stays as it was when writing failed. */
static void salvage(gp_recw *q)
{
    gp_error err = { 0 };
    gp_status st = gp_writer_begin(q->w, &err);

    for (size_t i = 0; i < q->n_procs && st == GP_OK; i++)
        st = gp_rec_lost_process(q->w, &q->procs[i].p, &err);
    if (st == GP_OK)
        st = gp_rec_lost_finish(&q->lost, q->w, q->err.msg, &err);
    if (st == GP_OK)
        st = gp_writer_commit(q->w, &err);
    if (st != GP_OK)
        gp_writer_rollback(q->w);
}

gp_status gp_recw_finish(gp_recw *q, gp_recw_stats *stats, gp_error *err)
{
    gp_status st = GP_OK;

    pthread_mutex_lock(&q->lock);
    q->stopping = 1;
    pthread_cond_signal(&q->cond);
    pthread_mutex_unlock(&q->lock);
    pthread_join(q->thread, NULL);
    int64_t t_close = gp_now_ns();

    q->stats.ingest_ns = q->last_ns - q->first_ns;
    q->stats.rejected_values = q->hosts.rejected;
    if (!q->failed && gp_rec_hosts_finish(&q->hosts, q->w, &q->err) != GP_OK)
        store_failed(q);
    if (q->failed) {
        *err = q->err;
        st = q->err.code ? q->err.code : GP_ERR_IO;
        salvage(q);
        q->stats.write_failed = 1;
        q->stats.lost = q->lost.records;
        gp_writer_abandon(q->w); /* not finished: meta.complete stays 0 */
    } else {
        st = gp_writer_close(q->w, err);
    }
    q->stats.finish_ns = gp_now_ns() - t_close;
    if (stats)
        *stats = q->stats;
    for (size_t i = 0; i < q->n_conns; i++)
        if (q->conns[i]) {
            free(q->conns[i]->map);
            free(q->conns[i]);
        }
    free(q->conns);
    free(q->procs);
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->cond);
    free(q);
    return st;
}
