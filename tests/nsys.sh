#!/bin/bash
# nsys.sh: the Nsight Systems importer on small exports built by
# tests/nsys/make_fixture.py (python3 and its sqlite3 module) in a private
# temporary folder: tests/unit/test_nsys checks the records read (its TAP
# lines are passed on), then gpupack itself is run on exports it must refuse
# or trim. $GP_RUN (tests/run-test.sh) puts both under valgrind.
. "$GP_SRCDIR/tests/lib.sh"
PROG="$GP_BUILDDIR/tests/unit/test_nsys"
if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import sqlite3' 2>/dev/null; then
    echo "1..0 # SKIP python3 with its sqlite3 module is needed to build the fixtures"
    exit 0
fi
dir="$T/fixtures"
mkdir "$dir" || { echo "Bail out! mkdir failed"; exit 1; }
if ! python3 "$GP_SRCDIR/tests/nsys/make_fixture.py" "$dir"; then
    echo "Bail out! tests/nsys/make_fixture.py failed"
    exit 1
fi

# test_nsys: its test lines as ours (its plan dropped), then its exit status.
$GP_RUN "$PROG" "$dir" >"$T/unit.tap"
urc=$?
grep -v '^1\.\.[0-9]*$' "$T/unit.tap"
tap_n=$(grep -c '^\(not \)\?ok ' "$T/unit.tap")
tap_failed=$(grep -c '^not ok ' "$T/unit.tap")
is "$urc" 0 "test_nsys exits 0"

# refused EXPORT WHAT...: gpupack import exits 2 and the message names the
# file and says each WHAT.
refused() {
    local f="$dir/$1"
    shift
    run gpupack import "$f" -o "$T/out.gpupack"
    is "$rc" 2 "$(basename "$f"): refused (exit 2)"
    like "$err" "$f: " "$(basename "$f"): the message names the file"
    for what in "$@"; do
        like "$err" "$what" "$(basename "$f"): the message says \"$what\""
    done
    rm -f "$T/out.gpupack"
}

# A table with a known name but not nsys's columns is not read as empty rows.
refused wrong_columns.sqlite "table CUPTI_ACTIVITY_KIND_KERNEL has no column start"
refused no_copykind.sqlite "table CUPTI_ACTIVITY_KIND_MEMCPY has no column copyKind"
refused text_start.sqlite "column start of table CUPTI_ACTIVITY_KIND_KERNEL is declared \"TEXT\"" \
    "not INTEGER"
refused strings_no_value.sqlite "table StringIds has no column value"
# A GPU record without integer times: an error, as the Kineto reader
# gives for a GPU event without ts or dur.
refused kernel_text_time.sqlite "a row of CUPTI_ACTIVITY_KIND_KERNEL (correlationId 19)" \
    "has a start that is not an integer"

# Records that end before they start, GPU or host, are left out, counted
# and said once, as the Kineto reader and the gpupack-trace loader do. In
# full.sqlite (make_fixture.py) pids 1001 and 2002 have 7 + 5 GPU
# operations, 2 + 1 synchronizations, 9 + 3 API calls and 5 + 1 NVTX
# ranges; each variant adds reversed records for pid 1001 that must not
# appear among them.
left_out() {
    local f=$1 n=$2 what=$3
    run gpupack import "$dir/$f" -o "$T/lo.gpupack"
    is "$rc" 0 "$f: imported"
    like "$err" "$dir/$f: $n record$([ "$n" = 1 ] || echo s) with impossible times left out" \
        "$f: says $n record(s) left out"
    like "$err$out" "2 ranks, 12 GPU operations, 12 API calls" "$f: $what left out"
    run gpupack info "$T/lo.gpupack"
    like "$out" "kernel 5 memcpy 6 memset 1 sync 3 api 12 nvtx 6" "$f: the trace holds the rest"
    rm -f "$T/lo.gpupack"
}
left_out kernel_reversed.sqlite 1 "the reversed kernel"
left_out sync_reversed.sqlite 1 "the reversed synchronization"
left_out host_reversed.sqlite 2 "the reversed API call and NVTX range"

done_testing
