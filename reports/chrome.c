/* chrome.c: the job as a Chrome trace (Trace Event Format, JSON object
 * form) for Perfetto and chrome://tracing: GPU streams with their kernels,
 * copies and memsets ("X"), host threads with their CUDA calls and NVTX /
 * framework ranges ("X", markers "i"), samples as counters ("C"), the
 * longest idle gaps of each cause on a track of their own, and gpupack's
 * findings as global instant events ("i", s "g"). Names of processes and
 * threads come as metadata ("M"). ts and dur are microseconds with ns
 * precision. Every record is written, so the file grows with the trace
 * (about 200 bytes per record). */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>

#include "common/jsonw.h"
#include "report_int.h"

#define GPU_PID_BASE 2000000000 /* GPU pids: base + rank index * 1000 + device + 1 */
#define GAPS_TID 999999         /* the idle-cause track of a GPU */

typedef struct seen {
    int64_t *keys;
    size_t n, cap;
} seen;

/* 1 if key was not seen before (and records it); -1 if out of memory. O(n). */
static int first_time(seen *s, int64_t key)
{
    for (size_t i = s->n; i > 0; i--)
        if (s->keys[i - 1] == key)
            return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        int64_t *k = realloc(s->keys, cap * sizeof *k);
        if (!k)
            return -1;
        s->keys = k;
        s->cap = cap;
    }
    s->keys[s->n++] = key;
    return 1;
}

static void us(FILE *f, int64_t ns)
{
    if (ns >= 0)
        fprintf(f, "%" PRId64 ".%03d", ns / 1000, (int)(ns % 1000));
    else
        fprintf(f, "%.3f", (double)ns / 1000.0);
}

static void name(FILE *f, const char *s)
{
    fputs("{\"name\":\"", f);
    gp_json_escape(f, s);
    fputc('"', f);
}

static int gpu_pid(int ri, int32_t device)
{
    return GPU_PID_BASE + ri * 1000 + (device >= 0 && device < 998 ? device + 1 : 999);
}

static void meta(FILE *f, const char *what, int pid, int64_t tid, const char *label)
{
    fprintf(f, ",\n{\"name\":\"%s\",\"ph\":\"M\",\"pid\":%d,\"tid\":%" PRId64 ",\"args\":{\"name\":\"",
            what, pid, tid);
    gp_json_escape(f, label);
    fputs("\"}}", f);
}

static void slice(FILE *f, const char *cat, int64_t s, int64_t e, int pid, int64_t tid)
{
    fprintf(f, ",\"cat\":\"%s\",\"ph\":\"X\",\"ts\":", cat);
    us(f, s);
    fputs(",\"dur\":", f);
    us(f, e > s ? e - s : 0);
    fprintf(f, ",\"pid\":%d,\"tid\":%" PRId64, pid, tid);
}

static int ops(gp_rctx *c, int ri, const gp_rank *r, seen *threads)
{
    static const char *const cats[] = { "kernel", "memcpy", "memset" };
    FILE *f = c->out;
    char label[96];

    int64_t last = -1; /* the previous op's (pid, stream): most ops repeat it */

    for (size_t i = 0; i < r->n_ops; i++) {
        const gp_op *o = &r->ops[i];
        int pid = gpu_pid(ri, o->device), nw = 0;
        int64_t key = (int64_t)pid << 32 | (uint32_t)o->stream;
        if (key != last && (nw = first_time(threads, key)) < 0)
            return -1;
        last = key;
        if (nw) {
            snprintf(label, sizeof label, "stream %d", (int)o->stream);
            meta(f, "thread_name", pid, o->stream, label);
        }
        fputs(",\n", f);
        name(f, gp_job_str(c->a->job, o->name));
        slice(f, cats[o->kind < 3 ? o->kind : 0], o->start_ns, o->end_ns, pid, o->stream);
        fprintf(f, ",\"args\":{\"correlation\":%" PRId64, o->correlation);
        if (o->kind == GP_OP_KERNEL)
            fprintf(f, ",\"blocks\":%u,\"threads\":%u", o->blocks, (unsigned)o->threads);
        else
            fprintf(f, ",\"bytes\":%" PRId64, o->bytes);
        fputs("}}", f);
    }
    return 0;
}

/* Names a host process the first time it appears. -1 if out of memory. */
static int host_name(FILE *f, const gp_rank *r, seen *procs, uint32_t pid)
{
    char label[300];
    int nw = first_time(procs, pid);

    if (nw > 0) {
        snprintf(label, sizeof label, "host pid %u (%s)", pid, r->label);
        meta(f, "process_name", (int)pid, 0, label);
    }
    return nw < 0 ? -1 : 0;
}

static int host(gp_rctx *c, const gp_rank *r, seen *procs)
{
    static const char *const cats[] = { "nvtx", "annotation", "cpu_op", "python" };
    FILE *f = c->out;

    for (size_t i = 0; i < r->n_calls; i++) {
        const gp_call *x = &r->calls[i];
        if (host_name(f, r, procs, x->pid) < 0)
            return -1;
        fputs(",\n", f);
        name(f, gp_job_str(c->a->job, x->name));
        slice(f, "cuda_api", x->start_ns, x->end_ns, (int)x->pid, x->tid);
        fprintf(f, ",\"args\":{\"correlation\":%" PRId64 "}}", x->correlation);
    }
    for (size_t i = 0; i < r->n_ranges; i++) {
        const gp_range *x = &r->ranges[i];
        const char *cat = cats[x->kind < 4 ? x->kind : 0];
        if (host_name(f, r, procs, x->pid) < 0)
            return -1;
        fputs(",\n", f);
        name(f, gp_job_str(c->a->job, x->name));
        if (x->end_ns > x->start_ns) {
            slice(f, cat, x->start_ns, x->end_ns, (int)x->pid, x->tid);
        } else {
            fprintf(f, ",\"cat\":\"%s\",\"ph\":\"i\",\"s\":\"t\",\"ts\":", cat);
            us(f, x->start_ns);
            fprintf(f, ",\"pid\":%u,\"tid\":%u", x->pid, x->tid);
        }
        fputs("}", f);
    }
    return 0;
}

static void counters(gp_rctx *c, int ri, const gp_rank *r)
{
    FILE *f = c->out;

    for (size_t i = 0; i < r->n_samples; i++) {
        const gp_sample *s = &r->samples[i];
        fputs(",\n", f);
        name(f, gp_job_str(c->a->job, s->name));
        fputs(",\"cat\":\"sample\",\"ph\":\"C\",\"ts\":", f);
        us(f, s->ts_ns);
        fprintf(f, ",\"pid\":%d,\"tid\":0,\"args\":{\"value\":", gpu_pid(ri, s->device));
        fprintf(f, s->value == s->value && s->value - s->value == 0 ? "%.17g}}" : "null}}",
                s->value);
    }
}

static void devices(gp_rctx *c, int ri)
{
    const gp_rank_result *rr = &c->a->ranks[ri];
    FILE *f = c->out;
    char label[400], dn[300];

    snprintf(label, sizeof label, "rank %d: no device (host metrics, job-wide findings)",
             rr->rank);
    meta(f, "process_name", gpu_pid(ri, -1), 0, label);
    for (size_t k = 0; k < rr->n_devices; k++) {
        const gp_device_result *d = &rr->devices[k];
        int pid = gpu_pid(ri, d->device);
        snprintf(label, sizeof label, "rank %d %s", rr->rank,
                 gp_report_devname(c->a, d, dn, sizeof dn));
        meta(f, "process_name", pid, 0, label);
        fprintf(f, ",\n{\"name\":\"process_sort_index\",\"ph\":\"M\",\"pid\":%d,\"tid\":0,"
                "\"args\":{\"sort_index\":%d}}", pid, ri * 1000 + (int)k);
        meta(f, "thread_name", pid, GAPS_TID, "gpupack: longest idle gaps by cause");
        for (int x = 0; x < GP_CAUSE_COUNT; x++)
            for (int t = 0; t < d->causes[x].n_top; t++) {
                const gp_gap *g = &d->causes[x].top[t];
                fputs(",\n", f);
                name(f, gp_cause_name(x));
                slice(f, "gpupack.idle", g->start_ns, g->end_ns, pid, GAPS_TID);
                fputs(",\"args\":{\"host\":\"", f);
                gp_json_escape(f, gp_job_str(c->a->job, g->label));
                fputs("\"}}", f);
            }
    }
}

static void findings(gp_rctx *c)
{
    FILE *f = c->out;

    for (size_t i = 0; i < c->a->n_findings; i++) {
        const gp_finding *x = &c->a->findings[i];
        const gp_rank_result *r = &c->a->ranks[x->rank];
        int64_t ts = x->n_examples ? x->examples[0].start_ns : r->n_devices ? r->devices[0].first_ns : 0;
        fputs(",\n", f);
        name(f, x->title);
        fputs(",\"cat\":\"gpupack.finding\",\"ph\":\"i\",\"s\":\"g\",\"ts\":", f);
        us(f, ts);
        fprintf(f, ",\"pid\":%d,\"tid\":%d,\"args\":{\"id\":\"", gpu_pid(x->rank, x->device),
                GAPS_TID);
        gp_json_escape(f, x->id);
        fprintf(f, "\",\"severity\":\"%s\",\"evidence\":\"", gp_severity_name(x->severity));
        gp_json_escape(f, x->evidence);
        fputs("\",\"fix\":\"", f);
        gp_json_escape(f, x->fix);
        fprintf(f, "\",\"recoverable_ns\":%" PRId64 "}}", x->recoverable_ns);
    }
}

int gp_report_chrome(gp_rctx *c)
{
    FILE *f = c->out;
    seen threads = { 0 }, procs = { 0 };
    int rc = 0;

    fprintf(f, "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"generator\":\"gpupack %s\"},"
            "\"traceEvents\":[\n{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":0,\"tid\":0,"
            "\"args\":{\"name\":\"gpupack\"}}", PACKAGE_VERSION);
    for (size_t i = 0; i < c->a->n_ranks && rc == 0; i++) {
        const gp_rank *r = gp_job_rank_c(c->a->job, i);
        devices(c, (int)i);
        rc = ops(c, (int)i, r, &threads);
        if (rc == 0)
            rc = host(c, r, &procs);
        counters(c, (int)i, r);
    }
    findings(c);
    fputs("\n]}\n", f);
    free(threads.keys);
    free(procs.keys);
    return rc < 0 || ferror(f) ? -1 : 0;
}
