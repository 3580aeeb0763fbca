/* load.c: load and analyze the inputs of report-like commands (load.h). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "analyzer/formats/load.h"
#include "cli.h"
#include "load.h"

void cli_note_bad_times(const char *cmd, const char *file, const gp_job *job, size_t first)
{
    uint64_t n = 0;

    for (size_t i = first; i < gp_job_rank_count(job); i++)
        n += gp_job_rank_c(job, i)->bad_times;
    if (n)
        fprintf(stderr, "gpupack %s: %s: %" PRIu64 " record%s with impossible times left out "
                "(ending before they start, or outside 0 to 2^62 ns)\n", cmd, file, n,
                n == 1 ? "" : "s");
}

gp_analysis *cli_load_analysis(const char *cmd, char *const *files, int n, gp_job **job, int *rc)
{
    gp_analyze_opts ao = { 0, 30.0 };
    gp_error err = { 0 };
    gp_analysis *a;

    *rc = CLI_EXIT_INTERNAL;
    if (!(*job = gp_job_new()))
        return NULL;
    for (int i = 0; i < n; i++) {
        size_t first = gp_job_rank_count(*job);
        if (gp_load_any(*job, files[i], &err) != GP_OK) {
            fprintf(stderr, "gpupack %s: %s\n", cmd, err.msg);
            *rc = gp_status_exit_code(err.code);
            goto fail;
        }
        cli_note_bad_times(cmd, files[i], *job, first);
    }
    if (!(a = gp_analyze(*job, &ao))) {
        fprintf(stderr, "gpupack %s: out of memory analyzing %s\n", cmd,
                n == 1 ? files[0] : "the traces");
        goto fail;
    }
    *rc = CLI_EXIT_OK;
    return a;
fail:
    gp_job_free(*job);
    *job = NULL;
    return NULL;
}
