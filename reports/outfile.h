/* outfile.h: writing a report file whole or not at all.
 *
 *     gp_outfile o;
 *     if (gp_outfile_open(&o, "report.html", force, &err) != GP_OK) ... err ...
 *     ... write to o.f ...
 *     if (gp_outfile_commit(&o, &err) != GP_OK) ... err (nothing was left behind) ...
 *
 * Output goes to a temporary file beside the target, renamed over it only
 * once complete, so a failure never leaves half a report. Without force an
 * existing target is refused (GP_ERR_EXISTS), at open and again at commit.
 * The path "-" means standard output (no temporary file).
 */
#ifndef GP_REPORTS_OUTFILE_H
#define GP_REPORTS_OUTFILE_H

#include <stdio.h>

#include "common/error.h"

typedef struct gp_outfile {
    FILE *f;
    char path[4096], tmp[4096 + 16];
    int force, is_stdout;
} gp_outfile;

gp_status gp_outfile_open(gp_outfile *o, const char *path, int force, gp_error *err);
/* Flushes, closes and renames into place; on failure removes the temporary file. */
gp_status gp_outfile_commit(gp_outfile *o, gp_error *err);
/* Closes and removes the temporary file (after a failed write). */
void gp_outfile_abort(gp_outfile *o);

#endif
