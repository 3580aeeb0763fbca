/* load.c: recognizing inputs and sending them to their loader. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/frame.h"
#include "common/store.h"
#include "analyzer/formats/kineto.h"
#include "analyzer/formats/load.h"
#include "analyzer/formats/nsys.h"

const char *gp_input_kind_name(gp_input_kind k)
{
    static const char *const names[] = { "unknown", "gpupack trace", "PyTorch profiler trace",
                                         "Nsight Systems export", "gpupack spool" };
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

gp_input_kind gp_input_sniff(const char *path)
{
    unsigned char b[100];
    FILE *f = fopen(path, "rb");
    size_t n;

    if (!f)
        return GP_INPUT_UNKNOWN;
    n = fread(b, 1, sizeof b, f);
    fclose(f);
    if (n >= GP_SPOOL_MAGIC_LEN && memcmp(b, GP_SPOOL_MAGIC, GP_SPOOL_MAGIC_LEN) == 0)
        return GP_INPUT_SPOOL;
    if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
        return GP_INPUT_KINETO; /* gzip: Kineto writes .json.gz */
    if (n >= 100 && memcmp(b, "SQLite format 3", 16) == 0) {
        uint32_t app = (uint32_t)b[68] << 24 | (uint32_t)b[69] << 16 | (uint32_t)b[70] << 8 | b[71];
        return app == GP_STORE_APPLICATION_ID ? GP_INPUT_TRACE : GP_INPUT_NSYS;
    }
    for (size_t i = 0; i < n; i++) {
        if (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')
            continue;
        return b[i] == '{' || b[i] == '[' ? GP_INPUT_KINETO : GP_INPUT_UNKNOWN;
    }
    return GP_INPUT_UNKNOWN;
}

/* An SQLite file that is not a gpupack trace: an Nsight Systems export, or not ours. */
static gp_status gp_load_nsys_checked(gp_job *job, const char *path, gp_error *err)
{
    int k = gp_nsys_sniff(path);

    if (k == 1)
        return gp_nsys_load(job, path, err);
    if (k < 0)
        return gp_error_set(err, GP_ERR_INPUT, "%s: an SQLite file that cannot be read "
                            "(damaged or truncated?)", path);
    return gp_error_set(err, GP_ERR_INPUT, "%s: an SQLite file, but neither a gpupack trace nor "
                        "an Nsight Systems export", path);
}

gp_status gp_load_any(gp_job *job, const char *path, gp_error *err)
{
    FILE *f = fopen(path, "rb");

    if (!f)
        return gp_error_set(err, GP_ERR_INPUT, "%s: %s", path, strerror(errno));
    fclose(f);
    switch (gp_input_sniff(path)) {
    case GP_INPUT_TRACE:
        return gp_load_trace(job, path, err);
    case GP_INPUT_SPOOL:
        return gp_error_set(err, GP_ERR_INPUT, "%s: a collector spool file; convert it first "
                            "with: gpupack import %s -o TRACE", path, path);
    case GP_INPUT_NSYS:
        return gp_load_nsys_checked(job, path, err);
    case GP_INPUT_KINETO:
        return gp_kineto_load(job, path, err);
    default:
        return gp_error_set(err, GP_ERR_INPUT, "%s: not a gpupack trace, PyTorch profiler "
                            "trace or Nsight Systems export", path);
    }
}
