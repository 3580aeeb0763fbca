/* cmd_top.c: `gpupack top`: live dashboard and trace browser. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "common/clock.h"
#include "tui/app.h"
#include "tui/term.h"

static void top_usage(FILE *out)
{
    fprintf(out,
            "usage: gpupack top [options] [TRACE]\n"
            "\n"
            "Without TRACE: a live dashboard of every GPU on this machine and of every job\n"
            "being recorded by gpupack on it: utilization, memory, power, clocks, kernel\n"
            "rate, idle gaps and their causes, top kernels and live findings; while a\n"
            "gpupack pack run is on, its co-scheduler (policy, gate, serve p50/p99 and\n"
            "requests/s, training launches/s, holds).\n"
            "With TRACE: browse a recorded trace: the same panels plus a zoomable timeline\n"
            "of streams, kernels, copies, syncs and NVTX ranges (and the co-scheduler of a\n"
            "recorded pack run). TRACE is a gpupack trace, a PyTorch profiler (Kineto)\n"
            "JSON[.gz] trace or an Nsight Systems SQLite export.\n"
            "\n"
            "Options:\n"
            "  -d, --delay SECONDS  refresh interval (default 0.5, at least 0.1)\n"
            "      --snapshot COLSxROWS\n"
            "                       print one screen as text and exit (no terminal needed;\n"
            "                       live mode reads twice, --delay apart, to show rates)\n"
            "  -h, --help           show this help\n"
            "\n"
            "Keys: ? help, q quit; the bottom bar lists the rest. Colour unless NO_COLOR is\n"
            "set. GPU readings come from NVML (GPUPACK_NVML_PATH names another library).\n"
            "Exit codes: 0 ok, 2 bad usage or input (e.g. an unreadable TRACE), 3 internal error.\n");
}

static int parse_size(const char *s, int *w, int *h)
{
    char x;

    if (sscanf(s, "%d%c%d", w, &x, h) != 3 || x != 'x' || *w < 20 || *h < 5 || *w > 1000 || *h > 500)
        return -1;
    return 0;
}

static void sleep_ns(int64_t ns)
{
    struct timespec ts = { (time_t)(ns / 1000000000), (long)(ns % 1000000000) };
    nanosleep(&ts, NULL);
}

/* One screen as text on stdout. */
static int snapshot(tui_app *a, int w, int h)
{
    tui_grid g;
    char row[1100];

    if (tui_grid_init(&g, w, h) < 0)
        return CLI_EXIT_INTERNAL;
    if (a->mode == TUI_MODE_LIVE) {
        tui_app_tick(a, gp_now_ns());
        sleep_ns(a->delay_ns);
        tui_app_tick(a, gp_now_ns());
    }
    tui_app_render(a, &g);
    for (int y = 0; y < g.h; y++) {
        size_t n = strlen(tui_grid_row(&g, y, row, sizeof row));
        while (n > 0 && row[n - 1] == ' ')
            row[--n] = '\0';
        puts(row);
    }
    tui_grid_free(&g);
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_INTERNAL;
}

static int top_run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "delay", required_argument, NULL, 'd' },
        { "snapshot", required_argument, NULL, 'S' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    double delay = 0.5;
    int c, snap_w = 0, snap_h = 0, rc = CLI_EXIT_OK;
    tui_app *a;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'd':
            delay = strtod(optarg, &end);
            if (*end || end == optarg || !(delay >= 0.1) || delay > 3600)
                return cli_usage_error("top", "--delay takes seconds from 0.1 to 3600, not '%s'",
                                       optarg);
            break;
        case 'S':
            if (parse_size(optarg, &snap_w, &snap_h) < 0)
                return cli_usage_error("top", "--snapshot takes COLSxROWS (e.g. 100x30), not '%s'",
                                       optarg);
            break;
        case 'h': top_usage(stdout); return CLI_EXIT_OK;
        default:
            if (optopt == 'd' || optopt == 'S')
                return cli_usage_error("top", "option '%s' needs a value", argv[optind - 1]);
            return cli_usage_error("top", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind > 1)
        return cli_usage_error("top", "one TRACE at most");
    a = calloc(1, sizeof *a);
    if (!a)
        return CLI_EXIT_INTERNAL;
    if (optind < argc) {
        gp_error err = { 0 };
        gp_status st = tui_app_init_trace(a, argv[optind], &err);
        if (st != GP_OK) {
            fprintf(stderr, "gpupack top: %s\n", err.msg);
            free(a);
            return gp_status_exit_code(st);
        }
    } else {
        tui_app_init_live(a, (int64_t)(delay * 1e9));
    }
    if (snap_w) {
        rc = snapshot(a, snap_w, snap_h);
    } else {
        char why[256];
        if (tui_term_run(a, why, sizeof why) < 0) {
            fprintf(stderr, "gpupack top: %s\n", why);
            rc = CLI_EXIT_USAGE;
        }
    }
    tui_app_free(a);
    free(a);
    return rc;
}

const cli_command cli_cmd_top = {
    "top", "live GPU dashboard, or browse a recorded trace", top_run, top_usage,
};
