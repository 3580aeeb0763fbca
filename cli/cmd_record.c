/* cmd_record.c: `gpupack record`: run a job under the collector. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "recorder/recorder.h"

static void record_usage(FILE *out)
{
    fprintf(out,
            "usage: gpupack record [options] -- CMD [ARGS...]\n"
            "\n"
            "Runs CMD with the gpupack collector injected into it and into every child\n"
            "process that uses CUDA, writes one trace, and prints a utilization summary\n"
            "when CMD ends. Exits with CMD's exit status (128 + N if a signal N killed it).\n"
            "Ctrl-C once reaches the job; twice stops it (SIGTERM), three times kills it;\n"
            "the trace is finished in every case.\n"
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
            "Environment for the job's processes (set by record; for other uses):\n"
            "  GPUPACK_BUFFER_MB  collector memory budget per process (default 256)\n"
            "  GPUPACK_FLUSH_MS   how often the collector sends records (default 200)\n"
            "  GPUPACK_SPOOL_DIR  where a process writes its records when it cannot reach\n"
            "                     the recorder (default: its current folder)\n"
            "\n"
            "Examples:\n"
            "  gpupack record -- python train.py --epochs 1\n"
            "  gpupack record -o run.gpupack --counters -- ./my_cuda_app\n");
}

static int record_run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' },
        { "force", no_argument, NULL, 'f' },
        { "counters", no_argument, NULL, 'C' },
        { "nvml-hz", required_argument, NULL, 'N' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    gp_record_opts o = { .nvml_hz = 10 };
    int c;

    optind = 1;
    opterr = 0;
    /* "+": stop at the first non-option, so the job's own options are its. */
    while ((c = getopt_long(argc, argv, "+o:fqh", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'o': o.output = optarg; break;
        case 'f': o.force = 1; break;
        case 'C': o.counters = 1; break;
        case 'q': o.quiet = 1; break;
        case 'N':
            o.nvml_hz = strtod(optarg, &end);
            if (*end || o.nvml_hz < 0 || o.nvml_hz > 1000)
                return cli_usage_error("record", "--nvml-hz takes a rate from 0 to 1000, not '%s'",
                                       optarg);
            break;
        case 'h': record_usage(stdout); return CLI_EXIT_OK;
        default:
            if (optopt == 'o' || optopt == 'N')
                return cli_usage_error("record", "option '%s' needs a value", argv[optind - 1]);
            return cli_usage_error("record", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("record", "no command to run; put it after '--'");
#ifndef HAVE_CUDA
    fprintf(stderr, "gpupack record: not available in this build: gpupack was built without "
            "the CUDA toolkit, so it has no collector (configure --with-cuda=DIR)\n");
    return CLI_EXIT_USAGE;
#else
    o.argv = argv + optind;
    return gp_record_run(&o);
#endif
}

const cli_command cli_cmd_record = {
    "record", "run a job under the collector and write a trace", record_run, record_usage,
};
