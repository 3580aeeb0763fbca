/* clock.h: the one clock every live gpupack record uses. */
#ifndef GP_CLOCK_H
#define GP_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC in ns. Async-signal-safe; cannot fail on Linux. */
int64_t gp_now_ns(void);

/* CLOCK_REALTIME in ns (for wall-clock labels only, never for intervals). */
int64_t gp_wall_ns(void);

#endif
