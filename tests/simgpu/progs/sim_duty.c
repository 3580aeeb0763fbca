/* sim_duty PERIODS [BUSY_MS [IDLE_MS]]: a known busy/idle pattern, for the
 * hardware-counter tests.
 *
 * One context, one non-blocking stream. First the host waits IDLE_MS with
 * the GPU idle; then, PERIODS times: four kernels "dutyK" of BUSY_MS/4
 * each queued back to back (so the GPU is busy for BUSY_MS without a gap),
 * cuStreamSynchronize, then the host sleeps IDLE_MS with the GPU idle.
 * Defaults: BUSY_MS 100, IDLE_MS 100.
 * Totals: kernels=4*PERIODS sync=PERIODS memcpy=0 memset=0 nvtx_ranges=0
 * nvtx_marks=0 graphs=0. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tests/simgpu/progs/simprog.h"

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0)
        ;
}

int main(int argc, char **argv)
{
    int periods = argc > 1 ? atoi(argv[1]) : 5;
    long busy_ms = argc > 2 ? atol(argv[2]) : 100, idle_ms = argc > 3 ? atol(argv[3]) : 100;
    sp_counts n = { 0 };
    sp_job j;

    if (periods < 1 || busy_ms < 4 || idle_ms < 1) {
        fprintf(stderr, "usage: sim_duty PERIODS [BUSY_MS>=4 [IDLE_MS>=1]]\n");
        return 2;
    }
    sp_job_start(&j, "sim_duty", "dutyK", (uint64_t)busy_ms * 1000000u / 4,
                 SP_RT_LAUNCH_KERNEL);
    sleep_ms(idle_ms);
    for (int p = 0; p < periods; p++) {
        for (int k = 0; k < 4; k++)
            sp_launch(&n, j.kernel, j.stream);
        CK(cuStreamSynchronize(j.stream));
        n.sync++;
        sleep_ms(idle_ms);
    }
    sp_job_end(&j);
    sp_summary("sim_duty", &n, "");
    return 0;
}
