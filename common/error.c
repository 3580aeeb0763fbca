/* error.c: error messages for library code. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "error.h"

gp_status gp_error_set(gp_error *err, gp_status code, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return code;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

int gp_status_exit_code(gp_status code)
{
    switch (code) {
    case GP_OK: return 0;
    case GP_ERR_USAGE:
    case GP_ERR_INPUT:
    case GP_ERR_VERSION:
    case GP_ERR_EXISTS:
    case GP_ERR_IO: return 2;
    default: return 3;
    }
}
