#!/bin/bash
# signals.sh: a recorded job that is told to die keeps its trace. On the
# simulated GPU (tests/simgpu, a test fixture). The periodic flush is set
# to a minute, so what reaches the trace came from the last flush the
# collector makes on the signal; the job still ends as it would have.
. "$GP_SRCDIR/tests/lib.sh"
cd "$T" || exit 1
SIM="$GP_BUILDDIR/tests/simgpu"
PROGS="$SIM/progs"
if [ ! -x "$PROGS/sim_signal" ] || [ ! -f "$GP_BUILDDIR/collector/.libs/libgpupack_collector.so" ]; then
    skip "simulated GPU or collector not built (no CUDA toolkit)"
    done_testing
    exit
fi
export GPUPACK_CUPTI_PATH="$SIM/.libs/libsimcupti.so"
export LD_LIBRARY_PATH="$SIM/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export GPUPACK_FLUSH_MS=60000

q() { python3 -c 'import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone(); print(r[0] if r else "")' "$@"; }

for m in term:15 int:2 quit:3 hup:1 abort:6; do
    mode=${m%%:*} sig=${m#*:}
    run gpupack record -q -o "$mode.gpupack" -- "$PROGS/sim_signal" "$mode"
    is "$rc" "$((128 + sig))" "$mode: the job still ends by its signal (exit $((128 + sig)))"
    is "$(q "$mode.gpupack" 'select count(*) from kernel')" 20 "$mode: its 20 kernels reached the trace"
    is "$(q "$mode.gpupack" 'select coalesce(sum(count), 0) from dropped where source = 4')" 0 \
       "$mode: nothing estimated as lost"
    is "$(q "$mode.gpupack" 'select end_reason from process')" 2 "$mode: the process is recorded as killed"
done

run gpupack record -q -o handler.gpupack -- "$PROGS/sim_signal" handler
is "$rc" 3 "a job with its own SIGTERM handler: the handler decides (exit 3)"
like "$err" "sim_signal: handler ran" "the job's handler ran"
is "$(q handler.gpupack 'select count(*) from kernel')" 20 "and its exit flushed the trace"
run gpupack record -q -o late.gpupack -- "$PROGS/sim_signal" late
is "$rc" 3 "a handler installed after CUDA started replaces ours: exit 3"
is "$(q late.gpupack 'select count(*) from kernel')" 20 "and its exit flushed the trace"

# The wait is bounded: with the recorder gone the job still dies promptly.
run env CUDA_INJECTION64_PATH="$GP_BUILDDIR/collector/.libs/libgpupack_collector.so" \
    GPUPACK_SOCKET="$T/nobody.sock" GPUPACK_SPOOL_DIR="$T" timeout 30 "$PROGS/sim_signal" term
is "$rc" 143 "no recorder: the job ends by its signal, not by the timeout"
spool=$(ls "$T"/*.gpspool 2>/dev/null | head -1)
ok "$([ -n "$spool" ]; echo $?)" "its records went to a spool file"
if [ -n "$spool" ]; then
    run gpupack import "$spool" -o spool.gpupack
    is "$(q spool.gpupack 'select count(*) from kernel')" 20 "the spool holds the 20 kernels"
fi
done_testing
