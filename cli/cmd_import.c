/* cmd_import.c: `gpupack import`: other formats to gpupack traces. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "load.h"
#include "analyzer/formats/load.h"
#include "analyzer/formats/save.h"
#include "recorder/spool.h"
#include "common/format.h"
#include "common/store.h"

static void import_usage(FILE *out)
{
    fprintf(out,
            "usage: gpupack import [options] FILE -o TRACE\n"
            "\n"
            "Converts into a gpupack trace: a collector spool file (.gpspool, written by a\n"
            "process that could not reach gpupack record), a PyTorch profiler (Kineto)\n"
            "JSON or JSON.gz trace, or an Nsight Systems SQLite export. analyze and report\n"
            "also read the last two directly.\n"
            "\n"
            "Options:\n"
            "  -o, --output TRACE   trace to write (required)\n"
            "  -f, --force          overwrite TRACE if it exists\n"
            "  -h, --help           show this help\n"
            "\n"
            "Example:\n"
            "  gpupack import gpupack-1234.gpspool -o run.gpupack\n");
}

static int import_spool(const char *in, const char *out, int force)
{
    gp_error err = { 0 };
    gp_spool_stats st;
    gp_writer *w = gp_writer_create(out, force ? GP_WRITER_OVERWRITE : 0, &err);
    char a[32];

    if (!w) {
        fprintf(stderr, "gpupack import: %s\n", err.msg);
        return gp_status_exit_code(err.code);
    }
    if (gp_spool_import(in, w, &st, &err) != GP_OK) {
        fprintf(stderr, "gpupack import: %s\n", err.msg);
        return gp_status_exit_code(err.code);
    }
    fprintf(stderr, "gpupack import: %s -> %s: %s records", in, out,
            gp_fmt_count(a, sizeof a, (int64_t)st.records));
    if (st.rejected)
        fprintf(stderr, ", %llu rejected as malformed", (unsigned long long)st.rejected);
    fprintf(stderr, "%s\n", st.truncated ? "; the spool ends mid-batch (its process was killed)"
                                         : "");
    return CLI_EXIT_OK;
}

/* A PyTorch profiler or Nsight Systems file, through the analyzer's loaders. */
static int import_other(const char *in, const char *out, int force)
{
    gp_error err = { 0 };
    gp_input_kind k = gp_input_sniff(in);
    gp_job *job;
    gp_writer *w;
    char source[600], a[32], b[32];
    int64_t ops = 0, calls = 0;

    if (k == GP_INPUT_TRACE) {
        fprintf(stderr, "gpupack import: %s is already a gpupack trace\n", in);
        return CLI_EXIT_USAGE;
    }
    job = gp_job_new();
    if (!job)
        return CLI_EXIT_INTERNAL;
    if (gp_load_any(job, in, &err) != GP_OK) {
        fprintf(stderr, "gpupack import: %s\n", err.msg);
        gp_job_free(job);
        return gp_status_exit_code(err.code);
    }
    cli_note_bad_times("import", in, job, 0);
    w = gp_writer_create(out, force ? GP_WRITER_OVERWRITE : 0, &err);
    if (!w) {
        fprintf(stderr, "gpupack import: %s\n", err.msg);
        gp_job_free(job);
        return gp_status_exit_code(err.code);
    }
    snprintf(source, sizeof source, "import %s %.500s",
             k == GP_INPUT_KINETO ? "pytorch-profiler" : "nsight-systems", in);
    for (size_t i = 0; i < gp_job_rank_count(job); i++) {
        ops += (int64_t)gp_job_rank_c(job, i)->n_ops;
        calls += (int64_t)gp_job_rank_c(job, i)->n_calls;
    }
    if (gp_save_job(job, w, source, &err) != GP_OK) {
        fprintf(stderr, "gpupack import: %s\n", err.msg);
        gp_job_free(job);
        return gp_status_exit_code(err.code);
    }
    fprintf(stderr, "gpupack import: %s -> %s: %zu rank%s, %s GPU operations, %s API calls\n",
            in, out, gp_job_rank_count(job), gp_job_rank_count(job) == 1 ? "" : "s",
            gp_fmt_count(a, sizeof a, ops), gp_fmt_count(b, sizeof b, calls));
    gp_job_free(job);
    return CLI_EXIT_OK;
}

static int import_run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' },
        { "force", no_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *out = NULL;
    gp_error err = { 0 };
    gp_input_kind kind;
    int c, force = 0;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:fh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'f': force = 1; break;
        case 'h': import_usage(stdout); return CLI_EXIT_OK;
        default:
            if (optopt == 'o')
                return cli_usage_error("import", "option '-o' needs a file name");
            return cli_usage_error("import", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("import", "no file to import");
    if (optind + 1 < argc)
        return cli_usage_error("import", "one file at a time ('%s' is extra)", argv[optind + 1]);
    if (!out)
        return cli_usage_error("import", "no output trace; give one with -o TRACE");
    if (gp_input_check(argv[optind], &kind, &err) != GP_OK) {
        fprintf(stderr, "gpupack import: %s\n", err.msg);
        return gp_status_exit_code(err.code);
    }
    if (kind == GP_INPUT_SPOOL)
        return import_spool(argv[optind], out, force);
    return import_other(argv[optind], out, force);
}

const cli_command cli_cmd_import = {
    "import", "convert a spool, PyTorch profiler or Nsight Systems trace", import_run,
    import_usage,
};
