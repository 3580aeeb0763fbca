/* cmd_info.c: `gpupack info`: what a trace holds. */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "common/clock.h"
#include "common/format.h"
#include "common/store.h"
#include "common/text.h"

static void info_usage(FILE *out)
{
    fprintf(out,
            "usage: gpupack info [options] TRACE...\n"
            "\n"
            "Shows what a gpupack trace holds: where it came from, whether it is complete,\n"
            "whether it is intact (SQLite's quick_check; exit 2 when damaged), its\n"
            "processes and devices, record counts, time span and lost records.\n"
            "\n"
            "Options:\n"
            "  -h, --help   show this help\n");
}

static void print_created(gp_trace *t)
{
    char *created = gp_trace_meta(t, "created_wall_ns"), when[64] = "?";

    if (created) {
        time_t s = (time_t)(strtoll(created, NULL, 10) / 1000000000);
        struct tm tm;
        if (localtime_r(&s, &tm))
            strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    }
    printf("  created     %s\n", when);
    free(created);
}

/* "host NAME  anchor S.NNNNNNNNN s +/- E  drift D": where a process (or the
 * recorder) ran and how its clock maps to wall time (clock.h); the drift is
 * how far the wall clock was stepped between start and end. Values out of
 * bounds (a damaged or foreign trace) show as invalid, never in arithmetic. */
static void print_clock(const char *host, int64_t a0, int64_t e0, int64_t a1, int64_t e1)
{
    char buf[GP_HOST_NAME_MAX + 1], d[32];

    gp_fmt_host(buf, sizeof buf, host, strlen(host), NULL);
    printf("host %s  anchor ", *buf ? buf : "unknown");
    if (!a0 && !e0)
        printf("unknown");
    else if (!gp_anchor_ok(a0, e0))
        printf("invalid");
    else
        printf("%" PRId64 ".%09" PRId64 " s +/- %s", a0 / 1000000000, a0 % 1000000000,
               gp_fmt_ns(d, sizeof d, e0));
    printf("  drift ");
    if (!gp_anchor_ok(a0, e0) || (!a1 && !e1))
        printf("unknown");
    else if (!gp_anchor_ok(a1, e1))
        printf("invalid");
    else
        printf("%s%s", a1 >= a0 ? "+" : "", gp_fmt_ns(d, sizeof d, a1 - a0));
    printf("\n");
}

/* A meta value as an integer; 0 if absent or not a number. */
static int64_t meta_i64(gp_trace *t, const char *key)
{
    char *v = gp_trace_meta(t, key), *end;
    long long x = 0;

    if (v) {
        x = strtoll(v, &end, 10);
        if (*end)
            x = 0;
    }
    free(v);
    return x;
}

/* The recorder's host and clock (meta), and values it had to reject. */
static void print_recorder(gp_trace *t)
{
    char *host = gp_trace_meta(t, "host");
    int64_t bad = meta_i64(t, "rejected_values");

    if (host || meta_i64(t, "anchor_start_ns")) {
        printf("  recorder    ");
        print_clock(host ? host : "", meta_i64(t, "anchor_start_ns"),
                    meta_i64(t, "anchor_start_err_ns"), meta_i64(t, "anchor_end_ns"),
                    meta_i64(t, "anchor_end_err_ns"));
    }
    free(host);
    if (bad > 0)
        printf("  rejected    %" PRId64 " values out of bounds (clock anchors set to unknown, "
               "host names cleaned)\n", bad);
}

static int print_processes(gp_trace *t, gp_error *err)
{
    gp_iter *it = gp_trace_iter(t, GP_KIND_PROCESS, NULL, err);
    gp_record r;
    int rc, n = 0;

    if (!it)
        return -1;
    while ((rc = gp_iter_next(it, &r, err)) > 0) {
        const gp_process *p = &r.u.process;
        char end[48];

        if (p->end_reason == GP_END_EXITED)
            snprintf(end, sizeof end, "exit %d", p->exit_status);
        else if (p->end_reason == GP_END_SIGNALED)
            snprintf(end, sizeof end, "killed by signal %d", p->signal);
        else if (p->end_reason == GP_END_LOST)
            snprintf(end, sizeof end, "lost (killed?)");
        else
            snprintf(end, sizeof end, "end unknown");
        printf("  %s %7" PRIu32 "  ", n++ ? "           " : "process    ", p->pid);
        gp_text_put(stdout, gp_trace_string(t, p->cmdline));
        printf(" (%s)\n                       ", end);
        print_clock(gp_trace_string(t, p->hostname), p->anchor_start_ns, p->anchor_start_err_ns,
                    p->anchor_end_ns, p->anchor_end_err_ns);
    }
    gp_iter_free(it);
    return rc;
}

static int print_devices(gp_trace *t, gp_error *err)
{
    gp_iter *it = gp_trace_iter(t, GP_KIND_DEVICE, NULL, err);
    gp_record r;
    int rc, n = 0;

    if (!it)
        return -1;
    while ((rc = gp_iter_next(it, &r, err)) > 0) {
        const gp_device *d = &r.u.device;
        printf("  %s %7d  ", n++ ? "           " : "device     ", d->id);
        gp_text_put(stdout, gp_trace_string(t, d->name));
        printf(" (sm_%d%d, %d SMs)\n", d->cc_major, d->cc_minor, d->sm_count);
    }
    gp_iter_free(it);
    return rc;
}

static int print_counts(gp_trace *t, gp_error *err)
{
    int64_t first = INT64_MAX, last = INT64_MIN, n, f, l;
    char buf[64];
    int any = 0;

    printf("  records    ");
    for (int k = GP_KIND_KERNEL; k < GP_KIND_COUNT; k++) {
        if (gp_trace_count(t, k, NULL, &n, err) != GP_OK)
            return -1;
        if (n == 0)
            continue;
        printf(" %s %s", gp_kind_name(k), gp_fmt_count(buf, sizeof buf, n));
        any = 1;
    }
    printf("%s\n", any ? "" : " none");
    for (int k = GP_KIND_KERNEL; k <= GP_KIND_SYNC; k++) {
        if (gp_trace_time_range(t, k, &f, &l, &n, err) != GP_OK)
            return -1;
        if (n && f < first)
            first = f;
        if (n && l > last)
            last = l;
    }
    if (first <= last)
        printf("  GPU span    %s (first to last GPU activity)\n",
               gp_fmt_ns(buf, sizeof buf, last - first));
    return 0;
}

static int print_dropped(gp_trace *t, gp_error *err)
{
    uint64_t by_source[16] = { 0 }, total = 0;
    gp_iter *it = gp_trace_iter(t, GP_KIND_DROPPED, NULL, err);
    gp_record r;
    char buf[32];
    int rc;

    if (!it)
        return -1;
    while ((rc = gp_iter_next(it, &r, err)) > 0) {
        int s = r.u.dropped.source;
        by_source[s >= 0 && s < 16 ? s : 0] += r.u.dropped.count;
        total += r.u.dropped.count;
    }
    gp_iter_free(it);
    if (rc < 0)
        return -1;
    if (!total) {
        printf("  lost        none\n");
        return 0;
    }
    printf("  lost        %s records:", gp_fmt_count(buf, sizeof buf, (int64_t)total));
    for (int s = 0; s < 16; s++)
        if (by_source[s])
            printf(" %s %s", gp_drop_source_name(s),
                   gp_fmt_count(buf, sizeof buf, (int64_t)by_source[s]));
    printf("\n");
    if (by_source[GP_DROP_TAKEN])
        printf("              another profiler in the job took CUPTI's records: the trace has a "
               "hole (see gpupack analyze)\n");
    if (by_source[GP_DROP_NO_TIMESTAMP])
        printf("              %s kernels came without timestamps from CUPTI (not in the "
               "timeline)\n", gp_fmt_count(buf, sizeof buf,
                                           (int64_t)by_source[GP_DROP_NO_TIMESTAMP]));
    if (by_source[GP_DROP_WRITE])
        printf("              the recorder could not write %s records: the trace ends where "
               "writing failed\n", gp_fmt_count(buf, sizeof buf,
                                                (int64_t)by_source[GP_DROP_WRITE]));
    return 0;
}

/* Whether the trace is finished, and if not, why not. busy: a writer
 * holds it now (gp_writer_busy, asked before the trace was opened). */
static void print_format(gp_trace *t, int busy)
{
    char *ver = gp_trace_meta(t, "gpupack_version"), *why = gp_trace_meta(t, "write_error");

    printf("  format      gpupack trace v%d, written by gpupack ", gp_trace_schema_version(t));
    gp_text_put(stdout, ver ? ver : "?");
    printf(", ");
    if (gp_trace_complete(t))
        printf("complete\n");
    else if (busy)
        printf("being written (a recording is under way; this is what it has so far)\n");
    else if (why) {
        printf("cut short: writing it failed (");
        gp_text_put(stdout, why);
        printf(")\n");
    } else
        printf("cut short (the writer did not finish: killed?)\n");
    free(ver);
    free(why);
}

/* The integrity line (SQLite's quick_check: pages and record formats, one
 * read of the file). Returns 0 if intact; else the exit code, with the first
 * problem in msg (cap bytes) for the caller to print after what it can read. */
static int print_integrity(gp_trace *t, const char *path, char *msg, size_t cap)
{
    gp_error err = { 0 };
    char first[400];
    int n;

    if (gp_trace_quick_check(t, &n, first, sizeof first, &err) != GP_OK) {
        printf("  integrity   not checked\n");
        snprintf(msg, cap, "%s", err.msg);
        return gp_status_exit_code(err.code);
    }
    if (n == 0) {
        printf("  integrity   ok (SQLite quick_check)\n");
        return 0;
    }
    printf("  integrity   DAMAGED: %s%d problem%s (SQLite quick_check)\n",
           n >= GP_QUICK_CHECK_MAX ? "at least " : "", n, n == 1 ? "" : "s");
    snprintf(msg, cap, "%s: the trace is damaged: SQLite's integrity check found %s%d problem%s, "
             "the first: %s", path, n >= GP_QUICK_CHECK_MAX ? "at least " : "", n,
             n == 1 ? "" : "s", first);
    return gp_status_exit_code(GP_ERR_INPUT);
}

static int info_one(const char *path)
{
    gp_error err = { 0 };
    int busy = gp_writer_busy(path); /* before the trace is open: see store.h */
    gp_trace *t = gp_trace_open(path, &err);
    char *source, damage[600];
    int rc = 0, rc_damage;

    if (!t) {
        fprintf(stderr, "gpupack info: %s\n", err.msg);
        return gp_status_exit_code(err.code);
    }
    source = gp_trace_meta(t, "source");
    printf("%s\n", path);
    print_format(t, busy);
    printf("  source      ");
    gp_text_put(stdout, source ? source : "?");
    printf("\n");
    print_created(t);
    print_recorder(t);
    free(source);
    rc_damage = print_integrity(t, path, damage, sizeof damage);
    if (print_processes(t, &err) < 0 || print_devices(t, &err) < 0 ||
        print_counts(t, &err) < 0 || print_dropped(t, &err) < 0) {
        fflush(stdout);
        fprintf(stderr, "gpupack info: %s\n", err.msg);
        rc = gp_status_exit_code(err.code);
    }
    if (rc_damage) {
        fflush(stdout);
        fprintf(stderr, "gpupack info: %s\n", damage);
        if (rc_damage > rc)
            rc = rc_damage;
    }
    gp_trace_close(t);
    return rc;
}

static int info_run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c, worst = 0;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if (c == 'h') {
            info_usage(stdout);
            return CLI_EXIT_OK;
        }
        return cli_usage_error("info", "unknown option '%s'", argv[optind - 1]);
    }
    if (optind >= argc)
        return cli_usage_error("info", "no trace given");
    for (int i = optind; i < argc; i++) {
        int rc = info_one(argv[i]);
        if (rc > worst)
            worst = rc;
    }
    return worst;
}

const cli_command cli_cmd_info = {
    "info", "show what a trace holds", info_run, info_usage,
};
