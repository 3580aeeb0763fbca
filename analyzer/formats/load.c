/* load.c: recognizing inputs and sending them to their loader. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/infile.h"
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

gp_status gp_input_check(const char *path, gp_input_kind *kind, gp_error *err)
{
    unsigned char b[GP_INFILE_HEAD_BYTES];
    gp_infile_kind k;
    size_t n;
    uint32_t app;

    *kind = GP_INPUT_UNKNOWN;
    if (gp_infile_sniff(path, b, &n, NULL, &k, err) != GP_OK)
        return err ? err->code : GP_ERR_INPUT;
    switch (k) {
    case GP_INFILE_SQLITE:
        app = (uint32_t)b[68] << 24 | (uint32_t)b[69] << 16 | (uint32_t)b[70] << 8 | b[71];
        *kind = app == GP_STORE_APPLICATION_ID ? GP_INPUT_TRACE : GP_INPUT_NSYS;
        break;
    case GP_INFILE_SPOOL:
        *kind = GP_INPUT_SPOOL;
        break;
    case GP_INFILE_GZIP: /* Kineto writes .json.gz */
    case GP_INFILE_JSON:
        *kind = GP_INPUT_KINETO;
        break;
    }
    return GP_OK;
}

gp_input_kind gp_input_sniff(const char *path)
{
    gp_input_kind k;

    return gp_input_check(path, &k, NULL) == GP_OK ? k : GP_INPUT_UNKNOWN;
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
    gp_input_kind k;

    if (gp_input_check(path, &k, err) != GP_OK)
        return err->code;
    switch (k) {
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
        return gp_error_set(err, GP_ERR_INTERNAL, "%s: an input kind not handled", path);
    }
}
