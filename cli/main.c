/* main.c: `gpupack` entry point and sub-command dispatch. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const cli_command *const cli_commands[] = {
    &cli_cmd_record, &cli_cmd_top,  &cli_cmd_analyze, &cli_cmd_report, &cli_cmd_diff,
    &cli_cmd_import, &cli_cmd_pack,   &cli_cmd_info, &cli_cmd_version, NULL,
};

const cli_command *cli_find(const char *name)
{
    for (int i = 0; cli_commands[i]; i++)
        if (strcmp(cli_commands[i]->name, name) == 0)
            return cli_commands[i];
    return NULL;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "gpupack %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nRun 'gpupack %s --help' for usage.\n", cmd);
    return CLI_EXIT_USAGE;
}

int cli_not_built(const char *cmd)
{
    fprintf(stderr, "gpupack %s: not available in this build yet (gpupack %s).\n", cmd,
            PACKAGE_VERSION);
    return CLI_EXIT_USAGE;
}

int cli_use_colour(FILE *out)
{
    const char *nc = getenv("NO_COLOR");

    if (nc && *nc)
        return 0;
    return isatty(fileno(out));
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: gpupack <command> [options] [args]\n"
            "\n"
            "Find the GPU time a CUDA job wastes and win it back.\n"
            "\n"
            "Commands:\n");
    for (int i = 0; cli_commands[i]; i++)
        fprintf(out, "  %-9s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
    fprintf(out,
            "\n"
            "Run 'gpupack <command> --help' for a command's options.\n"
            "Exit codes: 0 ok, 1 findings over --fail-on, 2 usage or input error, "
            "3 internal error.\n");
}

int main(int argc, char **argv)
{
    const cli_command *cmd;

    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return CLI_EXIT_OK;
        }
        cmd = cli_find(argv[2]);
        if (!cmd) {
            fprintf(stderr, "gpupack: no command '%s'. Run 'gpupack --help' for the list.\n",
                    argv[2]);
            return CLI_EXIT_USAGE;
        }
        cmd->usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)
        return cli_cmd_version.run(1, argv + 1);
    cmd = cli_find(argv[1]);
    if (!cmd) {
        fprintf(stderr, "gpupack: no command '%s'. Run 'gpupack --help' for the list.\n",
                argv[1]);
        return CLI_EXIT_USAGE;
    }
    return cmd->run(argc - 1, argv + 1);
}
