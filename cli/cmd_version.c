/* cmd_version.c: `gpupack version`: version and build features. */
#include "config.h"

#include <protobuf-c/protobuf-c.h>
#include <sqlite3.h>
#include <string.h>

#include "cli.h"
#include "common/store.h"
#include "common/wire.h"

static void version_usage(FILE *out)
{
    fprintf(out,
            "usage: gpupack version\n"
            "\n"
            "Prints gpupack's version, the trace and wire format versions it writes, and\n"
            "what this build includes.\n");
}

static int version_run(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        version_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (argc > 1)
        return cli_usage_error("version", "unexpected argument '%s'", argv[1]);
    printf("gpupack %s\n", PACKAGE_VERSION);
    printf("  trace format %d, wire format %u\n", GP_STORE_SCHEMA_VERSION, GP_WIRE_VERSION);
#ifdef HAVE_CUDA
    printf("  collector: built (CUDA toolkit %s)\n", GP_CUDA_DIR);
#else
    printf("  collector: not built (no CUDA toolkit at build time)\n");
#endif
    printf("  SQLite %s, protobuf-c %s\n", sqlite3_libversion(), protobuf_c_version());
    return CLI_EXIT_OK;
}

const cli_command cli_cmd_version = {
    "version", "print the version and build features", version_run, version_usage,
};
