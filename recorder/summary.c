/* summary.c: what `gpupack record` prints when the job is done. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "common/format.h"
#include "common/store.h"
#include "common/text.h"
#include "recorder/internal.h"

/* Busy time of one device: the union of its kernel, copy and memset
 * intervals, merged from three time-ordered iterators. O(records). */
static int64_t busy_ns(gp_trace *t, int32_t device)
{
    static const gp_kind kinds[] = { GP_KIND_KERNEL, GP_KIND_MEMCPY, GP_KIND_MEMSET };
    gp_filter f = { .flags = GP_FILTER_DEVICE, .device = device };
    gp_iter *it[3];
    gp_record r[3];
    int64_t start[3];
    int live[3];
    int64_t busy = 0, cur_s = 0, cur_e = -1;
    gp_error err = { 0 };

    for (int i = 0; i < 3; i++) {
        it[i] = gp_trace_iter(t, kinds[i], &f, &err);
        live[i] = it[i] && gp_iter_next(it[i], &r[i], &err) > 0;
        if (live[i])
            gp_record_time(&r[i], &start[i], NULL);
    }
    for (;;) {
        int best = -1;
        int64_t s, e;
        for (int i = 0; i < 3; i++)
            if (live[i] && (best < 0 || start[i] < start[best]))
                best = i;
        if (best < 0)
            break;
        gp_record_time(&r[best], &s, &e);
        if (s > cur_e) {
            if (cur_e > cur_s)
                busy += cur_e - cur_s;
            cur_s = s;
            cur_e = e;
        } else if (e > cur_e) {
            cur_e = e;
        }
        live[best] = gp_iter_next(it[best], &r[best], &err) > 0;
        if (live[best])
            gp_record_time(&r[best], &start[best], NULL);
    }
    if (cur_e > cur_s)
        busy += cur_e - cur_s;
    for (int i = 0; i < 3; i++)
        gp_iter_free(it[i]);
    return busy;
}

static int64_t count(gp_trace *t, gp_kind k)
{
    int64_t n = 0;
    gp_error err = { 0 };
    gp_trace_count(t, k, NULL, &n, &err);
    return n;
}

/* Records lost; *no_ts gets how many of them are kernels CUPTI gave no
 * timestamps. */
static uint64_t dropped(gp_trace *t, uint64_t *no_ts)
{
    gp_error err = { 0 };
    gp_iter *it = gp_trace_iter(t, GP_KIND_DROPPED, NULL, &err);
    gp_record r;
    uint64_t n = 0;

    *no_ts = 0;
    while (it && gp_iter_next(it, &r, &err) > 0) {
        if (r.u.dropped.source == GP_DROP_WRITE)
            continue; /* the writer's own count, from its stats */
        n += r.u.dropped.count;
        if (r.u.dropped.source == GP_DROP_NO_TIMESTAMP)
            *no_ts += r.u.dropped.count;
    }
    gp_iter_free(it);
    return n;
}

void gp_rec_summary(const char *path, const char *what, int64_t wall_ns, int status,
                    const gp_recw_stats *stats)
{
    gp_error err = { 0 };
    gp_trace *t = gp_trace_open(path, &err);
    char a[32], b[32], c[32], d[32], ended[64];
    struct stat sb;
    gp_iter *it;
    gp_record r;
    int devices = 0;
    uint64_t lost, no_ts;

    if (!t) {
        fprintf(stderr, "gpupack record: cannot read back %s: %s\n", path, err.msg);
        return;
    }
    if (WIFEXITED(status))
        snprintf(ended, sizeof ended, "exit %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(ended, sizeof ended, "killed by signal %d", WTERMSIG(status));
    else
        snprintf(ended, sizeof ended, "status unknown");
    fputs("gpupack: recorded '", stderr);
    gp_text_put(stderr, what);
    fprintf(stderr, "' (%s) in %s\n", ended, gp_fmt_ns(a, sizeof a, wall_ns));
    it = gp_trace_iter(t, GP_KIND_DEVICE, NULL, &err);
    while (it && gp_iter_next(it, &r, &err) > 0) {
        int64_t busy = busy_ns(t, r.u.device.id);
        fprintf(stderr, "  GPU %d (", r.u.device.id);
        gp_text_put(stderr, gp_trace_string(t, r.u.device.name));
        fprintf(stderr, "): busy %.1f %% of the job's %s (%s)\n",
                wall_ns > 0 ? 100.0 * (double)busy / (double)wall_ns : 0.0,
                gp_fmt_ns(b, sizeof b, wall_ns), gp_fmt_ns(c, sizeof c, busy));
        devices++;
    }
    gp_iter_free(it);
    if (!devices && count(t, GP_KIND_KERNEL) == 0)
        fprintf(stderr, "  no GPU activity was recorded (the job did not use CUDA, or could not "
                "be profiled: see the messages above)\n");
    fprintf(stderr, "  %s kernels, %s copies, %s memsets, %s syncs\n",
            gp_fmt_count(a, sizeof a, count(t, GP_KIND_KERNEL)),
            gp_fmt_count(b, sizeof b, count(t, GP_KIND_MEMCPY)),
            gp_fmt_count(c, sizeof c, count(t, GP_KIND_MEMSET)),
            gp_fmt_count(d, sizeof d, count(t, GP_KIND_SYNC)));
    lost = dropped(t, &no_ts);
    if (stats && stats->write_failed)
        fprintf(stderr, "  %s records not written: writing the trace failed (said above); "
                "it ends there\n", gp_fmt_count(a, sizeof a, (int64_t)stats->lost));
    if (lost)
        fprintf(stderr, "  %s records lost (see gpupack info %s)\n",
                gp_fmt_count(a, sizeof a, (int64_t)lost), path);
    else if (!stats || !stats->write_failed)
        fprintf(stderr, "  no records lost\n");
    if (no_ts)
        fprintf(stderr, "  of which %s kernels came without timestamps from CUPTI (not in the "
                "timeline)\n", gp_fmt_count(a, sizeof a, (int64_t)no_ts));
    if (stats && stats->rejected)
        fprintf(stderr, "  %" PRIu64 " malformed records rejected\n", stats->rejected);
    if (stats && stats->rejected_values)
        fprintf(stderr, "  %" PRIu64 " values out of bounds (clock anchors set to unknown, host "
                "names cleaned)\n", stats->rejected_values);
    fprintf(stderr, "  trace: %s (%s); next: gpupack analyze %s\n", path,
            stat(path, &sb) == 0 ? gp_fmt_bytes(a, sizeof a, sb.st_size) : "?", path);
    gp_trace_close(t);
}
