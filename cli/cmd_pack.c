/* cmd_pack.c: `gpupack pack`: co-schedule serving and training on one GPU. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "recorder/recorder.h"
#include "common/clock.h"
#include "cosched/cosched.h"
#include "cosched/region.h"

static void pack_usage(FILE *out)
{
    fprintf(out,
            "usage: gpupack pack --serve 'CMD' --train 'CMD' [options]\n"
            "\n"
            "Runs a latency-critical job (serve) and a best-effort job (train) on one GPU,\n"
            "holding training work while serving work is in flight so serving latency\n"
            "barely moves and training gets the time serving leaves idle. Both jobs are\n"
            "recorded into one trace. Each CMD runs with /bin/sh -c. The run ends when\n"
            "both jobs have ended; if one dies the other goes on (a dead serve job\n"
            "releases the gate for good).\n"
            "\n"
            "Options:\n"
            "      --serve CMD      the latency-critical job (a shell command)\n"
            "      --train CMD      the best-effort job (a shell command)\n"
            "      --slo-p99 MS     serving p99 latency target in ms (turns on the slo policy)\n"
            "      --policy NAME    priority, slo or off (default: slo with --slo-p99,\n"
            "                       else priority); off is plain sharing, for comparison\n"
            "      --max-wait-ms MS longest a training launch is held (default 50)\n"
            "      --mps            run both under a private MPS daemon when\n"
            "                       nvidia-cuda-mps-control is available\n"
            "  -o, --output TRACE   trace to write (default gpupack-pack-N.gpupack)\n"
            "  -f, --force          overwrite TRACE if it exists\n"
            "  -q, --quiet          print no summary at exit\n"
            "  -h, --help           show this help\n"
            "\n"
            "Serving latency comes from one NVTX push/pop range per request in the serve\n"
            "job (the outermost range on its thread); without ranges, from each burst\n"
            "of launches up to the synchronize that ends it. See docs/pack.md.\n"
            "Exit status: 0 if both jobs succeeded, else the serve job's status if it\n"
            "failed, else the train job's; 2 for usage errors, 3 for internal ones.\n"
            "\n"
            "Example:\n"
            "  gpupack pack --serve 'python serve.py' --train 'python train.py' --slo-p99 20\n");
}

typedef struct pack_args {
    const char *serve, *train, *output, *policy;
    double slo_ms, max_wait_ms;
    int mps, force, quiet;
} pack_args;

static int parse_ms(const char *arg, const char *opt, double *out)
{
    char *end;

    *out = strtod(arg, &end);
    if (*end || !(*out > 0) || *out > 3600000)
        return cli_usage_error("pack", "%s takes a time in ms above 0, not '%s'", opt, arg);
    return 0;
}

static int parse_args(int argc, char **argv, pack_args *a)
{
    static const struct option opts[] = {
        { "serve", required_argument, NULL, 'S' },
        { "train", required_argument, NULL, 'T' },
        { "slo-p99", required_argument, NULL, 'P' },
        { "policy", required_argument, NULL, 'p' },
        { "max-wait-ms", required_argument, NULL, 'W' },
        { "mps", no_argument, NULL, 'M' },
        { "output", required_argument, NULL, 'o' },
        { "force", no_argument, NULL, 'f' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:fqh", opts, NULL)) != -1) {
        switch (c) {
        case 'S': a->serve = optarg; break;
        case 'T': a->train = optarg; break;
        case 'p': a->policy = optarg; break;
        case 'o': a->output = optarg; break;
        case 'f': a->force = 1; break;
        case 'q': a->quiet = 1; break;
        case 'M': a->mps = 1; break;
        case 'P': if (parse_ms(optarg, "--slo-p99", &a->slo_ms)) return CLI_EXIT_USAGE; break;
        case 'W':
            if (parse_ms(optarg, "--max-wait-ms", &a->max_wait_ms))
                return CLI_EXIT_USAGE;
            break;
        case 'h': pack_usage(stdout); return -1;
        default:
            if (optopt)
                return cli_usage_error("pack", "option '%s' needs a value", argv[optind - 1]);
            return cli_usage_error("pack", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("pack", "unexpected argument '%s' (quote each job: --serve 'CMD')",
                               argv[optind]);
    if (!a->serve || !*a->serve || !a->train || !*a->train)
        return cli_usage_error("pack", "both --serve CMD and --train CMD are needed");
    if (!a->policy)
        a->policy = a->slo_ms > 0 ? "slo" : "priority";
    if (!gp_policy_find(a->policy))
        return cli_usage_error("pack", "unknown policy '%s' (priority, slo or off)", a->policy);
    if (strcmp(a->policy, "slo") == 0 && !(a->slo_ms > 0))
        return cli_usage_error("pack", "the slo policy needs --slo-p99 MS");
    return 0;
}

static void pack_tick(void *ud, int64_t now_ns, const int done[2], gp_batch *out)
{
    gp_coord_tick(ud, now_ns, done, out);
}

/* "what ended how", for the exit line. */
static void describe(int st, char *out, size_t cap)
{
    if (WIFEXITED(st))
        snprintf(out, cap, "exited with status %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(out, cap, "was killed by signal %d", WTERMSIG(st));
    else
        snprintf(out, cap, "ended in an unknown way");
}

static int job_code(int st)
{
    return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 3;
}

static void summary(const gp_cosched_state *s)
{
    fprintf(stderr,
            "gpupack pack: policy %s; serve: %llu requests, p50 %.3f ms, p99 %.3f ms; train: "
            "%llu launches, held %llu times (%.1f ms in all), %llu released by the bounded "
            "wait, %llu drains, watchdog %llu\n",
            gp_cosched_policy_name(s->policy), (unsigned long long)s->hp_requests,
            (double)s->hp_p50_ns / 1e6, (double)s->hp_p99_ns / 1e6,
            (unsigned long long)s->be_ops, (unsigned long long)s->be_holds,
            (double)s->be_hold_ns / 1e6, (unsigned long long)s->be_timeouts,
            (unsigned long long)s->be_drains, (unsigned long long)s->be_watchdog);
}

static int pack_run(int argc, char **argv)
{
    pack_args a = { 0 };
    gp_coord_opts co;
    gp_coord *coord;
    gp_mps *mps = NULL;
    gp_error err = { 0 };
    gp_record_opts ro = { 0 };
    gp_cosched_state st;
    char env_region[700], *env_hp[5], *env_be[5], *mps_env[2] = { NULL, NULL }, out[300];
    char *serve_argv[] = { "/bin/sh", "-c", NULL, NULL }, *train_argv[] = { "/bin/sh", "-c", NULL, NULL };
    int statuses[2] = { 0, 0 }, rc, k = 0;

    rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? CLI_EXIT_OK : rc;
#ifndef HAVE_CUDA
    fprintf(stderr, "gpupack pack: not available in this build: gpupack was built without the "
            "CUDA toolkit, so it has no collector (configure --with-cuda=DIR)\n");
    return CLI_EXIT_USAGE;
#else
    memset(&co, 0, sizeof co);
    co.policy = gp_policy_find(a.policy);
    gp_policy_conf_default(&co.conf, (int64_t)(a.slo_ms * 1e6));
    co.max_wait_ns = (int64_t)((a.max_wait_ms > 0 ? a.max_wait_ms : 50) * 1e6);
    co.stale_ns = 1000000000;
    co.decide_ns = 500000000;
    if (a.mps) {
        char ctl[1024];
        if (!gp_mps_available(ctl, sizeof ctl))
            fprintf(stderr, "gpupack pack: MPS is not available (nvidia-cuda-mps-control is not "
                    "in PATH); the jobs share the GPU by time-slicing\n");
        else if (!(mps = gp_mps_start(ctl, mps_env, &err)))
            fprintf(stderr, "gpupack pack: %s; the jobs share the GPU by time-slicing\n", err.msg);
    }
    coord = gp_coord_new(&co, &err);
    if (!coord) {
        fprintf(stderr, "gpupack pack: %s\n", err.msg);
        gp_mps_stop(mps);
        return gp_status_exit_code(err.code);
    }
    snprintf(env_region, sizeof env_region, GP_PACK_ENV_REGION "=%s", gp_coord_path(coord));
    env_hp[k] = env_region;
    env_be[k++] = env_region;
    env_hp[k] = GP_PACK_ENV_ROLE "=hp";
    env_be[k++] = GP_PACK_ENV_ROLE "=be";
    for (int i = 0; i < 2 && mps_env[i]; i++, k++)
        env_hp[k] = env_be[k] = mps_env[i];
    env_hp[k] = env_be[k] = NULL;

    serve_argv[2] = (char *)a.serve;
    train_argv[2] = (char *)a.train;
    if (!a.output) {
        for (int n = 1; n < 100000; n++) {
            snprintf(out, sizeof out, "gpupack-pack-%d.gpupack", n);
            if (access(out, F_OK) != 0)
                break;
        }
        a.output = out;
    }
    ro.output = a.output;
    ro.force = a.force;
    ro.quiet = a.quiet;
    ro.nvml_hz = 10;
    ro.argv = serve_argv;
    ro.argv2 = train_argv;
    ro.env1 = env_hp;
    ro.env2 = env_be;
    ro.tick = pack_tick;
    ro.tick_ud = coord;
    ro.statuses = statuses;
    if (!a.quiet)
        fprintf(stderr, "gpupack pack: policy %s; co-scheduler state in %s\n", a.policy,
                gp_coord_path(coord));
    rc = gp_record_run(&ro);
    gp_coord_state(coord, &st);
    gp_coord_free(coord);
    gp_mps_stop(mps);
    if (rc == 2 || rc == 3 || rc == 127) {
        if (statuses[0] == 0 && statuses[1] == 0)
            return rc; /* the recorder could not start (it said why) */
    }
    if (!a.quiet)
        summary(&st);
    for (int j = 0; j < 2; j++) {
        char how[80];
        if (WIFEXITED(statuses[j]) && WEXITSTATUS(statuses[j]) == 0)
            continue;
        describe(statuses[j], how, sizeof how);
        fprintf(stderr, "gpupack pack: the %s job %s%s\n", j ? "train" : "serve", how,
                j ? "" : " (training continued unhindered after it)");
    }
    if (!WIFEXITED(statuses[0]) || WEXITSTATUS(statuses[0]) != 0)
        return job_code(statuses[0]);
    return job_code(statuses[1]);
#endif
}

const cli_command cli_cmd_pack = {
    "pack", "run inference and training together on one GPU", pack_run, pack_usage,
};
