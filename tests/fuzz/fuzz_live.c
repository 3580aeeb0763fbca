/* fuzz_live.c: the live snapshot text a recorder serves to `gpupack top`
 * (recorder/live.h), through top's parser (tui_live_parse) and its
 * findings (tui_live_findings).
 *
 * Input: the snapshot text. Checked: a snapshot the parser accepts,
 * written again by gp_live_format, is accepted again, and writing that
 * once more gives the same text (what top shows does not drift). Seeds:
 * snapshots gp_live_format writes (make_seeds.sh). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "recorder/live.h"
#include "tui/livejob.h"
#include "tests/fuzz/fuzz.h"

static gp_live_snap a, b;
static char text1[GP_LIVE_SNAP_MAX], text2[GP_LIVE_SNAP_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[256], findings[8][160];
    size_t n1, n2;

    if (tui_live_parse((const char *)data, size, &a, why, sizeof why) < 0)
        return 0;
    (void)tui_live_findings(&a, findings, 8);
    n1 = gp_live_format(&a, text1, sizeof text1);
    if (n1 >= sizeof text1)
        fz_fail("gp_live_format: %zu bytes, more than GP_LIVE_SNAP_MAX", n1);
    if (tui_live_parse(text1, n1, &b, why, sizeof why) < 0)
        fz_fail("an accepted snapshot, written again, is refused: %s", why);
    n2 = gp_live_format(&b, text2, sizeof text2);
    if (n1 != n2 || memcmp(text1, text2, n1) != 0)
        fz_fail("a snapshot written, read and written again changed");
    return 0;
}
