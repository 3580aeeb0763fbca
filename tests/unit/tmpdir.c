/* tmpdir.c: a private temporary folder for a test. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "tmpdir.h"

static char dir[] = "/tmp/gp-test-XXXXXX";

int tmpdir_create(void)
{
    if (!mkdtemp(dir)) {
        printf("Bail out! cannot create a temporary folder\n");
        return -1;
    }
    return 0;
}

const char *tmpdir(void)
{
    return dir;
}

const char *tmpdir_path(const char *name)
{
    static char path[4][512];
    static int i;
    char *p = path[i++ % 4];

    snprintf(p, sizeof path[0], "%s/%s", dir, name);
    return p;
}

void tmpdir_remove(void)
{
    char cmd[600];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", dir);
}
