/* test_load_trace.c: gpupack traces into the analyzer's model. Kernels and
 * API calls of a one-process trace are read on two threads into fixed
 * parts of the rank's arrays; these tests check that every record lands
 * once, in time order, joined to its launch, also when rows are missing
 * (a hole in the row numbers) and when a record names a process the trace
 * does not list (the loader starts again on one thread). String ids that
 * no string holds (-1 stored, 0xFFFFFFFF read; 1e8) load as "" without a
 * map sized by the id. Expected values come from how the trace is built,
 * not from the loader. */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

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
 * names (of kernels from first_named on), launches. */
static void check_rank_from(gp_job *job, const gp_rank *rk, int (*keep)(int), int first_named,
                            const char *what)
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
        if (i >= first_named && strcmp(gp_job_str(job, o->name), name) != 0)
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

static void check_rank(gp_job *job, const gp_rank *rk, int (*keep)(int), const char *what)
{
    check_rank_from(job, rk, keep, 0, what);
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

/* Records whose string ids the strings table does not hold: -1 (SQLite
 * keeps it; a reader sees 0xFFFFFFFF), 2^32 - 1 and `big`; devices named
 * by such ids (device names are mapped on the loader's serial path). */
static int make_hostile(const char *path, uint32_t stray_pid, long long big)
{
    char sql[512];

    snprintf(sql, sizeof sql,
             "UPDATE kernel SET name = -1 WHERE rowid = 1;"
             "UPDATE kernel SET name = %lld WHERE rowid = 2;"
             "UPDATE api SET name = 4294967295 WHERE rowid = 3;"
             "INSERT INTO device(id, name, sm_count) VALUES (0, -1, 1), (1, %lld, 1),"
             " (2, 4294967295, 1);", big, big);
    return write_trace(path, 0, stray_pid) == 0 && run_sql(path, sql) == 0 ? 0 : -1;
}

/* Loads a hostile trace: every record there, the bad names "", the good
 * names as written, the devices present with "" names. */
static void check_hostile(const char *path, uint32_t stray_pid, const char *what)
{
    gp_error err = { 0 };
    gp_job *job = load(path, &err);
    const gp_rank *rk = NULL;
    int bad_names = 1, devices = 0;

    ok(job != NULL, "%s: loads%s%s", what, job ? "" : ": ", job ? "" : err.msg);
    for (size_t i = 0; job && i < gp_job_rank_count(job); i++)
        if (gp_job_rank(job, i)->pid == 1)
            rk = gp_job_rank(job, i);
    if (!rk) {
        gp_job_free(job);
        return;
    }
    for (size_t j = 0; j < rk->n_ops; j++) /* kernels 0 and 1 start first */
        if (rk->ops[j].start_ns < T0 + 2000 && *gp_job_str(job, rk->ops[j].name))
            bad_names = 0;
    ok(bad_names, "%s: kernels named by unknown ids have the name \"\"", what);
    check_rank_from(job, rk, stray_pid ? not_stray : all, 2, what);
    for (size_t d = 0; d < rk->n_devices; d++)
        devices += *gp_job_str(job, rk->devices[d].name) == '\0';
    is_int(devices, 3, "%s: the 3 devices named by unknown ids, with the name \"\"", what);
    gp_job_free(job);
}

/* Peak resident memory that loading path adds, in a child process (so the
 * peak of earlier tests does not hide it); -1 if the load failed. */
static long load_peak_kib(const char *path)
{
    int fds[2], status = 0;
    long kib = -1;
    pid_t pid;

    if (pipe(fds) < 0 || (pid = fork()) < 0)
        return -1;
    if (pid == 0) {
        struct rusage a, b;
        gp_error err = { 0 };
        gp_job *job;
        close(fds[0]);
        getrusage(RUSAGE_SELF, &a);
        job = load(path, &err);
        getrusage(RUSAGE_SELF, &b);
        kib = job ? b.ru_maxrss - a.ru_maxrss : -1;
        gp_job_free(job);
        if (write(fds[1], &kib, sizeof kib) != sizeof kib)
            _exit(1);
        _exit(0);
    }
    close(fds[1]);
    if (read(fds[0], &kib, sizeof kib) != sizeof kib)
        kib = -1;
    close(fds[0]);
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? kib : -1;
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

    /* 4. String ids no string holds, on the two-thread path (kernels, API
     * calls) and the serial one (devices; kernels of an unlisted process). */
    ok(make_hostile(path, 0, 500000000LL) == 0, "trace with unknown string ids written");
    check_hostile(path, 0, "unknown string ids");
    ok(make_hostile(path, 4242, 500000000LL) == 0,
       "trace with unknown string ids and an unlisted process written");
    check_hostile(path, 4242, "unknown string ids, serial");

    /* 5. An id of 10^8 in a small trace costs nothing: the id map is sized
     * by the strings the file holds (a map sized by the id would touch
     * 400 MB). */
    {
        long kib;
        ok(make_hostile(path, 4242, 100000000LL) == 0, "trace with string id 10^8 written");
        kib = load_peak_kib(path);
        ok(kib >= 0 && kib < 64 * 1024, "string id 10^8: loading adds %ld KiB to the peak "
           "resident memory (limit 64 MiB)", kib);
    }
    tmpdir_remove();
    return done_testing();
}
