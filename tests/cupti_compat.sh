#!/bin/bash
# cupti_compat.sh: the collector against CUPTI as it really is, on the
# simulated GPU (tests/simgpu: a fake driver and CUPTI, a test fixture):
#  - CUPTI holds its own lock while it calls us: a stress run of threads
#    creating streams and launching, under a 10 ms flush, must not hang;
#  - CUPTI 12.6 to 13.0 drop kernel timestamps when a timestamp callback is
#    registered: no kernel may be lost, and any that still arrive without
#    timestamps are counted and shown;
#  - CUDA 12 stacks: the CUPTI already in the process is used whatever its
#    name, never a second one; a driver too old for CUPTI 13 gets one line
#    that says what would work.
. "$GP_SRCDIR/tests/lib.sh"
cd "$T" || exit 1
SIM="$GP_BUILDDIR/tests/simgpu"
PROGS="$SIM/progs"
if [ ! -x "$PROGS/sim_stress" ] || [ ! -f "$GP_BUILDDIR/collector/.libs/libgpupack_collector.so" ]; then
    skip "simulated GPU or collector not built (no CUDA toolkit)"
    done_testing
    exit
fi
FAKE="$SIM/.libs/libsimcupti.so"
export GPUPACK_CUPTI_PATH="$FAKE"
export LD_LIBRARY_PATH="$SIM/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
unset SIMGPU_CUPTI_VERSION SIMGPU_DRIVER_VERSION SIMGPU_CUPTI_ZERO_TS_EVERY GPUPACK_CUPTI_CLOCK

q() { python3 -c 'import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone(); print(r[0] if r else "")' "$@"; }
field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }
rec() { run env "$@"; }  # rec [VAR=...] command...: a command with extra environment

# --- CUPTI's lock and ours ---------------------------------------------------------
# 8 threads x 60 rounds of: create a stream (a RESOURCE callback, which CUPTI
# runs holding its lock), 20 launches, synchronize, destroy; the flush thread
# asks CUPTI for dropped counts every 10 ms. A collector that calls CUPTI
# while holding its own lock deadlocks here (timeout: exit 124).
rec GPUPACK_FLUSH_MS=10 timeout 120 $GP_RUN "$GPUPACK" record -q -o stress.gpupack -- "$PROGS/sim_stress" 60
is "$rc" 0 "threads creating streams and launching under a 10 ms flush: no deadlock"
line=$(printf '%s\n' "$err" | grep '^sim_stress:')
is "$(q stress.gpupack 'select count(*) from kernel')" "$(field "$line" kernels)" "every kernel of the stress run recorded"
is "$(q stress.gpupack "select count(*) from stream")" "$((8 * 60))" "every stream the job created is described"

# --- CUPTI 13.0: zero kernel timestamps with a timestamp callback ------------------
# The fake plays CUPTI 13.0 Update 1 by default; with a timestamp callback
# registered every 4th kernel record comes without timestamps, as the real
# 12.6 Update 2 to 13.0 do (fixed in 13.1).
rec $GP_RUN "$GPUPACK" record -o z130.gpupack -- "$PROGS/sim_basic"
line=$(printf '%s\n' "$err" | grep '^sim_basic:')
is "$(q z130.gpupack 'select count(*) from kernel')" "$(field "$line" kernels)" "CUPTI 13.0: every kernel kept"
is "$(q z130.gpupack 'select coalesce(sum(count), 0) from dropped where source = 6')" 0 "CUPTI 13.0: none without timestamps"
is "$(q z130.gpupack 'select count(*) from kernel k join api a on a.correlation = k.correlation where k.start_ns < a.start_ns')" 0 \
   "CUPTI's own clock converted: no kernel starts before its launch call"
is "$(q z130.gpupack "select count(*) from kernel k join strings s on s.id = k.name where s.text = 'kernA' and abs(k.end_ns - k.start_ns - 50000) <= 100")" 5 \
   "CUPTI's own clock converted: kernA ran its 50 us"
is "$(q z130.gpupack 'select count(*) from api where end_ns < start_ns or start_ns <= 0')" 0 "API calls on the same clock"

# Forcing the callback on an affected CUPTI shows what happens to those
# that still arrive without timestamps: counted and reported, not silent.
rec GPUPACK_CUPTI_CLOCK=callback $GP_RUN "$GPUPACK" record -o zcb.gpupack -- "$PROGS/sim_basic"
kernels=$(q zcb.gpupack 'select count(*) from kernel')
zero=$(q zcb.gpupack 'select coalesce(sum(count), 0) from dropped where source = 6')
is "$((kernels + zero))" 10 "callback forced on CUPTI 13.0: kept + counted = the 10 kernels"
ok "$([ "$zero" -gt 0 ]; echo $?)" "callback forced on CUPTI 13.0: $zero kernels arrived without timestamps"
like "$err" "without timestamps" "record's summary says kernels came without timestamps"
run gpupack info zcb.gpupack
like "$out" "without timestamps" "gpupack info says so"
run gpupack report zcb.gpupack --format json -o zcb.json
is "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"].get("kernels_without_timestamps"))' zcb.json)" \
   "$zero" "the report counts them"

rec SIMGPU_CUPTI_VERSION=130100 $GP_RUN "$GPUPACK" record -o z131.gpupack -- "$PROGS/sim_basic"
is "$(q z131.gpupack 'select count(*) from kernel')" 10 "CUPTI 13.1: every kernel, through our timestamp callback"
is "$(q z131.gpupack 'select cupti_version from process')" 130100 "CUPTI 13.1 reported in the trace"

# --- API records that explain nothing are not recorded -----------------------------
# A launch loop that asks for the current context before every launch, as
# frameworks do: one API record per launch, not two; GPUPACK_API_SKIP=none
# keeps them all.
rec $GP_RUN "$GPUPACK" record -o query.gpupack -- "$PROGS/sim_launches" 2000 --query
is "$(q query.gpupack "select count(*) from api a join strings s on s.id = a.name where s.text = 'cuCtxGetCurrent'")" 0 \
   "cuCtxGetCurrent before every launch: no records for it"
is "$(q query.gpupack 'select (select count(*) from api) <= (select count(*) from kernel) + 20')" 1 \
   "at most one API record per launch (plus the job's set-up calls)"
rec GPUPACK_API_SKIP=none $GP_RUN "$GPUPACK" record -o queryall.gpupack -- "$PROGS/sim_launches" 2000 --query
is "$(q queryall.gpupack "select count(*) from api a join strings s on s.id = a.name where s.text = 'cuCtxGetCurrent'")" 2000 \
   "GPUPACK_API_SKIP=none: every query recorded"
rec GPUPACK_API_SKIP=+cuLaunchKernel $GP_RUN "$GPUPACK" record -o queryplus.gpupack -- "$PROGS/sim_launches" 2000 --query
is "$(q queryplus.gpupack "select count(*) from api a join strings s on s.id = a.name where s.text in ('cuLaunchKernel', 'cuCtxGetCurrent')")" 0 \
   "GPUPACK_API_SKIP=+name adds to the list"
is "$(q queryplus.gpupack 'select count(*) from kernel')" 2000 "kernels are recorded whatever API records are skipped"

# --- CUDA 12 stacks ----------------------------------------------------------------
mkdir -p lib lib13
cp "$FAKE" lib/libcupti.so.12     # plays CUPTI 12.9 Update 1 under this name
cp "$FAKE" lib/libcupti.so.13
cp "$FAKE" lib13/libcupti.so.13
unset GPUPACK_CUPTI_PATH
export LD_LIBRARY_PATH="$T/lib:$SIM/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# A job that brings CUPTI 12 (as PyTorch's cu12x wheels do) on a CUDA 13
# driver: its CUPTI is used, not a second one.
rec $GP_RUN "$GPUPACK" record -o pre12.gpupack -- "$PROGS/sim_preload" libcupti.so.12
line=$(printf '%s\n' "$err" | grep '^sim_preload:')
is "$rc" 0 "a job with its own CUPTI 12"
is "$(field "$line" cupti_libs)" 1 "one CUPTI in the process, not two"
is "$(q pre12.gpupack 'select cupti_version from process')" 28 "the job's CUPTI 12.9 was used"
is "$(q pre12.gpupack 'select count(*) from kernel')" 4 "and recorded every kernel (CUPTI 12 records)"

rec GPUPACK_CUPTI_PATH="$T/lib13/libcupti.so.13" $GP_RUN "$GPUPACK" record -o pre12env.gpupack -- \
    "$PROGS/sim_preload" libcupti.so.12
line=$(printf '%s\n' "$err" | grep '^sim_preload:')
is "$(field "$line" cupti_libs)" 1 "GPUPACK_CUPTI_PATH names another CUPTI: still one in the process"
is "$(q pre12env.gpupack 'select cupti_version from process')" 28 "the one already loaded wins"

# No CUPTI in the job: the newest the driver supports.
rec $GP_RUN "$GPUPACK" record -o d13.gpupack -- "$PROGS/sim_preload"
is "$(q d13.gpupack 'select cupti_version from process')" 130001 "CUDA 13 driver: CUPTI 13 chosen"
rec SIMGPU_DRIVER_VERSION=12040 $GP_RUN "$GPUPACK" record -o d124.gpupack -- "$PROGS/sim_preload"
is "$(q d124.gpupack 'select cupti_version from process')" 28 "CUDA 12.4 driver: CUPTI 12 chosen"
is "$(q d124.gpupack 'select driver_version from process')" 12040 "the driver's version in the trace"
is "$(q d124.gpupack 'select count(*) from kernel')" 4 "and every kernel recorded"

# A CUDA 12 driver with only CUPTI 13 around: one line, the job runs on.
rec SIMGPU_DRIVER_VERSION=12040 LD_LIBRARY_PATH="$T/lib13:$SIM/.libs" \
    $GP_RUN "$GPUPACK" record -o old.gpupack -- "$PROGS/sim_preload"
is "$rc" 0 "driver too old for CUPTI 13: the job still runs and exits 0"
like "$err" "the CUDA driver is 12.4, too old for CUPTI 13" "the message names the driver and the CUPTI found"
like "$err" "nvidia-cuda-cupti-cu12==12.4" "and says what would work"
is "$(printf '%s\n' "$err" | grep -c 'too old for CUPTI 13')" 1 "in one line"
rec SIMGPU_DRIVER_VERSION=12040 GPUPACK_CUPTI_PATH="$T/lib13/libcupti.so.13" \
    $GP_RUN "$GPUPACK" record -o old2.gpupack -- "$PROGS/sim_preload"
like "$err" "the CUDA driver is 12.4, too old for CUPTI 13.0" "GPUPACK_CUPTI_PATH at a CUPTI 13 on a 12.4 driver: said plainly"
done_testing
