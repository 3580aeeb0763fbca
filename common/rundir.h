/* rundir.h: the per-user runtime folder holding gpupack's sockets and
 * shared memory: $XDG_RUNTIME_DIR/gpupack, else /tmp/gpupack-UID.
 * Created mode 0700; an existing one must be a real folder owned by the
 * user and closed to others, or it is refused (someone else could listen
 * in or impersonate the recorder). */
#ifndef GP_RUNDIR_H
#define GP_RUNDIR_H

#include <stddef.h>

#include "common/error.h"

/* Writes the folder's path into out (creating it if needed). */
gp_status gp_rundir(char *out, size_t cap, gp_error *err);

#endif
