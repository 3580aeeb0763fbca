#!/bin/bash
# record.sh: `gpupack record` without a GPU: exit codes, names, signals,
# kills, a hostile peer on the socket.
. "$GP_SRCDIR/tests/lib.sh"
cd "$T" || exit 1
EVIL="$GP_BUILDDIR/tests/recorder/evil_client"
has_driver=0
ldconfig -p 2>/dev/null | grep -q 'libcuda.so.1 ' && has_driver=1

run gpupack record
is "$rc" 2 "no command: exit 2"
like "$err" "no command to run" "says so"
run gpupack record --nvml-hz fast -- true
is "$rc" 2 "bad --nvml-hz: exit 2"

run gpupack record -q -- true
is "$rc" 0 "a job that does not use CUDA: exit 0"
ok "$([ -f gpupack-true-1.gpupack ]; echo $?)" "default trace name gpupack-true-1.gpupack"
if [ $has_driver = 0 ]; then
    is "$(printf '%s\n' "$err" | grep -c 'no NVIDIA driver')" 1 "no driver: said in exactly one line"
else
    skip "this machine has a driver"
fi
run gpupack record -q -- true
ok "$([ -f gpupack-true-2.gpupack ]; echo $?)" "a second run does not overwrite: gpupack-true-2.gpupack"
run gpupack info gpupack-true-1.gpupack
like "$out" "true (exit 0)" "the job's process and exit status are in the trace"
like "$out" "complete" "the trace is complete"

run gpupack record -q -- sh -c 'exit 3'
is "$rc" 3 "the job's exit status 3 is record's"
run gpupack record -q -o t.gpupack -- true
is "$rc" 0 "-o names the trace"
run gpupack record -q -o t.gpupack -- true
is "$rc" 2 "an existing -o file is not overwritten: exit 2"
like "$err" "t.gpupack already exists; use -f" "and says how"
run gpupack record -q -f -o t.gpupack -- true
is "$rc" 0 "-f overwrites"

run gpupack record -q -o nocmd.gpupack -- ./no-such-program
is "$rc" 127 "a command that cannot run: exit 127"
like "$err" "cannot run './no-such-program': No such file or directory" "names it and why"
ok "$([ ! -e nocmd.gpupack ]; echo $?)" "no trace is left behind"

# The job kills itself with SIGKILL: record exits 128+9 and the trace says so.
run gpupack record -o killed.gpupack -- sh -c 'kill -9 $$'
is "$rc" 137 "a job killed by SIGKILL: exit 137"
like "$err" "killed by signal 9" "the summary says how the job ended"
run gpupack info killed.gpupack
like "$out" "killed by signal 9" "and so does the trace"

# SIGTERM to the recorder reaches the job; the trace is still finished.
$GP_RUN "$GPUPACK" record -q -o term.gpupack -- \
    sh -c 'trap "exit 42" TERM; touch started; while :; do sleep 0.05; done' >/dev/null 2>&1 &
rec=$!
for _ in $(seq 100); do [ -f started ] && break; sleep 0.1; done
kill -TERM $rec
wait $rec
is "$?" 42 "SIGTERM to record is forwarded; the job's own exit status comes back"
run gpupack info term.gpupack
like "$out" "(exit 42)" "the trace is finished and holds the status"

# A hostile or broken peer on the socket.
run gpupack record -o evil.gpupack -- "$EVIL"
is "$rc" 0 "the recorder survives a hostile peer"
like "$err" "rejected a malformed batch" "it says what it rejected"
like "$err" "over the 16777216-byte limit" "an oversized frame closes that connection"
like "$err" "5 values out of bounds" "the summary counts its hostile host name and anchors"
run gpupack info evil.gpupack
like "$out" "kernel 3" "the 3 valid kernels are kept"
like "$out" "rejected 10" "the 10 bad records (5 with impossible times) are counted as rejected"
like "$out" "rejected    5 values out of bounds" "and the 5 values out of bounds"
is "$(printf '%s' "$out" | LC_ALL=C tr -d '\n' | LC_ALL=C tr -d '\041-\176 ' | wc -c)" 0 \
   "info prints no control characters or non-ASCII bytes of the hostile host name"
# The evil client's process row: its host name cleaned and bounded, its
# anchors those the recorder took when it started it, none of the hostile ones.
read -r hlen hbad a0 a1 < <(python3 - evil.gpupack <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.text_factory = bytes
b, a0, a1 = db.execute("select s.text, p.anchor_start_ns, p.anchor_end_ns from process p "
                       "join strings s on s.id = p.hostname").fetchone()
print(len(b), sum(1 for c in b if not 0x21 <= c <= 0x7e), a0, a1)
PY
)
is "$hlen" 255 "the 10 kB host name is cut to 255 bytes"
is "$hbad" 0 "with only printable ASCII"
max=7258118400000000000 # 2200-01-01 UTC in ns
ok "$([ "$a0" -gt 0 ] && [ "$a0" -le $max ] && [ "$a1" -gt 0 ] && [ "$a1" -le $max ]; echo $?)" \
   "its anchors are within bounds ($a0, $a1), not the hostile ones"

# NVML samples (the fake NVML library: 2 GPUs): every device, at about the
# asked rate; per-process readings only for the job's own processes (pid 1,
# init, is not one of them).
FAKE="$GP_BUILDDIR/tests/fakenvml/.libs/libnvidia-ml.so.1"
if [ -f "$FAKE" ]; then
    run env GPUPACK_NVML_PATH="$FAKE" FAKENVML_GPUS=2 FAKENVML_PIDS=1:100:30 \
        $GP_RUN "$GPUPACK" record -q -o nvml.gpupack --nvml-hz 50 -- sleep 0.4
    is "$rc" 0 "record with NVML readings"
    read -r ndev nmin nmax nproc < <(python3 - nvml.gpupack <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
q = "select count(distinct device), min(c), max(c) from (select device, count(*) c from metric m join strings s on s.id = m.name where s.text = 'nvml.gpu_util_pct' group by device)"
d, lo, hi = db.execute(q).fetchone()
p = db.execute("select count(*) from metric where pid != 0").fetchone()[0]
print(d, lo, hi, p)
PY
)
    is "$ndev" 2 "both GPUs sampled"
    # 0.4 s at 50 Hz is 20 ticks; allow for start-up and a slow machine.
    ok "$([ "$nmin" -ge 8 ] && [ "$nmax" -le 30 ]; echo $?)" "about 20 samples per GPU ($nmin..$nmax)"
    is "$nproc" 0 "no per-process readings for processes outside the job"
    run gpupack info nvml.gpupack
    like "$out" "metric " "the samples are in the trace"

    # 8 GPUs at the default 10 Hz, the fake blocking as NVML does (PCIe
    # throughput 20 ms a call, the other calls 0.4-1 ms: tests/fakenvml).
    # Every GPU, everything, one after the other, a tick takes ~360 ms (~3 Hz,
    # ~9 samples in 3 s); each GPU's fast readings on a thread of its own keep
    # 10 Hz (~30). The threshold, 70 % of 10 a second over the job's 3 s, is
    # far from both.
    run env GPUPACK_NVML_PATH="$FAKE" FAKENVML_GPUS=8 \
        $GP_RUN "$GPUPACK" record -q -o rate.gpupack -- sleep 3
    is "$rc" 0 "record 8 GPUs with NVML's latencies"
    read -r ndev nmin npcie nshort nover < <(python3 - rate.gpupack <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
def rows(name):
    return db.execute("select device, ts_ns, dur_ns from metric m join strings s on s.id = m.name "
                      "where s.text = ? and pid = 0 order by device, ts_ns", (name,)).fetchall()
counts = {}
for name in ("nvml.gpu_util_pct", "nvml.power_w", "nvml.temp_c", "nvml.mem_used_bytes"):
    for d, _, _ in rows(name):
        counts[(name, d)] = counts.get((name, d), 0) + 1
devs = {d for (_, d) in counts}
tx, rx = rows("nvml.pcie_tx_bytes_per_s"), rows("nvml.pcie_rx_bytes_per_s")
pcie = sorted(tx + rx)
short = sum(1 for _, _, dur in pcie if dur < 20000000 or dur > 1000000000)
over = sum(1 for a, b in zip(pcie, pcie[1:]) if a[0] == b[0] and b[1] < a[1] + a[2])
print(len(devs), min(counts.values()) if counts else 0, len(pcie), short, over)
PY
)
    is "$ndev" 8 "all 8 GPUs sampled"
    ok "$([ "$nmin" -ge 21 ]; echo $?)" "utilization, power, temperature, memory:\
 >= 70 % of 10 a second on every GPU (min $nmin of ~30)"
    ok "$([ "$npcie" -ge 16 ]; echo $?)" \
        "PCIe TX and RX of every GPU, about once a second ($npcie records)"
    is "$nshort" 0 "each PCIe record covers the window the driver counted over (>= 20 ms)"
    is "$nover" 0 "a GPU's PCIe windows follow each other without overlap"

    # GPU 1 hangs: each of its calls takes 30 s more. The other GPUs keep
    # their rate, and the recording still ends soon after the job: stopping
    # waits at most 1 s for a call under way, not the 30 s it takes. (About
    # 3 s in all, 7-10 s under valgrind; waiting for the call would be > 30 s.)
    t0=$(date +%s%N)
    run env GPUPACK_NVML_PATH="$FAKE" FAKENVML_GPUS=4 FAKENVML_HANG=1:30000 \
        $GP_RUN "$GPUPACK" record -q -o hang.gpupack -- sleep 2
    wall_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    is "$rc" 0 "record with a hung GPU"
    read -r c0 c1 c2 c3 < <(python3 - hang.gpupack <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
c = dict(db.execute("select device, count(*) from metric m join strings s on s.id = m.name "
                    "where s.text = 'nvml.gpu_util_pct' group by device").fetchall())
print(*(c.get(d, 0) for d in range(4)))
PY
)
    ok "$([ "$c0" -ge 14 ] && [ "$c2" -ge 14 ] && [ "$c3" -ge 14 ]; echo $?)" \
        "the other GPUs keep >= 70 % of 10 a second ($c0 $c2 $c3 of ~20)"
    is "$c1" 0 "the hung GPU has no reading"
    ok "$([ "$wall_ms" -lt 20000 ]; echo $?)" \
        "the recording ends within 18 s of the 2 s job, before the hung call (${wall_ms} ms)"
else
    skip "fake NVML not built"
fi

done_testing
