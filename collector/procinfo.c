/* procinfo.c: what the recorded process says about itself in its hello:
 * its command line, when it started, its rank. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "collector/session_int.h"

void gp_proc_cmdline(char *out, size_t cap)
{
    FILE *f = fopen("/proc/self/cmdline", "rb");
    size_t n = 0;

    out[0] = '\0';
    if (!f)
        return;
    n = fread(out, 1, cap - 1, f);
    fclose(f);
    out[n] = '\0';
    for (size_t i = 0; i + 1 < n; i++)
        if (out[i] == '\0')
            out[i] = ' ';
}

/* When the process started, on CLOCK_MONOTONIC: its start time in
 * /proc/self/stat is in clock ticks since boot (CLOCK_BOOTTIME). */
int64_t gp_proc_start_ns(void)
{
    char buf[1024], *p;
    unsigned long long ticks = 0;
    struct timespec boot;
    FILE *f = fopen("/proc/self/stat", "r");
    size_t n;
    long hz = sysconf(_SC_CLK_TCK);

    if (!f)
        return gp_now_ns();
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (!p || hz <= 0 || clock_gettime(CLOCK_BOOTTIME, &boot) < 0)
        return gp_now_ns();
    /* fields after ")": state(3) ... starttime(22) */
    for (int field = 2; p && field < 22; field++)
        p = strchr(p + 1, ' ');
    if (!p || sscanf(p + 1, "%llu", &ticks) != 1)
        return gp_now_ns();
    {
        int64_t boot_ns = (int64_t)boot.tv_sec * 1000000000 + boot.tv_nsec;
        int64_t start_boot = (int64_t)(ticks * (1000000000ull / (unsigned long long)hz));
        return gp_now_ns() - (boot_ns - start_boot);
    }
}

int gp_proc_rank(void)
{
    static const char *const vars[] = { "RANK", "OMPI_COMM_WORLD_RANK", "PMI_RANK",
                                        "SLURM_PROCID" };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i]) && *getenv(vars[i]))
            return (int)gp_env_long(vars[i], -1, 0, 1 << 30);
    return -1;
}
