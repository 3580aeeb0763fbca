/* outfile.c: temporary file, then rename (outfile.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

gp_status gp_outfile_open(gp_outfile *o, const char *path, int force, gp_error *err)
{
    struct stat st;
    int fd;

    memset(o, 0, sizeof *o);
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        o->is_stdout = 1;
        return GP_OK;
    }
    if (strlen(path) >= sizeof o->path)
        return gp_error_set(err, GP_ERR_USAGE, "%.100s...: output path too long", path);
    if (!force && stat(path, &st) == 0)
        return gp_error_set(err, GP_ERR_EXISTS, "%s already exists (use -f to overwrite it)", path);
    if (force && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return gp_error_set(err, GP_ERR_USAGE, "%s is a directory", path);
    snprintf(o->path, sizeof o->path, "%s", path);
    snprintf(o->tmp, sizeof o->tmp, "%s.tmp-XXXXXX", path);
    fd = mkstemp(o->tmp);
    if (fd < 0)
        return gp_error_set(err, GP_ERR_IO, "cannot create %s: %s", path, strerror(errno));
    fchmod(fd, 0644 & ~umask(umask(0)));
    o->f = fdopen(fd, "w");
    if (!o->f) {
        close(fd);
        unlink(o->tmp);
        return gp_error_set(err, GP_ERR_NOMEM, "out of memory opening %s", path);
    }
    o->force = force;
    return GP_OK;
}

void gp_outfile_abort(gp_outfile *o)
{
    if (!o->f || o->is_stdout)
        return;
    fclose(o->f);
    unlink(o->tmp);
    o->f = NULL;
}

gp_status gp_outfile_commit(gp_outfile *o, gp_error *err)
{
    int bad, e;

    if (o->is_stdout)
        return fflush(stdout) == 0 ? GP_OK
                                   : gp_error_set(err, GP_ERR_IO, "writing to standard output: %s",
                                                  strerror(errno));
    bad = fflush(o->f) != 0 || ferror(o->f);
    e = errno;
    if (fclose(o->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    o->f = NULL;
    if (bad) {
        unlink(o->tmp);
        return gp_error_set(err, GP_ERR_IO, "writing %s: %s (nothing written)", o->path,
                            strerror(e));
    }
    if (!o->force) { /* link fails if the target appeared meanwhile: never clobber */
        if (link(o->tmp, o->path) != 0) {
            e = errno;
            unlink(o->tmp);
            if (e == EEXIST)
                return gp_error_set(err, GP_ERR_EXISTS, "%s already exists (use -f to overwrite it)",
                                    o->path);
            return gp_error_set(err, GP_ERR_IO, "cannot create %s: %s", o->path, strerror(e));
        }
        unlink(o->tmp);
        return GP_OK;
    }
    if (rename(o->tmp, o->path) != 0) {
        e = errno;
        unlink(o->tmp);
        return gp_error_set(err, GP_ERR_IO, "cannot write %s: %s", o->path, strerror(e));
    }
    return GP_OK;
}
