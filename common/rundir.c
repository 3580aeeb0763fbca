/* rundir.c: the per-user runtime folder. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/rundir.h"

static int usable_base(const char *dir)
{
    struct stat sb;

    return dir && *dir == '/' && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) &&
           sb.st_uid == getuid();
}

gp_status gp_rundir(char *out, size_t cap, gp_error *err)
{
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    struct stat sb;
    int n;

    if (usable_base(xdg))
        n = snprintf(out, cap, "%s/gpupack", xdg);
    else
        n = snprintf(out, cap, "/tmp/gpupack-%u", (unsigned)getuid());
    if (n < 0 || (size_t)n >= cap)
        return gp_error_set(err, GP_ERR_IO, "runtime folder path too long");
    if (mkdir(out, 0700) < 0 && errno != EEXIST)
        return gp_error_set(err, GP_ERR_IO, "%s: cannot create the runtime folder: %s", out,
                            strerror(errno));
    if (lstat(out, &sb) < 0)
        return gp_error_set(err, GP_ERR_IO, "%s: %s", out, strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return gp_error_set(err, GP_ERR_IO, "%s is not a folder (a link or file is in the way); "
                            "remove it", out);
    if (sb.st_uid != getuid())
        return gp_error_set(err, GP_ERR_IO, "%s belongs to another user (uid %u); refusing to "
                            "use it", out, (unsigned)sb.st_uid);
    if (sb.st_mode & 077)
        return gp_error_set(err, GP_ERR_IO, "%s is open to other users (mode %03o); run "
                            "chmod 700 on it", out, (unsigned)(sb.st_mode & 0777));
    return GP_OK;
}
