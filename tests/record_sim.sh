#!/bin/bash
# record_sim.sh: `gpupack record` end to end on the simulated GPU
# (tests/simgpu: a fake driver and a fake CUPTI; a test fixture, not a GPU).
# Each program prints what it did; the trace must say the same.
. "$GP_SRCDIR/tests/lib.sh"
cd "$T" || exit 1
SIM="$GP_BUILDDIR/tests/simgpu"
PROGS="$SIM/progs"
if [ ! -x "$PROGS/sim_basic" ] || [ ! -f "$GP_BUILDDIR/collector/.libs/libgpupack_collector.so" ]; then
    skip "simulated GPU or collector not built (no CUDA toolkit)"
    done_testing
    exit
fi
export GPUPACK_CUPTI_PATH="$SIM/.libs/libsimcupti.so"
export LD_LIBRARY_PATH="$SIM/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export GPUPACK_FLUSH_MS=50

# q TRACE SQL: one value from the trace.
q() { python3 -c 'import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone(); print(r[0] if r else "")' "$@"; }
# field LINE NAME: NAME=value from a program's summary line.
field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }

# anchor_bounds: "LO HI" with LO <= CLOCK_REALTIME - CLOCK_MONOTONIC <= HI now,
# measured by Python (realtime read between two monotonic reads), not gpupack.
anchor_bounds() { python3 -c 'import time
m1 = time.clock_gettime_ns(time.CLOCK_MONOTONIC); r = time.time_ns()
m2 = time.clock_gettime_ns(time.CLOCK_MONOTONIC); print(r - m2, r - m1)'; }
# anchors_within TRACE WHERE LO0 HI0 LO1 HI1: every process row matching WHERE
# has host = this host and start/end anchors within the bounds measured before
# and after the run, give or take each anchor's stated error (the anchor moves
# only when the wall clock is stepped, so both ends bound it). Prints "ok" or why not.
anchors_within() { python3 - "$@" <<'PY'
import socket, sqlite3, sys
path, where, lo0, hi0, lo1, hi1 = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
lo, hi = min(lo0, lo1), max(hi0, hi1)
db = sqlite3.connect(path)
rows = db.execute("select p.pid, s.text, anchor_start_ns, anchor_start_err_ns, anchor_end_ns, "
                  "anchor_end_err_ns from process p left join strings s on s.id = p.hostname "
                  "where " + where).fetchall()
bad = [] if rows else ["no process"]
for pid, host, a0, e0, a1, e1 in rows:
    if host != socket.gethostname():
        bad.append("pid %d: host %r" % (pid, host))
    for a, e in ((a0, e0), (a1, e1)):
        if not (0 <= e < 10**9 and a and lo - e <= a <= hi + e):
            bad.append("pid %d: anchor %d +/- %d not in [%d, %d]" % (pid, a, e, lo, hi))
print("ok" if not bad else "; ".join(bad))
PY
}

# --- what the program did is what the trace holds -------------------------------
read -r lo0 hi0 < <(anchor_bounds)
run gpupack record -o basic.gpupack -- "$PROGS/sim_basic"
is "$rc" 0 "sim_basic recorded"
read -r lo1 hi1 < <(anchor_bounds)
is "$(anchors_within basic.gpupack 1 $lo0 $hi0 $lo1 $hi1)" ok \
   "its process: this host's name, start and end anchors within the bounds measured around the run"
is "$(q basic.gpupack 'select count(*) from process where collector_version and anchor_end_ns')" 1 \
   "the process's collector said its own end anchor (goodbye)"
me=$(python3 -c 'import socket; print(socket.gethostname())')
is "$(q basic.gpupack "select value from meta where key = 'host'")" "$me" \
   "the trace's meta names the recorder's host"
is "$(python3 - basic.gpupack $lo0 $hi0 $lo1 $hi1 <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
lo, hi = min(int(sys.argv[2]), int(sys.argv[4])), max(int(sys.argv[3]), int(sys.argv[5]))
m = dict(db.execute("select key, value from meta where key like 'anchor_%'").fetchall())
def within(k):
    a, e = int(m[k + "_ns"]), int(m[k + "_err_ns"])
    return lo - e <= a <= hi + e
ok = len(m) == 4 and within("anchor_start") and within("anchor_end")
print("ok" if ok else m)
PY
)" ok "the recorder's own start and end anchors are in the trace's meta, within the bounds"
line=$(printf '%s\n' "$err" | grep '^sim_basic:')
is "$(q basic.gpupack 'select count(*) from kernel')" "$(field "$line" kernels)" "kernels match the program"
is "$(q basic.gpupack 'select count(*) from memcpy')" "$(field "$line" memcpy)" "copies match"
is "$(q basic.gpupack 'select count(*) from memset')" "$(field "$line" memset)" "memsets match"
is "$(q basic.gpupack 'select count(*) from sync')" "$(field "$line" sync)" "synchronizations match"
is "$(q basic.gpupack 'select count(*) from nvtx where start_ns < end_ns')" "$(field "$line" nvtx_ranges)" "NVTX ranges match"
is "$(q basic.gpupack 'select count(*) from nvtx where start_ns = end_ns')" "$(field "$line" nvtx_marks)" "NVTX marks match"
is "$(q basic.gpupack "select count(*) from nvtx n join strings s on s.id = n.name where s.text = 'step'")" 5 "the ranges are named 'step'"
is "$(q basic.gpupack 'select count(*) from kernel k join api a on a.pid = k.pid and a.correlation = k.correlation')" \
   "$(field "$line" kernels)" "every kernel joins its launch call by correlation id"
is "$(q basic.gpupack "select count(*) from kernel k join api a on a.pid = k.pid and a.correlation = k.correlation join strings s on s.id = a.name where s.text = 'cuLaunchKernel'")" \
   "$(field "$line" kernels)" "and that call is cuLaunchKernel"
is "$(q basic.gpupack 'select count(*) from memcpy m join api a on a.pid = m.pid and a.correlation = m.correlation')" \
   "$(field "$line" memcpy)" "every copy joins its call"
is "$(q basic.gpupack 'select count(*) from kernel where start_ns >= end_ns')" 0 "kernels have positive durations"
is "$(q basic.gpupack 'select count(*) from kernel k join api a on a.correlation = k.correlation where k.start_ns < a.start_ns')" 0 \
   "no kernel starts before its launch call (one clock)"
is "$(q basic.gpupack "select count(*) from kernel k join strings s on s.id = k.name where s.text = 'kernA' and k.end_ns - k.start_ns = 50000")" 5 \
   "kernA ran 5 times for its 50 us"
is "$(q basic.gpupack "select count(*) from device d join strings s on s.id = d.name where s.text like '%simulated%'")" 1 "the device says it is simulated"
is "$(q basic.gpupack 'select end_reason || ":" || exit_status from process')" "1:0" "the process exited 0"
is "$(q basic.gpupack "select value from meta where key = 'complete'")" 1 "the trace is complete"
like "$err" "GPU 0 (gpupack simulated GPU)" "the summary names the (simulated) GPU"

# --- graphs, several GPUs, threads, fork, a shell script around CUDA ---------------
run gpupack record -o graph.gpupack -- "$PROGS/sim_graph"
line=$(printf '%s\n' "$err" | grep '^sim_graph:')
is "$(q graph.gpupack 'select count(*) from kernel where graph_id != 0')" "$(field "$line" kernels)" "graph kernels carry their graph id"
is "$(q graph.gpupack "select count(*) from api a join strings s on s.id = a.name where s.text = 'cuGraphLaunch'")" \
   "$(field "$line" graphs)" "graph launches are recorded"
is "$(q graph.gpupack 'select coalesce(sum(count), 0) from dropped')" 0 "a graph program: nothing lost"
# Killed after its work was flushed: launches into the capture became graph
# nodes, not GPU work of their own, so nothing is estimated as lost.
run gpupack record -o graphkill.gpupack -- "$PROGS/sim_graph" killed
is "$rc" 137 "a graph program killed by SIGKILL"
is "$(q graphkill.gpupack 'select count(*) from kernel')" 12 "its 12 kernels were recorded before"
is "$(q graphkill.gpupack 'select coalesce(sum(count), 0) from dropped where source = 4')" 0 \
   "none estimated as lost (captured launches are not operations of their own)"

run env SIMGPU_DEVICES=2 $GP_RUN "$GPUPACK" record -o multi.gpupack -- "$PROGS/sim_multi"
is "$(q multi.gpupack 'select count(distinct device) from kernel')" 2 "kernels on both GPUs"
is "$(q multi.gpupack 'select count(*) from device')" 2 "both GPUs described"
is "$(q multi.gpupack 'select count(*) from context')" 2 "a context per GPU"

run gpupack record -o threads.gpupack -- "$PROGS/sim_threads"
line=$(printf '%s\n' "$err" | grep '^sim_threads:')
is "$(q threads.gpupack 'select count(*) from kernel')" "$(field "$line" kernels)" "kernels from four threads"
ok "$([ "$(q threads.gpupack 'select count(distinct tid) from api')" -ge 4 ]; echo $?)" "API calls carry their threads' ids"

run gpupack record -o fork.gpupack -- "$PROGS/sim_fork"
is "$rc" 0 "a job that forks"
is "$(q fork.gpupack 'select count(distinct pid) from kernel')" 2 "parent and child both recorded"
is "$(q fork.gpupack 'select count(*) from kernel')" 6 "3 kernels each"
is "$(q fork.gpupack 'select count(*) from process')" 2 "two processes in the trace"

read -r lo0 hi0 < <(anchor_bounds)
run gpupack record -o script.gpupack -- sh -c "echo starting; '$PROGS/sim_basic'; echo done"
is "$rc" 0 "a shell script that starts a CUDA program"
read -r lo1 hi1 < <(anchor_bounds)
is "$(anchors_within script.gpupack 1 $lo0 $hi0 $lo1 $hi1)" ok \
   "both processes, the shell without a collector too, have this host and anchors within bounds"
is "$(q script.gpupack 'select count(*) from kernel')" 10 "the child's kernels are recorded"
is "$(q script.gpupack 'select count(*) from process')" 2 "the shell and its child are both processes of the job"
[ "$(q script.gpupack 'select count(*) from process')" = 2 ] ||
    python3 -c 'import sqlite3,sys; [print("#", r) for r in sqlite3.connect(sys.argv[1]).execute("select pid, ppid, start_ns, end_ns, end_reason, exit_status from process")]' script.gpupack

run gpupack record -o exit3.gpupack -- "$PROGS/sim_exit" 3
is "$rc" 3 "the job's exit status 3 comes back"
is "$(q exit3.gpupack 'select count(*) from kernel')" 1 "its kernel is recorded"

# --- programs on the CUDA runtime (the simulated GPU's fake libcudart.so.13) -------------
# Their launches reach the driver without driver API calls, as with the real
# runtime: the trace joins each kernel to the runtime call that issued it.
api_of() { # TRACE TABLE NAME DOMAIN: rows of TABLE joined to their API call NAME of DOMAIN
    q "$1" "select count(*) from $2 k join api a on a.pid = k.pid and a.correlation = k.correlation join strings s on s.id = a.name where s.text = '$3' and a.domain = $4"
}
run gpupack record -o rtcap.gpupack -- "$PROGS/sim_rt_capture" --rounds 10 --gap-us 100
is "$rc" 0 "sim_rt_capture recorded"
line=$(printf '%s\n' "$err" | grep '^sim_rt_capture:')
is "$(q rtcap.gpupack 'select count(*) from kernel')" "$(field "$line" kernels)" "every kernel of the runtime program is recorded"
is "$(q rtcap.gpupack 'select count(*) from kernel k join api a on a.pid = k.pid and a.correlation = k.correlation where a.domain = 2')" \
   "$(field "$line" kernels)" "each joins a runtime API call by correlation id"
is "$(api_of rtcap.gpupack kernel __cudaLaunchKernel_v13000 2)" 10 "the side stream's kernels: __cudaLaunchKernel"
is "$(api_of rtcap.gpupack kernel cudaGraphLaunch_v10000 2)" $(( $(field "$line" kernels) - 10 )) \
   "the graph's kernels: cudaGraphLaunch"
is "$(q rtcap.gpupack 'select count(*) from kernel where graph_id != 0')" $(( $(field "$line" kernels) - 10 )) \
   "and they carry their graph id"
is "$(api_of rtcap.gpupack sync cudaStreamSynchronize_v3020 2)" "$(field "$line" sync)" \
   "synchronizations join cudaStreamSynchronize"
is "$(q rtcap.gpupack "select count(*) from api a join strings s on s.id = a.name where a.domain = 1 and s.text = 'cuLaunchKernel'")" 10 \
   "driver API launches: only the program's own cuLaunchKernel (the runtime's calls into the driver are none)"
run gpupack record -o rttrain.gpupack -- "$PROGS/sim_rt_train" --steps 5 --kernels 8
is "$(api_of rttrain.gpupack kernel __cudaLaunchKernel_v13000 2)" 40 "sim_rt_train: 40 kernels, each joined to its __cudaLaunchKernel"

# The same job through the driver and through the runtime, killed with work
# in flight: the same kernels recorded, and the same estimate of what was
# lost (issued but never recorded: the 7 launches still running).
for prog in sim_train sim_rt_train; do
    run gpupack record -o "lost-$prog.gpupack" -- "$PROGS/$prog" --steps 5 --kernels 8 --die-with 7
    is "$rc" 137 "$prog --die-with 7: killed"
    is "$(q "lost-$prog.gpupack" 'select count(*) from kernel')" 40 "$prog: the 40 finished kernels are recorded"
    is "$(q "lost-$prog.gpupack" 'select coalesce(sum(count), 0) from dropped where source = 4')" 7 \
       "$prog: the trace counts the 7 launches in flight as lost"
done

# --- failure paths: one line, the job runs on ------------------------------------------
run gpupack record -o taken.gpupack -- "$PROGS/sim_taken"
is "$rc" 0 "CUPTI taken by another profiler: the job still exits 0"
is "$(printf '%s\n' "$err" | grep -c '^gpupack: pid')" 1 "one line from the collector"
like "$err" "CUPTI is already in use by CUPTI for other-profiler" "naming the other subscriber"
is "$(q taken.gpupack 'select count(*) from kernel')" 0 "and nothing is recorded for that process"

run env GPUPACK_CUPTI_PATH=/nonexistent/libcupti.so $GP_RUN "$GPUPACK" record -o nocupti.gpupack -- "$PROGS/sim_basic"
is "$rc" 0 "no CUPTI: the job exits 0"
is "$(printf '%s\n' "$err" | grep -c '^gpupack: pid')" 1 "no CUPTI: one line"
like "$err" "cannot load CUPTI" "saying so"

run gpupack record --counters -o counters.gpupack -- "$PROGS/sim_run" 1
is "$rc" 0 "--counters on a device without PM sampling: the job exits 0"
like "$err" "no hardware counters on GPU 0" "and says there are no counters"
ok "$([ "$(q counters.gpupack 'select count(*) from kernel')" -gt 0 ]; echo $?)" "recording goes on"

# --- losses are counted, never silent -------------------------------------------------------
# A tiny CUPTI queue and slow flushes: CUPTI drops records, and says how many.
run env SIMGPU_CUPTI_QUEUE_MAX=2000 GPUPACK_FLUSH_MS=2000 $GP_RUN "$GPUPACK" record -o drops.gpupack -- "$PROGS/sim_launches" 20000
is "$rc" 0 "a job that overflows CUPTI's buffers runs to the end"
kept=$(q drops.gpupack 'select count(*) from kernel')
lost=$(q drops.gpupack 'select coalesce(sum(count), 0) from dropped where source = 1')
ok "$([ "$lost" -gt 0 ]; echo $?)" "CUPTI's drops are in the trace ($lost)"
ok "$([ "$kept" -lt 20000 ]; echo $?)" "fewer kernels than launched ($kept)"

# kill -9 of the job: what was flushed stays; the trace says it was killed.
gpupack record -o killed.gpupack -- "$PROGS/sim_run" 20 >/dev/null 2>"$T/killed.err" &
rec=$!
for _ in $(seq 100); do
    job=$(pgrep -f "^$PROGS/sim_run 20\$" | head -1) # the job, not its recorder
    [ -n "$job" ] && [ "$(q killed.gpupack 'select count(*) from kernel' 2>/dev/null || echo 0)" -gt 0 ] 2>/dev/null && break
    sleep 0.1
done
sleep 0.5
kill -9 "$job" 2>/dev/null
wait $rec
is "$?" 137 "a job killed with SIGKILL: record exits 137"
ok "$([ "$(q killed.gpupack 'select count(*) from kernel')" -gt 0 ]; echo $?)" "the kernels flushed before the kill are in the trace"
is "$(q killed.gpupack 'select end_reason || ":" || signal from process')" "2:9" "the process is marked killed by signal 9"
is "$(q killed.gpupack "select value from meta where key = 'complete'")" 1 "the trace is still finished"

# kill -9 of the recorder: the job finishes normally; its records go to a spool.
mkdir spool
GPUPACK_SPOOL_DIR="$T/spool" $GP_RUN "$GPUPACK" record -o lost.gpupack -- "$PROGS/sim_run" 2 >/dev/null 2>"$T/lost.err" &
rec=$!
for _ in $(seq 100); do
    job=$(pgrep -f "^$PROGS/sim_run 2\$" | head -1)
    [ -n "$job" ] && break
    sleep 0.1
done
sleep 0.5
kill -9 $rec
wait $rec 2>/dev/null
while kill -0 "$job" 2>/dev/null; do sleep 0.1; done
spool=$(ls spool/*.gpspool 2>/dev/null | head -1)
ok "$([ -n "$spool" ]; echo $?)" "the job, cut off from its recorder, spools its records"
like "$(cat "$T/lost.err")" "lost the recorder" "and says so in one line"
if [ -n "$spool" ]; then
    run gpupack import "$spool" -o fromspool.gpupack
    is "$rc" 0 "the spool imports"
    ok "$([ "$(q fromspool.gpupack 'select count(*) from kernel')" -gt 0 ]; echo $?)" "with the kernels run after the recorder died"
    is "$(q fromspool.gpupack 'select end_reason from process')" 1 "and the process's clean exit"
else
    skip "no spool"; skip "no spool"; skip "no spool"
fi

# Without a recorder at all, a process spools (what CUDA_INJECTION64_PATH alone gives).
mkdir alone
read -r lo0 hi0 < <(anchor_bounds)
run env -u GPUPACK_SOCKET CUDA_INJECTION64_PATH="$GP_BUILDDIR/collector/.libs/libgpupack_collector.so" \
    GPUPACK_SPOOL_DIR="$T/alone" "$PROGS/sim_basic"
is "$rc" 0 "injected without a recorder: the program runs"
ok "$(ls alone/*.gpspool >/dev/null 2>&1; echo $?)" "and leaves a spool file"
run gpupack import alone/*.gpspool -o alone.gpupack
is "$(q alone.gpupack 'select count(*) from kernel')" 10 "the spool holds all 10 kernels"
read -r lo1 hi1 < <(anchor_bounds)
is "$(anchors_within alone.gpupack 1 $lo0 $hi0 $lo1 $hi1)" ok \
   "and its process's host and start and end anchors, within the bounds measured around it"

done_testing
