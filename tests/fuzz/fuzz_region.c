/* fuzz_region.c: a `gpupack pack` shared region as `gpupack top` reads it:
 * gp_cosched_read (cosched/cosched.h) through tui_pack_refresh, twice (the
 * rates come from two reads), and the panel's text (tui_pack_live_lines).
 *
 * Input: a flags byte, then the header and counters (everything before
 * the latency ring, which readers do not use) of a first and a second
 * region. Flags: bit 0 / bit 1 give the first / second region a valid
 * magic, version and size, so the fuzzer reaches the values; bit 2 writes
 * the first file one byte short (a region of the wrong size); bits 4-7
 * scale the time between the reads. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cosched/region.h"
#include "tui/pack.h"
#include "tests/fuzz/fuzz.h"

#define HEAD_BYTES offsetof(gp_region, lat_ns)

static gp_region region;

/* The region file from the input at b, padded with zeros. */
static void write_region(const char *path, fz_bytes *b, int fix_header, int short_by)
{
    memset(&region, 0, sizeof region);
    for (size_t i = 0; i < HEAD_BYTES; i++)
        ((unsigned char *)&region)[i] = (unsigned char)fz_u8(b);
    if (fix_header) {
        region.magic = GP_REGION_MAGIC;
        region.version = GP_REGION_VERSION;
        region.size = sizeof region;
    }
    fz_write_file(path, (const uint8_t *)&region, sizeof region - (size_t)short_by);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *dir, *path;
    fz_bytes b = { data, size, 0 };
    unsigned flags = fz_u8(&b);
    char lines[4][TUI_PACK_LINE];
    int64_t t0 = 1000000000, t1 = t0 + ((int64_t)(flags >> 4) << 28);
    tui_pack P;
    int n;

    if (!path) {
        char name[64];
        snprintf(name, sizeof name, GP_COSCHED_REGION_PREFIX "%d.region", (int)getpid());
        path = fz_path(name);
        dir = fz_path("");
    }
    tui_pack_init(&P);
    write_region(path, &b, flags & 1, flags & 4 ? 1 : 0);
    tui_pack_refresh(&P, dir, t0);
    n = tui_pack_live_lines(&P, lines, 4);
    write_region(path, &b, flags & 2, 0);
    tui_pack_refresh(&P, dir, t1);
    n = tui_pack_live_lines(&P, lines, 4);
    for (int i = 0; i < n; i++)
        if (strlen(lines[i]) >= TUI_PACK_LINE)
            fz_fail("panel line %d not terminated", i);
    return 0;
}
