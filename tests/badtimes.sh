#!/bin/bash
# badtimes.sh: inputs with impossible and extreme times, in every format
# (gpupack traces from tests/mktrace, Kineto JSON, an Nsight Systems export
# from tests/nsys/make_fixture.py), through analyze, report and diff. Every
# command must finish cleanly and say how many records it left out; in the
# sanitizer build (--enable-sanitizers) any overflow or out-of-bounds
# access aborts the command with a report, which these tests catch.
# Times are trusted in [0, 2^62) ns (common/checked.h, docs/trace-format.md).
. "$GP_SRCDIR/tests/lib.sh"
cd "$T" || exit 1
MKTRACE="$GP_BUILDDIR/tests/mktrace"
MIN=-9223372036854775808
MAX=9223372036854775807
LIM=4611686018427387904 # 2^62

# clean NAME: the last command exited 0 with no sanitizer or valgrind report
clean() {
    is "$rc" 0 "$1: exit 0"
    unlike "$err" "runtime error" "$1: no undefined behaviour reported"
    unlike "$err" "AddressSanitizer" "$1: no memory error reported"
}

# every FILE N: analyze (text and JSON), report in every format, diff with
# itself and with the clean trace; each says N records were left out.
every() {
    local f=$1 n=$2 what
    what=$(basename "$f")
    run gpupack analyze "$f"
    clean "$what: analyze"
    like "$out" "$n record" "$what: analyze says $n left out"
    like "$out" "with impossible times left out" "$what: analyze says why"
    run gpupack analyze --json "$f"
    clean "$what: analyze --json"
    is "$(printf '%s' "$out" | python3 -c 'import json, sys
print(sum(r["records_with_impossible_times"] for r in json.load(sys.stdin)["ranks"]))')" "$n" \
       "$what: the JSON counts $n"
    for ext in html md json csv; do
        run gpupack report "$f" -f -o "$what.$ext"
        clean "$what: report .$ext"
        like "$err" "$n record" "$what: report .$ext says $n left out"
    done
    run gpupack report "$f" --format chrome-trace -f -o "$what.trace.json"
    clean "$what: report chrome-trace"
    run gpupack diff clean.gpupack "$f"
    clean "$what: diff with a clean trace"
    like "$err" "$what: $n record" "$what: diff names the file and its count"
    run gpupack diff "$f" "$f" -o "$what.diff.json"
    clean "$what: diff with itself (JSON)"
}

"$MKTRACE" clean.gpupack >/dev/null

# ---- gpupack traces --------------------------------------------------------
# A kernel ending before it starts, before the device's first op: its end
# made a gap start before the span and a negative idle-bin index.
"$MKTRACE" reversed.gpupack --add kernel -1 -100 >/dev/null
every reversed.gpupack 1
# ... and one ending at 0 long after it starts (a wild bin index).
"$MKTRACE" reversed_far.gpupack --add kernel 1000000000000 0 >/dev/null
every reversed_far.gpupack 1
# INT64_MIN and INT64_MAX in every timed kind, and in the process's life.
"$MKTRACE" extreme.gpupack --add kernel $MIN $MAX --add memcpy $MIN 5 --add memset 5 $MAX \
    --add api $((MAX - 5)) $MAX --add sync 10 9 --add nvtx $LIM $LIM --add metric 1 $MAX \
    --process $MIN $MAX >/dev/null
every extreme.gpupack 8
# In range, at its edge: sums of these lengths leave int64 and saturate.
"$MKTRACE" edge.gpupack --add kernel 0 $((LIM - 1)) --add kernel 0 $((LIM - 1)) \
    --add kernel 1 $((LIM - 1)) --add memcpy 0 $((LIM - 1)) --add memcpy 0 $((LIM - 1)) \
    --add api 0 $((LIM - 1)) --add api 0 $((LIM - 1)) --add api 0 $((LIM - 1)) \
    --add sync 0 $((LIM - 1)) --add nvtx 0 $((LIM - 1)) --process 0 $((LIM - 1)) >/dev/null
run gpupack analyze --json edge.gpupack
clean "edge: analyze --json"
is "$(printf '%s' "$out" | python3 -c 'import json, sys
r = json.load(sys.stdin)["ranks"][0]
k = [x for x in r["kernels"] if x["name"] == "hostile_kernel"][0]
print(r["records_with_impossible_times"], r["span_ns"], k["count"], k["total_ns"])')" \
   "0 $((LIM - 1)) 3 $MAX" "edge: nothing left out; 3 kernels of 2^62 - 1 ns total INT64_MAX"
for ext in html md json csv; do
    run gpupack report edge.gpupack -f -o "edge.$ext"
    clean "edge: report .$ext"
done
run gpupack diff clean.gpupack edge.gpupack
clean "edge: diff"
run gpupack top --snapshot 100x30 edge.gpupack
clean "edge: top's trace view"
run gpupack analyze edge.gpupack
clean "edge: analyze"
unlike "$out" "impossible" "edge: nothing said to be left out"

# ---- Kineto JSON -------------------------------------------------------------
# A kernel of INT64_MIN ns, one ending before it starts, one ending at 2^62,
# a call whose ts + dur leaves int64, an operator before 0: 5 left out.
cat >extreme.json <<'EOF'
{"traceEvents": [
 {"ph": "X", "cat": "kernel", "name": "min", "pid": 0, "tid": 7, "ts": -9223372036854775.808, "dur": 1, "args": {"device": 0, "stream": 7}},
 {"ph": "X", "cat": "kernel", "name": "back", "pid": 0, "tid": 7, "ts": 50, "dur": -10, "args": {"device": 0, "stream": 7}},
 {"ph": "X", "cat": "kernel", "name": "at_limit", "pid": 0, "tid": 7, "ts": 4611686018427387.903, "dur": 0.001, "args": {"device": 0, "stream": 7}},
 {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1, "ts": 1, "dur": 9223372036854775, "args": {"correlation": 5}},
 {"ph": "X", "cat": "cpu_op", "name": "before", "pid": 1, "tid": 1, "ts": -5, "dur": 10},
 {"ph": "X", "cat": "kernel", "name": "ok", "pid": 0, "tid": 7, "ts": 10, "dur": 5, "args": {"device": 0, "stream": 7}},
 {"ph": "X", "cat": "kernel", "name": "ok2", "pid": 0, "tid": 7, "ts": 4611686018427387.902, "dur": 0.001, "args": {"device": 0, "stream": 7}}
]}
EOF
every extreme.json 5

# ---- Nsight Systems export ---------------------------------------------------
if command -v python3 >/dev/null 2>&1 && python3 -c 'import sqlite3' 2>/dev/null &&
   python3 "$GP_SRCDIR/tests/nsys/make_fixture.py" "$T"; then
    every badtimes.sqlite 12
    run gpupack import badtimes.sqlite -o badtimes_imported.gpupack
    clean "badtimes.sqlite: import"
    like "$err" "badtimes.sqlite: 12 records with impossible times left out" \
         "import says what it left out"
    run gpupack analyze badtimes_imported.gpupack
    clean "the imported trace: analyze"
    unlike "$out" "impossible" "the imported trace holds only sound records"
else
    skip "python3 with its sqlite3 module is needed to build the nsys export"
fi

done_testing
