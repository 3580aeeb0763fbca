#!/bin/bash
# bench_launch.sh: host time the collector adds per kernel launch, on the
# simulated GPU (tests/simgpu: a fake driver and CUPTI; not a GPU). The
# same program launches N tiny kernels bare and under gpupack record, in
# this run; each is repeated and the median taken.
#   bench_launch.sh [N]      (run from the build folder)
set -u
N=${1:-200000}
SIM=tests/simgpu
export LD_LIBRARY_PATH="$PWD/$SIM/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
per_launch() { "$@" 2>&1 | sed -n 's/.*launch_ns=\([0-9.]*\).*/\1/p' | tail -1; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
bare=$(for i in 1 2 3 4 5; do per_launch "$SIM/progs/sim_launches" "$N"; done | median)
traced=$(for i in 1 2 3 4 5; do
    GPUPACK_CUPTI_PATH="$PWD/$SIM/.libs/libsimcupti.so" per_launch \
        ./gpupack record -q -f --nvml-hz 0 -o /tmp/gp-bench-launch-$$.gpupack -- "$SIM/progs/sim_launches" "$N"
done | median)
rm -f /tmp/gp-bench-launch-$$.gpupack
echo "launch overhead (simulated GPU): $N launches; host ns per launch: bare $bare, under gpupack record $traced; added $(awk -v a="$bare" -v b="$traced" 'BEGIN{printf "%.0f", b-a}') ns (ratio $(awk -v a="$bare" -v b="$traced" 'BEGIN{printf "%.2f", b/a}'))"
echo "  (the traced figure includes the fake CUPTI's own record keeping, as a real CUPTI's would be)"
