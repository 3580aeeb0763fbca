/* kineto_dump: loads Kineto traces with gp_kineto_load and prints what was
 * loaded as key=value lines, for tests/kineto.sh to compare with counts
 * computed independently from the JSON.
 *
 *     kineto_dump FILE...        one block of key=value per file (rank)
 *     kineto_dump --sniff FILE   prints gp_kineto_sniff's answer
 *     kineto_dump --bench FILE   load time (best of 5) and tokenizer MB/s
 *
 * Exit status: 0, or gp_status_exit_code() of a failed load (message on
 * stderr as "error: ..."). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "analyzer/formats/json.h"
#include "analyzer/formats/kineto.h"
#include "analyzer/model/model.h"

static void dump_rank(const gp_job *job, const gp_rank *r)
{
    size_t n_kind[3] = { 0 }, n_dom[3] = { 0 }, n_range[4] = { 0 }, joined = 0, copy_kinds[16] = { 0 }, async = 0;
    int64_t kdur = 0, first_kernel = 0, bytes = 0;
    uint64_t blocks = 0, threads = 0, regs = 0, smem = 0;
    double ts_sum = 0, dur_sum = 0;
    int64_t stream_sum = 0, corr_sum = 0, ts_int = 0, name_bytes = 0, steps = 0;
    size_t hcat[16] = { 0 }, sync_type[8] = { 0 };
    int have_first = 0;

    for (size_t i = 0; i < r->n_ops; i++) {
        const gp_op *o = &r->ops[i];
        n_kind[o->kind]++;
        joined += o->launch >= 0;
        if (o->kind == GP_OP_KERNEL) {
            kdur += o->end_ns - o->start_ns;
            if (!have_first) {
                first_kernel = o->start_ns;
                have_first = 1;
            }
            blocks += o->blocks;
            threads += o->threads;
            regs += o->registers;
            smem += o->smem_bytes;
        } else {
            bytes += o->bytes;
            async += o->async;
            if (o->kind == GP_OP_MEMCPY)
                copy_kinds[o->copy_kind & 15]++;
        }
    }
    for (size_t i = 0; i < r->n_calls; i++)
        n_dom[r->calls[i].domain == GP_API_DRIVER ? 1 : r->calls[i].domain == GP_API_RUNTIME ? 2 : 0]++;
    for (size_t i = 0; i < r->n_ranges; i++)
        n_range[r->ranges[i].kind & 3]++;
    for (size_t i = 0; i < r->n_syncs; i++)
        sync_type[r->syncs[i].type & 7]++;
    for (size_t i = 0; i < r->n_hta; i++) {
        const gp_hta_event *h = &r->hta[i];
        ts_sum += h->ts_us;
        dur_sum += h->dur_us;
        stream_sum += h->stream;
        corr_sum += h->correlation;
        ts_int += h->ts_is_int;
        name_bytes += (int64_t)strlen(gp_job_str(job, h->name));
        steps += strncmp(gp_job_str(job, h->name), "ProfilerStep#", 13) == 0;
        hcat[h->cat & 15]++;
    }
    printf("label=%s\nrank=%d\npid=%" PRIu32 "\n", r->label, r->rank, r->pid);
    printf("devices=%zu\n", r->n_devices);
    if (r->n_devices)
        printf("device0=%d %s sms=%d cc=%d.%d\n", r->devices[0].id, gp_job_str(job, r->devices[0].name),
               r->devices[0].sm_count, r->devices[0].cc_major, r->devices[0].cc_minor);
    printf("kernels=%zu\nmemcpys=%zu\nmemsets=%zu\n", n_kind[GP_OP_KERNEL], n_kind[GP_OP_MEMCPY],
           n_kind[GP_OP_MEMSET]);
    printf("runtime_calls=%zu\ndriver_calls=%zu\n", n_dom[2], n_dom[1]);
    printf("annotations=%zu\ncpu_ops=%zu\npython=%zu\n", n_range[GP_RANGE_ANNOTATION],
           n_range[GP_RANGE_CPU_OP], n_range[GP_RANGE_PYTHON]);
    printf("syncs=%zu\nsync_event=%zu\nsync_stream=%zu\nsync_context=%zu\n", r->n_syncs,
           sync_type[GP_SYNC_EVENT], sync_type[GP_SYNC_STREAM], sync_type[GP_SYNC_CONTEXT]);
    printf("kernel_dur_ns=%" PRId64 "\nfirst_kernel_ns=%" PRId64 "\n", kdur, first_kernel);
    printf("kernel_blocks=%" PRIu64 "\nkernel_threads=%" PRIu64 "\nkernel_regs=%" PRIu64
           "\nkernel_smem=%" PRIu64 "\n", blocks, threads, regs, smem);
    printf("copy_bytes=%" PRId64 "\nhtod=%zu\ndtoh=%zu\ndtod=%zu\n", bytes, copy_kinds[GP_COPY_HTOD],
           copy_kinds[GP_COPY_DTOH], copy_kinds[GP_COPY_DTOD]);
    printf("ops_joined=%zu\ncopies_async=%zu\n", joined, async);
    printf("hta_events=%zu\nhta_rounding=%d\nhta_native=%d\n", r->n_hta, r->hta_rounding, r->hta_native);
    printf("hta_ts_sum=%.17g\nhta_dur_sum=%.17g\nhta_stream_sum=%" PRId64 "\nhta_corr_sum=%" PRId64
           "\nhta_ts_int=%" PRId64 "\nhta_name_bytes=%" PRId64 "\nhta_steps=%" PRId64 "\n",
           ts_sum, dur_sum, stream_sum, corr_sum, ts_int, name_bytes, steps);
    printf("hta_kernel=%zu\nhta_runtime=%zu\nhta_sync=%zu\nhta_other=%zu\n", hcat[GP_HCAT_KERNEL],
           hcat[GP_HCAT_CUDA_RUNTIME], hcat[GP_HCAT_CUDA_SYNC], hcat[GP_HCAT_OTHER]);
    printf("bad_times=%" PRIu64 "\n", r->bad_times);
}

/* CPU time of the process (the machine may be shared: wall time would
 * count the neighbours too), and wall time. */
static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double wall_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The whole decompressed file in memory (for the tokenizer timing). */
static char *slurp(const char *path, size_t *len)
{
    gzFile gz = gzopen(path, "rb");
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    int got;

    if (!gz || !buf) {
        free(buf);
        if (gz)
            gzclose(gz);
        return NULL;
    }
    while ((got = gzread(gz, buf + n, (unsigned)(cap - n))) > 0) {
        n += (size_t)got;
        if (n == cap) {
            char *p = realloc(buf, cap *= 2);
            if (!p)
                break;
            buf = p;
        }
    }
    gzclose(gz);
    *len = n;
    return buf;
}

static int bench(const char *path)
{
    double best_load = 1e9, best_tok = 1e9, best_skip = 1e9, best_gz = 1e9, wall_load = 1e9, wall_tok = 1e9;
    size_t len = 0, tokens = 0;
    char *doc = slurp(path, &len);

    if (!doc)
        return 1;
    for (int i = 0; i < 5; i++) {
        gp_job *job = gp_job_new();
        gp_error err = { 0 };
        double w0 = wall_s(), t0 = now_s(), t1;
        if (gp_kineto_load(job, path, &err) != GP_OK) {
            fprintf(stderr, "error: %s\n", err.msg);
            gp_job_free(job);
            free(doc);
            return 2;
        }
        t1 = now_s() - t0;
        best_load = t1 < best_load ? t1 : best_load;
        w0 = wall_s() - w0;
        wall_load = w0 < wall_load ? w0 : wall_load;
        gp_job_free(job);
    }
    for (int i = 0; i < 5; i++) { /* decompression alone, in 256 KiB reads */
        gzFile gz = gzopen(path, "rb");
        static char chunk[256 * 1024];
        double t0 = now_s(), t1;
        gzbuffer(gz, 64 * 1024);
        while (gzread(gz, chunk, sizeof chunk) > 0)
            ;
        gzclose(gz);
        t1 = now_s() - t0;
        best_gz = t1 < best_gz ? t1 : best_gz;
    }
    for (int i = 0; i < 5; i++) {
        gp_json *j = gp_json_new_mem(doc, len);
        gp_json_tok t;
        double w0 = wall_s(), t0 = now_s(), t1;
        tokens = 0;
        while ((t = gp_json_next(j)) > GP_JSON_END)
            tokens++;
        t1 = now_s() - t0;
        w0 = wall_s() - w0;
        wall_tok = w0 < wall_tok ? w0 : wall_tok;
        if (t != GP_JSON_END)
            fprintf(stderr, "error: %s\n", gp_json_error(j));
        gp_json_free(j);
        best_tok = t1 < best_tok ? t1 : best_tok;
    }
    for (int i = 0; i < 5; i++) {
        gp_json *j = gp_json_new_mem(doc, len);
        double t0 = now_s(), t1;
        gp_json_skip(j);
        t1 = now_s() - t0;
        gp_json_free(j);
        best_skip = t1 < best_skip ? t1 : best_skip;
    }
    printf("file=%s\njson_bytes=%zu\ntokens=%zu\n", path, len, tokens);
    printf("load_cpu_ms=%.1f load_wall_ms=%.1f (best of 5, in process)\n", best_load * 1e3, wall_load * 1e3);
    printf("gunzip_cpu_ms=%.1f (%.0f MB/s of JSON)\n", best_gz * 1e3, (double)len / best_gz / 1e6);
    printf("tokenize_cpu_ms=%.1f (%.0f MB/s, every token decoded; wall %.0f MB/s)\n", best_tok * 1e3,
           (double)len / best_tok / 1e6, (double)len / wall_tok / 1e6);
    printf("skip_cpu_ms=%.1f (%.0f MB/s, gp_json_skip of the whole document)\n", best_skip * 1e3,
           (double)len / best_skip / 1e6);
    free(doc);
    return 0;
}

int main(int argc, char **argv)
{
    gp_job *job;
    int rc = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: kineto_dump FILE... | --sniff FILE | --bench FILE\n");
        return 2;
    }
    if (strcmp(argv[1], "--sniff") == 0 && argc == 3) {
        printf("sniff=%d\n", gp_kineto_sniff(argv[2]));
        return 0;
    }
    if (strcmp(argv[1], "--bench") == 0 && argc == 3)
        return bench(argv[2]);
    job = gp_job_new();
    if (!job)
        return 3;
    for (int i = 1; i < argc; i++) {
        gp_error err = { 0 };
        gp_status st = gp_kineto_load(job, argv[i], &err);
        if (st != GP_OK) {
            fprintf(stderr, "error: %s\n", err.msg);
            printf("status=%d\nranks=%zu\n", (int)st, gp_job_rank_count(job));
            rc = gp_status_exit_code(st);
            break;
        }
    }
    if (!rc) {
        printf("ranks=%zu\n", gp_job_rank_count(job));
        for (size_t i = 0; i < gp_job_rank_count(job); i++)
            dump_rank(job, gp_job_rank_c(job, i));
    }
    gp_job_free(job);
    return rc;
}
