/* stub.h: shared run() for commands not built yet. */
#ifndef GP_CLI_STUB_H
#define GP_CLI_STUB_H

#include "cli.h"

/* Prints cmd's usage for -h/--help (exit 0); otherwise says the command is
 * not available in this build (exit 2). */
int cli_stub_run(const cli_command *cmd, int argc, char **argv);

#endif
