/* cmd_diff.c: `gpupack diff`: what changed between two runs. */
#include "config.h"

#include "cli.h"
#include "stub.h"

static void diff_usage(FILE *out)
{
    fprintf(out,
            "usage: gpupack diff [options] BASE NEW\n"
            "\n"
            "Compares two runs (gpupack traces or files analyze reads): GPU busy %%, step\n"
            "time, idle causes, and kernels added, removed, slower or faster.\n"
            "\n"
            "Options:\n"
            "  -o, --output FILE    write to FILE (.txt, .json or .html) instead of stdout\n"
            "      --format FMT     text, json or html\n"
            "  -f, --force          overwrite FILE if it exists\n"
            "  -h, --help           show this help\n");
}

static int diff_run(int argc, char **argv)
{
    return cli_stub_run(&cli_cmd_diff, argc, argv);
}

const cli_command cli_cmd_diff = {
    "diff", "compare two runs: busy time, idle causes, kernels", diff_run, diff_usage,
};
