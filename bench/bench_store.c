/* bench_store.c: trace store write throughput, batched vs one transaction
 * per record, measured in the same run. Also shows that the writer's memory
 * does not grow with the trace (peak RSS after 1/2 and all of the records).
 *
 *   bench_store [N_BATCHED [BATCH [N_UNBATCHED]]]   defaults 2000000 10000 20000
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/store.h"

static long peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void make_kernel(gp_record *r, int64_t i, const gp_strid *names)
{
    gp_record_init(r, GP_KIND_KERNEL);
    gp_kernel *k = &r->u.kernel;
    k->start_ns = 1000000000 + i * 3000;
    k->end_ns = k->start_ns + 1500 + (i % 7) * 100;
    k->device = 0;
    k->context = 1;
    k->stream = 7 + (i % 4);
    k->correlation = i + 1;
    k->name = names[i % 200];
    k->grid_x = 108 * (1 + (int)(i % 3));
    k->grid_y = k->grid_z = 1;
    k->block_x = 256;
    k->block_y = k->block_z = 1;
    k->registers = 64;
    k->static_smem_bytes = 0;
    k->dynamic_smem_bytes = 16384;
    k->queued_ns = k->start_ns - 5000;
    k->submitted_ns = k->start_ns - 2000;
    k->pid = 4242;
}

static int die(const gp_error *err)
{
    fprintf(stderr, "bench_store: %s\n", err->msg);
    return 3;
}

int main(int argc, char **argv)
{
    int64_t n_batched = argc > 1 ? atoll(argv[1]) : 2000000;
    int64_t batch = argc > 2 ? atoll(argv[2]) : 10000;
    int64_t n_single = argc > 3 ? atoll(argv[3]) : 20000;
    char dir[] = "/tmp/gp-bench-store-XXXXXX", path[256], cmd[300];
    gp_strid names[200];
    gp_error err = { 0 };
    gp_writer *w;
    gp_record r;
    int64_t t0, t_batched, t_single, t_close;
    long rss_half = 0, rss_full;
    double rate_b, rate_s;

    if (!mkdtemp(dir))
        return 3;

    /* Batched: one transaction per `batch` records, as the recorder does. */
    snprintf(path, sizeof path, "%s/batched.gpupack", dir);
    if (!(w = gp_writer_create(path, 0, &err)))
        return die(&err);
    gp_writer_begin(w, &err);
    for (int i = 0; i < 200; i++) {
        char name[64];
        snprintf(name, sizeof name, "void gemm_kernel_%d<float, 128, 64>(float const*, float*)", i);
        names[i] = gp_writer_intern(w, name, strlen(name), &err);
    }
    gp_writer_commit(w, &err);
    t0 = gp_now_ns();
    for (int64_t i = 0; i < n_batched; i++) {
        if (i % batch == 0 && gp_writer_begin(w, &err) != GP_OK)
            return die(&err);
        make_kernel(&r, i, names);
        if (gp_writer_put(w, &r, &err) != GP_OK)
            return die(&err);
        if ((i + 1) % batch == 0 && gp_writer_commit(w, &err) != GP_OK)
            return die(&err);
        if (i == n_batched / 2)
            rss_half = peak_rss_kib();
    }
    if (gp_writer_commit(w, &err) != GP_OK)
        return die(&err);
    t_batched = gp_now_ns() - t0;
    rss_full = peak_rss_kib();
    t0 = gp_now_ns();
    if (gp_writer_close(w, &err) != GP_OK)
        return die(&err);
    t_close = gp_now_ns() - t0;

    /* Unbatched baseline: one transaction per record. */
    snprintf(path, sizeof path, "%s/single.gpupack", dir);
    if (!(w = gp_writer_create(path, 0, &err)))
        return die(&err);
    gp_writer_begin(w, &err);
    for (int i = 0; i < 200; i++)
        names[i] = gp_writer_intern(w, "k", 1, &err);
    gp_writer_commit(w, &err);
    t0 = gp_now_ns();
    for (int64_t i = 0; i < n_single; i++) {
        make_kernel(&r, i, names);
        gp_writer_begin(w, &err);
        if (gp_writer_put(w, &r, &err) != GP_OK || gp_writer_commit(w, &err) != GP_OK)
            return die(&err);
    }
    t_single = gp_now_ns() - t0;
    gp_writer_close(w, &err);

    rate_b = (double)n_batched / ((double)t_batched / 1e9);
    rate_s = (double)n_single / ((double)t_single / 1e9);
    printf("store write: %" PRId64 " kernel records, batches of %" PRId64 ": %.0f records/s"
           " (%.2f us/record)\n", n_batched, batch, rate_b, (double)t_batched / 1e3 / (double)n_batched);
    printf("store write: %" PRId64 " kernel records, one transaction each: %.0f records/s\n",
           n_single, rate_s);
    printf("store write: batched/unbatched ratio %.1fx\n", rate_b / rate_s);
    printf("store close (indexes + checkpoint) for %" PRId64 " records: %.2f s\n", n_batched,
           (double)t_close / 1e9);
    printf("store writer peak RSS: %ld KiB after %" PRId64 " records, %ld KiB after %" PRId64
           " (bounded if equal)\n", rss_half, n_batched / 2, rss_full, n_batched);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 3;
}
