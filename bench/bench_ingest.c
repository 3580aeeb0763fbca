/* bench_ingest.c: recorder ingest rate, end to end: `gpupack record` runs
 * this program again as its job (--send), which streams N kernel records
 * through the collector's sender to the recorder's socket as fast as it
 * can. Measured: the recorder's sustained ingest (it prints its own rate:
 * first batch to last commit, apart from finishing the trace), records in
 * the finished trace per second of the whole run, and the same records
 * written straight to the store (no socket, no decode) as the baseline.
 *
 *   bench_ingest [N]        (default 2000000; needs ./gpupack)
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collector/sender.h"
#include "common/clock.h"
#include "common/store.h"

#define BATCH 10000

static void kernel(gp_record *r, int64_t i, gp_strid name)
{
    gp_record_init(r, GP_KIND_KERNEL);
    r->u.kernel.start_ns = 1000000 + i * 3000;
    r->u.kernel.end_ns = r->u.kernel.start_ns + 1500;
    r->u.kernel.device = 0;
    r->u.kernel.stream = 7 + i % 4;
    r->u.kernel.correlation = i + 1;
    r->u.kernel.name = name;
    r->u.kernel.grid_x = 108;
    r->u.kernel.grid_y = r->u.kernel.grid_z = 1;
    r->u.kernel.block_x = 256;
    r->u.kernel.block_y = r->u.kernel.block_z = 1;
    r->u.kernel.registers = 64;
}

static int send_records(int64_t n)
{
    gp_sender_opts o = { 0 };
    gp_sender *s;
    gp_record r;

    o.socket_path = getenv("GPUPACK_SOCKET");
    o.max_queue_bytes = 256u << 20;
    o.max_batch_bytes = 256u << 20;
    o.hello.pid = (uint32_t)getpid();
    o.hello.rank = -1;
    o.cmdline = "bench_ingest --send";
    s = gp_sender_new(&o);
    if (!s || !o.socket_path)
        return 3;
    for (int64_t i = 0; i < n; i++) {
        kernel(&r, i, gp_sender_intern(s, "void gemm_kernel<float, 128, 64>(float const*, float*)"));
        gp_sender_add(s, &r);
        if ((i + 1) % BATCH == 0)
            gp_sender_flush(s, gp_now_ns() + 60000000000LL); /* wait, never drop */
    }
    gp_sender_goodbye(s, gp_now_ns());
    gp_sender_flush(s, gp_now_ns() + 60000000000LL);
    gp_sender_free(s);
    return 0;
}

int main(int argc, char **argv)
{
    int64_t n = 2000000, t0, t_rec, t_store, got = 0;
    char dir[] = "/tmp/gp-bench-ingest-XXXXXX", trace[300], count[32], self[4096], cmd[400];
    gp_error err = { 0 };
    gp_writer *w;
    gp_trace *t;
    gp_record r;
    pid_t pid;
    int st;
    ssize_t len;

    if (argc > 2 && strcmp(argv[1], "--send") == 0)
        return send_records(atoll(argv[2]));
    if (argc > 1)
        n = atoll(argv[1]);
    if (!mkdtemp(dir) || (len = readlink("/proc/self/exe", self, sizeof self - 1)) < 0)
        return 3;
    self[len] = '\0';
    snprintf(trace, sizeof trace, "%s/ingest.gpupack", dir);
    snprintf(count, sizeof count, "%" PRId64, n);

    t0 = gp_now_ns();
    pid = fork();
    if (pid == 0) {
        /* the recorder reports its own ingest rate, apart from finishing */
        setenv("GPUPACK_RECORD_STATS", "1", 1);
        execl("./gpupack", "gpupack", "record", "-q", "--nvml-hz", "0", "-o", trace, "--", self,
              "--send", count, (char *)NULL);
        _exit(127);
    }
    waitpid(pid, &st, 0);
    t_rec = gp_now_ns() - t0;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "bench_ingest: gpupack record failed (run from the build folder)\n");
        return 3;
    }
    t = gp_trace_open(trace, &err);
    if (!t || gp_trace_count(t, GP_KIND_KERNEL, NULL, &got, &err) != GP_OK) {
        fprintf(stderr, "bench_ingest: %s\n", err.msg);
        return 3;
    }
    gp_trace_close(t);

    /* Baseline: the same records, batched, straight into a store. */
    snprintf(trace, sizeof trace, "%s/direct.gpupack", dir);
    w = gp_writer_create(trace, 0, &err);
    if (!w)
        return 3;
    t0 = gp_now_ns();
    {
        gp_strid name = gp_writer_intern(w, "void gemm_kernel<float, 128, 64>(float const*, float*)",
                                         52, &err);
        for (int64_t i = 0; i < n; i++) {
            if (i % BATCH == 0)
                gp_writer_begin(w, &err);
            kernel(&r, i, name);
            gp_writer_put(w, &r, &err);
            if ((i + 1) % BATCH == 0)
                gp_writer_commit(w, &err);
        }
    }
    gp_writer_close(w, &err);
    t_store = gp_now_ns() - t0;

    printf("recorder ingest: %" PRId64 " kernel records sent, %" PRId64 " in the trace (%s)\n", n,
           got, got == n ? "none lost" : "LOST RECORDS");
    printf("recorder ingest: %.0f records/s end to end (socket, decode, validation, store, "
           "indexes, record start/stop)\n", (double)got / ((double)t_rec / 1e9));
    printf("recorder ingest: store alone in the same run %.0f records/s; end-to-end/store "
           "ratio %.2f\n", (double)n / ((double)t_store / 1e9), (double)t_store / (double)t_rec);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 && got == n ? 0 : 3;
}
