/* cmd_analyze.c: `gpupack analyze`: findings from a trace. */
#include "config.h"

#include "cli.h"
#include "stub.h"

static void analyze_usage(FILE *out)
{
    fprintf(out,
            "usage: gpupack analyze [options] TRACE...\n"
            "\n"
            "Explains where GPU time goes: idle gaps and their causes, kernels in a slow\n"
            "precision, pipeline stalls. Each finding comes with its evidence, the time it\n"
            "costs and the fix. TRACE is a gpupack trace, a PyTorch profiler (Kineto)\n"
            "JSON or JSON.gz trace, or an Nsight Systems SQLite export; several files are\n"
            "read as the ranks of one job.\n"
            "\n"
            "Options:\n"
            "      --json            machine-readable output (docs/analyze-json.md)\n"
            "      --fail-on LEVEL   exit 1 if a finding is at LEVEL or above\n"
            "                        (info, warning, critical)\n"
            "  -h, --help            show this help\n"
            "\n"
            "Example:\n"
            "  gpupack analyze run.gpupack\n"
            "  gpupack analyze --json --fail-on warning trace.json.gz > findings.json\n");
}

static int analyze_run(int argc, char **argv)
{
    return cli_stub_run(&cli_cmd_analyze, argc, argv);
}

const cli_command cli_cmd_analyze = {
    "analyze", "find idle gaps, slow precisions and stalls, with fixes", analyze_run,
    analyze_usage,
};
