/* fuzz_spool.c: a collector spool file (the frames a process writes when
 * it has no recorder) through the recorder's import: frames
 * (common/frame.c), wire decoding (common/wire.c), the writer thread's
 * validation (recorder/writer.h) into a trace, and the trace back through
 * the store reader, the loader, the analyses and the renderers.
 *
 * Input: the spool file's bytes ("GPSPOOL1" and length-delimited batches).
 * Seeds: spools the collector wrote on the simulated GPU (make_seeds.sh). */
#include "config.h"

#include "common/store.h"
#include "recorder/spool.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *spool, *trace;
    gp_error err = { 0 };
    gp_spool_stats stats;
    gp_writer *w;
    gp_status st;

    if (!spool) {
        spool = fz_path("in.gpspool");
        trace = fz_path("out.gpupack");
    }
    fz_write_file(spool, data, size);
    (void)gp_spool_sniff(spool);
    fz_remove_db(trace);
    if (!(w = gp_writer_create(trace, GP_WRITER_OVERWRITE, &err)))
        fz_fail("cannot create %s: %s", trace, err.msg);
    st = gp_spool_import(spool, w, &stats, &err);
    if (st != GP_OK && !err.msg[0])
        fz_fail("gp_spool_import failed (%d) without a message", (int)st);
    if (stats.records > stats.records + stats.rejected)
        fz_fail("record counts wrapped");
    fz_load_trace(trace);
    return 0;
}
