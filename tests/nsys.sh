#!/bin/bash
# nsys.sh: the Nsight Systems importer on small exports built by
# tests/nsys/make_fixture.py (python3 and its sqlite3 module) in a private
# temporary folder; tests/unit/test_nsys checks them and writes the TAP.
# $GP_RUN (tests/run-test.sh) puts the test program under valgrind.
PROG="$GP_BUILDDIR/tests/unit/test_nsys"
if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import sqlite3' 2>/dev/null; then
    echo "1..0 # SKIP python3 with its sqlite3 module is needed to build the fixtures"
    exit 0
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/gp-nsys-XXXXXX") || { echo "Bail out! mktemp failed"; exit 1; }
trap 'rm -rf "$dir"' EXIT
if ! python3 "$GP_SRCDIR/tests/nsys/make_fixture.py" "$dir"; then
    echo "Bail out! tests/nsys/make_fixture.py failed"
    exit 1
fi
$GP_RUN "$PROG" "$dir"
