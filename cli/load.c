/* load.c: load and analyze the inputs of report-like commands (load.h). */
#include "config.h"

#include <stdio.h>

#include "analyzer/formats/load.h"
#include "cli.h"
#include "load.h"

gp_analysis *cli_load_analysis(const char *cmd, char *const *files, int n, gp_job **job, int *rc)
{
    gp_analyze_opts ao = { 0, 30.0 };
    gp_error err = { 0 };
    gp_analysis *a;

    *rc = CLI_EXIT_INTERNAL;
    if (!(*job = gp_job_new()))
        return NULL;
    for (int i = 0; i < n; i++) {
        if (gp_load_any(*job, files[i], &err) != GP_OK) {
            fprintf(stderr, "gpupack %s: %s\n", cmd, err.msg);
            *rc = gp_status_exit_code(err.code);
            goto fail;
        }
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
