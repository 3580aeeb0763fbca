/* clock.h: the one clock every live gpupack record uses, and its anchor to
 * the wall clock. */
#ifndef GP_CLOCK_H
#define GP_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC in ns. Async-signal-safe; cannot fail on Linux. */
int64_t gp_now_ns(void);

/* CLOCK_REALTIME in ns (for wall-clock labels only, never for intervals). */
int64_t gp_wall_ns(void);

/* The clock anchor of this host now: CLOCK_REALTIME - CLOCK_MONOTONIC in
 * ns, so a CLOCK_MONOTONIC time t of this host is wall time t + anchor.
 * Sampled as monotonic, realtime, monotonic, three times; the narrowest
 * window wins and *err_ns is half its width, a bound on the sampling error
 * (the anchor is the realtime reading minus the window's middle). About
 * six clock reads (< 1 us with the vDSO). The anchor moves only when the
 * wall clock is stepped (settimeofday, an NTP step, a leap second): NTP's
 * gradual slewing adjusts both clocks alike. */
void gp_clock_anchor(int64_t *anchor_ns, int64_t *err_ns);

/* Bounds on an anchor read from outside (a socket, a spool, a trace): after
 * 1970 and not after 2200-01-01 UTC, with an error of at most 1 s. 0 means
 * "unknown" and is not a valid anchor. Inside these bounds the difference of
 * two anchors cannot overflow int64. */
#define GP_ANCHOR_MAX_NS (7258118400LL * 1000000000LL)
#define GP_ANCHOR_ERR_MAX_NS 1000000000LL
/* 1 if anchor_ns and err_ns are within the bounds above, else 0. */
int gp_anchor_ok(int64_t anchor_ns, int64_t err_ns);

#endif
