/* cmd_record.c: `gpupack record`: run a job under the collector. */
#include "config.h"

#include "cli.h"
#include "stub.h"

static void record_usage(FILE *out)
{
    fprintf(out,
            "usage: gpupack record [options] -- CMD [ARGS...]\n"
            "\n"
            "Runs CMD with the gpupack collector injected into it and into every child\n"
            "process that uses CUDA, writes one trace, and prints a utilization summary and\n"
            "the top findings when CMD ends. Exits with CMD's exit status.\n"
            "\n"
            "Options:\n"
            "  -o, --output FILE  trace to write (default: gpupack-CMD-N.gpupack in the\n"
            "                     current folder, never overwriting an existing trace)\n"
            "  -f, --force        overwrite FILE if it exists\n"
            "      --counters     also sample hardware counters (SM active, tensor pipe,\n"
            "                     DRAM throughput) with CUPTI PM sampling\n"
            "      --nvml-hz N    NVML sampling rate in Hz (default 10; 0 turns it off)\n"
            "  -q, --quiet        print no summary at exit\n"
            "  -h, --help         show this help\n"
            "\n"
            "Examples:\n"
            "  gpupack record -- python train.py --epochs 1\n"
            "  gpupack record -o run.gpupack --counters -- ./my_cuda_app\n");
}

static int record_run(int argc, char **argv)
{
    return cli_stub_run(&cli_cmd_record, argc, argv);
}

const cli_command cli_cmd_record = {
    "record", "run a job under the collector and write a trace", record_run, record_usage,
};
