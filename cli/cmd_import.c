/* cmd_import.c: `gpupack import`: other profilers' traces to gpupack traces. */
#include "config.h"

#include "cli.h"
#include "stub.h"

static void import_usage(FILE *out)
{
    fprintf(out,
            "usage: gpupack import [options] FILE -o TRACE\n"
            "\n"
            "Converts a PyTorch profiler (Kineto) JSON or JSON.gz trace, an Nsight Systems\n"
            "SQLite export, or a collector spool file into a gpupack trace. analyze and\n"
            "report also read the first two directly.\n"
            "\n"
            "Options:\n"
            "  -o, --output TRACE   trace to write\n"
            "  -f, --force          overwrite TRACE if it exists\n"
            "  -h, --help           show this help\n"
            "\n"
            "Example:\n"
            "  gpupack import trace.json.gz -o run.gpupack\n");
}

static int import_run(int argc, char **argv)
{
    return cli_stub_run(&cli_cmd_import, argc, argv);
}

const cli_command cli_cmd_import = {
    "import", "convert a PyTorch profiler or Nsight Systems trace", import_run, import_usage,
};
