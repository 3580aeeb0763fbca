#!/bin/bash
# top.sh: gpupack top end to end: options and errors, one-screen snapshots,
# and screen tests on a real terminal (tmux send-keys / capture-pane): the
# trace browser (help, zoom, findings, resize, quit, SIGTERM) and the live
# view of a job recorded on the simulated GPU with the fake NVML (test
# fixtures: no number here is a GPU measurement).
#
# Inside tmux gpupack runs without valgrind: under valgrind the screen takes
# seconds to appear and key timing becomes flaky; the same drawing and key
# code runs under valgrind in tests/unit/test_tui, and the snapshots below
# run under it too ($GP_RUN).
. "$GP_SRCDIR/tests/lib.sh"
cd "$T" || exit 1
export XDG_RUNTIME_DIR="$T/run" # a private runtime folder: only this test's jobs
mkdir -m 700 "$XDG_RUNTIME_DIR"
FAKENVML="$GP_BUILDDIR/tests/fakenvml/.libs/libnvidia-ml.so.1"
TRACE="$GP_TRACES/a100_rank3_train.json.gz"

# --- options and errors ------------------------------------------------------------
run gpupack top --help
is "$rc" 0 "--help exits 0"
like "$out" "usage: gpupack top [options] [TRACE]" "--help prints the usage"
run gpupack top -d 0.05
is "$rc" 2 "a delay under 0.1 s is refused"
like "$err" "--delay takes seconds from 0.1" "and the message says the range"
run gpupack top "$T/nothere.gpupack"
is "$rc" 2 "a missing trace exits 2"
like "$err" "nothere.gpupack" "naming the file"
printf 'not a trace' > bad.gpupack
run gpupack top bad.gpupack
is "$rc" 2 "a file that is no trace exits 2"
like "$err" "bad.gpupack" "naming it"
run gpupack top "$TRACE" </dev/null
is "$rc" 2 "without a terminal it says so"
like "$err" "needs a terminal" "and points at --snapshot"

# --- one screen as text ---------------------------------------------------------------
run gpupack top --snapshot 100x30 "$TRACE"
is "$rc" 0 "trace snapshot"
like "$out" "gpupack top - $(basename "$TRACE")" "header names the trace"
like "$out" "timeline 0 ns .. " "the timeline panel"
like "$out" "q quit ? help" "the key bar"
is "$(printf '%s\n' "$out" | wc -l)" 30 "30 rows"
is "$(printf '%s\n' "$out" | awk 'length > 100' | wc -l)" 0 "none wider than 100 columns"
run env GPUPACK_NVML_PATH="$T/no-such-libnvidia-ml.so.1" $GP_RUN "$GPUPACK" top --snapshot 80x24 -d 0.1
is "$rc" 0 "live snapshot without NVML"
like "$out" "no GPU readings: NVML library not found" "says there is no NVML"
like "$out" "no job is being recorded" "and still shows the jobs panel"
if [ -f "$FAKENVML" ]; then
    run env GPUPACK_NVML_PATH="$FAKENVML" FAKENVML_GPUS=8 $GP_RUN "$GPUPACK" top --snapshot 120x40 -d 0.1
    is "$rc" 0 "live snapshot with the fake NVML"
    is "$(printf '%s\n' "$out" | grep -c 'gpupack fake NVML')" 8 "one row per fake GPU"
    like "$out" "8 GPUs, 0 jobs recorded" "header counts them"
else
    skip "fake NVML not built"
fi

# A socket that speaks nonsense, and a stale one nobody listens on: neither is a job.
mkdir -p -m 700 "$XDG_RUNTIME_DIR/gpupack"
python3 - "$XDG_RUNTIME_DIR/gpupack" <<'PY' &
import os, socket, sys, time
d = sys.argv[1]
stale = socket.socket(socket.AF_UNIX); stale.bind(d + "/live-2.sock"); stale.close()
s = socket.socket(socket.AF_UNIX); s.bind(d + "/live-1.sock"); s.listen(4)
s.settimeout(20)
end = time.time() + 20
while time.time() < end:
    try:
        c, _ = s.accept()
    except OSError:
        break
    c.recv(16)
    open(d + "/../asked", "w").close()
    c.sendall(b"gpupack-live 1\npid 1\ncmd evil\nkernels 5 -1\nend\n")
    c.close()
PY
evil=$!
i=0; while [ ! -S "$XDG_RUNTIME_DIR/gpupack/live-1.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
run env GPUPACK_NVML_PATH="$T/no-such-libnvidia-ml.so.1" $GP_RUN "$GPUPACK" top --snapshot 80x24 -d 0.1
is "$rc" 0 "a bad and a stale live socket do not stop top"
like "$out" "0 jobs recorded" "neither is shown as a job"
unlike "$out" "evil" "nothing of the bad snapshot reaches the screen"
ok "$([ -e "$XDG_RUNTIME_DIR/asked" ]; echo $?)" "top did ask the bad socket for a snapshot"
kill $evil 2>/dev/null; wait $evil 2>/dev/null
rm -f "$XDG_RUNTIME_DIR"/gpupack/live-*.sock

# --- screen tests -------------------------------------------------------------------------
if ! command -v tmux >/dev/null 2>&1; then
    skip "tmux not installed: no screen tests"
    done_testing
    exit
fi
TM="gp$$"
. "$GP_SRCDIR/tests/top_lib.sh"
trap 'tm kill-server >/dev/null 2>&1; rm -rf "$T"' EXIT
pane() { tm display-message -p -t "$1" "$2"; }
across() { screen "$1" | sed -n 's/.*timeline .*(\(.*\) across).*/\1/p' | head -1; }

tm new-session -d -s trace -x 100 -y 30 \
    "env TERM=xterm-256color '$GPUPACK' top '$TRACE'; echo \"EXITED rc=\$?\"; sleep 60"
wait_for trace "q quit ? help"; ok $? "the trace browser starts"
like "$(screen trace)" "idle gaps by cause" "it shows the idle causes"
like "$(screen trace)" "kernels by time" "and the kernels"
is "$(pane trace '#{alternate_on}')" 1 "on the alternate screen"
colours() { tm capture-pane -e -p -t "$1" | grep -c $'\e\\[[0-9;]*3[0-7]m'; }
ok "$([ "$(colours trace)" -gt 0 ]; echo $?)" "in colour by default"
tm send-keys -t trace '?'
wait_for trace "help: gpupack top keys"; ok $? "? shows the help"
tm send-keys -t trace x
wait_gone trace "help: gpupack top keys"; ok $? "another key closes it"
span0=$(across trace)
tm send-keys -t trace +
i=0; while [ "$(across trace)" = "$span0" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
span1=$(across trace)
ok "$([ -n "$span1" ] && [ "$span1" != "$span0" ]; echo $?)" "+ zooms the timeline ($span0 -> $span1 across)"
tm send-keys -t trace 0
i=0; while [ "$(across trace)" != "$span0" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
is "$(across trace)" "$span0" "0 shows the whole trace again"
tm send-keys -t trace n
if wait_for trace "finding 1 of" 5; then
    ok 0 "n selects the first finding"
    like "$(screen trace)" "fix: " "and shows its fix"
else
    like "$(screen trace)" "no findings in this trace" "n says when there is no finding"
    skip "no finding to show"
fi
tm send-keys -t trace Down
wait_for trace "@ " ; ok $? "the status line shows the cursor"
tm resize-window -t trace -x 80 -y 24
wait_for trace "timeline"; sleep 0.3
is "$(screen trace | awk 'length > 80' | wc -l)" 0 "resized to 80x24: nothing wider"
like "$(screen trace)" "q quit ? help" "the key bar is still there"
tm send-keys -t trace q
wait_for trace "EXITED rc=0"; ok $? "q quits with status 0"
is "$(pane trace '#{alternate_on}')" 0 "the terminal is restored (normal screen)"

tm new-session -d -s term -x 100 -y 30 \
    "env TERM=xterm-256color NO_COLOR=1 sh -c 'echo \$\$ > \"$T/top.pid\"; exec \"$GPUPACK\" top \"$TRACE\"'; echo \"EXITED rc=\$?\"; sleep 60"
wait_for term "q quit ? help"; ok $? "started for the signal test (NO_COLOR set)"
is "$(colours term)" 0 "NO_COLOR: no colour"
kill -TERM "$(cat "$T/top.pid")"
wait_for term "EXITED rc=0"; ok $? "SIGTERM: clean exit"
is "$(pane term '#{alternate_on}')" 0 "SIGTERM: the terminal is restored"
kill -0 "$(cat "$T/top.pid")" 2>/dev/null
ok "$([ $? != 0 ]; echo $?)" "SIGTERM: the process is gone"

tm new-session -d -s intr -x 100 -y 30 \
    "env TERM=xterm-256color '$GPUPACK' top '$TRACE'; echo \"EXITED rc=\$?\"; sleep 60"
wait_for intr "q quit ? help"; ok $? "started for Ctrl-C"
tm send-keys -t intr C-c
wait_for intr "EXITED rc=0"; ok $? "Ctrl-C: clean exit"
is "$(pane intr '#{alternate_on}')" 0 "Ctrl-C: the terminal is restored"

# --- live: a job recorded on the simulated GPU, GPUs from the fake NVML ------------------
SIM="$GP_BUILDDIR/tests/simgpu"
if [ ! -x "$SIM/progs/sim_run" ] || [ ! -f "$GP_BUILDDIR/collector/.libs/libgpupack_collector.so" ] ||
   [ ! -f "$FAKENVML" ]; then
    skip "simulated GPU, collector or fake NVML not built"
    done_testing
    exit
fi
export GPUPACK_CUPTI_PATH="$SIM/.libs/libsimcupti.so"
export LD_LIBRARY_PATH="$SIM/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export GPUPACK_FLUSH_MS=50
export GPUPACK_NVML_PATH="$FAKENVML" FAKENVML_GPUS=2
"$GPUPACK" record -q -o live.gpupack -- "$SIM/progs/sim_run" 30 2>record.err &
rec=$!
i=0; while ! ls "$XDG_RUNTIME_DIR"/gpupack/live-*.sock >/dev/null 2>&1 && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ok "$(ls "$XDG_RUNTIME_DIR"/gpupack/live-$rec.sock >/dev/null 2>&1; echo $?)" "the recorder publishes live-$rec.sock"
is "$(stat -c %a "$XDG_RUNTIME_DIR"/gpupack/live-$rec.sock 2>/dev/null)" 600 "mode 0600"
# (the tmux server kept the environment it started with: pass what top needs)
tm new-session -d -s live -x 120 -y 40 \
    "env TERM=xterm-256color XDG_RUNTIME_DIR='$XDG_RUNTIME_DIR' GPUPACK_NVML_PATH='$FAKENVML' FAKENVML_GPUS=2 '$GPUPACK' top -d 0.2; echo \"EXITED rc=\$?\"; sleep 60"
wait_for live "2 GPUs, 1 job recorded"; ok $? "live: two fake GPUs and the recorded job"
is "$(screen live | grep -c 'gpupack fake NVML')" 2 "a row per GPU"
wait_for live "sim_run 30"; ok $? "the job's command"
wait_for live "runK"; ok $? "its top kernel (runK)"
like "$(screen live)" "idle in the last" "its idle time by cause"
tm send-keys -t live p
wait_for live "PAUSED"; ok $? "p pauses"
tm send-keys -t live p
wait_gone live "PAUSED"; ok $? "p resumes"
tm send-keys -t live '?'
wait_for live "pause / resume"; ok $? "live help"
tm send-keys -t live x q
wait_for live "EXITED rc=0"; ok $? "live: q quits cleanly"
is "$(pane live '#{alternate_on}')" 0 "and restores the terminal"
kill -INT $rec
wait $rec
ok "$([ ! -e "$XDG_RUNTIME_DIR"/gpupack/live-$rec.sock ]; echo $?)" "the recorder removes its socket at the end"
done_testing
