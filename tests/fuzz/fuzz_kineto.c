/* fuzz_kineto.c: a PyTorch profiler (Kineto) trace, JSON or gzip, through
 * the importer (analyzer/formats/kineto.h), the analyses and both
 * renderers; the JSON rendering must be valid JSON.
 *
 * Input: the file's bytes. Seeds: slices of the real traces in
 * samples/traces and the tests' small traces (tests/fuzz/make_seeds.sh). */
#include "config.h"

#include "analyzer/formats/kineto.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *path;
    gp_error err = { 0 };
    gp_job *job;

    if (!path)
        path = fz_path("trace.json");
    fz_write_file(path, data, size);
    (void)gp_kineto_sniff(path);
    if (!(job = gp_job_new()))
        return 0;
    if (gp_kineto_load(job, path, &err) == GP_OK)
        fz_analyze_render(job);
    else if (!err.msg[0])
        fz_fail("gp_kineto_load failed without a message");
    gp_job_free(job);
    return 0;
}
