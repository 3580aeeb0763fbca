#!/bin/bash
# top_pack.sh: gpupack top's co-scheduler panel. A `gpupack pack` run on the
# simulated GPU (tests/simgpu: a fake driver and CUPTI whose processes
# time-slice one virtual GPU through SIMGPU_SHARED; a test fixture, no
# number here is a GPU measurement) watched live in tmux: the panel with
# the policy and a gate state, both jobs listed; then the recorded run in
# the trace browser, checked against the trace's own tables (sqlite3).
. "$GP_SRCDIR/tests/lib.sh"
cd "$T" || exit 1
export XDG_RUNTIME_DIR="$T/run" # a private runtime folder: only this test's runs
mkdir -m 700 "$XDG_RUNTIME_DIR"
SIM="$GP_BUILDDIR/tests/simgpu"
PROGS="$SIM/progs"

run gpupack top --help
like "$out" "co-scheduler" "--help mentions the co-scheduler panel"

# --- no pack run: no panel ----------------------------------------------------------
run env GPUPACK_NVML_PATH="$T/none.so" $GP_RUN "$GPUPACK" top --snapshot 80x24 -d 0.1
is "$rc" 0 "live snapshot without a pack run"
unlike "$out" "co-scheduler" "no co-scheduler panel"
# a stale region (its pid is gone) and a file that only looks like one
mkdir -m 700 -p "$XDG_RUNTIME_DIR/gpupack"
printf 'junk' > "$XDG_RUNTIME_DIR/gpupack/pack-2147483000.region"
printf 'junk' > "$XDG_RUNTIME_DIR/gpupack/pack-$$.region"
run env GPUPACK_NVML_PATH="$T/none.so" $GP_RUN "$GPUPACK" top --snapshot 80x24 -d 0.1
is "$rc" 0 "stale and bad regions do not stop top"
unlike "$out" "co-scheduler" "neither is shown"
rm -f "$XDG_RUNTIME_DIR"/gpupack/pack-*.region

if [ ! -x "$PROGS/sim_serve" ] || [ ! -f "$GP_BUILDDIR/collector/.libs/libgpupack_collector.so" ]; then
    skip "simulated GPU or collector not built (no CUDA toolkit)"
    done_testing
    exit
fi
if ! command -v tmux >/dev/null 2>&1; then
    skip "tmux not installed: no screen tests"
    done_testing
    exit
fi
export GPUPACK_CUPTI_PATH="$SIM/.libs/libsimcupti.so"
export LD_LIBRARY_PATH="$SIM/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export GPUPACK_FLUSH_MS=50 SIMGPU_SHARED="$T/gpu"
q() { python3 -c 'import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone(); print(r[0] if r else "")' "$@"; }

TM="gp$$"
. "$GP_SRCDIR/tests/top_lib.sh"
trap 'tm kill-server >/dev/null 2>&1; [ -n "$pack" ] && kill $pack 2>/dev/null; rm -rf "$T"' EXIT

# --- live ------------------------------------------------------------------------------
"$GPUPACK" pack -o pack.gpupack --serve "$PROGS/sim_serve --rate 200 --seconds 5 --kernels 4 --kernel-us 250" \
    --train "$PROGS/sim_train --steps 400 --kernels 8 --kernel-us 500" >pack.out 2>pack.err &
pack=$!
# wide enough for both commands (their paths are long); top sees no NVML here
tm new-session -d -s live -x 220 -y 40 \
    "env TERM=xterm-256color XDG_RUNTIME_DIR='$XDG_RUNTIME_DIR' GPUPACK_NVML_PATH='$T/none.so' '$GPUPACK' top -d 0.2; echo \"EXITED rc=\$?\"; sleep 60"
wait_for live "co-scheduler (gpupack pack)"; ok $? "live: the co-scheduler panel appears"
ok "$(screen live | grep -qE 'policy priority  gate (idle|open|holding|draining|forced)  '; echo $?)" \
   "with the policy and a gate state"
like "$(screen live)" "(pack pid $pack)" "and the pack run it follows"
wait_for live "2 jobs recorded"; ok $? "the header counts both jobs"
wait_for live "sim_serve --rate 200"; ok $? "the serve job is listed"
wait_for live "sim_train --steps 400"; ok $? "the training job is listed"
wait_re live "[0-9.]+k?/s requests \([1-9]"; ok $? "serve requests per second, from successive reads"
wait_re live "/s launches \([1-9]"; ok $? "training launches per second"
wait_re live "serve pid [0-9]+ +p50 [0-9]"; ok $? "serve p50 once requests finished"
screen live > live.txt
tm send-keys -t live q
wait_for live "EXITED rc=0"; ok $? "q quits cleanly"
wait $pack
is "$?" 0 "the pack run ends well"
pack=

# --- the recorded run ---------------------------------------------------------------------
run $GP_RUN "$GPUPACK" top --snapshot 100x30 pack.gpupack
is "$rc" 0 "trace snapshot of the pack run"
like "$out" "co-scheduler (recorded gpupack pack run)" "the recorded co-scheduler panel"
REQ=$(q pack.gpupack 'select count(*) from cosched where event = 4')
HP=$(q pack.gpupack 'select min(pid) from cosched where event = 4')
HOLDS=$(q pack.gpupack 'select count(*) from cosched where event = 1')
BE=$(q pack.gpupack 'select min(pid) from cosched where event in (1, 2)')
TMO=$(q pack.gpupack 'select count(*) from cosched where event = 2')
ok "$([ "${REQ:-0}" -gt 0 ]; echo $?)" "the trace holds request latencies ($REQ)"
like "$out" "serve pid $HP: $REQ requests, p50 " "the request count and serve pid the trace's SQL holds"
like "$out" "train pid $BE: holds $HOLDS (" "the holds of the training job"
like "$out" "timeouts $TMO  watchdog" "and its bounded-wait releases"
is "$(printf '%s\n' "$out" | awk 'length > 100' | wc -l)" 0 "none wider than 100 columns"
run $GP_RUN "$GPUPACK" top --snapshot 80x24 pack.gpupack
is "$rc" 0 "80x24 snapshot"
like "$out" "serve pid $HP: $REQ requests" "the panel's first line still shows"
like "$out" "timeline" "and the timeline keeps its place"
done_testing
