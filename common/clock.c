/* clock.c: monotonic and wall clocks in ns, and the anchor between them. */
#include "config.h"

#include <time.h>

#include "clock.h"

static int64_t read_ns(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t gp_now_ns(void)
{
    return read_ns(CLOCK_MONOTONIC);
}

int64_t gp_wall_ns(void)
{
    return read_ns(CLOCK_REALTIME);
}

void gp_clock_anchor(int64_t *anchor_ns, int64_t *err_ns)
{
    int64_t best_w = -1, best_a = 0;

    for (int i = 0; i < 3; i++) {
        int64_t m1 = read_ns(CLOCK_MONOTONIC);
        int64_t r = read_ns(CLOCK_REALTIME);
        int64_t m2 = read_ns(CLOCK_MONOTONIC);
        int64_t w = m2 - m1;

        if (best_w < 0 || w < best_w) {
            best_w = w;
            best_a = r - (m1 + w / 2);
        }
    }
    *anchor_ns = best_a;
    *err_ns = (best_w + 1) / 2;
}

int gp_anchor_ok(int64_t anchor_ns, int64_t err_ns)
{
    return anchor_ns > 0 && anchor_ns <= GP_ANCHOR_MAX_NS && err_ns >= 0 &&
           err_ns <= GP_ANCHOR_ERR_MAX_NS;
}
