#!/bin/bash
# cli.sh: the gpupack command line: help, usage errors, exit codes, and
# `gpupack info` on good and bad traces.
. "$GP_SRCDIR/tests/lib.sh"
MKTRACE="$GP_BUILDDIR/tests/mktrace"

run gpupack --help
is "$rc" 0 "gpupack --help exits 0"
for c in record top analyze report import pack info version; do
    like "$out" "  $c " "--help lists $c"
done

run gpupack
is "$rc" 2 "no command: exit 2"
like "$err" "usage: gpupack <command>" "no command: usage on stderr"

run gpupack frobnicate
is "$rc" 2 "unknown command: exit 2"
like "$err" "no command 'frobnicate'" "unknown command named"

for c in record top analyze report import pack info version; do
    run gpupack "$c" --help
    is "$rc" 0 "$c --help exits 0"
    like "$out" "usage: gpupack $c" "$c --help prints its usage"
    run gpupack help "$c"
    like "$out" "usage: gpupack $c" "gpupack help $c prints the same"
done
run gpupack record --help
like "$out" "--counters" "record usage lists --counters"
like "$out" "-- CMD" "record usage shows the -- CMD form"
run gpupack analyze --help
like "$out" "--fail-on" "analyze usage lists --fail-on"
run gpupack pack --help
like "$out" "--slo-p99" "pack usage lists --slo-p99"

run gpupack version
is "$rc" 0 "version exits 0"
like "$out" "gpupack " "version printed"
like "$out" "trace format 2" "trace format printed"
run gpupack --version
is "$rc" 0 "--version works too"

run gpupack info
is "$rc" 2 "info without a trace: exit 2"
like "$err" "no trace given" "says what is missing"
run gpupack info --bogus x
is "$rc" 2 "unknown option: exit 2"
like "$err" "unknown option '--bogus'" "names the option"

"$MKTRACE" "$T/ok.gpupack" --kernels 1000
run gpupack info "$T/ok.gpupack"
is "$rc" 0 "info on a trace: exit 0"
like "$out" "complete" "complete trace"
like "$out" "python train.py (exit 0)" "process and exit status"
like "$out" "Test GPU (sm_90, 132 SMs)" "device"
like "$out" "kernel 1,000" "kernel count"
# first start 0, last end 2000*999+1000 ns = 1.999 ms, shown to 3 digits
like "$out" "GPU span    2.00 ms" "span from first start to last end"
like "$out" "lost        5 records: cupti 5" "dropped records counted by source"

# Hosts and clock anchors (docs/trace-format.md, Clocks and hosts): a host
# name with control characters shows them as '?'; the anchor as seconds.ns
# with its error; the drift is end - start (+1000 ns here).
cp "$T/ok.gpupack" "$T/hosts.gpupack"
python3 - "$T/hosts.gpupack" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("insert into strings(text) values (?)", ("gpu\x1b[31m\nnode-7",))
sid = db.execute("select max(id) from strings").fetchone()[0]
db.execute("update process set hostname = ?, anchor_start_ns = 1700000000123456789, "
           "anchor_start_err_ns = 25, anchor_end_ns = 1700000000123457789, anchor_end_err_ns = 31",
           (sid,))
db.execute("insert into meta values ('host', 'rec\x07host'), "
           "('anchor_start_ns', '1700000000000000007'), ('anchor_start_err_ns', '40'), "
           "('anchor_end_ns', '1699999999998000007'), ('anchor_end_err_ns', '40'), "
           "('rejected_values', '3')")
db.commit()
PY
run gpupack info "$T/hosts.gpupack"
is "$rc" 0 "info on a trace with hosts and anchors: exit 0"
like "$out" "host gpu?[31m?node-7  anchor 1700000000.123456789 s +/- 25 ns  drift +1.00 us" \
     "each process's host (control characters as ?), start anchor and drift to its end anchor"
like "$out" "recorder    host rec?host  anchor 1700000000.000000007 s +/- 40 ns  drift -2.00 ms" \
     "the recorder's host and anchors, a negative drift (a wall clock stepped back)"
like "$out" "rejected    3 values out of bounds" "values the recorder rejected"
python3 - "$T/hosts.gpupack" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("update process set anchor_start_ns = -1, anchor_end_ns = 0, anchor_end_err_ns = 0")
db.commit()
PY
run gpupack info "$T/hosts.gpupack"
like "$out" "anchor invalid  drift unknown" "an anchor out of bounds in a trace shows as invalid"
# A trace of schema version 1 (no anchor columns) still opens.
cp "$T/ok.gpupack" "$T/v1.gpupack"
python3 - "$T/v1.gpupack" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for c in ("anchor_start_ns", "anchor_start_err_ns", "anchor_end_ns", "anchor_end_err_ns"):
    db.execute("alter table process drop column " + c)
db.execute("pragma user_version = 1")
db.commit()
PY
run gpupack info "$T/v1.gpupack"
is "$rc" 0 "info on a version 1 trace: exit 0"
like "$out" "gpupack trace v1" "says its version"
like "$out" "python train.py (exit 0)" "its process"
like "$out" "host unknown  anchor unknown  drift unknown" "with unknown host and anchors"

"$MKTRACE" "$T/cut.gpupack" --kernels 10 --incomplete
run gpupack info "$T/cut.gpupack"
is "$rc" 0 "info on a trace whose recorder was killed: exit 0"
like "$out" "cut short" "says it was cut short"
like "$out" "kernel 10" "committed records are there"

# A writer killed (SIGKILL) inside a transaction leaves -wal and -shm files
# and an open transaction: everything committed reads, the rest is absent.
"$MKTRACE" "$T/killed.gpupack" --kernels 3000 --die 2>/dev/null
ok "$([ -f "$T/killed.gpupack-wal" ]; echo $?)" "killed writer left its WAL file"
run gpupack info "$T/killed.gpupack"
is "$rc" 0 "info on a trace whose writer was killed -9: exit 0"
like "$out" "cut short" "says it was cut short"
like "$out" "kernel 3,000" "the 3000 committed kernels, not the 1000 in the open transaction"

# Bad input: exit 2, a message that names the file, no crash (valgrind-clean).
printf '' >"$T/empty.gpupack"
run gpupack info "$T/empty.gpupack"
is "$rc" 2 "empty file: exit 2"
like "$err" "empty.gpupack: the file is empty" "empty file message"

{ printf '\x8f'; head -c 5000 /dev/urandom; } >"$T/random.gpupack" # 0x8f: neither JSON nor gzip
run gpupack info "$T/random.gpupack"
is "$rc" 2 "random bytes: exit 2"
like "$err" "random.gpupack: not a trace gpupack reads (it starts with bytes 8f " \
    "random bytes message"

printf '{"traceEvents": []}' >"$T/kineto.json"
run gpupack info "$T/kineto.json"
is "$rc" 2 "a PyTorch profiler trace: exit 2"
like "$err" "kineto.json: a PyTorch profiler (JSON) trace, not a gpupack trace" "says what it is"

python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("create table t(a)")' \
    "$T/other.sqlite"
run gpupack info "$T/other.sqlite"
is "$rc" 2 "another program's SQLite file: exit 2"
like "$err" "other.sqlite: not a gpupack trace (an SQLite database of another program" \
    "says what it is"

# A damaged trace: info runs SQLite's integrity check (PRAGMA quick_check) and
# says what it found; analyze meets the same damage while reading. The damage:
# in one row of the kernel table, the serial type of the last column (pid)
# says a 57-byte BLOB, longer than what is left of the record (SQLite's
# record format), so the columns before it read and the row does not.
"$MKTRACE" "$T/big.gpupack" --kernels 3000
python3 - "$T/big.gpupack" "$T/damaged.gpupack" <<'EOF'
import sqlite3, struct, sys
src, dst = sys.argv[1:3]
root = sqlite3.connect(src).execute(
    "select rootpage from sqlite_master where name = 'kernel'").fetchone()[0]
d = bytearray(open(src, "rb").read())
ps = struct.unpack(">H", d[16:18])[0]
ps = 65536 if ps == 1 else ps

def varint(p):
    v = 0
    for i in range(8):
        v = (v << 7) | (d[p + i] & 0x7f)
        if not d[p + i] & 0x80:
            return v, p + i + 1
    return (v << 8) | d[p + 8], p + 9

def page(n):  # byte offset of page n, the header after the file header on page 1
    return (n - 1) * ps + (100 if n == 1 else 0)

b = page(root)
assert d[b] == 5, "kernel's root is an interior page"
cell = (root - 1) * ps + struct.unpack(">H", d[b + 12:b + 14])[0]
leaf = struct.unpack(">I", d[cell:cell + 4])[0]  # its first child
b = page(leaf)
assert d[b] == 13, "a table leaf page"
p = (leaf - 1) * ps + struct.unpack(">H", d[b + 8:b + 10])[0]
_, p = varint(p)  # payload size
_, p = varint(p)  # rowid
hdr = p
hlen, p = varint(p)
last = None
while p < hdr + hlen:
    last = p
    _, p = varint(p)
assert p - last == 1 and d[last] <= 9, "pid stored as an integer"
d[last] = 0x7f  # a BLOB of (0x7f - 12) / 2 = 57 bytes
open(dst, "wb").write(d)
EOF
run gpupack analyze "$T/damaged.gpupack"
is "$rc" 2 "analyze on the damaged trace: exit 2"
like "$err" "damaged.gpupack: the trace is damaged (database disk image is malformed" \
    "analyze: the trace is damaged"
run gpupack info "$T/damaged.gpupack"
is "$rc" 2 "info on the damaged trace: exit 2"
like "$out" "integrity   DAMAGED: 1 problem (SQLite quick_check)" "info: the integrity line says so"
like "$err" "damaged.gpupack: the trace is damaged: SQLite's integrity check found 1 problem" \
    "info: the message names the file and the damage"
like "$out" "kernel 3,000" "info: what can be read is still shown"
run gpupack info "$T/big.gpupack"
is "$rc" 0 "info on the intact original: exit 0"
like "$out" "integrity   ok (SQLite quick_check)" "info: intact"

head -c 20000 "$T/ok.gpupack" >"$T/truncated.gpupack"
run gpupack info "$T/truncated.gpupack"
is "$rc" 2 "truncated trace: exit 2"
like "$err" "truncated.gpupack: the trace is truncated" "truncated message"

cp "$T/ok.gpupack" "$T/newer.gpupack"
# user_version lives at byte offset 60 of the SQLite header (big-endian).
printf '\x00\x00\x00\x63' | dd of="$T/newer.gpupack" bs=1 seek=60 conv=notrunc 2>/dev/null
run gpupack info "$T/newer.gpupack"
is "$rc" 2 "trace from a newer gpupack: exit 2"
like "$err" "written by a newer gpupack (trace format 99" "newer-version message"

run gpupack info "$T/nope.gpupack"
is "$rc" 2 "missing file: exit 2"
like "$err" "nope.gpupack: No such file" "missing file message"

run gpupack info "$T/ok.gpupack" "$T/empty.gpupack"
is "$rc" 2 "one bad trace among good ones: exit 2"
like "$out" "ok.gpupack" "the good one is still shown"

for c in record top analyze report import pack; do
    run gpupack "$c" x
    if [ "$rc" = 2 ] && [[ "$err" == *"not available in this build yet"* ]]; then
        ok 0 "$c: not built yet, says so, exit 2"
    else
        # built: must not claim otherwise
        unlike "$err" "not available in this build yet" "$c is built"
    fi
done

done_testing
