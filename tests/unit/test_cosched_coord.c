/* test_cosched_coord.c: the coordinator's region (mode, validation, state
 * read back), its latency window and the release when serving ends. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/batch.h"
#include "cosched/cosched.h"
#include "cosched/region.h"
#include "tests/tap.h"
#include "tests/unit/tmpdir.h"

#define MS 1000000LL

static size_t cosched_events(gp_batch *b, int event, int64_t *value)
{
    size_t n, k = 0;
    const gp_cosched *c = gp_batch_items(b, GP_KIND_COSCHED, &n);

    for (size_t i = 0; i < n; i++)
        if (c[i].event == event) {
            k++;
            if (value)
                *value = c[i].value;
        }
    return k;
}

/* Writes n bytes at offset off of the region file, as a job would. */
static void poke(const char *path, size_t off, const void *v, size_t n)
{
    FILE *f = fopen(path, "r+b");

    if (f) {
        fseek(f, (long)off, SEEK_SET);
        fwrite(v, n, 1, f);
        fclose(f);
    }
}

int main(void)
{
    gp_coord_opts o;
    gp_coord *c;
    gp_error err = { 0 };
    gp_cosched_state st;
    struct stat sb;
    gp_batch *b = gp_batch_new();
    int done[2] = { 0, 0 };
    int64_t v = 0;
    FILE *f;

    if (tmpdir_create() < 0)
        return 1;
    setenv("XDG_RUNTIME_DIR", tmpdir(), 1);
    memset(&o, 0, sizeof o);
    o.policy = gp_policy_find("slo");
    gp_policy_conf_default(&o.conf, 5 * MS);
    o.max_wait_ns = 50 * MS;
    o.stale_ns = 1000 * MS;
    o.decide_ns = 1; /* decide at every tick */
    c = gp_coord_new(&o, &err);
    ok(c != NULL, "coordinator created (%s)", err.msg);
    if (!c)
        return done_testing();
    ok(stat(gp_coord_path(c), &sb) == 0 && (sb.st_mode & 0777) == 0600, "region is mode 0600");
    is_int((long long)sb.st_size, (long long)sizeof(gp_region), "region has the layout's size");
    ok(gp_cosched_read(gp_coord_path(c), &st, &err) == GP_OK, "state reads back");
    is_int(st.policy, GP_POLICY_SLO, "policy");
    is_int(st.budget_ns, 2 * MS, "start budget");
    is_int(st.hp_p99_ns, 0, "no latency yet");

    /* the serve job's side, written as its gate would: 100 latencies 1..100 ms */
    f = fopen(gp_coord_path(c), "r+b");
    ok(f != NULL, "region file opens for writing");
    if (f) {
        uint64_t count = 100;
        for (int i = 0; i < 100; i++) {
            int64_t lat = (i + 1) * MS;
            fseek(f, (long)(offsetof(gp_region, lat_ns) + (size_t)i * sizeof lat), SEEK_SET);
            fwrite(&lat, sizeof lat, 1, f);
        }
        fseek(f, (long)offsetof(gp_region, lat_count), SEEK_SET);
        fwrite(&count, sizeof count, 1, f);
        fclose(f);
    }
    gp_coord_tick(c, 10 * MS, done, b);
    gp_coord_tick(c, 20 * MS, done, b);
    gp_coord_state(c, &st);
    is_int(st.hp_p50_ns, 50 * MS, "p50 of the 100 latencies (nearest rank)");
    is_int(st.hp_p99_ns, 99 * MS, "p99 of them");
    ok(cosched_events(b, GP_COSCHED_BUDGET, &v) == 1, "one budget decision recorded");
    is_int(v, 1 * MS, "p99 99 ms over a 5 ms SLO halves the 2 ms budget");
    is_int(st.budget_ns, 1 * MS, "and the region holds it");
    is_int(cosched_events(b, GP_COSCHED_WATCHDOG, NULL), 0, "no release while serving runs");

    done[0] = 1;
    gp_coord_tick(c, 30 * MS, done, b);
    gp_coord_tick(c, 40 * MS, done, b);
    is_int(cosched_events(b, GP_COSCHED_WATCHDOG, NULL), 1, "serving ended: released once");
    ok(gp_cosched_read(gp_coord_path(c), &st, &err) == GP_OK && st.hp_in_flight == 0,
       "nothing in flight after the release");

    /* A job writes values no gate writes (the region is not gpupack's to
     * trust): every value read back is bounded (cosched.h). Unbounded,
     * hp_ranges INT64_MAX plus the dirty flag overflows to INT64_MIN and
     * be_hold_ns 2^63 reads as INT64_MIN where top formats it. */
    {
        const char *path = gp_coord_path(c);
        int64_t big = INT64_MAX, one = 1, low = 1 * MS;
        uint64_t hold = UINT64_C(1) << 63, count = 200;
        int32_t pid = -5;
        poke(path, offsetof(gp_region, hp_ranges), &big, sizeof big);
        poke(path, offsetof(gp_region, hp_dirty), &one, sizeof one);
        poke(path, offsetof(gp_region, be_hold_ns), &hold, sizeof hold);
        poke(path, offsetof(gp_region, hp_pid), &pid, sizeof pid);
        poke(path, offsetof(gp_region, budget_ns), &big, sizeof big);
        ok(gp_cosched_read(path, &st, &err) == GP_OK, "a region with hostile values reads");
        is_int(st.hp_in_flight, GP_COSCHED_VALUE_MAX + 1, "hp_ranges INT64_MAX: bounded, plus 1");
        ok(st.be_hold_ns == (uint64_t)GP_COSCHED_VALUE_MAX, "be_hold_ns 2^63: bounded");
        is_int(st.hp_pid, 0, "a negative pid reads as none");
        is_int(st.budget_ns, GP_COSCHED_VALUE_MAX, "budget INT64_MAX: bounded");

        /* 100 latencies of 1 ms, well under the 5 ms SLO: the policy adds a
         * step to the budget it reads. From INT64_MAX unbounded that wraps
         * negative and lands on the minimum; bounded, on the maximum. */
        for (int i = 100; i < 200; i++)
            poke(path, offsetof(gp_region, lat_ns) + (size_t)i * sizeof low, &low, sizeof low);
        poke(path, offsetof(gp_region, lat_count), &count, sizeof count);
        gp_batch_clear(b);
        gp_coord_tick(c, 50 * MS, done, b);
        ok(cosched_events(b, GP_COSCHED_BUDGET, &v) == 1, "one budget decision");
        is_int(v, o.conf.max_budget_ns, "the budget rises to the maximum, not wrapped");

        /* the latency count goes back (200 -> 3), then 100 latencies of 40 ms
         * follow it: they are read (p99 over the 5 ms SLO halves the budget);
         * unbounded, the count's difference wraps and nothing is read again */
        int64_t slow = 40 * MS;
        count = 3;
        poke(path, offsetof(gp_region, lat_count), &count, sizeof count);
        gp_batch_clear(b);
        gp_coord_tick(c, 60 * MS, done, b);
        for (int i = 3; i < 103; i++)
            poke(path, offsetof(gp_region, lat_ns) + (size_t)i * sizeof slow, &slow, sizeof slow);
        count = 103;
        poke(path, offsetof(gp_region, lat_count), &count, sizeof count);
        gp_coord_tick(c, 70 * MS, done, b);
        ok(cosched_events(b, GP_COSCHED_BUDGET, &v) == 1,
           "a count that went back: read on from it");
        is_int(v, o.conf.max_budget_ns / 2, "40 ms latencies over the 5 ms SLO halve the budget");
    }

    /* bad region files */
    f = fopen(tmpdir_path("junk.region"), "wb");
    fputs("not a region", f);
    fclose(f);
    ok(gp_cosched_read(tmpdir_path("junk.region"), &st, &err) == GP_ERR_INPUT, "short file refused");
    like(err.msg, "junk.region", "the message names the file");
    {
        char *zero = calloc(1, sizeof(gp_region));
        f = fopen(tmpdir_path("zero.region"), "wb");
        fwrite(zero, sizeof(gp_region), 1, f);
        fclose(f);
        free(zero);
    }
    ok(gp_cosched_read(tmpdir_path("zero.region"), &st, &err) == GP_ERR_INPUT, "bad magic refused");
    like(err.msg, "magic", "and says why");
    ok(gp_cosched_read(tmpdir_path("missing.region"), &st, &err) == GP_ERR_IO, "missing file: I/O error");

    {
        char path[600];
        snprintf(path, sizeof path, "%s", gp_coord_path(c));
        gp_coord_free(c);
        ok(access(path, F_OK) != 0, "the region is removed at the end");
    }
    gp_batch_free(b);
    tmpdir_remove();
    return done_testing();
}
