/* pack.h: the co-scheduler panel's data: a running `gpupack pack` seen
 * through its shared region (cosched/cosched.h), or a recorded one from a
 * trace's cosched records (cosched/summary.h).
 *
 *     tui_pack P;
 *     tui_pack_init(&P);
 *     tui_pack_refresh(&P, jobs.dir, gp_now_ns());  // every live refresh
 *     if (P.ok) n = tui_pack_live_lines(&P, lines, 4);
 *
 * Rates come from successive reads of the same region: the difference of a
 * counter over the time between the reads (tui_pack_rate). The history
 * (one sample per refresh) feeds the sparklines.
 */
#ifndef GP_TUI_PACK_H
#define GP_TUI_PACK_H

#include <stdint.h>

#include "cosched/cosched.h"
#include "cosched/summary.h"

#define TUI_PACK_HIST 120
#define TUI_PACK_LINE 200

typedef struct tui_pack {
    int ok;                   /* st holds a valid read of `path` */
    char path[300];           /* the region being followed; "" none */
    int pack_pid;             /* the gpupack pack process that owns it */
    gp_cosched_state st;
    int64_t read_ns;          /* when st was read */
    double req_rate, be_rate; /* serve requests/s, training launches/s; -1 unknown */
    double p99_hist[TUI_PACK_HIST], be_hist[TUI_PACK_HIST]; /* oldest first; p99 in ms */
    int n_hist;
} tui_pack;

void tui_pack_init(tui_pack *P);
/* Looks for pack-<pid>.region files in dir (the runtime folder) and
 * follows the first live one: its pid is alive and gp_cosched_read
 * accepts it. A different region than last time restarts the rates and
 * history. O(files in dir). */
void tui_pack_refresh(tui_pack *P, const char *dir, int64_t now_ns);

/* Events per second between two reads of a counter: (cur - prev) /
 * (now - then). -1 when it cannot be told: no earlier read (then_ns <= 0),
 * no time between them, or the counter went back (another run). Pure. */
double tui_pack_rate(uint64_t prev, uint64_t cur, int64_t then_ns, int64_t now_ns);

/* The live panel's text, one line each, at most max (4 are enough):
 * policy, gate, serve work in flight, budget; serve p50/p99 and
 * requests/s; training launches/s, holds, timeouts, drains, held time,
 * watchdog releases. Pure. */
int tui_pack_live_lines(const tui_pack *P, char (*out)[TUI_PACK_LINE], int max);

/* The recorded panel's text from a summary (s->present), at most max (4
 * are enough): requests and p50/p95/p99/max; both jobs' kernel rates and
 * the training share; holds, timeouts, watchdog, budget min/max/last. Pure. */
int tui_pack_trace_lines(const gp_cosched_summary *s, char (*out)[TUI_PACK_LINE], int max);

#endif
