/* error.h: error codes and messages passed from library code to cli/.
 *
 * Library functions return a gp_status (or NULL) and fill a caller-owned
 * gp_error with a message that names the file or process and the problem.
 * Only cli/ turns a status into an exit code (gp_status_exit_code).
 *
 *     gp_error err = {0};
 *     gp_trace *t = gp_trace_open(path, &err);
 *     if (!t) { fprintf(stderr, "gpupack: %s\n", err.msg); return gp_status_exit_code(err.code); }
 */
#ifndef GP_ERROR_H
#define GP_ERROR_H

#include <stddef.h>

typedef enum gp_status {
    GP_OK = 0,
    GP_ERR_USAGE,     /* bad command line */
    GP_ERR_INPUT,     /* bad input: corrupt, truncated, wrong format */
    GP_ERR_VERSION,   /* input from a newer gpupack */
    GP_ERR_EXISTS,    /* refusing to overwrite */
    GP_ERR_IO,        /* the OS said no: open, write, disk full */
    GP_ERR_NOMEM,
    GP_ERR_INTERNAL   /* a bug in gpupack */
} gp_status;

#define GP_ERRMSG_MAX 512

typedef struct gp_error {
    gp_status code;
    char msg[GP_ERRMSG_MAX];
} gp_error;

/* Sets code and a printf-style message; err may be NULL. Returns code so a
 * caller can write `return gp_error_set(err, GP_ERR_IO, "...")`. */
gp_status gp_error_set(gp_error *err, gp_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Exit code for a status: 0 ok, 2 usage or input error, 3 internal error. */
int gp_status_exit_code(gp_status code);

#endif
