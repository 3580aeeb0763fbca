/* mktrace.c: writes small known traces for the shell tests.
 *
 *   mktrace OUT [--kernels N] [--incomplete | --die]
 *
 * The trace holds one process (pid 100, "python train.py", exit 0), one
 * device (0, "Test GPU", sm_90, 132 SMs), N kernels of 1 us every 2 us on
 * stream 7, and 5 records dropped by CUPTI. --incomplete closes SQLite
 * without finishing the trace; --die kills the process with SIGKILL in the
 * middle of a further transaction of 1000 kernels, leaving what a killed
 * recorder leaves (the -wal and -shm files, an open transaction).
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/store.h"

int main(int argc, char **argv)
{
    gp_error err = { 0 };
    gp_writer *w;
    gp_record r;
    long kernels = 10;
    int incomplete = 0, die = 0;

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
