/* cmd_analyze.c: `gpupack analyze`: findings from traces. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/analyses/analyze.h"
#include "analyzer/formats/load.h"
#include "analyzer/render/render.h"
#include "cli.h"
#include "common/clock.h"

static void analyze_usage(FILE *out)
{
    fprintf(out,
            "usage: gpupack analyze [options] TRACE...\n"
            "\n"
            "Explains where GPU time goes: idle gaps and their causes, kernels in a slow\n"
            "precision, pipeline stalls. Each finding comes with its evidence, the time it\n"
            "costs, the fix, and what the run would take with it fixed. TRACE is a gpupack\n"
            "trace, a PyTorch profiler (Kineto) JSON or JSON.gz trace, or an Nsight Systems\n"
            "SQLite export; several files are read as the ranks of one job.\n"
            "\n"
            "Options:\n"
            "      --json            machine-readable output (docs/analyze-json.md)\n"
            "      --fail-on LEVEL   exit 1 if a finding is at LEVEL or above\n"
            "                        (info, warning, critical)\n"
            "      --top N           rows in the kernel table (default 15; JSON 50)\n"
            "      --hta-include-last-step\n"
            "                        keep the last ProfilerStep (HTA's include_last_profiler_step)\n"
            "  -h, --help            show this help\n"
            "\n"
            "Colour on a terminal unless NO_COLOR is set. Exit codes: 0 ok, 1 a finding at\n"
            "or above --fail-on, 2 bad usage or input, 3 internal error.\n"
            "\n"
            "Examples:\n"
            "  gpupack analyze run.gpupack\n"
            "  gpupack analyze --json --fail-on warning trace.json.gz > findings.json\n");
}

static int analyze_run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { "fail-on", required_argument, NULL, 'F' },
        { "top", required_argument, NULL, 'T' },
        { "hta-include-last-step", no_argument, NULL, 'L' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c, json = 0, fail_on = -1, rc = CLI_EXIT_OK;
    gp_render_opts ro = { 0 };
    gp_analyze_opts ao = { 0, 30.0 };
    gp_job *job;
    gp_analysis *a;
    int64_t t0 = gp_now_ns();
    int tty = isatty(STDERR_FILENO);

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'j': json = 1; break;
        case 'F':
            fail_on = gp_severity_parse(optarg);
            if (fail_on < 0)
                return cli_usage_error("analyze", "--fail-on takes info, warning or critical, "
                                       "not '%s'", optarg);
            break;
        case 'T':
            ro.top_kernels = (int)strtol(optarg, &end, 10);
            if (*end || ro.top_kernels < 1 || ro.top_kernels > 100000)
                return cli_usage_error("analyze", "--top takes a number from 1 to 100000");
            break;
        case 'L': ao.hta_include_last_step = 1; break;
        case 'h': analyze_usage(stdout); return CLI_EXIT_OK;
        default:
            if (optopt == 'F' || optopt == 'T')
                return cli_usage_error("analyze", "option '%s' needs a value", argv[optind - 1]);
            return cli_usage_error("analyze", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("analyze", "no trace given");
    job = gp_job_new();
    if (!job)
        return CLI_EXIT_INTERNAL;
    for (int i = optind; i < argc; i++) {
        gp_error err = { 0 };
        if (tty && argc - optind > 1)
            fprintf(stderr, "gpupack analyze: reading %s (%d of %d)\r", argv[i], i - optind + 1,
                    argc - optind);
        if (gp_load_any(job, argv[i], &err) != GP_OK) {
            if (tty && argc - optind > 1)
                fprintf(stderr, "\n");
            fprintf(stderr, "gpupack analyze: %s\n", err.msg);
            gp_job_free(job);
            return gp_status_exit_code(err.code);
        }
    }
    if (tty && gp_now_ns() - t0 > 1000000000)
        fprintf(stderr, "gpupack analyze: read %d file%s in %.1f s; analyzing\n", argc - optind,
                argc - optind > 1 ? "s" : "", (double)(gp_now_ns() - t0) / 1e9);
    int64_t t_load = gp_now_ns();
    a = gp_analyze(job, &ao);
    int64_t t_an = gp_now_ns();
    if (!a) {
        fprintf(stderr, "gpupack analyze: out of memory\n");
        gp_job_free(job);
        return CLI_EXIT_INTERNAL;
    }
    ro.inputs = (const char *const *)argv + optind;
    ro.n_inputs = argc - optind;
    if (json) {
        if (gp_render_json(stdout, a, &ro) < 0)
            rc = CLI_EXIT_INTERNAL;
    } else {
        ro.colour = cli_use_colour(stdout);
        gp_render_text(stdout, a, &ro);
    }
    if (fail_on >= 0)
        for (size_t i = 0; i < a->n_findings; i++)
            if (a->findings[i].severity >= fail_on && rc == CLI_EXIT_OK)
                rc = CLI_EXIT_FINDINGS;
    int64_t t_out = gp_now_ns();
    gp_analysis_free(a);
    gp_job_free(job);
    if (getenv("GPUPACK_TIMING"))
        fprintf(stderr, "gpupack analyze: load %.1f ms, analyze %.1f ms, output %.1f ms, free %.1f ms\n",
                (double)(t_load - t0) / 1e6, (double)(t_an - t_load) / 1e6,
                (double)(t_out - t_an) / 1e6, (double)(gp_now_ns() - t_out) / 1e6);
    if (fflush(stdout) != 0 && rc == CLI_EXIT_OK)
        rc = CLI_EXIT_INTERNAL;
    return rc;
}

const cli_command cli_cmd_analyze = {
    "analyze", "find idle gaps, slow precisions and stalls, with fixes", analyze_run,
    analyze_usage,
};
