/* cmd_report.c: `gpupack report`: reports in several formats. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/analyses/analyze.h"
#include "cli.h"
#include "load.h"
#include "reports/outfile.h"
#include "reports/report.h"

static void report_usage(FILE *out)
{
    fprintf(out,
            "usage: gpupack report [options] TRACE... -o FILE\n"
            "\n"
            "Writes a utilization report: summary, utilization over time, breakdowns, top\n"
            "kernels, findings and fixes. The format comes from FILE's extension (.html,\n"
            ".md, .json, .csv) or from --format. TRACE is a gpupack trace, a PyTorch\n"
            "profiler (Kineto) JSON or JSON.gz trace, or an Nsight Systems SQLite export;\n"
            "several files are read as the ranks of one job.\n"
            "\n"
            "Options:\n"
            "  -o, --output FILE    report to write ('-': standard output, with --format)\n"
            "      --format FMT     html, md, json, csv or chrome-trace (a timeline for\n"
            "                       Perfetto and chrome://tracing)\n"
            "      --table NAME     with csv: kernels (default), gaps, findings or samples\n"
            "      --top N          rows in the kernel tables (default 30)\n"
            "  -f, --force          overwrite FILE if it exists\n"
            "  -h, --help           show this help\n"
            "\n"
            "The file is written whole or not at all. Formats and the JSON schema:\n"
            "docs/report.md, docs/report-json.md. Exit codes: 0 ok, 2 bad usage or input,\n"
            "3 internal error.\n"
            "\n"
            "Examples:\n"
            "  gpupack report run.gpupack -o report.html\n"
            "  gpupack report trace.json.gz --format chrome-trace -o timeline.json\n"
            "  gpupack report run.gpupack --table findings -o findings.csv\n");
}

static int report_run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' },
        { "format", required_argument, NULL, 'F' },
        { "table", required_argument, NULL, 't' },
        { "top", required_argument, NULL, 'T' },
        { "force", no_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    gp_report_opts ro = { 0 };
    const char *path = NULL, *table = NULL;
    int c, force = 0, rc = CLI_EXIT_OK;
    gp_error err = { 0 };
    gp_outfile of;
    gp_job *job;
    gp_analysis *a;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:fh", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'o': path = optarg; break;
        case 'F':
            ro.format = gp_report_format_parse(optarg);
            if (ro.format == GP_REPORT_UNKNOWN)
                return cli_usage_error("report", "--format takes html, md, json, csv or "
                                       "chrome-trace, not '%s'", optarg);
            break;
        case 't':
            table = optarg;
            if (gp_report_table_parse(optarg) < 0)
                return cli_usage_error("report", "--table takes kernels, gaps, findings or "
                                       "samples, not '%s'", optarg);
            ro.table = (gp_report_table)gp_report_table_parse(optarg);
            break;
        case 'T':
            ro.top_kernels = (int)strtol(optarg, &end, 10);
            if (*end || ro.top_kernels < 1 || ro.top_kernels > 100000)
                return cli_usage_error("report", "--top takes a number from 1 to 100000");
            break;
        case 'f': force = 1; break;
        case 'h': report_usage(stdout); return CLI_EXIT_OK;
        default:
            if (optopt == 'o' || optopt == 'F' || optopt == 't' || optopt == 'T')
                return cli_usage_error("report", "option '%s' needs a value", argv[optind - 1]);
            return cli_usage_error("report", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("report", "no trace given");
    if (!path)
        return cli_usage_error("report", "no output file given (-o FILE)");
    if (ro.format == GP_REPORT_UNKNOWN)
        ro.format = gp_report_format_of_path(path);
    if (ro.format == GP_REPORT_UNKNOWN)
        return cli_usage_error("report", "cannot tell the format of '%s' from its extension: "
                               "name it .html, .md, .json or .csv, or give --format", path);
    if (table && ro.format != GP_REPORT_CSV)
        return cli_usage_error("report", "--table goes with the csv format");
    if (!(a = cli_load_analysis("report", argv + optind, argc - optind, &job, &rc)))
        return rc;
    ro.inputs = (const char *const *)argv + optind;
    ro.n_inputs = argc - optind;
    if (gp_outfile_open(&of, path, force, &err) != GP_OK) {
        fprintf(stderr, "gpupack report: %s\n", err.msg);
        rc = gp_status_exit_code(err.code);
    } else if (gp_report_write(of.f, a, &ro) < 0) {
        gp_outfile_abort(&of);
        fprintf(stderr, "gpupack report: writing %s failed (out of memory or disk full); "
                "nothing written\n", path);
        rc = CLI_EXIT_INTERNAL;
    } else if (gp_outfile_commit(&of, &err) != GP_OK) {
        fprintf(stderr, "gpupack report: %s\n", err.msg);
        rc = gp_status_exit_code(err.code);
    }
    gp_analysis_free(a);
    gp_job_free(job);
    return rc;
}

const cli_command cli_cmd_report = {
    "report", "write an HTML, Markdown, JSON, CSV or Chrome-trace report", report_run,
    report_usage,
};
