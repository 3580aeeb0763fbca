/* hosts.c: where the job's processes ran and how their clocks map to wall
 * time: host names and clock anchors from processes bounded, and the
 * recorder's own as trace metadata (docs/trace-format.md, Clocks and hosts). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "recorder/internal.h"

void gp_rec_hosts_init(gp_rec_hosts *h)
{
    char raw[GP_HOST_NAME_MAX + 1] = "";

    memset(h, 0, sizeof *h);
    if (gethostname(raw, sizeof raw - 1) < 0)
        raw[0] = '\0';
    gp_fmt_host(h->own, sizeof h->own, raw, strlen(raw), NULL);
}

static gp_status intern(gp_writer *w, const char *s, gp_strid *id, gp_error *err)
{
    *id = *s ? gp_writer_intern(w, s, strlen(s), err) : 0;
    return *s && !*id ? err->code : GP_OK;
}

/* The store id of the host name held in store string `raw`, as the trace
 * keeps it (gp_fmt_host). The last name is remembered: a connection's hello
 * and goodbye cost one lookup. */
static gp_status clean_host(gp_rec_hosts *h, gp_writer *w, gp_strid *id, gp_error *err)
{
    char text[GP_HOST_NAME_MAX + 2], clean[GP_HOST_NAME_MAX + 1];
    size_t len;
    int changed;
    gp_status st;

    if (*id == 0)
        return GP_OK;
    if (*id == h->raw) {
        *id = h->clean;
        return GP_OK;
    }
    if ((st = gp_writer_string(w, *id, text, sizeof text, &len, err)) != GP_OK)
        return st;
    gp_fmt_host(clean, sizeof clean, text, len, &changed);
    h->rejected += (uint64_t)changed;
    h->raw = *id;
    st = intern(w, clean, &h->clean, err);
    *id = h->clean;
    return st;
}

/* Clears an anchor out of bounds (gp_anchor_ok) and counts it. */
static void bound_anchor(gp_rec_hosts *h, int64_t *anchor_ns, int64_t *err_ns)
{
    if ((*anchor_ns || *err_ns) && !gp_anchor_ok(*anchor_ns, *err_ns)) {
        *anchor_ns = *err_ns = 0;
        h->rejected++;
    }
}

gp_status gp_rec_hosts_check(gp_rec_hosts *h, gp_writer *w, gp_process *p, gp_error *err)
{
    bound_anchor(h, &p->anchor_start_ns, &p->anchor_start_err_ns);
    bound_anchor(h, &p->anchor_end_ns, &p->anchor_end_err_ns);
    return clean_host(h, w, &p->hostname, err);
}

/* Sets meta key_ns and key_err_ns ("anchor_start" -> anchor_start_ns, ...). */
static gp_status anchor_meta(gp_writer *w, const char *key, int64_t a, int64_t e, gp_error *err)
{
    char k[32], v[32];
    gp_status st;

    snprintf(k, sizeof k, "%s_ns", key);
    snprintf(v, sizeof v, "%" PRId64, a);
    if ((st = gp_writer_set_meta(w, k, v, err)) != GP_OK)
        return st;
    snprintf(k, sizeof k, "%s_err_ns", key);
    snprintf(v, sizeof v, "%" PRId64, e);
    return gp_writer_set_meta(w, k, v, err);
}

gp_status gp_rec_hosts_own(gp_rec_hosts *h, gp_writer *w, int64_t anchor_ns, int64_t err_ns,
                           gp_strid *id, gp_error *err)
{
    gp_status st;

    *id = h->own_id;
    if (h->own_done)
        return GP_OK;
    h->own_done = 1;
    if ((st = intern(w, h->own, &h->own_id, err)) != GP_OK ||
        (st = gp_writer_set_meta(w, "host", h->own, err)) != GP_OK ||
        (st = anchor_meta(w, "anchor_start", anchor_ns, err_ns, err)) != GP_OK)
        return st;
    *id = h->own_id;
    return GP_OK;
}

gp_status gp_rec_hosts_finish(gp_rec_hosts *h, gp_writer *w, gp_error *err)
{
    char v[32];
    gp_status st;

    if (h->own_done) {
        int64_t a, e;
        gp_clock_anchor(&a, &e);
        if ((st = anchor_meta(w, "anchor_end", a, e, err)) != GP_OK)
            return st;
    }
    if (!h->rejected)
        return GP_OK;
    snprintf(v, sizeof v, "%" PRIu64, h->rejected);
    return gp_writer_set_meta(w, "rejected_values", v, err);
}
