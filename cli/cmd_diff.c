/* cmd_diff.c: `gpupack diff`: what changed between two runs. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyzer/analyses/analyze.h"
#include "cli.h"
#include "load.h"
#include "reports/diff.h"
#include "reports/outfile.h"

static void diff_usage(FILE *out)
{
    fprintf(out,
            "usage: gpupack diff [options] BASE NEW\n"
            "\n"
            "Compares two runs (gpupack traces or files analyze reads): GPU busy %%, step\n"
            "time, idle causes, and kernels added, removed, slower or faster (matched by\n"
            "name; slower or faster: total time changed by at least 5 %% and 1 us).\n"
            "\n"
            "Options:\n"
            "  -o, --output FILE    write to FILE (.txt, .json or .html) instead of stdout\n"
            "      --format FMT     text, json or html\n"
            "      --top N          kernels listed per change (default 20; JSON lists all)\n"
            "  -f, --force          overwrite FILE if it exists\n"
            "  -h, --help           show this help\n"
            "\n"
            "Exit codes: 0 ok, 2 bad usage or input, 3 internal error.\n"
            "\n"
            "Example:\n"
            "  gpupack diff before.gpupack after.gpupack -o diff.html\n");
}

static int format_parse(const char *s)
{
    if (strcasecmp(s, "text") == 0 || strcasecmp(s, "txt") == 0)
        return GP_DIFF_TEXT;
    if (strcasecmp(s, "json") == 0)
        return GP_DIFF_JSON;
    if (strcasecmp(s, "html") == 0 || strcasecmp(s, "htm") == 0)
        return GP_DIFF_HTML;
    return -1;
}

static int diff_run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' },
        { "format", required_argument, NULL, 'F' },
        { "top", required_argument, NULL, 'T' },
        { "force", no_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *path = "-";
    int c, force = 0, fmt = -1, top = 20, rc = CLI_EXIT_OK;
    gp_job *jb = NULL, *jn = NULL;
    gp_analysis *ab = NULL, *an = NULL;
    gp_diff *d = NULL;
    gp_error err = { 0 };
    gp_outfile of;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:fh", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'o': path = optarg; break;
        case 'F':
            if ((fmt = format_parse(optarg)) < 0)
                return cli_usage_error("diff", "--format takes text, json or html, not '%s'",
                                       optarg);
            break;
        case 'T':
            top = (int)strtol(optarg, &end, 10);
            if (*end || top < 1 || top > 100000)
                return cli_usage_error("diff", "--top takes a number from 1 to 100000");
            break;
        case 'f': force = 1; break;
        case 'h': diff_usage(stdout); return CLI_EXIT_OK;
        default:
            if (optopt == 'o' || optopt == 'F' || optopt == 'T')
                return cli_usage_error("diff", "option '%s' needs a value", argv[optind - 1]);
            return cli_usage_error("diff", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 2)
        return cli_usage_error("diff", "give two runs, BASE and NEW (got %d)", argc - optind);
    if (fmt < 0) {
        const char *dot = strrchr(path, '.');
        fmt = dot && !strchr(dot, '/') ? format_parse(dot + 1) : -1;
        if (fmt < 0 && strcmp(path, "-") != 0)
            return cli_usage_error("diff", "cannot tell the format of '%s' from its extension: "
                                   "name it .txt, .json or .html, or give --format", path);
        if (fmt < 0)
            fmt = GP_DIFF_TEXT;
    }
    if (!(ab = cli_load_analysis("diff", argv + optind, 1, &jb, &rc)) ||
        !(an = cli_load_analysis("diff", argv + optind + 1, 1, &jn, &rc)))
        goto done;
    if (!(d = gp_diff_compute(ab, an))) {
        fprintf(stderr, "gpupack diff: out of memory\n");
        rc = CLI_EXIT_INTERNAL;
        goto done;
    }
    if (gp_outfile_open(&of, path, force, &err) != GP_OK) {
        fprintf(stderr, "gpupack diff: %s\n", err.msg);
        rc = gp_status_exit_code(err.code);
    } else if (gp_diff_write(of.f, d, (gp_diff_format)fmt, argv[optind], argv[optind + 1], top) < 0) {
        gp_outfile_abort(&of);
        fprintf(stderr, "gpupack diff: writing %s failed; nothing written\n", path);
        rc = CLI_EXIT_INTERNAL;
    } else if (gp_outfile_commit(&of, &err) != GP_OK) {
        fprintf(stderr, "gpupack diff: %s\n", err.msg);
        rc = gp_status_exit_code(err.code);
    }
done:
    gp_diff_free(d);
    gp_analysis_free(ab);
    gp_analysis_free(an);
    gp_job_free(jb);
    gp_job_free(jn);
    return rc;
}

const cli_command cli_cmd_diff = {
    "diff", "compare two runs: busy time, idle causes, kernels", diff_run, diff_usage,
};
