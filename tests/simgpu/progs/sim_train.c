/* sim_train: a training loop on the simulated GPU, for gpupack pack's tests
 * and benchmark (simulated times, never GPU measurements).
 *
 *   sim_train [--seconds S | --steps N] [--kernels K] [--kernel-us U] [--batch B]
 *             [--blocks G]
 *
 * Each step launches K kernels (default 8) of U us each (default 500) over
 * G blocks (default 1) on one stream and ends with a cuStreamSynchronize
 * (as a loss.item() does).
 * Runs N steps, or for S seconds (default 2). Prints on stdout one JSON line:
 *   {"job":"train","steps":N,"seconds":T,"samples_per_s":X}
 * with B samples per step (default 32), and the usual summary on stderr. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/simgpu/progs/simprog.h"

int main(int argc, char **argv)
{
    double seconds = 2, elapsed;
    int steps = 0, kernels = 8, batch = 32, n = 0, blocks = 1;
    uint64_t kernel_ns = 500000, t0;
    sp_counts c = { 0 };
    sp_job j;

    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : "0";
        if (strcmp(argv[i], "--seconds") == 0) seconds = atof(v), i++;
        else if (strcmp(argv[i], "--steps") == 0) steps = atoi(v), i++;
        else if (strcmp(argv[i], "--kernels") == 0) kernels = atoi(v), i++;
        else if (strcmp(argv[i], "--kernel-us") == 0) kernel_ns = (uint64_t)(atof(v) * 1000), i++;
        else if (strcmp(argv[i], "--batch") == 0) batch = atoi(v), i++;
        else if (strcmp(argv[i], "--blocks") == 0) blocks = atoi(v), i++;
        else {
            fprintf(stderr, "sim_train: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    if (kernels < 1 || kernel_ns == 0 || batch < 1 || blocks < 1) {
        fprintf(stderr,
                "sim_train: --kernels, --kernel-us, --batch and --blocks must be above 0\n");
        return 2;
    }
    sp_job_start(&j, "sim_train", "train_layer", kernel_ns);
    t0 = sp_now_ns();
    for (n = 0; steps > 0 ? n < steps : (double)(sp_now_ns() - t0) < seconds * 1e9; n++) {
        for (int k = 0; k < kernels; k++)
            sp_launch_blocks(&c, j.kernel, j.stream, (unsigned)blocks);
        CK(cuStreamSynchronize(j.stream));
        c.sync++;
    }
    elapsed = (double)(sp_now_ns() - t0) / 1e9;
    printf("{\"job\":\"train\",\"steps\":%d,\"seconds\":%.3f,\"samples_per_s\":%.1f}\n", n,
           elapsed, elapsed > 0 ? n * (double)batch / elapsed : 0.0);
    fflush(stdout);
    sp_job_end(&j);
    sp_summary("sim_train", &c, "");
    return 0;
}
