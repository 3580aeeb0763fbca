/* cli.h: the gpupack command table and helpers shared by sub-commands.
 *
 * Each sub-command lives in cli/cmd_<name>.c and exports one cli_command.
 * Only cli/ decides exit codes: 0 ok, 1 findings over a --fail-on
 * threshold, 2 usage or input error, 3 internal error.
 */
#ifndef GP_CLI_H
#define GP_CLI_H

#include <stdio.h>

enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FINDINGS = 1,
    CLI_EXIT_USAGE = 2,
    CLI_EXIT_INTERNAL = 3
};

typedef struct cli_command {
    const char *name;
    const char *summary;                 /* one line for `gpupack --help` */
    int (*run)(int argc, char **argv);   /* argv[0] is the command name */
    void (*usage)(FILE *out);
} cli_command;

extern const cli_command cli_cmd_record, cli_cmd_top, cli_cmd_analyze, cli_cmd_report,
    cli_cmd_diff, cli_cmd_import, cli_cmd_pack, cli_cmd_info, cli_cmd_version;

/* Every command, in help order; NULL-terminated. */
extern const cli_command *const cli_commands[];

/* The command named `name`, or NULL. */
const cli_command *cli_find(const char *name);

/* Prints "gpupack <cmd>: <message>" to stderr, then a hint to run --help;
 * returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* For commands a later version adds: says so on stderr, returns CLI_EXIT_USAGE. */
int cli_not_built(const char *cmd);

/* 1 if stdout should get colour: a terminal and NO_COLOR unset or empty. */
int cli_use_colour(FILE *out);

#endif
