/* test_load_trace.c: gpupack traces into the analyzer's model. Kernels and
 * API calls of a one-process trace are read on two threads into fixed
 * parts of the rank's arrays; these tests check that every record lands
 * once, in time order, joined to its launch, also when rows are missing
 * (a hole in the row numbers) and when a record names a process the trace
 * does not list (the loader starts again on one thread). Expected values
 * come from how the trace is built, not from the loader. */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "analyzer/formats/load.h"
#include "analyzer/model/model.h"
#include "common/store.h"
#include "tests/tap.h"
#include "tests/unit/tmpdir.h"

#define N_KERNELS 5000
#define T0 1000000000LL

/* Kernel i: starts at T0 + 1000 i, lasts 400 ns, correlation i + 1, name
 * "k<i % 3>", launched by an API call 300 ns earlier with the same
 * correlation. Kernels are written in reverse time order when `reverse`,
 * so the loader must sort. Kernels of pid `stray_pid` (0: none) every 97th. */
static int write_trace(const char *path, int reverse, uint32_t stray_pid)
{
    gp_error err = { 0 };
    gp_writer *w = gp_writer_create(path, GP_WRITER_OVERWRITE, &err);
    gp_strid names[3], launch;
    gp_record r;

    if (!w)
        return -1;
    gp_writer_begin(w, &err);
    for (int i = 0; i < 3; i++) {
        char s[8];
        snprintf(s, sizeof s, "k%d", i);
        names[i] = gp_writer_intern(w, s, strlen(s), &err);
    }
    launch = gp_writer_intern(w, "cudaLaunchKernel", 16, &err);
    gp_record_init(&r, GP_KIND_PROCESS);
    r.u.process.pid = 1;
    r.u.process.start_ns = T0 - 1000;
    r.u.process.rank = -1;
    gp_writer_put(w, &r, &err);
    for (int j = 0; j < N_KERNELS; j++) {
        int i = reverse ? N_KERNELS - 1 - j : j;
        gp_record_init(&r, GP_KIND_API);
        r.u.api.start_ns = T0 + 1000LL * i - 300;
        r.u.api.end_ns = r.u.api.start_ns + 100;
        r.u.api.correlation = i + 1;
        r.u.api.name = launch;
        r.u.api.tid = 1;
        r.u.api.pid = 1;
        gp_writer_put(w, &r, &err);
        gp_record_init(&r, GP_KIND_KERNEL);
        r.u.kernel.start_ns = T0 + 1000LL * i;
        r.u.kernel.end_ns = r.u.kernel.start_ns + 400;
        r.u.kernel.correlation = i + 1;
        r.u.kernel.name = names[i % 3];
        r.u.kernel.stream = 7;
        r.u.kernel.grid_x = r.u.kernel.grid_y = r.u.kernel.grid_z = 2;
        r.u.kernel.block_x = 128;
        r.u.kernel.block_y = r.u.kernel.block_z = 1;
        r.u.kernel.pid = stray_pid && i % 97 == 0 ? stray_pid : 1;
        gp_writer_put(w, &r, &err);
    }
    gp_writer_commit(w, &err);
    return gp_writer_close(w, &err) == GP_OK ? 0 : -1;
}

static int run_sql(const char *path, const char *sql)
{
    sqlite3 *db;
    int rc = sqlite3_open(path, &db);

    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc == SQLITE_OK ? 0 : -1;
}

/* 1 if kernel index i is among those left by the holes of test 2. */
static int kept(int i)
{
    int row = i + 1; /* kernels are the only kernel rows, written in order */
    return !(row % 101 == 3 || (row >= 2000 && row < 2100) || row > N_KERNELS - 5);
}

/* Checks the one rank against kernels i with keep(i): count, order, times,
 * names, launches. */
static void check_rank(gp_job *job, const gp_rank *rk, int (*keep)(int), const char *what)
{
    size_t want = 0, j = 0;
    int order = 1, times = 1, names = 1, joins = 1;

    for (int i = 0; i < N_KERNELS; i++)
        want += keep(i) != 0;
    ok(rk->n_ops == want, "%s: %zu kernels loaded (want %zu)", what, rk->n_ops, want);
    for (int i = 0; i < N_KERNELS && j < rk->n_ops; i++) {
        const gp_op *o = &rk->ops[j];
        char name[8];
        if (!keep(i))
            continue;
        snprintf(name, sizeof name, "k%d", i % 3);
        if (j && o->start_ns < rk->ops[j - 1].start_ns)
            order = 0;
        if (o->start_ns != T0 + 1000LL * i || o->end_ns != o->start_ns + 400 || o->blocks != 8 ||
            o->threads != 128 || o->stream != 7)
            times = 0;
        if (strcmp(gp_job_str(job, o->name), name) != 0)
            names = 0;
        if (o->launch < 0 || (size_t)o->launch >= rk->n_calls ||
            rk->calls[o->launch].correlation != i + 1 ||
            rk->calls[o->launch].start_ns != o->start_ns - 300)
            joins = 0;
        j++;
    }
    ok(order, "%s: kernels in time order", what);
    ok(times, "%s: every kernel's times, grid and block as written", what);
    ok(names, "%s: every kernel's name as written", what);
    ok(joins, "%s: every kernel joined to its own launch call", what);
    ok(rk->n_calls == N_KERNELS, "%s: %zu API calls (want %d)", what, rk->n_calls, N_KERNELS);
}

static int all(int i)
{
    (void)i;
    return 1;
}

static int not_stray(int i)
{
    return i % 97 != 0;
}

static gp_job *load(const char *path, gp_error *err)
{
    gp_job *job = gp_job_new();

    if (job && gp_load_trace(job, path, err) != GP_OK) {
        gp_job_free(job);
        return NULL;
    }
    return job;
}

int main(void)
{
    gp_error err = { 0 };
    const char *path;
    gp_job *job;

    if (tmpdir_create() < 0)
        return 1;
    path = tmpdir_path("load.gpupack");

    /* 1. Dense rows, written in reverse time order. */
    ok(write_trace(path, 1, 0) == 0, "trace written");
    job = load(path, &err);
    ok(job && gp_job_rank_count(job) == 1, "one process, one rank%s%s", job ? "" : ": ",
       job ? "" : err.msg);
    if (job && gp_job_rank_count(job) == 1)
        check_rank(job, gp_job_rank(job, 0), all, "reverse order");
    gp_job_free(job);

    /* 2. Holes in the kernel rows, in both halves and at the end. */
    ok(write_trace(path, 0, 0) == 0 &&
       run_sql(path, "DELETE FROM kernel WHERE rowid % 101 = 3 OR (rowid >= 2000 AND rowid < 2100) "
                     "OR rowid > 4995;") == 0,
       "trace written, kernel rows deleted");
    job = load(path, &err);
    ok(job && gp_job_rank_count(job) == 1, "holes: loaded%s%s", job ? "" : ": ",
       job ? "" : err.msg);
    if (job && gp_job_rank_count(job) == 1)
        check_rank(job, gp_job_rank(job, 0), kept, "holes");
    gp_job_free(job);

    /* 3. Kernels of a process the trace does not list: a second rank. */
    ok(write_trace(path, 0, 4242) == 0, "trace with an unlisted process written");
    job = load(path, &err);
    ok(job && gp_job_rank_count(job) == 2, "unlisted process: two ranks%s%s", job ? "" : ": ",
       job ? "" : err.msg);
    if (job && gp_job_rank_count(job) == 2) {
        const gp_rank *a = gp_job_rank(job, 0), *b = gp_job_rank(job, 1);
        const gp_rank *main_rank = a->pid == 1 ? a : b, *stray = a->pid == 1 ? b : a;
        size_t want = 0;
        for (int i = 0; i < N_KERNELS; i++)
            want += i % 97 == 0;
        ok(stray->pid == 4242 && stray->n_ops == want, "unlisted process: its %zu kernels apart",
           want);
        check_rank(job, main_rank, not_stray, "unlisted process");
    }
    gp_job_free(job);
    tmpdir_remove();
    return done_testing();
}
