/* spool.c: collector spool files into traces. O(file size). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "common/frame.h"
#include "common/wire.h"
#include "recorder/writer.h"
#include "recorder/spool.h"

int gp_spool_sniff(const char *path)
{
    char magic[GP_SPOOL_MAGIC_LEN];
    FILE *f = fopen(path, "rb");
    size_t n;

    if (!f)
        return -1;
    n = fread(magic, 1, sizeof magic, f);
    fclose(f);
    return n == sizeof magic && memcmp(magic, GP_SPOOL_MAGIC, sizeof magic) == 0;
}

gp_status gp_spool_import(const char *path, gp_writer *w, gp_spool_stats *stats, gp_error *err)
{
    FILE *f = fopen(path, "rb");
    gp_recw *q;
    gp_frame_reader fr;
    gp_wire_dec *dec = gp_wire_dec_new();
    gp_recw_stats ws;
    unsigned char buf[1 << 16];
    char magic[GP_SPOOL_MAGIC_LEN];
    int opened = 0;
    size_t n;
    gp_status st = GP_OK;

    memset(stats, 0, sizeof *stats);
    if (!f || !dec) {
        gp_error_set(err, f ? GP_ERR_NOMEM : GP_ERR_INPUT, "%s: %s", path,
                     f ? "out of memory" : strerror(errno));
        if (f)
            fclose(f);
        gp_wire_dec_free(dec);
        gp_writer_abandon(w);
        return err->code;
    }
    if (fread(magic, 1, sizeof magic, f) != sizeof magic ||
        memcmp(magic, GP_SPOOL_MAGIC, sizeof magic) != 0) {
        fclose(f);
        gp_wire_dec_free(dec);
        gp_writer_abandon(w);
        return gp_error_set(err, GP_ERR_INPUT, "%s: not a gpupack spool file", path);
    }
    q = gp_recw_start(w, 64u << 20);
    if (!q) {
        fclose(f);
        gp_wire_dec_free(dec);
        gp_writer_abandon(w);
        return gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory", path);
    }
    gp_recw_meta(q, "source", "import spool");
    gp_frame_reader_init(&fr, GP_FRAME_MAX);
    while (st == GP_OK && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        const uint8_t *data;
        size_t len;
        int rc;

        gp_frame_reader_feed(&fr, buf, n);
        while ((rc = gp_frame_reader_next(&fr, &data, &len, err)) > 0) {
            gp_batch *b = gp_batch_new();
            uint32_t pid;
            if (!b) {
                st = gp_error_set(err, GP_ERR_NOMEM, "%s: out of memory", path);
                break;
            }
            if (gp_wire_decode(dec, data, len, b, err) != GP_OK) {
                gp_batch_free(b);
                stats->rejected++;
                if (opened)
                    gp_recw_rejected(q, 0, 1);
                continue;
            }
            gp_batch_header(b, NULL, &pid, NULL);
            if (!opened) { /* the spool speaks for the process of its first batch */
                gp_recw_conn_open(q, 0, (pid_t)pid);
                opened = 1;
            }
            stats->batches++;
            gp_recw_batch(q, 0, b);
            while (gp_recw_full(q)) {
                struct timespec ms = { 0, 1000000 };
                nanosleep(&ms, NULL); /* the writer is draining */
            }
        }
        if (rc < 0)
            st = gp_error_set(err, GP_ERR_INPUT, "%s: damaged spool file: %s", path, err->msg);
    }
    if (st == GP_OK && ferror(f))
        st = gp_error_set(err, GP_ERR_IO, "%s: read error", path);
    stats->truncated = gp_frame_reader_pending(&fr) > 0;
    if (opened)
        gp_recw_conn_closed(q, 0, gp_now_ns());
    gp_frame_reader_free(&fr);
    gp_wire_dec_free(dec);
    fclose(f);
    {
        gp_error werr = { 0 };
        gp_status ws_st = gp_recw_finish(q, &ws, &werr);
        if (st == GP_OK && ws_st != GP_OK) {
            *err = werr;
            st = ws_st;
        }
    }
    stats->records = ws.records;
    stats->rejected += ws.rejected;
    return st;
}
