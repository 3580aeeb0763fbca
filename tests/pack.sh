#!/bin/bash
# pack.sh: `gpupack pack` end to end on the simulated GPU (tests/simgpu: a
# fake driver and CUPTI whose processes time-slice one virtual GPU through
# SIMGPU_SHARED; a test fixture, not a GPU), and the gate's invariants:
# either job may die without hurting the other, a held launch waits a
# bounded time, training runs when serving is idle.
. "$GP_SRCDIR/tests/lib.sh"
cd "$T" || exit 1
SIM="$GP_BUILDDIR/tests/simgpu"
PROGS="$SIM/progs"

# --- usage (no GPU needed) ------------------------------------------------------
run gpupack pack --help
is "$rc" 0 "--help exits 0"
like "$out" "--slo-p99" "--help lists the options"
run gpupack pack --serve true
is "$rc" 2 "no --train: usage error"
like "$err" "both --serve CMD and --train CMD" "and says what is missing"
run gpupack pack --serve true --train true --policy fifo
is "$rc" 2 "unknown policy: usage error"
like "$err" "unknown policy 'fifo'" "named"
run gpupack pack --serve true --train true --policy slo
is "$rc" 2 "slo without a target: usage error"
run gpupack pack --serve true --train true --slo-p99 abc
is "$rc" 2 "a bad --slo-p99: usage error"

if [ ! -x "$PROGS/sim_serve" ] || [ ! -f "$GP_BUILDDIR/collector/.libs/libgpupack_collector.so" ]; then
    skip "simulated GPU or collector not built (no CUDA toolkit)"
    done_testing
    exit
fi
export GPUPACK_CUPTI_PATH="$SIM/.libs/libsimcupti.so"
export LD_LIBRARY_PATH="$SIM/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export GPUPACK_FLUSH_MS=50 SIMGPU_SHARED="$T/gpu" XDG_RUNTIME_DIR="$T"
q() { python3 -c 'import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone(); print(r[0] if r else "")' "$@"; }
json() { printf '%s\n' "$1" | grep "\"$2\"" | sed -n "s/.*\"$3\":\([0-9.]*\).*/\1/p" | tail -1; }
SERVE="$PROGS/sim_serve --rate 200 --seconds 1 --kernels 4 --kernel-us 250"
TRAIN="$PROGS/sim_train --steps 40 --kernels 8 --kernel-us 500"

# --- both jobs, one trace -----------------------------------------------------------
run gpupack pack -o both.gpupack --serve "$SERVE" --train "$TRAIN"
is "$rc" 0 "pack runs both jobs and exits 0"
is "$(json "$out" serve requests)" 200 "the serve job served its 200 requests"
is "$(json "$out" train steps)" 40 "the train job ran its 40 steps"
like "$err" "gpupack pack: policy priority; serve: 200 requests" "the summary counts the requests the gate saw"
is "$(q both.gpupack 'select count(distinct pid) from kernel')" 2 "one trace holds both jobs' kernels"
is "$(q both.gpupack 'select count(*) from kernel')" $((200 * 4 + 40 * 8)) "every kernel of both jobs is in it"
is "$(q both.gpupack 'select count(*) from cosched where event = 4')" 200 "a latency record per request (NVTX range)"
is "$(q both.gpupack 'select count(*) from cosched where event = 4 and dur_ns >= 1000000')" 200 \
   "each at least the request's 4 x 250 us of GPU time"
is "$(q both.gpupack "select count(*) from cosched c join process p on p.pid = c.pid join strings s on s.id = p.cmdline where c.event = 4 and s.text like '%sim_serve%'")" 200 \
   "latencies come from the serve job's process"
ok "$([ "$(q both.gpupack 'select count(*) from cosched where event = 1')" -gt 0 ]; echo $?)" \
   "training launches were held while serving was busy"
is "$(q both.gpupack "select count(*) from cosched c join process p on p.pid = c.pid join strings s on s.id = p.cmdline where c.event in (1, 2) and s.text not like '%sim_train%'")" 0 \
   "holds come from the train job only"
is "$(ls "$T" | grep -c '^gpupack/pack-\|\.region$')" 0 "the shared region is removed at the end"
is "$(find "$T/gpupack" -name 'pack-*' 2>/dev/null | wc -l)" 0 "nothing left in the runtime folder"

# --- the same jobs through the CUDA runtime (cudaLaunchKernel, CUDA 13's __cudaLaunchKernel,
# cudaStreamSynchronize: the simulated GPU's fake libcudart, which reaches the driver without
# driver API calls, as PyTorch eager and cuBLAS do) ----------------------------------------
RT_SERVE="$PROGS/sim_rt_serve --rate 200 --seconds 1 --kernels 4 --kernel-us 250"
RT_TRAIN="$PROGS/sim_rt_train --steps 40 --kernels 8 --kernel-us 500"
run gpupack pack -o rt.gpupack --serve "$RT_SERVE" --train "$RT_TRAIN"
is "$rc" 0 "pack runs both runtime jobs and exits 0"
is "$(json "$out" serve requests) $(json "$out" train steps)" "200 40" "they served and trained to the end"
like "$err" "gpupack pack: policy priority; serve: 200 requests" "the gate saw every request"
is "$(q rt.gpupack 'select count(*) from kernel')" $((200 * 4 + 40 * 8)) "every kernel of both jobs is in the trace"
ok "$([ "$(q rt.gpupack 'select count(*) from cosched where event = 1')" -gt 0 ]; echo $?)" \
   "training launches made through the runtime were held while serving was busy"
is "$(q rt.gpupack "select count(*) from cosched c join process p on p.pid = c.pid join strings s on s.id = p.cmdline where c.event in (1, 2) and s.text not like '%sim_rt_train%'")" 0 \
   "holds come from the train job only"
run gpupack pack -q -o rtburst.gpupack --serve "$PROGS/sim_rt_serve --rate 200 --seconds 1 --no-nvtx" \
    --train "$RT_TRAIN"
is "$rc" 0 "a runtime serve job without NVTX ranges"
is "$(q rtburst.gpupack "select count(*) from cosched c join process p on p.pid = c.pid join strings s on s.id = p.cmdline where c.event = 4 and s.text like '%sim_rt_serve%'")" 200 \
   "each burst of runtime launches up to its cudaStreamSynchronize is a request"

# A job capturing a CUDA graph through the runtime while its other stream runs, with
# a driver-level launch (Triton's) into the capture each round: launches into the
# capture are not held or counted, the other stream's are, and nothing synchronizes
# during the capture (which would invalidate it: the program would exit 1).
run gpupack pack -o capture.gpupack --serve "$RT_SERVE" --train "$PROGS/sim_rt_capture --rounds 40 --gap-us 3000"
is "$rc" 0 "a job capturing a graph through the runtime runs to the end beside the serve job"
like "$err" "sim_rt_capture: kernels=$((40 + 3 * 40 * 3)) " "its capture succeeded and the graph ran"
is "$(q capture.gpupack "select count(*) from kernel k join process p on p.pid = k.pid join strings s on s.id = p.cmdline where s.text like '%sim_rt_capture%'")" \
   $((40 + 3 * 40 * 3)) "all its kernels are recorded"
ok "$([ "$(q capture.gpupack "select count(*) from cosched c join process p on p.pid = c.pid join strings s on s.id = p.cmdline where c.event in (1, 2) and s.text like '%sim_rt_capture%'")" -gt 0 ]; echo $?)" \
   "the other stream's launches were held while serving was busy"

# --- off: plain sharing, nothing held ------------------------------------------------
run gpupack pack -q -o off.gpupack --policy off --serve "$SERVE" --train "$TRAIN"
is "$rc" 0 "policy off runs"
is "$(q off.gpupack 'select count(*) from cosched where event in (1, 2)')" 0 "policy off holds nothing"

# --- slo ----------------------------------------------------------------------------------
run gpupack pack -q -o slo.gpupack --slo-p99 5 --serve "$SERVE" --train "$TRAIN"
is "$rc" 0 "policy slo runs"
is "$(json "$out" train steps)" 40 "training finishes under slo"

# --- the serve job killed (SIGKILL) mid-run while busy: training goes on ------------------
run gpupack pack -o hpkill.gpupack --max-wait-ms 2000 \
    --serve "$PROGS/sim_serve --stuck --seconds 30 & echo \$! > hp.pid; wait \$!" \
    --train "sleep 1; kill -9 \$(cat hp.pid); $PROGS/sim_train --steps 30 --kernels 4 --kernel-us 200"
is "$rc" 137 "pack exits with the serve job's status (killed: 137)"
like "$err" "the serve job exited with status 137" "and says which job died how"
is "$(json "$out" train steps)" 30 "the train job finished all its steps"
ok "$([ "$(q hpkill.gpupack 'select count(*) from cosched where event = 5')" -ge 1 ]; echo $?)" \
   "the release is recorded (watchdog)"
is "$(q hpkill.gpupack 'select count(*) from cosched where event = 2')" 0 \
   "no launch waited out the 2 s bounded wait: the dead job released the gate"

# --- the train job killed: serving is unaffected ---------------------------------------------
run gpupack pack -o bekill.gpupack \
    --serve "$SERVE" \
    --train "$PROGS/sim_train --seconds 30 & sleep 0.3; kill -9 \$!; wait \$!"
is "$rc" 137 "pack exits with the train job's status when only it failed"
like "$err" "the train job exited with status 137" "and names it"
is "$(json "$out" serve requests)" 200 "the serve job served every request"
unlike "$err" "the serve job" "the serve job is not reported as failed"

# --- serving busy forever: training waits a bounded time per launch, then goes -------------
start=$(date +%s%N)
# (training starts once the serve job is up, so its launches meet a busy
# serve job even when the machine is slow to start processes)
run gpupack pack -q -o stuck.gpupack --max-wait-ms 20 \
    --serve "touch stuck.up; exec $PROGS/sim_serve --stuck --seconds 3" \
    --train "until [ -e stuck.up ]; do sleep 0.01; done; sleep 0.3; exec $PROGS/sim_train --steps 5 --kernels 4 --kernel-us 100"
is "$rc" 0 "a perpetually busy serve job does not stop training"
is "$(json "$out" train steps)" 5 "training finished its steps"
ok "$([ "$(q stuck.gpupack 'select count(*) from cosched where event = 2')" -ge 1 ]; echo $?)" \
   "launches were released by the bounded wait (recorded)"
is "$(q stuck.gpupack 'select count(*) from cosched where event = 2 and dur_ns > 1000000000')" 0 \
   "no launch waited a second (bound: 20 ms, or 1 s of silence)"

# --- serving idle: training runs at full speed ------------------------------------------------
run gpupack record -q -o solo.gpupack -- $PROGS/sim_train --seconds 1
solo=$(json "$out" train samples_per_s)
run gpupack pack -q -o idle.gpupack --serve "$PROGS/sim_serve --rate 2 --seconds 1" --train "$PROGS/sim_train --seconds 1"
packed=$(json "$out" train samples_per_s)
ok "$(awk -v a="$packed" -v b="$solo" 'BEGIN { exit !(b > 0 && a >= 0.8 * b) }'; echo $?)" \
   "beside an idle serve job training keeps >= 0.8 of its solo rate ($packed vs $solo samples/s)"

# --- MPS: not available here ------------------------------------------------------------------
run env PATH=/usr/bin:/bin $GP_RUN "$GPUPACK" pack -q -o mps.gpupack --mps --serve "$PROGS/sim_serve --rate 50 --seconds 0.2" --train "$PROGS/sim_train --steps 2"
is "$rc" 0 "--mps without MPS still runs"
like "$err" "MPS is not available (nvidia-cuda-mps-control is not in PATH); the jobs share the GPU by time-slicing" \
   "and says so in one line"

done_testing
