/* lost.c: what a trace lacks when writing it fails (disk full, I/O error).
 *
 * The writer counts what each open transaction holds; when a store call
 * fails, SQLite rolls the transaction back (gp_writer_rollback makes sure),
 * so those records are lost with every later one, which the writer no
 * longer tries to write. At the end one small transaction says so in the
 * trace. Costs a few adds per record.
 */
#include "config.h"

#include <string.h>

#include "common/fields.h"
#include "recorder/internal.h"

static int source_slot(int32_t source)
{
    return source > 0 && source < GP_REC_LOST_SOURCES ? source : 0;
}

void gp_rec_lost_written(gp_rec_lost *l, int kind, const void *item)
{
    l->txn_rows++;
    if (kind == GP_KIND_DROPPED) {
        const gp_dropped *d = item;
        l->txn_drop_rows++;
        l->txn_drops[source_slot(d->source)] += d->count;
    }
}

void gp_rec_lost_committed(gp_rec_lost *l)
{
    l->txn_rows = l->txn_drop_rows = 0;
    memset(l->txn_drops, 0, sizeof l->txn_drops);
}

uint64_t gp_rec_lost_failed(gp_rec_lost *l, int64_t now_ns)
{
    uint64_t rows = l->txn_rows;

    if (!l->fail_ns)
        l->fail_ns = now_ns > 0 ? now_ns : 1;
    /* Rows that carried drop counts are not records of the job: their
     * counts are kept instead. */
    l->records += l->txn_rows - l->txn_drop_rows;
    for (int i = 0; i < GP_REC_LOST_SOURCES; i++)
        l->drops[i] += l->txn_drops[i];
    gp_rec_lost_committed(l);
    return rows;
}

void gp_rec_lost_record(gp_rec_lost *l, int kind, const void *item)
{
    if (kind == GP_KIND_DROPPED) {
        const gp_dropped *d = item;
        l->drops[source_slot(d->source)] += d->count;
    } else if (kind != GP_KIND_PROCESS) {
        l->records++;
    }
}

gp_status gp_rec_lost_process(gp_writer *w, const gp_process *p, gp_error *err)
{
    int nf;
    const gp_field *f = gp_kind_fields(GP_KIND_PROCESS, &nf);
    gp_record r;
    char one[1];

    r.kind = GP_KIND_PROCESS;
    r.u.process = *p;
    /* Strings interned in the rolled-back transaction are not in the trace
     * (interned strings are never empty, so an empty text is a missing id). */
    for (int i = 0; i < nf; i++) {
        gp_strid *id = (gp_strid *)((unsigned char *)&r.u.process + f[i].offset);
        size_t len = 0;
        gp_status st;

        if (f[i].type != GP_F_STR || !*id)
            continue;
        if ((st = gp_writer_string(w, *id, one, sizeof one, &len, err)) != GP_OK)
            return st;
        if (len == 0)
            *id = 0;
    }
    return gp_writer_put(w, &r, err);
}

static gp_status put_drop(gp_writer *w, int64_t ts_ns, int source, uint64_t count, gp_error *err)
{
    gp_record r;

    gp_record_init(&r, GP_KIND_DROPPED);
    r.u.dropped.ts_ns = ts_ns;
    r.u.dropped.source = source;
    r.u.dropped.count = count;
    return gp_writer_put(w, &r, err);
}

gp_status gp_rec_lost_finish(const gp_rec_lost *l, gp_writer *w, const char *why, gp_error *err)
{
    gp_status st = GP_OK;

    for (int i = 0; i < GP_REC_LOST_SOURCES && st == GP_OK; i++)
        if (l->drops[i])
            st = put_drop(w, l->fail_ns, i, l->drops[i], err);
    if (st == GP_OK && l->records)
        st = put_drop(w, l->fail_ns, GP_DROP_WRITE, l->records, err);
    if (st == GP_OK)
        st = gp_writer_set_meta(w, "write_error", why, err);
    return st;
}
