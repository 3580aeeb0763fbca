#!/bin/bash
# bench_pack.sh: gpupack pack on the SIMULATED GPU (tests/simgpu: a fake
# driver and CUPTI; a test fixture, so these are not GPU measurements). A
# serve job at 50 % of its solo capacity beside a training job: serving p99
# latency and training throughput, each against the job alone, for the
# policies off, priority and slo, under both ways one GPU is shared between
# processes: time slices (the driver's default; the `off` row is what users
# get without gpupack) and MPS (`--mps`, with the fixture's simulated MPS
# daemon first in PATH), all in this one run.
#   [RATE=R] bench_pack.sh [SECONDS]   (from the build folder; default 3 s, 500 requests/s)
set -u
SECS=${1:-3}
SIM=$PWD/tests/simgpu
SRC=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -x "$SIM/progs/sim_serve" ] || [ ! -x ./gpupack ]; then
    echo "bench_pack: build with 'make check' first (needs the simulated GPU programs)" >&2
    exit 1
fi
export GPUPACK_CUPTI_PATH="$SIM/.libs/libsimcupti.so"
export LD_LIBRARY_PATH="$SIM/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
W=$(mktemp -d /tmp/gp-bench-pack.XXXXXX) || exit 1
trap 'rm -rf "$W"' EXIT
export SIMGPU_SHARED="$W/gpu" XDG_RUNTIME_DIR="$W/run"
mkdir -m 700 "$W/run" "$W/bin" || exit 1
# the simulated MPS daemon (found by --mps in PATH; copied: the source tree
# may have lost the execute bit)
cp "$SRC/tests/simgpu/mps/nvidia-cuda-mps-control" "$W/bin/" && chmod +x "$W/bin/"* || exit 1
KERNELS=4 KERNEL_US=250              # one request: 4 x 250 us = 1 ms of GPU time
RATE=${RATE:-500}                    # 500: 50 % of the serve job's capacity (1000 requests/s)
BLOCKS=16                            # every kernel fills the simulated device's 16 SMs
SERVE="$SIM/progs/sim_serve --rate $RATE --seconds $SECS --kernels $KERNELS"
SERVE="$SERVE --kernel-us $KERNEL_US --blocks $BLOCKS"
TRAIN="$SIM/progs/sim_train --seconds $SECS --kernels 8 --kernel-us 500 --blocks $BLOCKS"
# json KEY: a number from the job's JSON line on stdin.
json() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" | tail -1; }

# Solo: each job alone under gpupack pack (same collector and recorder),
# the other job being `true`.
./gpupack pack -f -o "$W/s.gpupack" --serve "$SERVE" --train true > "$W/serve.solo" 2> "$W/serve.err"
./gpupack pack -q -f -o "$W/t.gpupack" --serve true --train "$TRAIN" > "$W/train.solo" 2>/dev/null
p99_solo=$(json p99_ms < "$W/serve.solo")
sps_solo=$(json samples_per_s < "$W/train.solo")
# the serve job's p99 as the gate measures it (NVTX range per request): what --slo-p99 means
gate_p99=$(sed -n 's/.*serve: [0-9]* requests, p50 [0-9.]* ms, p99 \([0-9.]*\) ms.*/\1/p' "$W/serve.err")
if [ -z "$p99_solo" ] || [ -z "$sps_solo" ] || [ -z "$gate_p99" ]; then
    echo "bench_pack: the solo runs failed" >&2
    exit 1
fi
slo=$(awk -v p="$gate_p99" 'BEGIN { printf "%.3f", p * 1.05 }')
load=$(awk -v r="$RATE" 'BEGIN { printf "%g", r / 10 }')
echo "gpupack pack on the SIMULATED GPU (a test fixture, not a GPU measurement): serve at"
echo "$RATE req/s ($load % of its capacity, ${KERNELS}x${KERNEL_US} us per request) beside training"
echo "(8x500 us per step), kernels of $BLOCKS blocks on $BLOCKS SMs, ${SECS} s each; $(nproc) cores"
printf '%-9s %-11s %12s %7s %7s %16s %7s\n' policy sharing "serve p99 ms" "x solo" "x off" \
    "train samples/s" "x solo"
printf '%-9s %-11s %12.3f %7s %7s %16.1f %7s\n' solo - "$p99_solo" 1.00 - "$sps_solo" 1.00
for sharing in slices mps; do
    mps="" path=$PATH
    [ $sharing = mps ] && mps="--mps" path="$W/bin:$PATH"
    p99_off=""
    for pol in off priority slo; do
        extra=""
        [ "$pol" = slo ] && extra="--slo-p99 $slo"
        PATH=$path ./gpupack pack -q -f -o "$W/$pol.gpupack" --policy $pol $mps $extra \
            --serve "$SERVE" --train "$TRAIN" > "$W/$pol.out" 2> "$W/$pol.err"
        if grep -q "time-slicing" "$W/$pol.err"; then
            echo "bench_pack: --mps did not start the simulated MPS daemon:" >&2
            cat "$W/$pol.err" >&2
            exit 1
        fi
        p99=$(grep '"serve"' "$W/$pol.out" | json p99_ms)
        sps=$(grep '"train"' "$W/$pol.out" | json samples_per_s)
        if [ -z "$p99" ] || [ -z "$sps" ]; then
            echo "bench_pack: the $pol run ($sharing) failed" >&2
            exit 1
        fi
        [ -z "$p99_off" ] && p99_off=$p99
        awk -v n="$pol" -v m="$([ $sharing = mps ] && echo MPS || echo time-slices)" -v p="$p99" \
            -v ps="$p99_solo" -v po="$p99_off" -v s="$sps" -v ss="$sps_solo" \
            'BEGIN { printf "%-9s %-11s %12.3f %7.2f %7.2f %16.1f %7.2f\n",
                     n, m, p, p / ps, p / po, s, s / ss }'
    done
done
echo "serve p99: from each request's arrival to its end, as the serve job prints it;"
echo "x off: against the off row with the same sharing (time slices: the driver's default)"
echo "time slice ${SIMGPU_TIMESLICE_US:-1024} us (SIMGPU_TIMESLICE_US); MPS: clients share the SMs"
echo "in proportion to the blocks they ask for"
echo "slo target: ${slo} ms = 1.05 x the solo p99 of the request ranges the gate measures"
