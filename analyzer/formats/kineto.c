/* kineto.c: the PyTorch profiler (Kineto) trace importer: the file
 * (gzip or plain, read in chunks), the top-level object, devices, and
 * handing the finished rank to the job. One event: kineto_events.c. */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "common/infile.h"
#include "analyzer/formats/kineto.h"
#include "analyzer/formats/kineto_internal.h"

#define SNIFF_MAX_BYTES (4u << 20) /* sniff gives up after this much text */
#define HEAD_BYTES 4096

/* ---- the file ---- */

/* Decompression runs on its own thread, a few chunks ahead of the
 * tokenizer, so inflating and parsing overlap (two cores: about the cost of
 * the slower of the two instead of their sum). */
#define CHUNK_BYTES (1u << 20)
#define N_CHUNKS 4

typedef struct kx_file {
    gzFile gz;
    const char *path;
    int gzip;                 /* the file starts with the gzip magic */
    char msg[GP_ERRMSG_MAX];  /* a read error, for kx_json_fail */
    gp_status code;
    int unreadable;           /* not opened: missing, not a regular file, no access */
    uint64_t isize;           /* uncompressed size as gzip recorded it (mod 2^32), 0 unknown */
    /* read-ahead: chunks filled by the reader thread, consumed in order */
    pthread_t thread;
    int thread_running;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    char *chunk[N_CHUNKS];
    long len[N_CHUNKS];       /* bytes in a filled chunk; 0: end; -1: error */
    unsigned head, tail;      /* chunks produced, chunks consumed */
    size_t off;               /* read offset in the chunk being consumed */
    int stop;
} kx_file;

/* One gzread, with zlib's errors turned into a message. -1 on error. */
static long gz_read(kx_file *f, char *buf, size_t cap)
{
    int n, zerr;
    const char *zmsg;

    if (cap > (size_t)INT_MAX / 2)
        cap = (size_t)INT_MAX / 2;
    n = gzread(f->gz, buf, (unsigned)cap);
    if (n > 0)
        return n;
    zmsg = gzerror(f->gz, &zerr);
    if (n == 0 && zerr == Z_OK)
        return 0;
    if (zerr == Z_BUF_ERROR) {
        snprintf(f->msg, sizeof f->msg,
                 "%s: the gzip stream ends early: the file was cut short (copy it again)", f->path);
        f->code = GP_ERR_INPUT;
    } else if (zerr == Z_ERRNO) {
        snprintf(f->msg, sizeof f->msg, "%s: cannot read: %s", f->path, strerror(errno));
        f->code = GP_ERR_IO;
    } else if (zerr == Z_MEM_ERROR) {
        snprintf(f->msg, sizeof f->msg, "%s: out of memory while decompressing", f->path);
        f->code = GP_ERR_NOMEM;
    } else {
        /* zlib's message starts with what it was given: "<fd:N>: " (gzdopen) */
        const char *colon = zmsg[0] == '<' ? strstr(zmsg, ">: ") : NULL;
        if (colon)
            zmsg = colon + 3;
        snprintf(f->msg, sizeof f->msg, "%s: the gzip data is corrupt (%s): the file is damaged",
                 f->path, zmsg);
        f->code = GP_ERR_INPUT;
    }
    return -1;
}

static void *reader(void *arg)
{
    kx_file *f = arg;

    for (;;) {
        unsigned slot;
        long n;

        pthread_mutex_lock(&f->lock);
        while (!f->stop && f->head - f->tail == N_CHUNKS)
            pthread_cond_wait(&f->cond, &f->lock);
        if (f->stop) {
            pthread_mutex_unlock(&f->lock);
            return NULL;
        }
        slot = f->head % N_CHUNKS;
        pthread_mutex_unlock(&f->lock);
        n = gz_read(f, f->chunk[slot], CHUNK_BYTES);
        pthread_mutex_lock(&f->lock);
        f->len[slot] = n;
        f->head++;
        pthread_cond_broadcast(&f->cond);
        pthread_mutex_unlock(&f->lock);
        if (n <= 0)
            return NULL; /* end or error: the consumer sees it */
    }
}

static long file_read(void *ctx, char *buf, size_t cap)
{
    kx_file *f = ctx;
    unsigned slot;
    long n, take;

    if (!f->thread_running)
        return gz_read(f, buf, cap);
    pthread_mutex_lock(&f->lock);
    while (f->head == f->tail)
        pthread_cond_wait(&f->cond, &f->lock);
    slot = f->tail % N_CHUNKS;
    n = f->len[slot];
    pthread_mutex_unlock(&f->lock);
    if (n <= 0)
        return n; /* the end (0) or the reader's error (-1, message set) */
    take = n - (long)f->off < (long)cap ? n - (long)f->off : (long)cap;
    memcpy(buf, f->chunk[slot] + f->off, (size_t)take);
    f->off += (size_t)take;
    if (f->off == (size_t)n) {
        f->off = 0;
        pthread_mutex_lock(&f->lock);
        f->tail++;
        pthread_cond_broadcast(&f->cond);
        pthread_mutex_unlock(&f->lock);
    }
    return take;
}

/* Opens path (a regular file only, never blocking: common/infile.h); looks
 * at its first bytes. Returns GP_OK, or an error: the file cannot be opened
 * or is not a regular file (f->unreadable set), is empty, or is neither
 * gzip nor JSON. A UTF-8 byte order mark before the JSON is allowed. */
static gp_status file_open(kx_file *f, const char *path, int read_ahead, gp_error *err)
{
    unsigned char head[HEAD_BYTES];
    size_t i = 0;
    struct stat sb;
    long n;
    int fd;

    memset(f, 0, sizeof *f);
    f->path = path;
    if ((fd = gp_infile_open(path, err)) < 0) {
        f->unreadable = 1;
        return err ? err->code : GP_ERR_INPUT;
    }
    if ((n = gp_infile_read(fd, head, sizeof head)) < 0 || fstat(fd, &sb) < 0) {
        int e = errno;
        close(fd);
        f->unreadable = 1;
        return gp_error_set(err, GP_ERR_IO, "%s: cannot read: %s", path, strerror(e));
    }
    f->gzip = n >= 2 && head[0] == 0x1f && head[1] == 0x8b;
    if (f->gzip) { /* gzip's trailer: the uncompressed size, mod 2^32 */
        unsigned char t[4];
        if (sb.st_size >= 4 && pread(fd, t, 4, sb.st_size - 4) == 4)
            f->isize = (uint64_t)t[0] | (uint64_t)t[1] << 8 | (uint64_t)t[2] << 16 |
                       (uint64_t)t[3] << 24;
    } else {
        f->isize = sb.st_size > 0 ? (uint64_t)sb.st_size : 0;
    }
    if (n == 0) {
        close(fd);
        return gp_error_set(err, GP_ERR_INPUT,
                            "%s: the file is empty; expected a PyTorch profiler trace (.json or .json.gz)", path);
    }
    if (!f->gzip) {
        i = gp_infile_bom_len(head, (size_t)n);
        while (i < (size_t)n &&
               (head[i] == ' ' || head[i] == '\t' || head[i] == '\n' || head[i] == '\r'))
            i++;
        if (i < (size_t)n && head[i] != '{' && head[i] != '[') {
            close(fd);
            return gp_error_set(err, GP_ERR_INPUT,
                                "%s: neither gzip nor JSON (it starts with byte 0x%02x); expected a PyTorch "
                                "profiler trace (.json or .json.gz)", path, head[i]);
        }
    }
    errno = 0;
    if (lseek(fd, 0, SEEK_SET) != 0 || !(f->gz = gzdopen(fd, "rb"))) {
        int e = errno;
        close(fd);
        return gp_error_set(err, e ? GP_ERR_IO : GP_ERR_NOMEM, "%s: cannot open: %s", path,
                            e ? strerror(e) : "out of memory");
    }
    gzbuffer(f->gz, 64u * 1024u); /* reads of >= 128 KiB then inflate straight into our buffer */
    /* Read ahead on a thread when the input is worth it (falls back to
     * reading inline if memory or threads are short). */
    if (read_ahead && f->isize > 4u * CHUNK_BYTES) {
        int ok = 1;
        for (int k = 0; k < N_CHUNKS && ok; k++)
            ok = (f->chunk[k] = malloc(CHUNK_BYTES)) != NULL;
        pthread_mutex_init(&f->lock, NULL);
        pthread_cond_init(&f->cond, NULL);
        if (ok && pthread_create(&f->thread, NULL, reader, f) == 0)
            f->thread_running = 1;
    }
    return GP_OK;
}

static void file_close(kx_file *f)
{
    if (f->thread_running) {
        pthread_mutex_lock(&f->lock);
        f->stop = 1;
        pthread_cond_broadcast(&f->cond);
        pthread_mutex_unlock(&f->lock);
        pthread_join(f->thread, NULL);
        f->thread_running = 0;
    }
    if (f->chunk[0]) {
        pthread_mutex_destroy(&f->lock);
        pthread_cond_destroy(&f->cond);
    }
    for (int k = 0; k < N_CHUNKS; k++) {
        free(f->chunk[k]);
        f->chunk[k] = NULL;
    }
    if (f->gz)
        gzclose(f->gz);
    f->gz = NULL;
}

/* ---- errors ---- */

gp_status kx_json_fail(kx_ctx *c)
{
    kx_file *f = c->reader;

    if (gp_json_read_failed(c->j) && f && f->msg[0])
        return gp_error_set(c->err, f->code, "%s", f->msg);
    if (gp_json_read_failed(c->j))
        return gp_error_set(c->err, GP_ERR_IO, "%s: cannot read", c->path);
    return gp_error_set(c->err, GP_ERR_INPUT, "%s: invalid JSON: %s%s", c->path, gp_json_error(c->j),
                        f && f->gzip ? " (after decompression)" : "");
}

/* ---- the top level ---- */

/* The value after a key as an integer in *v; *is_num = 0 if it is not a number. */
static gp_status top_number(kx_ctx *c, int64_t *v, int *is_num)
{
    gp_json_tok t = gp_json_next(c->j);
    size_t n;
    const char *s = gp_json_text(c->j, &n);

    *is_num = t == GP_JSON_NUMBER;
    if (t == GP_JSON_NUMBER)
        *v = kx_num_int(s, n);
    else if (t == GP_JSON_OBJECT_BEGIN || t == GP_JSON_ARRAY_BEGIN)
        return kx_skip_rest(c);
    else if (t == GP_JSON_ERROR)
        return kx_json_fail(c);
    return GP_OK;
}

static gp_status read_device(kx_ctx *c)
{
    gp_devinfo *d = gp_rank_add_device(c->r);
    gp_json_tok t;

    if (!d)
        return gp_error_set(c->err, GP_ERR_NOMEM, "%s: out of memory", c->path);
    while ((t = gp_json_next(c->j)) == GP_JSON_KEY) {
        size_t n;
        const char *k = gp_json_text(c->j, &n);
        int32_t *field = NULL;
        int64_t v = 0;
        int num = 0;
        gp_status st;
        if (strcmp(k, "name") == 0) {
            t = gp_json_next(c->j);
            k = gp_json_text(c->j, &n);
            if (t == GP_JSON_STRING && !(d->name = gp_job_intern(c->job, k, n)) && n)
                return gp_error_set(c->err, GP_ERR_NOMEM, "%s: out of memory", c->path);
            if (t == GP_JSON_ERROR)
                return kx_json_fail(c);
            if ((t == GP_JSON_OBJECT_BEGIN || t == GP_JSON_ARRAY_BEGIN) && (st = kx_skip_rest(c)) != GP_OK)
                return st;
            continue;
        }
        if (strcmp(k, "id") == 0)
            field = &d->id;
        else if (strcmp(k, "numSms") == 0)
            field = &d->sm_count;
        else if (strcmp(k, "computeMajor") == 0)
            field = &d->cc_major;
        else if (strcmp(k, "computeMinor") == 0)
            field = &d->cc_minor;
        if (!field) {
            if (gp_json_skip(c->j) == GP_JSON_ERROR)
                return kx_json_fail(c);
            continue;
        }
        if ((st = top_number(c, &v, &num)) != GP_OK)
            return st;
        if (num && v >= INT32_MIN && v <= INT32_MAX)
            *field = (int32_t)v;
    }
    return t == GP_JSON_OBJECT_END ? GP_OK : kx_json_fail(c);
}

static gp_status read_devices(kx_ctx *c)
{
    gp_json_tok t = gp_json_next(c->j);
    gp_status st;

    if (t == GP_JSON_ERROR)
        return kx_json_fail(c);
    if (t != GP_JSON_ARRAY_BEGIN)
        return t == GP_JSON_OBJECT_BEGIN ? kx_skip_rest(c) : GP_OK;
    while ((t = gp_json_next(c->j)) != GP_JSON_ARRAY_END) {
        if (t == GP_JSON_ERROR)
            return kx_json_fail(c);
        if (t == GP_JSON_OBJECT_BEGIN)
            st = read_device(c);
        else
            st = t == GP_JSON_ARRAY_BEGIN ? kx_skip_rest(c) : GP_OK;
        if (st != GP_OK)
            return st;
    }
    return GP_OK;
}

/* distributedInfo.rank -> *rank (-1 if absent). */
static gp_status read_distributed(kx_ctx *c, int *rank)
{
    gp_json_tok t = gp_json_next(c->j);
    gp_status st;

    if (t == GP_JSON_ERROR)
        return kx_json_fail(c);
    if (t != GP_JSON_OBJECT_BEGIN)
        return t == GP_JSON_ARRAY_BEGIN ? kx_skip_rest(c) : GP_OK;
    while ((t = gp_json_next(c->j)) == GP_JSON_KEY) {
        size_t n;
        const char *k = gp_json_text(c->j, &n);
        if (strcmp(k, "rank") == 0) {
            int64_t v = -1;
            int num = 0;
            if ((st = top_number(c, &v, &num)) != GP_OK)
                return st;
            if (num && v >= 0 && v <= INT_MAX)
                *rank = (int)v;
        } else if (gp_json_skip(c->j) == GP_JSON_ERROR) {
            return kx_json_fail(c);
        }
    }
    return t == GP_JSON_OBJECT_END ? GP_OK : kx_json_fail(c);
}

static gp_status read_schema(kx_ctx *c)
{
    gp_json_tok t = gp_json_next(c->j);
    size_t n;
    const char *s = gp_json_text(c->j, &n);

    if (t == GP_JSON_ERROR)
        return kx_json_fail(c);
    if (t == GP_JSON_NUMBER && strcmp(s, "1") == 0)
        return GP_OK;
    if (t == GP_JSON_OBJECT_BEGIN || t == GP_JSON_ARRAY_BEGIN)
        s = "(not a number)";
    else if (t != GP_JSON_NUMBER)
        s = t == GP_JSON_STRING ? "(a string)" : "(not a number)";
    return gp_error_set(c->err, GP_ERR_INPUT,
                        "%s: schemaVersion %.40s is not one this gpupack reads (it reads 1, or none); "
                        "export the trace with a PyTorch release it knows, or update gpupack",
                        c->path, s);
}

/* The whole document: { ..., "traceEvents": [...], ... }, or Chrome's JSON
 * Array Format: just the events, [...], whose ']' may be missing. */
static gp_status read_top(kx_ctx *c, int *dist_rank)
{
    gp_json_tok t = gp_json_next(c->j);
    int have_events = 0;
    gp_status st;

    if (t == GP_JSON_ERROR)
        return kx_json_fail(c);
    if (t == GP_JSON_ARRAY_BEGIN) {
        if ((st = kx_read_events(c)) != GP_OK)
            return st;
        return gp_json_next(c->j) == GP_JSON_END ? GP_OK : kx_json_fail(c);
    }
    if (t != GP_JSON_OBJECT_BEGIN)
        goto not_kineto;
    while ((t = gp_json_next(c->j)) == GP_JSON_KEY) {
        size_t n;
        const char *k = gp_json_text(c->j, &n);
        if (strcmp(k, "traceEvents") == 0) {
            if (have_events)
                return gp_error_set(c->err, GP_ERR_INPUT,
                                    "%s: traceEvents appears twice; not a PyTorch profiler trace", c->path);
            have_events = 1;
            t = gp_json_next(c->j);
            if (t == GP_JSON_ERROR)
                return kx_json_fail(c);
            if (t != GP_JSON_ARRAY_BEGIN)
                return gp_error_set(c->err, GP_ERR_INPUT,
                                    "%s: traceEvents is not an array; not a PyTorch profiler trace", c->path);
            st = kx_read_events(c);
        } else if (strcmp(k, "schemaVersion") == 0) {
            st = read_schema(c);
        } else if (strcmp(k, "deviceProperties") == 0) {
            st = read_devices(c);
        } else if (strcmp(k, "distributedInfo") == 0) {
            st = read_distributed(c, dist_rank);
        } else {
            st = gp_json_skip(c->j) == GP_JSON_ERROR ? kx_json_fail(c) : GP_OK;
        }
        if (st != GP_OK)
            return st;
    }
    if (t != GP_JSON_OBJECT_END || gp_json_next(c->j) != GP_JSON_END)
        return kx_json_fail(c);
    if (have_events)
        return GP_OK;
not_kineto:
    return gp_error_set(c->err, GP_ERR_INPUT,
                        "%s: not a PyTorch profiler trace: no traceEvents (expected the JSON that "
                        "torch.profiler's export_chrome_trace writes)", c->path);
}

/* ---- after reading ---- */

typedef struct corr_call {
    int64_t corr;
    uint32_t call; /* index in r->calls */
} corr_call;

static int cmp_corr(const void *a, const void *b)
{
    const corr_call *x = a, *y = b;
    return x->corr < y->corr ? -1 : x->corr > y->corr;
}

/* The call with correlation corr, or dflt. O(log n). */
static uint32_t call_of(const corr_call *ix, size_t n, int64_t corr, uint32_t dflt)
{
    size_t lo = 0, hi = n;

    if (corr < 0)
        return dflt;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix[mid].corr < corr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && ix[lo].corr == corr ? ix[lo].call : dflt;
}

/* Kineto writes the device id as the pid of GPU events; give them the pid
 * of the host call with the same correlation id (else the process's), so
 * gp_rank_finish joins them to their launches. Copies and memsets issued by
 * an ...Async call are marked async. */
static int host_pids(gp_job *job, gp_rank *r)
{
    corr_call *ix = malloc((r->n_calls ? r->n_calls : 1) * sizeof *ix);
    size_t n = 0;

    if (!ix)
        return -1;
    for (size_t i = 0; i < r->n_calls; i++)
        if (r->calls[i].correlation >= 0)
            ix[n++] = (corr_call){ r->calls[i].correlation, (uint32_t)i };
    qsort(ix, n, sizeof *ix, cmp_corr);
    for (size_t i = 0; i < r->n_ops; i++) {
        gp_op *o = &r->ops[i];
        uint32_t call = call_of(ix, n, o->correlation, UINT32_MAX);
        o->pid = call == UINT32_MAX ? r->pid : r->calls[call].pid;
        if (call != UINT32_MAX && o->kind != GP_OP_KERNEL)
            o->async = strstr(gp_job_str(job, r->calls[call].name), "Async") != NULL;
    }
    for (size_t i = 0; i < r->n_syncs; i++) {
        uint32_t call = call_of(ix, n, r->syncs[i].correlation, UINT32_MAX);
        r->syncs[i].pid = call == UINT32_MAX ? r->pid : r->calls[call].pid;
    }
    free(ix);
    return 0;
}

static void free_arrays(gp_rank *r)
{
    free(r->ops);
    free(r->calls);
    free(r->ranges);
    free(r->syncs);
    free(r->samples);
    free(r->devices);
    free(r->hta);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

gp_status gp_kineto_load(gp_job *job, const char *path, gp_error *err)
{
    kx_file f;
    kx_ctx c;
    gp_rank tmp, *r;
    int dist_rank = -1;
    const char *env;
    gp_status st;

    assert(job && path);
    memset(&c, 0, sizeof c);
    memset(&tmp, 0, sizeof tmp);
    if ((st = file_open(&f, path, 1, err)) != GP_OK)
        return st;
    /* Size the arrays from the text's size (about 300 bytes an event in
     * these files), so they do not grow by copying. */
    if (f.isize)
        gp_rank_reserve(&tmp, f.isize / 2400, f.isize / 1200, f.isize / 600, f.isize / 280);
    c.job = job;
    c.r = &tmp;
    c.path = path;
    c.err = err;
    c.reader = &f;
    c.j = gp_json_new(file_read, &f);
    if (!c.j) {
        file_close(&f);
        return gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory", path);
    }
    gp_json_allow_open_array(c.j);
    st = read_top(&c, &dist_rank);
    gp_json_free(c.j);
    file_close(&f);
    free(c.ev.name.s);
    free(c.ev.ts.s);
    free(c.ev.dur.s);
    if (st == GP_OK && host_pids(job, &tmp) < 0)
        st = gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory", path);
    if (st == GP_OK && !(r = gp_job_add_rank(job, base_name(path))))
        st = gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory", path);
    if (st != GP_OK) {
        free_arrays(&tmp);
        return st;
    }
    /* the rank's arrays move into the job's new rank */
    tmp.rank = dist_rank >= 0 ? dist_rank : r->rank;
    memcpy(tmp.label, r->label, sizeof tmp.label);
    tmp.hta_native = 1;
    env = getenv("HTA_DISABLE_NS_ROUNDING");
    tmp.hta_rounding = c.hta_round && !(env && strcmp(env, "1") == 0);
    *r = tmp;
    if (gp_rank_finish(job, r) < 0)
        return gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory", path);
    return GP_OK;
}

/* ---- sniffing ---- */

static long sniff_read(void *ctx, char *buf, size_t cap)
{
    kx_file *f = ctx;
    long n;

    if (gztell(f->gz) >= (z_off_t)SNIFF_MAX_BYTES)
        return 0;
    if (cap > 64u * 1024u)
        cap = 64u * 1024u;
    n = file_read(ctx, buf, cap);
    return n;
}

int gp_kineto_sniff(const char *path)
{
    kx_file f;
    gp_error err = { 0 };
    gp_json *j;
    gp_json_tok t;
    int found = 0;

    if (file_open(&f, path, 0, &err) != GP_OK)
        return err.code == GP_ERR_IO || f.unreadable ? -1 : 0;
    j = gp_json_new(sniff_read, &f);
    if (!j) {
        file_close(&f);
        return -1;
    }
    gp_json_allow_open_array(j);
    t = gp_json_next(j);
    if (t == GP_JSON_ARRAY_BEGIN) { /* Chrome's JSON Array Format: events, or none */
        t = gp_json_next(j);
        found = t == GP_JSON_OBJECT_BEGIN || t == GP_JSON_ARRAY_END;
    } else if (t == GP_JSON_OBJECT_BEGIN) {
        while ((t = gp_json_next(j)) == GP_JSON_KEY) {
            if (strcmp(gp_json_text(j, NULL), "traceEvents") == 0) {
                found = gp_json_next(j) == GP_JSON_ARRAY_BEGIN;
                break;
            }
            if (gp_json_skip(j) == GP_JSON_ERROR)
                break;
        }
    }
    gp_json_free(j);
    file_close(&f);
    return found;
}
