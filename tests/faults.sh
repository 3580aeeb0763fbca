#!/bin/bash
# faults.sh: `gpupack record` when what is around it fails. The job must run
# on as if unrecorded (its exit status, its output), the trace must stay
# readable, and what is lost must be said. Faults of the file system and the
# socket come from tests/faults/libfaultfs.so, preloaded into the recorder
# only; the GPU work from the simulated GPU (tests/simgpu, a test fixture).
. "$GP_SRCDIR/tests/lib.sh"
cd "$T" || exit 1
SIM="$GP_BUILDDIR/tests/simgpu"
PROGS="$SIM/progs"
SHIM="$GP_BUILDDIR/tests/faults/.libs/libfaultfs.so"
have_sim=1
if [ ! -x "$PROGS/sim_run" ] ||
    [ ! -f "$GP_BUILDDIR/collector/.libs/libgpupack_collector.so" ]; then
    have_sim=0
fi
have_shim=1
# The shim is preloaded before a sanitizer's runtime, which refuses that.
if [ ! -f "$SHIM" ] || [ -n "$GP_SANITIZERS" ]; then
    have_shim=0
fi
export GPUPACK_CUPTI_PATH="$SIM/.libs/libsimcupti.so"
export LD_LIBRARY_PATH="$SIM/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export GPUPACK_FLUSH_MS=50
# Sockets of the recorders killed below stay here, not in the user's folder.
mkdir -m 700 run && export XDG_RUNTIME_DIR="$T/run"

q() {
    python3 -c 'import sqlite3, sys
r = sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()
print(r[0] if r else "")' "$@"
}
# field LINE NAME: NAME=value from a program's summary line.
field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }
# faulty ENV... -- ARGS: gpupack with the shim preloaded into it.
faulty() {
    local env=()
    while [ "$1" != -- ]; do env+=("$1"); shift; done
    shift
    env LD_PRELOAD="$SHIM" "${env[@]}" $GP_RUN "$GPUPACK" "$@"
}
# wait_for FILE [TENTHS]: until FILE exists (at most TENTHS/10 s, default 30 s).
wait_for() {
    for _ in $(seq "${2:-300}"); do [ -e "$1" ] && return 0; sleep 0.1; done
    return 1
}
# records TRACE: every record the trace holds (all kinds but process rows)
# plus every record it counts as lost, and how many of its rows are keyed
# descriptions (device, context, stream) a later one of the same key replaces.
records() { python3 - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
kinds = ("kernel", "memcpy", "memset", "sync", "api", "nvtx", "metric", "overhead", "extcorr",
         "cosched", "device", "context", "stream")
n = sum(db.execute("select count(*) from " + k).fetchone()[0] for k in kinds)
lost = db.execute("select coalesce(sum(count), 0) from dropped").fetchone()[0]
keyed = sum(db.execute("select count(*) from " + k).fetchone()[0]
            for k in ("device", "context", "stream"))
print(n + lost, keyed)
PY
}

# --- the output folder is read-only: an error before the job starts ----------------
mkdir ro
if [ $have_shim = 1 ]; then
    # A read-only file system (root cannot write there either).
    run faulty FAULTFS_EROFS="$T/ro" -- record -q -o ro/x.gpupack -- touch started
    is "$rc" 2 "read-only file system: exit 2"
    like "$err" "ro/x.gpupack: cannot create the trace: Read-only file system" \
        "the message names the file and the reason"
    ok "$([ ! -e started ]; echo $?)" "the job is not started"
    is "$(ls ro | wc -l)" 0 "nothing is left in the folder"
    (cd ro && faulty FAULTFS_EROFS="$T/ro" -- record -q -- touch ../started) >/dev/null 2>err.txt
    is "$?" 2 "read-only current folder, default trace name: exit 2"
    like "$(cat err.txt)" "cannot create the trace: Read-only file system" "says why"
    ok "$([ ! -e started ]; echo $?)" "the job is not started"
else
    skip "fault library not built, or a sanitizer build"
fi
if [ "$(id -u)" != 0 ]; then
    chmod a-w ro
    run gpupack record -q -o ro/x.gpupack -- touch started
    is "$rc" 2 "a folder without write permission: exit 2"
    like "$err" "ro/x.gpupack: cannot create the trace: Permission denied" "says why"
    ok "$([ ! -e started ]; echo $?)" "the job is not started"
    chmod u+w ro
else
    skip "running as root: folder permissions do not stop root"
fi

# A path under a file: no folder to write in, for root too.
touch afile
run gpupack record -q -o afile/x.gpupack -- touch started
is "$rc" 2 "a path under a file: exit 2"
like "$err" "afile/x.gpupack: cannot create the trace: Not a directory" "says why"
ok "$([ ! -e started ]; echo $?)" "the job is not started"

# --- two recordings to one file -------------------------------------------------------
# The first job runs until the test says go (at most 60 s), however slow
# the second recordings are (under valgrind).
$GP_RUN "$GPUPACK" record -q -o busy.gpupack -- \
    sh -c 'touch started1; for i in $(seq 600); do [ -e go1 ] && break; sleep 0.1; done; exit 3' \
    >/dev/null 2>first.err &
first=$!
wait_for started1
run gpupack record -q -o busy.gpupack -- touch started2
is "$rc" 2 "a second recording to a trace being written: exit 2"
like "$err" "busy.gpupack is being written by another gpupack" "says the trace is being written"
run gpupack record -q -f -o busy.gpupack -- touch started2
is "$rc" 2 "with -f too: exit 2"
like "$err" "busy.gpupack is being written by another gpupack" "says the trace is being written"
ok "$([ ! -e started2 ]; echo $?)" "neither second job is started"
run gpupack info busy.gpupack
is "$rc" 0 "info on the trace being written: exit 0"
like "$out" "being written (a recording is under way" "says a recording is under way"
touch go1
wait $first
is "$?" 3 "the first recording is unaffected: its job's exit status"
run gpupack info busy.gpupack
like "$out" "complete" "its trace is finished"
like "$out" "exit 3 (exit 3)" "and is its job's"
run gpupack record -q -f -o busy.gpupack -- sh -c 'exit 0'
is "$rc" 0 "once finished, -f overwrites it"
run gpupack info busy.gpupack
like "$out" "sh -c exit 0 (exit 0)" "with the new job"

if [ $have_sim = 0 ]; then
    skip "simulated GPU or collector not built (no CUDA toolkit)"
    done_testing
    exit
fi

# --- the store on a full disk ----------------------------------------------------------
if [ $have_shim = 1 ]; then
    run env LD_PRELOAD="$SHIM" FAULTFS_PROG=test_store_full FAULTFS_FILE=/tmp/gp-test- \
        $GP_RUN "$GP_BUILDDIR/tests/faults/test_store_full"
    is "$rc" 0 "test_store_full: exit 0"
    while IFS= read -r line; do
        case "$line" in
            "ok "*) ok 0 "store: ${line#ok * - }" ;;
            "not ok "*) ok 1 "store: ${line#not ok * - }" ;;
        esac
    done <<<"$out"
fi

# --- the disk fills while the job runs --------------------------------------------------
# The job fills the disk between its two programs (touch full), once the
# trace holds kernels of the first (at most 120 s later, however slow the
# recorder is). A reference run of the same job, deterministic in what it
# does and recorded without valgrind, says how many records there are to
# keep or count as lost.
# has_kernels TRACE: waits until TRACE holds a kernel (at most 120 s).
has_kernels="python3 -c 'import sqlite3, sys, time
for _ in range(1200):
    try:
        if sqlite3.connect(sys.argv[1]).execute(\"select count(*) from kernel\").fetchone()[0]:
            break
    except sqlite3.Error:
        pass
    time.sleep(0.1)'"
job() {
    echo "$PROGS/sim_launches 30000; $has_kernels $1; touch full; $PROGS/sim_launches 100000;" \
        "exit 7"
}
if [ $have_shim = 1 ]; then
    GP_RUN= run gpupack record -q -o ref.gpupack -- sh -c "$(job ref.gpupack)"
    is "$rc" 7 "reference run: the job's exit status"
    read -r ref_total ref_keyed < <(records ref.gpupack)
    rm -f full
    run timeout 300 env LD_PRELOAD="$SHIM" FAULTFS_FILE="$T/full.gpupack" \
        FAULTFS_FULL_WHEN="$T/full" \
        $GP_RUN "$GPUPACK" record -o full.gpupack -- sh -c "$(job full.gpupack)"
    is "$rc" 7 "disk full: the job runs on and its exit status is record's"
    is "$(printf '%s\n' "$err" | grep -c '^sim_launches: kernels=')" 2 \
        "both its programs ran to the end"
    ok "$(printf '%s\n' "$err" | grep -q '^faultfs: ENOSPC'; echo $?)" "the disk did fill"
    is "$(printf '%s\n' "$err" | grep '^gpupack record:' | grep -c 'ENOSPC')" 1 \
        "the recorder says so in one line"
    like "$err" "gpupack record: full.gpupack: disk full (ENOSPC)" "naming the file and ENOSPC"
    unwritten=$(printf '%s\n' "$err" | sed -n 's/^  \([0-9,]*\) records not written.*/\1/p')
    ok "$([ -n "$unwritten" ] && [ "${unwritten//,/}" -gt 0 ]; echo $?)" \
        "the summary counts the records not written (${unwritten:-none})"
    run gpupack info full.gpupack
    is "$rc" 0 "info reads what was written"
    like "$out" "cut short: writing it failed (full.gpupack: disk full (ENOSPC)" \
        "and says why it is cut short"
    like "$out" "write ${unwritten:-?}" "it counts the lost records as the summary did"
    like "$out" "the recorder could not write" "and explains them"
    is "$(q full.gpupack 'select value from meta where key = "complete"')" 0 "meta.complete is 0"
    read -r got_total _ < <(records full.gpupack)
    ok "$([ "$got_total" -ge "$ref_total" ] &&
        [ "$got_total" -le $((ref_total + ref_keyed)) ]; echo $?)" \
        "kept + counted as lost = the reference's $ref_total records (got $got_total; up to\
 $ref_keyed descriptions may count twice)"
    is "$(q full.gpupack \
        'select end_reason || ":" || exit_status from process where ppid = 0')" "1:7" \
        "the job's exit is in the trace, though it came after the disk filled"
    is "$(q full.gpupack 'pragma integrity_check')" ok "SQLite finds the file intact"
    run gpupack analyze full.gpupack
    is "$rc" 0 "analyze reads it"
    like "$out" "kernels" "and finds its kernels"
else
    skip "fault library not built, or a sanitizer build"
fi

# --- the recorder is killed (SIGKILL) while the job runs ----------------------------------
$GP_RUN "$GPUPACK" record -q -o killed.gpupack -- \
    sh -c "$PROGS/sim_run 1.5 >job.out 2>job.err; echo \$? >job.status" >/dev/null 2>rec.err &
rec=$!
for _ in $(seq 300); do grep -q 'progress t=0.5' job.err 2>/dev/null && break; sleep 0.1; done
kill -KILL $rec
wait $rec 2>/dev/null
wait_for job.status
is "$(cat job.status 2>/dev/null)" 0 "recorder killed: the job runs to the end, exit 0"
line=$(grep '^sim_run: kernels=' job.err)
ok "$([ -n "$line" ]; echo $?)" "and prints its summary"
is "$(grep -c 'lost the recorder' job.err)" 1 "its collector says once that it lost the recorder"
run gpupack info killed.gpupack
is "$rc" 0 "the trace opens"
like "$out" "cut short (the writer did not finish: killed?)" "info says it is incomplete"
kept=$(q killed.gpupack 'select count(*) from kernel')
ok "$([ "$kept" -gt 0 ]; echo $?)" "with the kernels recorded before the kill ($kept)"
spool=$(ls gpupack-*.gpspool 2>/dev/null | head -1)
ok "$([ -n "$spool" ]; echo $?)" "the rest went to a spool file"
if [ -n "$spool" ]; then
    run gpupack import "$spool" -o spool.gpupack
    spooled=$(q spool.gpupack 'select count(*) from kernel')
    ok "$([ "$spooled" -gt 0 ] &&
        [ $((kept + spooled)) -le "$(field "$line" kernels)" ]; echo $?)" \
        "which holds kernels run after the kill\
 ($spooled; $kept + $spooled <= $(field "$line" kernels))"
    rm -f "$spool"
fi
run gpupack analyze killed.gpupack
is "$rc" 0 "analyze reads the trace"
# The kernel drops the killed recorder's lock (and its job never had it).
run gpupack record -q -o killed.gpupack -- true
like "$err" "killed.gpupack already exists; use -f" "the trace is no longer being written"
run gpupack record -q -f -o killed.gpupack -- true
is "$rc" 0 "and -f replaces it"

# --- the recorder stops reading (stopped) while the job runs --------------------------------
rm -f job.status job.err
$GP_RUN "$GPUPACK" record -q -o stopped.gpupack -- \
    sh -c "$PROGS/sim_run 0.5 2>job.err; echo \$? >job.status; exit 4" >/dev/null 2>rec.err &
rec=$!
for _ in $(seq 300); do grep -q 'progress t=0.1' job.err 2>/dev/null && break; sleep 0.1; done
kill -STOP $rec
wait_for job.status 150
is "$(cat job.status 2>/dev/null)" 0 "recorder stopped: the job runs to the end without it"
kill -CONT $rec
wait $rec
is "$?" 4 "and once the recorder runs again, record exits with the job's status"
run gpupack info stopped.gpupack
like "$out" "complete" "the trace is finished"

# --- the recorder's end of the socket closes while the job runs ------------------------------
if [ $have_shim = 1 ]; then
    run faulty FAULTFS_SOCK_EOF_AFTER=100000 -- record -o closed.gpupack -- \
        sh -c "$PROGS/sim_run 1; exit 5"
    is "$rc" 5 "socket closed: the job runs on and its exit status is record's"
    like "$err" "faultfs: closing the sockets" "the socket was closed"
    line=$(printf '%s\n' "$err" | grep '^sim_run: kernels=')
    ok "$([ -n "$line" ]; echo $?)" "the job runs to the end"
    is "$(printf '%s\n' "$err" | grep -c 'lost the recorder')" 1 "its collector says so once"
    kept=$(q closed.gpupack 'select count(*) from kernel')
    ok "$([ "$kept" -gt 0 ]; echo $?)" "the trace holds the kernels sent before ($kept)"
    spool=$(ls gpupack-*.gpspool 2>/dev/null | head -1)
    ok "$([ -n "$spool" ]; echo $?)" "the rest went to a spool file"
    if [ -n "$spool" ]; then
        run gpupack import "$spool" -o closed-spool.gpupack
        spooled=$(q closed-spool.gpupack 'select count(*) from kernel')
        ok "$([ "$spooled" -gt 0 ] &&
        [ $((kept + spooled)) -le "$(field "$line" kernels)" ]; echo $?)" \
            "which holds the kernels after ($spooled; $kept + $spooled <= $(field "$line" kernels))"
    fi
else
    skip "fault library not built, or a sanitizer build"
fi

done_testing
