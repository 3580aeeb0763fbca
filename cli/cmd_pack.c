/* cmd_pack.c: `gpupack pack`: co-schedule serving and training on one GPU. */
#include "config.h"

#include "cli.h"
#include "stub.h"

static void pack_usage(FILE *out)
{
    fprintf(out,
            "usage: gpupack pack --serve 'CMD' --train 'CMD' [options]\n"
            "\n"
            "Runs a latency-critical job (serve) and a best-effort job (train) on one GPU,\n"
            "holding training work while serving work is in flight so serving latency\n"
            "barely moves and training gets the time serving leaves idle. Both jobs are\n"
            "recorded into one trace.\n"
            "\n"
            "Options:\n"
            "      --serve CMD      the latency-critical job (a shell command)\n"
            "      --train CMD      the best-effort job (a shell command)\n"
            "      --slo-p99 MS     serving p99 latency target in ms (turns on the slo policy)\n"
            "      --policy NAME    priority, slo or off (default: slo with --slo-p99,\n"
            "                       else priority)\n"
            "      --mps            run both under a private MPS daemon when available\n"
            "  -o, --output TRACE   trace to write\n"
            "  -h, --help           show this help\n"
            "\n"
            "Example:\n"
            "  gpupack pack --serve 'python serve.py' --train 'python train.py' --slo-p99 20\n");
}

static int pack_run(int argc, char **argv)
{
    return cli_stub_run(&cli_cmd_pack, argc, argv);
}

const cli_command cli_cmd_pack = {
    "pack", "run inference and training together on one GPU", pack_run, pack_usage,
};
