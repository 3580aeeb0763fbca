/* cmd_report.c: `gpupack report`: reports in several formats. */
#include "config.h"

#include "cli.h"
#include "stub.h"

static void report_usage(FILE *out)
{
    fprintf(out,
            "usage: gpupack report [options] TRACE... -o FILE\n"
            "\n"
            "Writes a utilization report: summary, utilization over time, breakdowns, top\n"
            "kernels, findings and fixes. The format comes from FILE's extension (.html,\n"
            ".md, .json, .csv) or from --format.\n"
            "\n"
            "Options:\n"
            "  -o, --output FILE    report to write\n"
            "      --format FMT     html, md, json, csv or chrome-trace (a timeline for\n"
            "                       Perfetto and chrome://tracing)\n"
            "      --table NAME     with csv: kernels, gaps, findings or samples\n"
            "  -f, --force          overwrite FILE if it exists\n"
            "  -h, --help           show this help\n"
            "\n"
            "Example:\n"
            "  gpupack report run.gpupack -o report.html\n");
}

static int report_run(int argc, char **argv)
{
    return cli_stub_run(&cli_cmd_report, argc, argv);
}

const cli_command cli_cmd_report = {
    "report", "write an HTML, Markdown, JSON, CSV or Chrome-trace report", report_run,
    report_usage,
};
