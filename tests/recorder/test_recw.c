/* test_recw.c: the recorder's writer merges what it learns about a process
 * in any order: the job reaped before its first batch is read, and a pid
 * reused by a later process. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "recorder/writer.h"
#include "common/batch.h"
#include "common/wire.h"
#include "tests/tap.h"
#include "tests/unit/tmpdir.h"

static gp_batch *process(uint32_t pid, int64_t start, int64_t end)
{
    gp_batch *b = gp_batch_new();
    gp_record r;

    gp_batch_set_header(b, GP_WIRE_VERSION, pid, 1);
    gp_record_init(&r, GP_KIND_PROCESS);
    r.u.process.pid = pid;
    r.u.process.start_ns = start;
    r.u.process.end_ns = end;
    r.u.process.ppid = 77;
    gp_batch_add(b, &r);
    return b;
}

static int rows(const char *path, int64_t *n)
{
    gp_error err = { 0 };
    gp_trace *t = gp_trace_open(path, &err);
    if (!t)
        return -1;
    gp_trace_count(t, GP_KIND_PROCESS, NULL, n, &err);
    gp_trace_close(t);
    return 0;
}

int main(void)
{
    gp_error err = { 0 };
    gp_recw *q;
    int64_t n = -1;
    const char *p1, *p2;

    if (tmpdir_create() < 0)
        return 1;
    p1 = tmpdir_path("reaped.gpupack");
    /* The job (pid 100) starts at 1000 and is reaped at 5000 before the
     * recorder reads its hello (start 1010) and goodbye (end 4900). */
    q = gp_recw_start(gp_writer_create(p1, 0, &err), 1 << 20);
    gp_recw_child_started(q, 100, "job", 1000);
    gp_recw_child_ended(q, 100, 5000, 1, 0);
    gp_recw_conn_open(q, 0, 100);
    gp_recw_batch(q, 0, process(100, 1010, 0));
    gp_recw_batch(q, 0, process(100, 1010, 4900));
    gp_recw_conn_closed(q, 0, 4950);
    is_int(gp_recw_finish(q, NULL, &err), GP_OK, "written");
    rows(p1, &n);
    is_int(n, 1, "reaped before its hello was read: still one process");

    p2 = tmpdir_path("reused.gpupack");
    /* pid 100 ends at 5000; a new process gets pid 100 at 6000. */
    q = gp_recw_start(gp_writer_create(p2, 0, &err), 1 << 20);
    gp_recw_conn_open(q, 0, 100);
    gp_recw_batch(q, 0, process(100, 1000, 0));
    gp_recw_batch(q, 0, process(100, 1000, 5000));
    gp_recw_conn_closed(q, 0, 5000);
    gp_recw_conn_open(q, 1, 100);
    gp_recw_batch(q, 1, process(100, 6000, 0));
    gp_recw_conn_closed(q, 1, 7000);
    is_int(gp_recw_finish(q, NULL, &err), GP_OK, "written");
    rows(p2, &n);
    is_int(n, 2, "a reused pid that started after the first ended: two processes");
    tmpdir_remove();
    return done_testing();
}
