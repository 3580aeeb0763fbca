/* mktrace.c: writes small known traces for the shell tests.
 *
 *   mktrace OUT [--kernels N] [--incomplete | --die] [--add KIND START END]...
 *              [--process START END]
 *
 * The trace holds one process (pid 100, "python train.py", exit 0), one
 * device (0, "Test GPU", sm_90, 132 SMs), N kernels of 1 us every 2 us on
 * stream 7, and 5 records dropped by CUPTI. --incomplete closes SQLite
 * without finishing the trace; --die kills the process with SIGKILL in the
 * middle of a further transaction of 1000 kernels, leaving what a killed
 * recorder leaves (the -wal and -shm files, an open transaction).
 *
 * Hostile traces: --add writes one more record of pid 100 with the times
 * given as they are (any int64, e.g. -9223372036854775808 or an end before
 * the start): KIND kernel (device 0, stream 8, "hostile_kernel"), memcpy
 * (HtoD, pageable, async, stream 8), memset, api ("cudaLaunchKernel", its
 * own correlation, joined to nothing), sync (stream sync, stream 8), nvtx
 * ("hostile_range"), or metric (START is ts_ns, END dur_ns). --process sets
 * the process's start_ns and end_ns.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/store.h"

/* One --add record of pid 100; 0, or -1 for an unknown kind. */
static int add_hostile(gp_writer *w, const char *kind, int64_t s, int64_t e, gp_error *err)
{
    gp_record r;

    if (strcmp(kind, "kernel") == 0) {
        gp_record_init(&r, GP_KIND_KERNEL);
        r.u.kernel.device = 0;
        r.u.kernel.stream = 8;
        r.u.kernel.name = gp_writer_intern(w, "hostile_kernel", 14, err);
        r.u.kernel.grid_x = r.u.kernel.grid_y = r.u.kernel.grid_z = 1;
    } else if (strcmp(kind, "memcpy") == 0) {
        gp_record_init(&r, GP_KIND_MEMCPY);
        r.u.memcpy.device = 0;
        r.u.memcpy.stream = 8;
        r.u.memcpy.bytes = INT64_MAX;
        r.u.memcpy.copy_kind = GP_COPY_HTOD;
        r.u.memcpy.src_kind = GP_MEM_PAGEABLE;
        r.u.memcpy.async = 1;
    } else if (strcmp(kind, "memset") == 0) {
        gp_record_init(&r, GP_KIND_MEMSET);
        r.u.memset.device = 0;
        r.u.memset.stream = 8;
    } else if (strcmp(kind, "api") == 0) {
        gp_record_init(&r, GP_KIND_API);
        r.u.api.name = gp_writer_intern(w, "cudaLaunchKernel", 16, err);
        r.u.api.correlation = 1000000;
    } else if (strcmp(kind, "sync") == 0) {
        gp_record_init(&r, GP_KIND_SYNC);
        r.u.sync.stream = 8;
        r.u.sync.type = GP_SYNC_STREAM;
    } else if (strcmp(kind, "nvtx") == 0) {
        gp_record_init(&r, GP_KIND_NVTX);
        r.u.nvtx.name = gp_writer_intern(w, "hostile_range", 13, err);
    } else if (strcmp(kind, "metric") == 0) {
        gp_record_init(&r, GP_KIND_METRIC);
        r.u.metric.device = 0;
        r.u.metric.name = gp_writer_intern(w, "nvml.gpu_util_pct", 17, err);
        r.u.metric.value = 50;
        r.u.metric.ts_ns = s;
        r.u.metric.dur_ns = e;
        r.u.metric.pid = 100;
        return gp_writer_put(w, &r, err) == GP_OK ? 0 : -1;
    } else {
        return -1;
    }
    /* every timed kind above keeps start_ns, end_ns and pid alike */
    switch (r.kind) {
    case GP_KIND_KERNEL:
        r.u.kernel.start_ns = s; r.u.kernel.end_ns = e; r.u.kernel.pid = 100;
        break;
    case GP_KIND_MEMCPY:
        r.u.memcpy.start_ns = s; r.u.memcpy.end_ns = e; r.u.memcpy.pid = 100;
        break;
    case GP_KIND_MEMSET:
        r.u.memset.start_ns = s; r.u.memset.end_ns = e; r.u.memset.pid = 100;
        break;
    case GP_KIND_API: r.u.api.start_ns = s; r.u.api.end_ns = e; r.u.api.pid = 100; break;
    case GP_KIND_SYNC: r.u.sync.start_ns = s; r.u.sync.end_ns = e; r.u.sync.pid = 100; break;
    default: r.u.nvtx.start_ns = s; r.u.nvtx.end_ns = e; r.u.nvtx.pid = 100; break;
    }
    return gp_writer_put(w, &r, err) == GP_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    gp_error err = { 0 };
    gp_writer *w;
    gp_record r;
    long kernels = 10;
    int incomplete = 0, die = 0, set_process = 0;
    int64_t proc_start = 0, proc_end = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: mktrace OUT [--kernels N] [--incomplete]\n");
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--kernels") == 0 && i + 1 < argc)
            kernels = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--incomplete") == 0)
            incomplete = 1;
        else if (strcmp(argv[i], "--die") == 0)
            die = 1;
        else if (strcmp(argv[i], "--process") == 0 && i + 2 < argc) {
            set_process = 1;
            proc_start = strtoll(argv[i + 1], NULL, 10);
            proc_end = strtoll(argv[i + 2], NULL, 10);
            i += 2;
        } else if (strcmp(argv[i], "--add") == 0 && i + 3 < argc)
            i += 3; /* written after the rest */
        else {
            fprintf(stderr, "mktrace: unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }
    w = gp_writer_create(argv[1], GP_WRITER_OVERWRITE, &err);
    if (!w) {
        fprintf(stderr, "mktrace: %s\n", err.msg);
        return 2;
    }
    gp_writer_begin(w, &err);
    gp_writer_set_meta(w, "source", "mktrace (test fixture)", &err);
    gp_record_init(&r, GP_KIND_PROCESS);
    r.u.process.pid = 100;
    r.u.process.cmdline = gp_writer_intern(w, "python train.py", 15, &err);
    r.u.process.start_ns = 0;
    r.u.process.end_ns = 2000 * kernels + 1000;
    if (set_process) {
        r.u.process.start_ns = proc_start;
        r.u.process.end_ns = proc_end;
    }
    r.u.process.end_reason = GP_END_EXITED;
    gp_writer_put(w, &r, &err);
    gp_record_init(&r, GP_KIND_DEVICE);
    r.u.device.id = 0;
    r.u.device.name = gp_writer_intern(w, "Test GPU", 8, &err);
    r.u.device.cc_major = 9;
    r.u.device.sm_count = 132;
    gp_writer_put(w, &r, &err);
    for (long i = 0; i < kernels; i++) {
        gp_record_init(&r, GP_KIND_KERNEL);
        r.u.kernel.device = 0;
        r.u.kernel.stream = 7;
        r.u.kernel.pid = 100;
        r.u.kernel.start_ns = 2000 * i;
        r.u.kernel.end_ns = 2000 * i + 1000;
        r.u.kernel.name = gp_writer_intern(w, "k", 1, &err);
        gp_writer_put(w, &r, &err);
    }
    gp_record_init(&r, GP_KIND_DROPPED);
    r.u.dropped.source = GP_DROP_CUPTI;
    r.u.dropped.count = 5;
    r.u.dropped.pid = 100;
    gp_writer_put(w, &r, &err);
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--add") == 0 && i + 3 < argc) {
            if (add_hostile(w, argv[i + 1], strtoll(argv[i + 2], NULL, 10),
                            strtoll(argv[i + 3], NULL, 10), &err) < 0) {
                fprintf(stderr, "mktrace: --add %s: %s\n", argv[i + 1],
                        err.msg[0] ? err.msg : "unknown kind");
                return 2;
            }
            i += 3;
        } else if (strcmp(argv[i], "--process") == 0 || strcmp(argv[i], "--kernels") == 0) {
            i += strcmp(argv[i], "--process") == 0 ? 2 : 1;
        }
    if (gp_writer_commit(w, &err) != GP_OK) {
        fprintf(stderr, "mktrace: %s\n", err.msg);
        return 2;
    }
    if (die) {
        gp_writer_begin(w, &err);
        for (long i = 0; i < 1000; i++) {
            gp_record_init(&r, GP_KIND_KERNEL);
            r.u.kernel.start_ns = 2000 * (kernels + i);
            r.u.kernel.end_ns = r.u.kernel.start_ns + 1000;
            gp_writer_put(w, &r, &err);
        }
        raise(SIGKILL);
    }
    if (incomplete) {
        gp_writer_abandon(w);
        return 0;
    }
    if (gp_writer_close(w, &err) != GP_OK) {
        fprintf(stderr, "mktrace: %s\n", err.msg);
        return 2;
    }
    return 0;
}
