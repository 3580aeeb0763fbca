#!/bin/bash
# bench_launch.sh: what the collector adds to a kernel launch, on the
# simulated GPU (tests/simgpu: a fake driver, runtime and CUPTI; not a
# GPU). A runtime launch loop that asks cudaGetDevice before every launch,
# as PyTorch does (tests/simgpu/progs/sim_rt_launches), in this one run:
#   bare       no CUPTI client
#   cupti      tests/simgpu/nullcupti.c: CUPTI configured as the collector
#              configures it, every record thrown away (CUPTI's own cost)
#   gpupack    under gpupack record
# Host ns per launch is each run's mean over N launches, the median of 5
# runs, interleaved. The collector's own cost is gpupack - cupti. API
# records per launch come from the recorded trace.
#   bench_launch.sh [N]      (run from the build folder)
set -u
N=${1:-200000}
SIM=tests/simgpu
PROG="$SIM/progs/sim_rt_launches"
export LD_LIBRARY_PATH="$PWD/$SIM/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export GPUPACK_CUPTI_PATH="$PWD/$SIM/.libs/libsimcupti.so"
T=$(mktemp -d /tmp/gp-bench-launch.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
per_launch() { "$@" 2>&1 | sed -n 's/.*launch_ns=\([0-9.]*\).*/\1/p' | tail -1; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for i in 1 2 3 4 5; do
    per_launch env -u GPUPACK_CUPTI_PATH "$PROG" "$N" >>"$T/bare"
    per_launch env CUDA_INJECTION64_PATH="$PWD/$SIM/.libs/libsimnull.so" "$PROG" "$N" >>"$T/cupti"
    per_launch ./gpupack record -q -f --nvml-hz 0 -o "$T/t.gpupack" -- "$PROG" "$N" >>"$T/gpupack"
done
bare=$(median <"$T/bare") cupti=$(median <"$T/cupti") gp=$(median <"$T/gpupack")
if [ -z "$bare" ] || [ -z "$cupti" ] || [ -z "$gp" ]; then
    echo "bench_launch: a run failed (build with make check first)" >&2
    exit 1
fi
per=$(python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); a=c.execute("select count(*) from api").fetchone()[0]; k=c.execute("select count(*) from kernel").fetchone()[0]; print("%.3f (%d API records, %d kernels)" % (a / max(k, 1), a, k))' "$T/t.gpupack")
echo "launch overhead on the simulated GPU (not a GPU measurement): $N runtime launches, each after cudaGetDevice"
printf '  %-34s %8s\n' "host ns per launch (median of 5)" ""
printf '  %-34s %8.0f\n' "bare" "$bare"
printf '  %-34s %8.0f   (+%.0f: the simulated CUPTI itself)\n' "CUPTI configured, records dropped" "$cupti" "$(awk -v a="$cupti" -v b="$bare" 'BEGIN{print a-b}')"
printf '  %-34s %8.0f   (+%.0f over CUPTI alone: the collector)\n' "under gpupack record" "$gp" "$(awk -v a="$gp" -v b="$cupti" 'BEGIN{print a-b}')"
echo "  API records per launch in the trace: $per"
