/* stub.c: the run() of commands that a later gpupack version fills in. */
#include "config.h"

#include <string.h>

#include "cli.h"
#include "stub.h"

int cli_stub_run(const cli_command *cmd, int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            cmd->usage(stdout);
            return CLI_EXIT_OK;
        }
    return cli_not_built(cmd->name);
}
