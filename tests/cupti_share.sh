#!/bin/bash
# cupti_share.sh: a torch.profiler window inside a recorded job, on the
# simulated GPU (tests/simgpu, a test fixture whose CUPTI, like the real
# one, has one process-wide pair of buffer callbacks and one timestamp
# callback). tests/simgpu/progs/sim_kineto opens a profiler window as
# Kineto does (its own buffers and clock, kinds on and off, optionally
# cuptiFinalize) between kernels launched before and after it.
. "$GP_SRCDIR/tests/lib.sh"
cd "$T" || exit 1
SIM="$GP_BUILDDIR/tests/simgpu"
PROGS="$SIM/progs"
LIB="$GP_BUILDDIR/collector/.libs/libgpupack_collector.so"
if [ ! -x "$PROGS/sim_kineto" ] || [ ! -f "$LIB" ]; then
    skip "simulated GPU or collector not built (no CUDA toolkit)"
    done_testing
    exit
fi
export GPUPACK_CUPTI_PATH="$SIM/.libs/libsimcupti.so" SIM_KINETO_CUPTI="$SIM/.libs/libsimcupti.so"
export LD_LIBRARY_PATH="$SIM/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
unset GPUPACK_PRELOAD

q() { python3 -c 'import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone(); print(r[0] if r else "")' "$@"; }
field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }
per_name() { q "$1" "select group_concat(n || ':' || c, ' ') from (select s.text n, count(*) c from kernel k join strings s on s.id = k.name group by s.text order by s.text)"; }

if [ -n "$GP_SANITIZERS" ]; then
    skip "sharing CUPTI needs the collector preloaded, which a sanitizer build cannot do"
else
    for fin in "" finalize; do
        name=${fin:-window}
        run gpupack record -o "$name.gpupack" -- "$PROGS/sim_kineto" $fin
        line=$(printf '%s\n' "$err" | grep '^sim_kineto:')
        is "$rc" 0 "$name: the job runs"
        is "$(per_name "$name.gpupack")" "afterK:10 beforeK:10 windowK:10" \
           "$name: gpupack's trace holds every kernel before, during and after the window"
        is "$(field "$line" own_kernels)" 10 "$name: the job's own buffers got the window's kernels, no others"
        is "$(field "$line" own_window)" 10 "$name: all ten of them"
        is "$(field "$line" own_in_clock)" 10 "$name: on the job's own clock"
        is "$(printf '%s\n' "$err" | grep -c 'took CUPTI')" 0 "$name: no hole to report"
        is "$(q "$name.gpupack" 'select coalesce(sum(count), 0) from dropped')" 0 "$name: nothing lost"
    done
fi

# Not preloaded (only CUDA_INJECTION64_PATH): the job's profiler takes
# CUPTI's records. Its window still works; gpupack says so in one line
# and the trace shows the hole.
run env GPUPACK_PRELOAD=0 $GP_RUN "$GPUPACK" record -o taken.gpupack -- "$PROGS/sim_kineto"
line=$(printf '%s\n' "$err" | grep '^sim_kineto:')
is "$rc" 0 "not preloaded: the job runs"
is "$(field "$line" own_window)" 10 "not preloaded: the job's profiler still gets its window"
is "$(printf '%s\n' "$err" | grep -c 'took CUPTI.s activity records')" 1 "not preloaded: one line says the records were taken"
is "$(q taken.gpupack 'select count(*) from dropped where source = 7')" 1 "the hole is in the trace"
is "$(per_name taken.gpupack)" "beforeK:10" "the kernels from before the window are kept"
run gpupack info taken.gpupack
like "$out" "took CUPTI's records" "gpupack info shows the hole"
run gpupack analyze --json taken.gpupack
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ranks"][0]["hole_from_ns"] is not None)')" \
   True "gpupack analyze shows it"

# Preloaded but not recording (no usable CUPTI for the session): the job's
# calls reach CUPTI unchanged.
if [ -z "$GP_SANITIZERS" ]; then
    run env LD_PRELOAD="$LIB" GPUPACK_CUPTI_PATH=/nonexistent/libcupti.so GPUPACK_SOCKET="$T/none.sock" \
        GPUPACK_SPOOL_DIR="$T" "$PROGS/sim_kineto" finalize
    line=$(printf '%s\n' "$err" | grep '^sim_kineto:')
    is "$rc" 0 "preloaded without a session: the job runs"
    is "$(field "$line" own_window) $(field "$line" own_in_clock)" "10 10" \
       "preloaded without a session: its profiler works as without gpupack"
fi
done_testing
