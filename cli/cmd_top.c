/* cmd_top.c: `gpupack top`: live dashboard and trace browser. */
#include "config.h"

#include "cli.h"
#include "stub.h"

static void top_usage(FILE *out)
{
    fprintf(out,
            "usage: gpupack top [options] [TRACE]\n"
            "\n"
            "Without TRACE: a live dashboard of every GPU on this machine and of every job\n"
            "being recorded by gpupack on it: utilization, memory, power, clocks, kernel\n"
            "rate, idle gaps and their causes, top kernels and live findings.\n"
            "With TRACE: browse a recorded trace: the same panels plus a zoomable timeline\n"
            "of streams, kernels, copies, syncs and NVTX ranges.\n"
            "\n"
            "Options:\n"
            "  -d, --delay SECONDS  refresh interval (default 0.5, at least 0.1)\n"
            "  -h, --help           show this help\n"
            "\n"
            "Keys: ? help, q quit; the bottom bar lists the rest.\n");
}

static int top_run(int argc, char **argv)
{
    return cli_stub_run(&cli_cmd_top, argc, argv);
}

const cli_command cli_cmd_top = {
    "top", "live GPU dashboard, or browse a recorded trace", top_run, top_usage,
};
