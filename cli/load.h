/* load.h: the inputs of report-like commands, loaded and analyzed. */
#ifndef GP_CLI_LOAD_H
#define GP_CLI_LOAD_H

#include "analyzer/analyses/analyze.h"

/* Loads files[0..n) as the ranks of one job (gp_load_any) and analyzes it
 * with the default options. On success *job holds the job (free it after
 * the analysis) and *rc is CLI_EXIT_OK. On failure it prints
 * "gpupack <cmd>: <why>" to stderr, sets *job to NULL and *rc to the exit
 * code, and returns NULL. */
gp_analysis *cli_load_analysis(const char *cmd, char *const *files, int n, gp_job **job, int *rc);

/* Says on stderr, in one line, how many records the loader of `file` left
 * out for impossible times (the ranks from index `first` on are the
 * file's); nothing when none. */
void cli_note_bad_times(const char *cmd, const char *file, const gp_job *job, size_t first);

#endif
