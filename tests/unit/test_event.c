/* test_event.c: kind names, record defaults, field descriptors. */
#include "config.h"

#include <stddef.h>

#include "common/batch.h"
#include "common/event.h"
#include "common/fields.h"
#include "tests/tap.h"

int main(void)
{
    gp_record r;
    int64_t s, e;

    for (int k = 0; k < GP_KIND_COUNT; k++) {
        const char *name = gp_kind_name(k);
        ok(name != NULL, "kind %d has a name", k);
        is_int(gp_kind_from_name(name), k, "name '%s' maps back to its kind", name);
    }
    ok(gp_kind_name(GP_KIND_COUNT) == NULL, "no name past the last kind");
    is_int(gp_kind_from_name("nope"), -1, "unknown name");

    /* Field descriptors must describe each struct whole: fields in
     * declaration order, the first at offset 0, and between fields and after
     * the last no more than alignment padding. A struct member left out of
     * fields.h (and so never sent or stored) breaks this unless it would fit
     * in padding. */
    for (int k = 0; k < GP_KIND_COUNT; k++) {
        int nf, good = 1;
        const gp_field *f = gp_kind_fields(k, &nf);
        size_t end = 0;

        for (int i = 0; i < nf; i++) {
            size_t sz = f[i].type == GP_F_I64 || f[i].type == GP_F_U64 ||
                        f[i].type == GP_F_F64 ? 8 : 4;
            if (f[i].offset < end || f[i].offset - end >= sz) {
                diag("%s.%s at offset %u, previous field ends at %zu", gp_kind_name(k),
                     f[i].name, f[i].offset, end);
                good = 0;
            }
            end = f[i].offset + sz;
        }
        ok(good && f[0].offset == 0 && end <= gp_kind_size(k) && gp_kind_size(k) - end < 8,
           "%s: %d fields describe the whole %zu-byte struct", gp_kind_name(k), nf,
           gp_kind_size(k));
    }

    gp_record_init(&r, GP_KIND_KERNEL);
    is_int(r.u.kernel.stream, -1, "kernel stream defaults to none");
    is_int(r.u.kernel.correlation, -1, "kernel correlation defaults to none");
    is_int(r.u.kernel.device, -1, "kernel device defaults to none");
    is_int(r.u.kernel.grid_x, 0, "other fields zero");
    r.u.kernel.start_ns = 10;
    r.u.kernel.end_ns = 25;
    ok(gp_record_time(&r, &s, &e) && s == 10 && e == 25, "kernel time");
    gp_record_init(&r, GP_KIND_METRIC);
    r.u.metric.ts_ns = 100;
    r.u.metric.dur_ns = 7;
    ok(gp_record_time(&r, &s, &e) && s == 100 && e == 107, "metric covers its interval");
    gp_record_init(&r, GP_KIND_DEVICE);
    ok(!gp_record_time(&r, &s, &e), "devices have no time");

    is_str(gp_copy_kind_name(GP_COPY_HTOD), "HtoD", "copy kind name");
    is_str(gp_copy_kind_name(99), "?", "unknown copy kind");
    is_str(gp_mem_kind_name(GP_MEM_PAGEABLE), "pageable", "memory kind name");
    is_str(gp_sync_type_name(GP_SYNC_STREAM_WAIT_EVENT), "stream-wait-event", "sync type name");
    is_str(gp_drop_source_name(GP_DROP_CUPTI), "cupti", "drop source name");
    return done_testing();
}
