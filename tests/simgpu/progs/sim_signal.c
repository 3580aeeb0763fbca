/* sim_signal MODE: a job that is told to die after its GPU work.
 *
 * One context, 20 kernels "sigK" (100 us) on one stream, its synchronize,
 * the summary line; then, by MODE:
 *   term, int, quit, hup  kill(getpid(), SIGTERM / SIGINT / SIGQUIT / SIGHUP)
 *   abort                 abort()
 *   handler               as term, with a SIGTERM handler installed before
 *                         CUDA starts that says "sim_signal: handler ran" and
 *                         calls exit(3)
 *   late                  the same handler, installed after CUDA started
 * A process the signal does not end says "sim_signal: still alive" and
 * exits 1.
 * Totals: kernels=20 memcpy=0 memset=0 sync=1 nvtx_ranges=0 nvtx_marks=0
 * graphs=0. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/simgpu/progs/simprog.h"

static void on_term(int sig)
{
    static const char msg[] = "sim_signal: handler ran\n";

    (void)sig;
    if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0)
        _exit(4);
    exit(3); /* not async-signal-safe, but what real jobs do */
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "term";
    sp_counts n = { 0 };
    sp_job j;
    int sig = SIGTERM;

    if (strcmp(mode, "handler") == 0)
        signal(SIGTERM, on_term);
    sp_job_start(&j, "sim_signal", "sigK", 100000, SP_RT_LAUNCH_KERNEL);
    if (strcmp(mode, "late") == 0)
        signal(SIGTERM, on_term);
    for (int i = 0; i < 20; i++)
        sp_launch(&n, j.kernel, j.stream);
    CK(cuStreamSynchronize(j.stream));
    n.sync++;
    sp_summary("sim_signal", &n, "");
    if (strcmp(mode, "abort") == 0)
        abort();
    if (strcmp(mode, "int") == 0)
        sig = SIGINT;
    else if (strcmp(mode, "quit") == 0)
        sig = SIGQUIT;
    else if (strcmp(mode, "hup") == 0)
        sig = SIGHUP;
    kill(getpid(), sig);
    sleep(5);
    fprintf(stderr, "sim_signal: still alive\n");
    return 1;
}
