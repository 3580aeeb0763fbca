/* bench_report.c: `gpupack report` on a 1-million-kernel trace.
 *
 *   bench_report [N_KERNELS]      (default 1,000,000; run by make bench)
 *
 * Writes a synthetic gpupack trace (N kernels with their launch calls on 4
 * streams, 64 kernel names, an NVTX step every 10,000 kernels, an NVML
 * utilization sample every 1,000), then times, in this process, load +
 * analyze + HTML report, and the HTML writing alone; prints the page size.
 * Targets (issue 7): under 2 s and under 5 MB. Also times the Chrome trace,
 * which holds every record (no target).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzer/analyses/analyze.h"
#include "analyzer/formats/load.h"
#include "common/clock.h"
#include "common/store.h"
#include "reports/report.h"

static int put_kernel(gp_writer *w, int64_t i, int64_t t, int64_t dur, const gp_strid *names,
                      gp_strid launch, gp_error *err)
{
    gp_record r;

    gp_record_init(&r, GP_KIND_API);
    r.u.api.start_ns = t - 6000;
    r.u.api.end_ns = t - 2000;
    r.u.api.pid = r.u.api.tid = 7;
    r.u.api.correlation = i + 1;
    r.u.api.name = launch;
    gp_writer_put(w, &r, err);
    gp_record_init(&r, GP_KIND_KERNEL);
    r.u.kernel.start_ns = t;
    r.u.kernel.end_ns = t + dur;
    r.u.kernel.stream = 13 + (int32_t)(i & 3);
    r.u.kernel.correlation = i + 1;
    r.u.kernel.name = names[(i * 7) & 63];
    r.u.kernel.grid_x = 108;
    r.u.kernel.grid_y = r.u.kernel.grid_z = 1;
    r.u.kernel.block_x = 128;
    r.u.kernel.block_y = r.u.kernel.block_z = 1;
    r.u.kernel.pid = 7;
    return gp_writer_put(w, &r, err) == GP_OK ? 0 : -1;
}

static int make_trace(const char *path, int64_t n)
{
    gp_error err = { 0 };
    gp_writer *w = gp_writer_create(path, GP_WRITER_OVERWRITE, &err);
    gp_strid names[64], launch, step, util;
    gp_record r;
    int64_t t = 5000000;

    if (!w) {
        fprintf(stderr, "bench_report: %s\n", err.msg);
        return -1;
    }
    gp_writer_begin(w, &err);
    for (int k = 0; k < 64; k++) {
        char s[80];
        int len = snprintf(s, sizeof s, "void bench_op_%02d<float, %d>(float const*, float*)", k, k % 5);
        names[k] = gp_writer_intern(w, s, (size_t)len, &err);
    }
    launch = gp_writer_intern(w, "cudaLaunchKernel", 16, &err);
    step = gp_writer_intern(w, "train_step", 10, &err);
    util = gp_writer_intern(w, "nvml.gpu_util", 13, &err);
    gp_record_init(&r, GP_KIND_DEVICE);
    r.u.device.name = gp_writer_intern(w, "NVIDIA A100-SXM4-80GB", 21, &err);
    r.u.device.sm_count = 108;
    r.u.device.cc_major = 8;
    gp_writer_put(w, &r, &err);
    for (int64_t i = 0; i < n; i++) {
        int64_t dur = 3000 + (i % 11) * 700;
        if (i % 10000 == 0) {
            gp_writer_commit(w, &err);
            gp_writer_begin(w, &err);
            gp_record_init(&r, GP_KIND_NVTX);
            r.u.nvtx.start_ns = t - 10000;
            r.u.nvtx.end_ns = t + 10000 * 7000;
            r.u.nvtx.name = step;
            r.u.nvtx.pid = r.u.nvtx.tid = 7;
            gp_writer_put(w, &r, &err);
        }
        if (i % 1000 == 0) {
            gp_record_init(&r, GP_KIND_METRIC);
            r.u.metric.ts_ns = t;
            r.u.metric.name = util;
            r.u.metric.value = (double)(40 + i / 1000 % 60);
            r.u.metric.pid = 7;
            gp_writer_put(w, &r, &err);
        }
        if (put_kernel(w, i, t, dur, names, launch, &err) < 0) {
            fprintf(stderr, "bench_report: %s\n", err.msg);
            gp_writer_abandon(w);
            return -1;
        }
        t += dur + (i % 250 == 0 ? 80000 : 800);
    }
    gp_writer_commit(w, &err);
    return gp_writer_close(w, &err) == GP_OK ? 0 : -1;
}

/* Loads, analyzes and writes one report; the times in ns through total and
 * write; the file's size. -1 on failure. */
static int report(const char *trace, const char *out, gp_report_format f, int64_t *total,
                  int64_t *write, int64_t *bytes)
{
    gp_error err = { 0 };
    int64_t t0 = gp_now_ns(), t1;
    gp_job *job = gp_job_new();
    gp_report_opts o = { f, GP_TABLE_KERNELS, 0, &trace, 1 };
    gp_analysis *a = NULL;
    FILE *fp;
    struct stat st;
    int rc = -1;

    if (gp_load_any(job, trace, &err) != GP_OK) {
        fprintf(stderr, "bench_report: %s\n", err.msg);
        goto done;
    }
    if (!(a = gp_analyze(job, NULL)) || !(fp = fopen(out, "w")))
        goto done;
    t1 = gp_now_ns();
    rc = gp_report_write(fp, a, &o);
    if (fclose(fp) != 0)
        rc = -1;
    *write = gp_now_ns() - t1;
    *total = gp_now_ns() - t0;
    *bytes = stat(out, &st) == 0 ? (int64_t)st.st_size : -1;
done:
    gp_analysis_free(a);
    gp_job_free(job);
    return rc;
}

int main(int argc, char **argv)
{
    int64_t n = argc > 1 ? atoll(argv[1]) : 1000000, total, write, bytes, best = INT64_MAX;
    int64_t best_write = 0, size = 0;
    char dir[] = "/tmp/gp-bench-report-XXXXXX", trace[300], out[300];
    int rc = 0;

    if (n <= 0 || !mkdtemp(dir))
        return 2;
    snprintf(trace, sizeof trace, "%s/bench.gpupack", dir);
    snprintf(out, sizeof out, "%s/report.html", dir);
    if (make_trace(trace, n) < 0)
        return 3;
    for (int i = 0; i < 3; i++) {
        if (report(trace, out, GP_REPORT_HTML, &total, &write, &bytes) < 0) {
            rc = 3;
            break;
        }
        if (total < best) {
            best = total;
            best_write = write;
            size = bytes;
        }
    }
    if (rc == 0) {
        printf("report html, %" PRId64 " kernels: load + analyze + write %.2f s (writing %.1f ms), "
               "%.2f MB (targets < 2 s, < 5 MB)%s\n", n, (double)best / 1e9, (double)best_write / 1e6,
               (double)size / 1e6, best < 2000000000 && size < 5000000 ? "" : "  OVER TARGET");
        snprintf(out, sizeof out, "%s/trace.json", dir);
        if (report(trace, out, GP_REPORT_CHROME, &total, &write, &bytes) == 0)
            printf("report chrome-trace, %" PRId64 " kernels: %.2f s (writing %.1f ms), %.0f MB\n", n,
                   (double)total / 1e9, (double)write / 1e6, (double)bytes / 1e6);
    }
    unlink(out);
    snprintf(out, sizeof out, "%s/report.html", dir);
    unlink(out);
    unlink(trace);
    rmdir(dir);
    return rc;
}
