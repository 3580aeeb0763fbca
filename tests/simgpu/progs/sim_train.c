/* sim_train (driver API) and sim_rt_train (the same through the CUDA
 * runtime, CUDA 13's __cudaLaunchKernel and cudaStreamSynchronize;
 * simprog.h): a training loop on the simulated GPU, for gpupack pack's
 * tests and benchmark (simulated times, never GPU measurements).
 *
 *   sim_train [--seconds S | --steps N] [--kernels K] [--kernel-us U] [--batch B]
 *             [--blocks G] [--die-with D]
 *
 * Each step launches K kernels (default 8) of U us each (default 500) over
 * G blocks (default 1) on one stream and ends with a stream synchronize
 * (as a loss.item() does).
 * Runs N steps, or for S seconds (default 2). Prints on stdout one JSON line:
 *   {"job":"train","steps":N,"seconds":T,"samples_per_s":X}
 * with B samples per step (default 32), and the usual summary on stderr.
 * --die-with D (for tests) then launches D more kernels of 10 s each,
 * prints the summary with in_flight=D, waits 1 s (so a collector flushing
 * every 50 ms has sent what it knows) and kills itself with SIGKILL: D
 * launches issued whose kernels can never be recorded. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/simgpu/progs/simprog.h"

int main(int argc, char **argv)
{
    double seconds = 2, elapsed;
    int steps = 0, kernels = 8, batch = 32, n = 0, blocks = 1, die_with = -1;
    uint64_t kernel_ns = 500000, t0;
    sp_counts c = { 0 };
    sp_job j;
    const char *prog = sp_api[0] == 'r' ? "sim_rt_train" : "sim_train";
    char extra[32] = "";

    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : "0";
        if (strcmp(argv[i], "--seconds") == 0) seconds = atof(v), i++;
        else if (strcmp(argv[i], "--steps") == 0) steps = atoi(v), i++;
        else if (strcmp(argv[i], "--kernels") == 0) kernels = atoi(v), i++;
        else if (strcmp(argv[i], "--kernel-us") == 0) kernel_ns = (uint64_t)(atof(v) * 1000), i++;
        else if (strcmp(argv[i], "--batch") == 0) batch = atoi(v), i++;
        else if (strcmp(argv[i], "--blocks") == 0) blocks = atoi(v), i++;
        else if (strcmp(argv[i], "--die-with") == 0) die_with = atoi(v), i++;
        else {
            fprintf(stderr, "%s: unknown argument %s\n", prog, argv[i]);
            return 2;
        }
    }
    if (kernels < 1 || kernel_ns == 0 || batch < 1 || blocks < 1) {
        fprintf(stderr, "%s: --kernels, --kernel-us, --batch and --blocks must be above 0\n", prog);
        return 2;
    }
    sp_job_start(&j, prog, "train_layer", kernel_ns, SP_RT_LAUNCH_CU13);
    t0 = sp_now_ns();
    for (n = 0; steps > 0 ? n < steps : (double)(sp_now_ns() - t0) < seconds * 1e9; n++) {
        for (int k = 0; k < kernels; k++)
            sp_job_launch(&c, &j, (unsigned)blocks);
        sp_job_sync(&c, &j);
    }
    elapsed = (double)(sp_now_ns() - t0) / 1e9;
    printf("{\"job\":\"train\",\"steps\":%d,\"seconds\":%.3f,\"samples_per_s\":%.1f}\n", n,
           elapsed, elapsed > 0 ? n * (double)batch / elapsed : 0.0);
    fflush(stdout);
    if (die_with >= 0) {
        struct timespec wait = { 1, 0 };
        sp_job_set_duration(&j, 10000000000ull);
        for (int k = 0; k < die_with; k++)
            sp_job_launch(&c, &j, (unsigned)blocks);
        snprintf(extra, sizeof extra, "in_flight=%d", die_with);
        sp_summary(prog, &c, extra);
        fflush(stderr);
        nanosleep(&wait, NULL);
        raise(SIGKILL);
    }
    sp_job_end(&j);
    sp_summary(prog, &c, "");
    return 0;
}
