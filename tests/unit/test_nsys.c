/* test_nsys.c: the Nsight Systems importer on the exports that
 * tests/nsys/make_fixture.py writes (tests/nsys.sh passes their folder).
 * Every expected value below is written from the fixture's rows, converted
 * by hand with the contract in analyzer/formats/nsys.c (for instance nsys memory
 * kind 0 = pageable is GP_MEM_PAGEABLE = 1), not taken from a run. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/model/model.h"
#include "analyzer/formats/nsys.h"
#include "tests/tap.h"
#include "tmpdir.h"

static const char *fixdir;

static const char *fixture(const char *name)
{
    static char path[4][512];
    static int i;
    char *p = path[i++ % 4];

    snprintf(p, sizeof path[0], "%s/%s", fixdir, name);
    return p;
}

/* ---- expected records ---- */

#define ELEMENTWISE "void at::native::vectorized_elementwise_kernel<4, at::native::FillFunctor<float>, " \
                    "at::detail::Array<char*, 1> >(int, at::native::FillFunctor<float>, "           \
                    "at::detail::Array<char*, 1>)"
#define NCCL "ncclDevKernel_AllReduce_Sum_f32_RING_LL(ncclDevComm*, unsigned long, ncclWork*)"

typedef struct exp_op {
    uint8_t kind;
    int64_t start, end, corr, bytes;
    int32_t stream, launch;
    const char *name;
    uint32_t pid, blocks, graph;
    uint32_t threads, regs, smem;
    int device;
    uint8_t ck, sk, dk, async;
} exp_op;

typedef struct exp_call {
    int64_t start, end, corr;
    const char *name;
    uint32_t tid, pid;
    uint8_t domain, role;
} exp_call;

typedef struct exp_sync {
    int64_t start, end, corr;
    int32_t stream;
    uint32_t pid;
    uint8_t type;
} exp_sync;

typedef struct exp_range {
    int64_t start, end;
    const char *name;
    uint32_t tid, pid;
} exp_range;

typedef struct exp_dev {
    int32_t id;
    const char *name;
    int32_t sms, ccmaj, ccmin;
    int64_t bw, khz;
} exp_dev;

enum { K = GP_OP_KERNEL, C = GP_OP_MEMCPY, S = GP_OP_MEMSET };
enum { RT = GP_API_RUNTIME, DRV = GP_API_DRIVER };

/* pid 1001: calls in start order are 0 c10, 1 c11, 2 c111 (driver), 3 c12,
 * 4 c13, 5 c14, 6 c15, 7 c16, 8 c17: launch = that index. */
static const exp_op ops_1001[] = {
    { C, 500, 900, 10, 4096, 7, 0, "Memcpy HtoD (Pageable -> Device)", 1001, 0, 0, 0, 0, 0, 0,
      GP_COPY_HTOD, GP_MEM_PAGEABLE, GP_MEM_DEVICE, 1 },
    { K, 1000, 1500, 11, 0, 7, 1, ELEMENTWISE, 1001, 128, 0, 256, 32, 0, 0, 0, 0, 0, 0 },
    { K, 2000, 5000, 12, 0, 13, 3, "ampere_sgemm_128x64_nn", 1001, 128, 0, 128, 128, 4096 + 8192, 0,
      0, 0, 0, 0 },
    { K, 5200, 6000, 13, 0, 7, 4, "void graph_kernel<float>(float*)", 1001, 64, 5, 256, 64, 1024, 0,
      0, 0, 0, 0 },
    { C, 6100, 6600, 14, 1 << 20, 7, 5, "Memcpy DtoH (Device -> Pinned)", 1001, 0, 0, 0, 0, 0, 0,
      GP_COPY_DTOH, GP_MEM_DEVICE, GP_MEM_PINNED, 0 },
    { C, 6700, 6800, 15, 256, 13, 6, "Memcpy DtoD (Device -> Device)", 1001, 0, 0, 0, 0, 0, 0,
      GP_COPY_DTOD, GP_MEM_DEVICE, GP_MEM_DEVICE, 1 },
    { S, 7000, 7100, 16, 8192, 13, 7, "Memset (Device)", 1001, 0, 0, 0, 0, 0, 0, 0, GP_MEM_UNKNOWN,
      GP_MEM_DEVICE, 1 },
};

static const exp_call calls_1001[] = {
    { 400, 450, 10, "cudaMemcpyAsync_v3020", 1001, 1001, RT, GP_CALL_ROLE_COPY },
    { 900, 950, 11, "cudaLaunchKernel_v7000", 1001, 1001, RT, GP_CALL_ROLE_LAUNCH },
    { 920, 940, 111, "cuLaunchKernel", 1001, 1001, DRV, GP_CALL_ROLE_LAUNCH },
    { 1200, 1260, 12, "cudaLaunchKernel_v7000", 1010, 1001, RT, GP_CALL_ROLE_LAUNCH },
    { 1300, 1400, 13, "cudaGraphLaunch_v10000", 1001, 1001, RT, GP_CALL_ROLE_LAUNCH },
    { 1500, 6650, 14, "cudaMemcpy_v3020", 1001, 1001, RT, GP_CALL_ROLE_COPY },
    { 6650, 6660, 15, "cudaMemcpyAsync_v3020", 1001, 1001, RT, GP_CALL_ROLE_COPY },
    { 6900, 6950, 16, "cudaMemsetAsync_v3020", 1001, 1001, RT, GP_CALL_ROLE_MEMSET },
    { 7000, 7150, 17, "cudaStreamSynchronize_v3020", 1001, 1001, RT, GP_CALL_ROLE_SYNC },
};

static const exp_sync syncs_1001[] = {
    { 7010, 7140, 17, 13, 1001, GP_SYNC_STREAM },
    { 7200, 7300, 18, -1, 1001, GP_SYNC_EVENT },
};

/* "epoch" is never popped: it ends at the last end in the rank (train_step's 7500). */
static const exp_range ranges_1001[] = {
    { 50, 7500, "epoch", 1001, 1001 },
    { 100, 350, "data_load", 1010, 1001 },
    { 300, 7500, "train_step", 1001, 1001 },
    { 800, 6000, "forward", 1001, 1001 },
    { 6500, 6500, "checkpoint", 1001, 1001 },
};

static const exp_dev devs_1001[] = {
    { 0, "NVIDIA A100-SXM4-80GB", 108, 8, 0, 2039000000000, 1410000 },
};

/* pid 2002: calls 0 c21, 1 c22, 2 c23. */
static const exp_op ops_2002[] = {
    { K, 1100, 9100, 21, 0, 20, 0, NCCL, 2002, UINT32_MAX, 0, UINT16_MAX, 255, 49152 + 65536, 1, 0,
      0, 0, 0 },
    { C, 9200, 9300, 22, 64, 20, 1, "Memcpy PtoP (Device -> Device)", 2002, 0, 0, 0, 0, 0, 1,
      GP_COPY_PTOP, GP_MEM_DEVICE, GP_MEM_DEVICE, 1 },
    { C, 9300, 9350, -1, 65536, 20, -1, "Memcpy Unified HtoD (Managed -> Device)", 2002, 0, 0, 0, 0,
      0, 1, GP_COPY_HTOD, GP_MEM_MANAGED, GP_MEM_DEVICE, 0 },
    { C, 9400, 9450, 25, 8, 20, -1, "Memcpy HtoH (Pinned -> Unknown)", 2002, 0, 0, 0, 0, 0, 1,
      GP_COPY_HTOH, GP_MEM_PINNED, GP_MEM_UNKNOWN, 0 },
    { K, 9500, 9600, 24, 0, 20, -1, "my_kernel", 2002, 1, 0, 32, 16, 0, 1, 0, 0, 0, 0 },
};

static const exp_call calls_2002[] = {
    { 1000, 1050, 21, "cudaLaunchKernel_v7000", 2002, 2002, RT, GP_CALL_ROLE_LAUNCH },
    { 9000, 9010, 22, "cudaMemcpyAsync_v3020", 2002, 2002, RT, GP_CALL_ROLE_COPY },
    { 9010, 9400, 23, "cudaDeviceSynchronize_v3020", 2002, 2002, RT, GP_CALL_ROLE_SYNC },
};

static const exp_sync syncs_2002[] = {
    { 9020, 9390, 23, -1, 2002, GP_SYNC_CONTEXT },
};

static const exp_range ranges_2002[] = {
    { 1000, 1000, "iteration 0", 2002, 2002 },
};

static const exp_dev devs_2002[] = {
    { 1, "NVIDIA H100 80GB HBM3", 132, 9, 0, 3352000000000, 1980000 },
};

/* minimal.sqlite: no globalPid, so one rank with pid 0; no demangled names,
 * shared memory, memory kinds or event classes. */
static const exp_op ops_min[] = {
    { C, 500, 900, 10, 4096, 7, 0, "Memcpy HtoD (Unknown -> Unknown)", 0, 0, 0, 0, 0, 0, 0,
      GP_COPY_HTOD, GP_MEM_UNKNOWN, GP_MEM_UNKNOWN, 1 },
    { K, 1000, 1500, 11, 0, 7, 1, "vectorized_elementwise_kernel", 0, 128, 0, 256, 32, 0, 0, 0, 0, 0,
      0 },
    { K, 2000, 5000, 12, 0, 13, 2, "ampere_sgemm_128x64_nn", 0, 128, 0, 128, 128, 0, 0, 0, 0, 0, 0 },
};

static const exp_call calls_min[] = {
    { 400, 450, 10, "cudaMemcpyAsync_v3020", 1001, 0, 0, GP_CALL_ROLE_COPY },
    { 900, 950, 11, "cudaLaunchKernel_v7000", 1001, 0, 0, GP_CALL_ROLE_LAUNCH },
    { 1200, 1260, 12, "cudaLaunchKernel_v7000", 1010, 0, 0, GP_CALL_ROLE_LAUNCH },
};

#define N(a) (sizeof (a) / sizeof (a)[0])

/* ---- checks ---- */

static void check_ops(const gp_job *job, const gp_rank *r, const exp_op *e, size_t n, const char *who)
{
    is_int(r->n_ops, n, "%s: %zu ops", who, n);
    for (size_t i = 0; i < n && i < r->n_ops; i++) {
        const gp_op *o = &r->ops[i];
        is_int(o->kind, e[i].kind, "%s op %zu: kind", who, i);
        is_int(o->start_ns, e[i].start, "%s op %zu: start", who, i);
        is_int(o->end_ns, e[i].end, "%s op %zu: end", who, i);
        is_int(o->correlation, e[i].corr, "%s op %zu: correlation", who, i);
        is_int(o->bytes, e[i].bytes, "%s op %zu: bytes", who, i);
        is_int(o->stream, e[i].stream, "%s op %zu: stream", who, i);
        is_int(o->launch, e[i].launch, "%s op %zu: launch call", who, i);
        is_str(gp_job_str(job, o->name), e[i].name, "%s op %zu: name", who, i);
        is_int(o->pid, e[i].pid, "%s op %zu: pid", who, i);
        is_int(o->blocks, e[i].blocks, "%s op %zu: blocks", who, i);
        is_int(o->graph_id, e[i].graph, "%s op %zu: graph id", who, i);
        is_int(o->threads, e[i].threads, "%s op %zu: threads", who, i);
        is_int(o->registers, e[i].regs, "%s op %zu: registers", who, i);
        is_int(o->smem_bytes, e[i].smem, "%s op %zu: shared memory", who, i);
        is_int(o->device, e[i].device, "%s op %zu: device", who, i);
        is_int(o->copy_kind, e[i].ck, "%s op %zu: copy kind", who, i);
        is_int(o->src_kind, e[i].sk, "%s op %zu: source kind", who, i);
        is_int(o->dst_kind, e[i].dk, "%s op %zu: destination kind", who, i);
        is_int(o->async, e[i].async, "%s op %zu: async", who, i);
        if (o->kind != GP_OP_KERNEL)
            is_int(o->kclass, GP_KC_COPY, "%s op %zu: copies and memsets classed as copies", who, i);
    }
}

static void check_calls(const gp_job *job, const gp_rank *r, const exp_call *e, size_t n,
                        const char *who)
{
    is_int(r->n_calls, n, "%s: %zu calls", who, n);
    for (size_t i = 0; i < n && i < r->n_calls; i++) {
        const gp_call *a = &r->calls[i];
        is_int(a->start_ns, e[i].start, "%s call %zu: start", who, i);
        is_int(a->end_ns, e[i].end, "%s call %zu: end", who, i);
        is_int(a->correlation, e[i].corr, "%s call %zu: correlation", who, i);
        is_str(gp_job_str(job, a->name), e[i].name, "%s call %zu: name", who, i);
        is_int(a->tid, e[i].tid, "%s call %zu: tid", who, i);
        is_int(a->pid, e[i].pid, "%s call %zu: pid", who, i);
        is_int(a->domain, e[i].domain, "%s call %zu: domain", who, i);
        is_int(a->role, e[i].role, "%s call %zu: role", who, i);
        is_int(a->cbid, 0, "%s call %zu: no cbid in nsys", who, i);
    }
}

static void check_syncs(const gp_rank *r, const exp_sync *e, size_t n, const char *who)
{
    is_int(r->n_syncs, n, "%s: %zu syncs", who, n);
    for (size_t i = 0; i < n && i < r->n_syncs; i++) {
        const gp_syncrec *y = &r->syncs[i];
        is_int(y->start_ns, e[i].start, "%s sync %zu: start", who, i);
        is_int(y->end_ns, e[i].end, "%s sync %zu: end", who, i);
        is_int(y->correlation, e[i].corr, "%s sync %zu: correlation", who, i);
        is_int(y->stream, e[i].stream, "%s sync %zu: stream", who, i);
        is_int(y->pid, e[i].pid, "%s sync %zu: pid", who, i);
        is_int(y->type, e[i].type, "%s sync %zu: type", who, i);
    }
}

static void check_ranges(const gp_job *job, const gp_rank *r, const exp_range *e, size_t n,
                         const char *who)
{
    is_int(r->n_ranges, n, "%s: %zu NVTX ranges", who, n);
    for (size_t i = 0; i < n && i < r->n_ranges; i++) {
        const gp_range *g = &r->ranges[i];
        is_int(g->start_ns, e[i].start, "%s range %zu: start", who, i);
        is_int(g->end_ns, e[i].end, "%s range %zu: end", who, i);
        is_str(gp_job_str(job, g->name), e[i].name, "%s range %zu: name", who, i);
        is_int(g->tid, e[i].tid, "%s range %zu: tid", who, i);
        is_int(g->pid, e[i].pid, "%s range %zu: pid", who, i);
        is_int(g->kind, GP_RANGE_NVTX, "%s range %zu: kind", who, i);
        is_int(g->external_id, -1, "%s range %zu: no external id", who, i);
    }
}

static void check_devs(const gp_job *job, const gp_rank *r, const exp_dev *e, size_t n,
                       const char *who)
{
    is_int(r->n_devices, n, "%s: %zu devices (those its ops ran on)", who, n);
    for (size_t i = 0; i < n && i < r->n_devices; i++) {
        const gp_devinfo *d = gp_rank_device(r, e[i].id);
        ok(d != NULL, "%s: device %d present", who, e[i].id);
        if (!d)
            continue;
        is_str(gp_job_str(job, d->name), e[i].name, "%s device %d: name", who, e[i].id);
        is_int(d->sm_count, e[i].sms, "%s device %d: SMs", who, e[i].id);
        is_int(d->cc_major, e[i].ccmaj, "%s device %d: cc major", who, e[i].id);
        is_int(d->cc_minor, e[i].ccmin, "%s device %d: cc minor", who, e[i].id);
        is_int(d->mem_bandwidth_bps, e[i].bw, "%s device %d: memory bandwidth", who, e[i].id);
        is_int(d->sm_clock_khz, e[i].khz, "%s device %d: clock (kHz from Hz)", who, e[i].id);
    }
}

/* full.sqlite, or full_noenum.sqlite (same rows, no ENUM_* tables: the
 * documented values must give the same records). */
static void test_full(const char *file)
{
    gp_job *job = gp_job_new();
    gp_error err = { 0 };
    const gp_rank *r;
    char label[300];

    is_int(gp_nsys_sniff(fixture(file)), 1, "%s: sniffed as an nsys export", file);
    is_int(gp_nsys_load(job, fixture(file), &err), GP_OK, "%s: loads (%s)", file, err.msg);
    is_int(gp_job_rank_count(job), 2, "%s: one rank per process with GPU work (not pid 3003)", file);
    if (gp_job_rank_count(job) == 2) {
        r = gp_job_rank_c(job, 0);
        is_int(r->pid, 1001, "rank 0 is pid 1001");
        snprintf(label, sizeof label, "%s pid 1001", file);
        is_str(r->label, label, "rank 0 label");
        is_int(r->rank, 0, "rank 0 index");
        is_int(r->hta_rounding, 0, "integer ns: no HTA rounding");
        is_int(r->n_hta, 0, "no native HTA events");
        check_ops(job, r, ops_1001, N(ops_1001), "pid 1001");
        check_calls(job, r, calls_1001, N(calls_1001), "pid 1001");
        check_syncs(r, syncs_1001, N(syncs_1001), "pid 1001");
        check_ranges(job, r, ranges_1001, N(ranges_1001), "pid 1001");
        check_devs(job, r, devs_1001, N(devs_1001), "pid 1001");

        r = gp_job_rank_c(job, 1);
        is_int(r->pid, 2002, "rank 1 is pid 2002");
        snprintf(label, sizeof label, "%s pid 2002", file);
        is_str(r->label, label, "rank 1 label");
        check_ops(job, r, ops_2002, N(ops_2002), "pid 2002");
        check_calls(job, r, calls_2002, N(calls_2002), "pid 2002");
        check_syncs(r, syncs_2002, N(syncs_2002), "pid 2002");
        check_ranges(job, r, ranges_2002, N(ranges_2002), "pid 2002");
        check_devs(job, r, devs_2002, N(devs_2002), "pid 2002");
    }
    gp_job_free(job);
}

/* ENUM_CUPTI_SYNC_TYPE with ids 1 and 4 swapped: syncType 1 is a context
 * synchronize there, 4 an event synchronize. */
static void test_swapped_enum(void)
{
    static const exp_sync want_1001[] = {
        { 7010, 7140, 17, 13, 1001, GP_SYNC_STREAM },
        { 7200, 7300, 18, -1, 1001, GP_SYNC_CONTEXT },
    };
    static const exp_sync want_2002[] = {
        { 9020, 9390, 23, -1, 2002, GP_SYNC_EVENT },
    };
    gp_job *job = gp_job_new();
    gp_error err = { 0 };

    is_int(gp_nsys_load(job, fixture("full_swapped.sqlite"), &err), GP_OK, "swapped enum: loads (%s)",
           err.msg);
    if (gp_job_rank_count(job) == 2) {
        check_syncs(gp_job_rank_c(job, 0), want_1001, N(want_1001), "swapped enum, pid 1001");
        check_syncs(gp_job_rank_c(job, 1), want_2002, N(want_2002), "swapped enum, pid 2002");
    } else {
        ok(0, "swapped enum: two ranks");
    }
    gp_job_free(job);
}

static void test_minimal(void)
{
    gp_job *job = gp_job_new();
    gp_error err = { 0 };
    const gp_rank *r;

    is_int(gp_nsys_sniff(fixture("minimal.sqlite")), 1, "minimal: sniffed as an nsys export");
    is_int(gp_nsys_load(job, fixture("minimal.sqlite"), &err), GP_OK, "minimal: loads (%s)", err.msg);
    is_int(gp_job_rank_count(job), 1, "minimal: no globalPid, one rank");
    if (gp_job_rank_count(job) == 1) {
        r = gp_job_rank_c(job, 0);
        is_int(r->pid, 0, "minimal: pid unknown");
        is_str(r->label, "minimal.sqlite", "minimal: labelled with the file");
        check_ops(job, r, ops_min, N(ops_min), "minimal");
        check_calls(job, r, calls_min, N(calls_min), "minimal");
        check_syncs(r, NULL, 0, "minimal");
        check_ranges(job, r, NULL, 0, "minimal");
        check_devs(job, r, NULL, 0, "minimal");
    }
    gp_job_free(job);
}

static void test_big(void)
{
    gp_job *job = gp_job_new();
    gp_error err = { 0 };
    char want[32];

    is_int(gp_nsys_load(job, fixture("big.sqlite"), &err), GP_OK, "big: loads (%s)", err.msg);
    if (gp_job_rank_count(job) == 1) {
        const gp_rank *r = gp_job_rank_c(job, 0);
        int names_ok = 1;
        is_int(r->n_ops, 3000, "big: 3000 kernels");
        for (size_t i = 0; i < r->n_ops; i++) {
            snprintf(want, sizeof want, "kernel_%05zu_x", i);
            names_ok &= r->ops[i].start_ns == (int64_t)i * 100 &&
                        strncmp(gp_job_str(job, r->ops[i].name), want, strlen(want)) == 0;
        }
        ok(names_ok, "big: every kernel in order with its own name");
    }
    gp_job_free(job);
}

/* Impossible times (make_fixture.py make_badtimes): the 12 rows are left
 * out and counted, never clamped; the sound rows stay as written, the open
 * range ending at the rank's last end (the "step" range's 7000). */
static void test_badtimes(void)
{
    static const exp_range ranges[] = {
        { 300, 7000, "step", 1001, 1001 }, { 600, 7000, "open", 1001, 1001 },
    };
    gp_job *job = gp_job_new();
    gp_error err = { 0 };

    is_int(gp_nsys_load(job, fixture("badtimes.sqlite"), &err), GP_OK, "badtimes: loads (%s)",
           err.msg);
    if (gp_job_rank_count(job) == 1) {
        const gp_rank *r = gp_job_rank_c(job, 0);
        ok(r->n_ops == 2 && r->ops[0].start_ns == 1000 && r->ops[0].end_ns == 1500 &&
           r->ops[1].start_ns == 2000 && r->ops[1].end_ns == 2500, "badtimes: the 2 sound kernels");
        ok(r->n_calls == 1 && r->calls[0].start_ns == 900 && r->calls[0].end_ns == 950,
           "badtimes: the sound call");
        is_int(r->n_syncs, 0, "badtimes: no sync");
        check_ranges(job, r, ranges, N(ranges), "badtimes");
        is_int(r->bad_times, 12, "badtimes: 12 rows with impossible times counted");
    } else {
        ok(0, "badtimes: one rank");
    }
    gp_job_free(job);
}

/* ---- bad inputs ---- */

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        if (n)
            fwrite(data, 1, n, f);
        fclose(f);
    }
}

static unsigned char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long len;

    *n = 0;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc(len > 0 ? (size_t)len : 1);
    if (buf)
        *n = fread(buf, 1, (size_t)len, f);
    fclose(f);
    return buf;
}

/* Loads path into a fresh job and expects failure with code and a message
 * that names the file and says `why`. */
static void expect_error(const char *path, gp_status code, const char *why, const char *what)
{
    gp_job *job = gp_job_new();
    gp_error err = { 0 };

    is_int(gp_nsys_load(job, path, &err), code, "%s: error code", what);
    diag("%s", err.msg);
    like(err.msg, path, "%s: the message names the file", what);
    like(err.msg, why, "%s: the message says what is wrong", what);
    gp_job_free(job);
}

static void test_bad(void)
{
    static const char text[] = "Start,End,Name\n1,2,kernel\n";
    size_t n = 0;
    unsigned char *big = read_file(fixture("big.sqlite"), &n);
    const char *path;

    ok(big && n > 100000, "big fixture read for damaging");
    path = tmpdir_path("missing.sqlite");
    is_int(gp_nsys_sniff(path), -1, "missing file: sniff -1");
    expect_error(path, GP_ERR_IO, "cannot read", "missing file");

    path = tmpdir_path("trace.csv");
    write_file(path, text, sizeof text - 1);
    is_int(gp_nsys_sniff(path), 0, "text file: sniff 0");
    expect_error(path, GP_ERR_INPUT, "not an SQLite database", "text file");

    path = tmpdir_path("empty.sqlite");
    write_file(path, "", 0);
    is_int(gp_nsys_sniff(path), 0, "empty file: sniff 0 (SQLite would take it as a new database)");
    expect_error(path, GP_ERR_INPUT, "not an SQLite database", "empty file");

    is_int(gp_nsys_sniff(fixture("unrelated.sqlite")), 0, "unrelated database: sniff 0");
    expect_error(fixture("unrelated.sqlite"), GP_ERR_INPUT,
                 "no StringIds table and no CUPTI_ACTIVITY_KIND_* table", "unrelated database");
    is_int(gp_nsys_sniff(fixture("no_strings.sqlite")), 0, "no StringIds: sniff 0");
    expect_error(fixture("no_strings.sqlite"), GP_ERR_INPUT, "no StringIds table", "no StringIds");
    is_int(gp_nsys_sniff(fixture("no_cupti.sqlite")), 0, "no CUPTI table: sniff 0");
    expect_error(fixture("no_cupti.sqlite"), GP_ERR_INPUT, "no CUPTI_ACTIVITY_KIND_* table",
                 "no CUPTI table");
    is_int(gp_nsys_sniff(fixture("runtime_only.sqlite")), 1, "runtime only: an nsys export");
    expect_error(fixture("runtime_only.sqlite"), GP_ERR_INPUT, "no GPU activity", "runtime only");

    if (big && n > 100000) {
        path = tmpdir_path("truncated.sqlite");
        write_file(path, big, n / 2);
        is_int(gp_nsys_sniff(path), -1, "truncated: sniff -1 (its tables cannot be listed)");
        expect_error(path, GP_ERR_INPUT, "damaged database", "truncated");

        path = tmpdir_path("scribbled.sqlite");
        memset(big + n / 3, 0x5a, n / 3);
        write_file(path, big, n);
        is_int(gp_nsys_sniff(path), 1, "scribbled middle: the schema still reads");
        expect_error(path, GP_ERR_INPUT, "damaged database", "scribbled middle");
    }
    free(big);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        printf("Bail out! usage: test_nsys FIXTURE_DIR (tests/nsys.sh runs it)\n");
        return 1;
    }
    fixdir = argv[1];
    if (tmpdir_create() < 0)
        return 1;
    test_full("full.sqlite");
    test_full("full_noenum.sqlite");
    test_swapped_enum();
    test_minimal();
    test_big();
    test_badtimes();
    test_bad();
    tmpdir_remove();
    return done_testing();
}
