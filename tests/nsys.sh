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
# GPU records that end before they start, or without integer times: an
# error, as the Kineto reader gives for a GPU event with a negative dur.
refused kernel_reversed.sqlite "a row of CUPTI_ACTIVITY_KIND_KERNEL (correlationId 19)" \
    "ends before it starts (start 8000, end 7990)"
refused sync_reversed.sqlite "a row of CUPTI_ACTIVITY_KIND_SYNCHRONIZATION (correlationId 20)" \
    "ends before it starts (start 7600, end 7500)"
refused kernel_text_time.sqlite "a row of CUPTI_ACTIVITY_KIND_KERNEL (correlationId 19)" \
    "has a start that is not an integer"

# Host records that end before they start are left out, as the Kineto
# reader leaves out such host events: pid 1001 and 2002 have 9 + 3 calls
# and 5 + 1 NVTX ranges in full.sqlite (make_fixture.py), the reversed call
# and range are not among them.
run gpupack import "$dir/host_reversed.sqlite" -o "$T/host.gpupack"
is "$rc" 0 "host_reversed.sqlite: imported"
like "$err$out" "2 ranks, 12 GPU operations, 12 API calls" \
    "host_reversed.sqlite: the reversed API call left out"
run gpupack info "$T/host.gpupack"
like "$out" "api 12 nvtx 6" "host_reversed.sqlite: the reversed NVTX range left out"

done_testing
