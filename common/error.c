/* error.c: error messages for library code. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/text.h"
#include "error.h"

gp_status gp_error_set(gp_error *err, gp_status code, const char *fmt, ...)
{
    char raw[GP_ERRMSG_MAX];
    va_list ap;

    if (!err)
        return code;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    /* Messages quote paths and file contents (column names, event names):
     * kept in their shown form, so no message carries a control character
     * to the terminal or log that prints it. */
    gp_text_show(err->msg, sizeof err->msg, raw, strlen(raw));
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
