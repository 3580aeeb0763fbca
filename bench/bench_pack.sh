#!/bin/bash
# bench_pack.sh: gpupack pack on the SIMULATED GPU (tests/simgpu: a fake
# driver and CUPTI whose processes time-slice one virtual GPU; a test
# fixture, so these are not GPU measurements). A serve job at 50 % of its
# solo capacity beside a training job: serving p99 latency and training
# throughput, each against the job alone, for the policies off, priority
# and slo, all in this one run.
#   bench_pack.sh [SECONDS]      (run from the build folder; default 3)
set -u
SECS=${1:-3}
SIM=$PWD/tests/simgpu
if [ ! -x "$SIM/progs/sim_serve" ] || [ ! -x ./gpupack ]; then
    echo "bench_pack: build with 'make check' first (needs the simulated GPU programs)" >&2
    exit 1
fi
export GPUPACK_CUPTI_PATH="$SIM/.libs/libsimcupti.so"
export LD_LIBRARY_PATH="$SIM/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
W=$(mktemp -d /tmp/gp-bench-pack.XXXXXX) || exit 1
trap 'rm -rf "$W"' EXIT
export SIMGPU_SHARED="$W/gpu"
KERNELS=4 KERNEL_US=250              # one request: 4 x 250 us = 1 ms of GPU time
RATE=500                             # 50 % of the serve job's capacity (1000 requests/s)
SERVE="$SIM/progs/sim_serve --rate $RATE --seconds $SECS --kernels $KERNELS --kernel-us $KERNEL_US"
TRAIN="$SIM/progs/sim_train --seconds $SECS --kernels 8 --kernel-us 500"
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
echo "gpupack pack on the simulated GPU (not a GPU measurement): serve at $RATE req/s (50 % of"
echo "its capacity, ${KERNELS}x${KERNEL_US} us per request) beside training (8x500 us per step), ${SECS} s each"
printf '%-10s %12s %10s %16s %10s\n' policy "serve p99 ms" "x solo" "train samples/s" "x solo"
printf '%-10s %12.3f %10s %16.1f %10s\n' solo "$p99_solo" 1.00 "$sps_solo" 1.00
for pol in off priority slo; do
    extra=""
    [ "$pol" = slo ] && extra="--slo-p99 $slo"
    ./gpupack pack -q -f -o "$W/$pol.gpupack" --policy $pol $extra \
        --serve "$SERVE" --train "$TRAIN" > "$W/$pol.out" 2>/dev/null
    p99=$(grep '"serve"' "$W/$pol.out" | json p99_ms)
    sps=$(grep '"train"' "$W/$pol.out" | json samples_per_s)
    awk -v n="$pol" -v p="$p99" -v ps="$p99_solo" -v s="$sps" -v ss="$sps_solo" \
        'BEGIN { printf "%-10s %12.3f %10.2f %16.1f %10.2f\n", n, p, p / ps, s, s / ss }'
done
echo "serve p99: from each request's arrival to its end, as the serve job prints it"
echo "slo target: ${slo} ms = 1.05 x the solo p99 of the request ranges the gate measures"
echo "MPS variants: not run (the simulated GPU has no MPS)"
