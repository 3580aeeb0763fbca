#!/bin/bash
# make_seeds.sh BUILDDIR: writes the fuzz harnesses' seed corpora into
# tests/fuzz/corpus/NAME/ (they are committed; run this again when a format
# changes). BUILDDIR is a build folder after `make check` (gpupack, the
# simulated GPU, the collector, tests/mktrace); python3 is needed.
#
# Where the seeds come from:
#   json, kineto  slices of the real traces in samples/traces (the first
#                 events of each kind, with the metadata), the synthetic trace
#                 of tests/kineto.sh, and one slice gzip-compressed
#   nsys          the exports of tests/nsys/make_fixture.py, 512-byte pages
#   trace         those imported, kineto slices imported, a trace recorded on
#                 the simulated GPU with the fake NVML (every kind the recorder
#                 writes but cosched), tests/mktrace; 512-byte pages
#   spool         spool files the collector wrote on the simulated GPU
#   live          snapshots in gp_live_format's form (docs/top.md)
#   region        regions as the coordinator writes them (cosched/region.h)
#   demangle      the mangled names of tests/unit/test_classify.c and
#                 tests/unit/test_shortname.c
#   nsys_sql, trace_sql  a few edit programs (tests/fuzz/sqlprog.c)
set -euo pipefail
B=$(cd "${1:?usage: make_seeds.sh BUILDDIR}" && pwd)
S=$(cd "$(dirname "$0")/../.." && pwd)
C="$S/tests/fuzz/corpus"
T=$(mktemp -d "${TMPDIR:-/tmp}/gp-seeds-XXXXXX")
trap 'rm -rf "$T"' EXIT
GPUPACK="$B/gpupack"
for n in json kineto nsys nsys_sql trace trace_sql spool live region demangle; do
    rm -rf "${C:?}/$n"
    mkdir -p "$C/$n"
done

# small: PATH -> the same database with 512-byte pages and no WAL (small seeds)
small() {
    python3 - "$1" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode = DELETE")
db.execute("PRAGMA page_size = 512")
db.execute("VACUUM")
db.close()
EOF
}

# ---- json, kineto: slices of the real traces ----
python3 - "$S/samples/traces" "$C/kineto" <<'EOF'
import gzip, json, os, sys
src, out = sys.argv[1], sys.argv[2]
for name in sorted(os.listdir(src)):
    if not name.endswith(".json.gz"):
        continue
    with gzip.open(os.path.join(src, name), "rt") as f:
        doc = json.load(f)
    events = doc.get("traceEvents", [])
    keep, seen = [], {}
    # metadata events, then the first few events of each category
    for e in events:
        if e.get("ph") == "M" and len(keep) < 8:
            keep.append(e)
    for e in events:
        cat = e.get("cat")
        if e.get("ph") == "X" and seen.get(cat, 0) < 6:
            seen[cat] = seen.get(cat, 0) + 1
            keep.append(e)
    doc["traceEvents"] = keep
    doc["deviceProperties"] = doc.get("deviceProperties", [])[:2]
    base = name[:-len(".json.gz")]
    with open(os.path.join(out, base + ".json"), "w") as f:
        json.dump(doc, f, indent=1)
EOF
sed -n '/^cat >"$T\/synth.json" <<'"'"'EOF'"'"'$/,/^EOF$/p' "$S/tests/kineto.sh" | sed '1d;$d' \
    >"$C/kineto/synth.json"
gzip -9 -n -c "$C/kineto/small_event_sync.json" >"$C/kineto/small_event_sync.json.gz"
printf '{"traceEvents": [{"ph": "X", "cat": "kernel", "name": "k", "ts": 5, "dur": -5}]}' \
    >"$C/kineto/negdur.json"
# json: a control byte, then the document (fuzz_json.c)
i=0
for f in "$C/kineto/"*.json; do
    printf "\\x$(printf %02x $((i * 37 % 256)))" >"$C/json/$(basename "$f")"
    cat "$f" >>"$C/json/$(basename "$f")"
    i=$((i + 1))
done
printf '\x0f{"a": [1, -0.5e+3, true, false, null, "\\u00e9\\ud83d\\ude00\\n"], "b": {}}' \
    >"$C/json/values"
printf '\xff[[[[{"k": 1712195495519689.047}]]]]' >"$C/json/deep"

# ---- nsys ----
python3 "$S/tests/nsys/make_fixture.py" "$T"
for f in full minimal full_swapped wrong_columns kernel_reversed host_reversed; do
    cp "$T/$f.sqlite" "$C/nsys/$f.sqlite"
    small "$C/nsys/$f.sqlite"
done

# ---- trace ----
"$GPUPACK" import "$T/full.sqlite" -o "$C/trace/nsys_full.gpupack" >/dev/null
for f in small_event_sync synth; do
    "$GPUPACK" import "$C/kineto/$f.json" -o "$C/trace/kineto_$f.gpupack" >/dev/null
done
"$B/tests/mktrace" "$C/trace/mktrace.gpupack" --kernels 20
SIM="$B/tests/simgpu"
export GPUPACK_CUPTI_PATH="$SIM/.libs/libsimcupti.so" GPUPACK_FLUSH_MS=50
export LD_LIBRARY_PATH="$SIM/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
GPUPACK_NVML_PATH="$B/tests/fakenvml/.libs/libnvidia-ml.so.1" FAKENVML_GPUS=1 \
    "$GPUPACK" record -o "$C/trace/sim_basic.gpupack" -- "$SIM/progs/sim_basic" >/dev/null 2>&1
for f in "$C/trace/"*.gpupack; do small "$f"; done

# ---- spool: the collector without a recorder ----
for p in sim_basic sim_graph; do
    mkdir "$T/spool_$p"
    env -u GPUPACK_SOCKET CUDA_INJECTION64_PATH="$B/collector/.libs/libgpupack_collector.so" \
        GPUPACK_SPOOL_DIR="$T/spool_$p" "$SIM/progs/$p" >/dev/null 2>&1
    cp "$T/spool_$p/"*.gpspool "$C/spool/$p.gpspool"
done

# ---- live snapshots ----
cat >"$C/live/one_job" <<'EOF'
gpupack-live 1
pid 4242
start_ns 1000000000
data_end_ns 6000000000
cmd python train.py --epochs 3
devices 1
kernels 1200 900000000
window 5000000000 240 3000000000 2000000000
idle 0 800000000 12
idle 1 700000000 30
idle 2 500000000 4
busy 55.0 60.5 70.1 -1.0 0.0 100.0
kernel 600 500000000 ampere_sgemm_128x64_nn
kernel 400 300000000 void at::native::vectorized_elementwise_kernel<4>(int)
kernel 200 100000000 ncclDevKernel_AllReduce_Sum_f32_RING_LL
end
EOF
cat >"$C/live/pack" <<'EOF'
gpupack-live 1
pid 100
start_ns 5
data_end_ns 9
cmd python serve.py
pid2 101
cmd2 python train.py
devices 2
kernels 3 4
window 5 6 7 8
idle 0 1 2
idle 1 3 4
idle 2 5 6
busy
end
EOF

# ---- regions: flags byte (bit 0, 1: valid headers), two header+counter blocks ----
python3 - "$C/region" <<'EOF'
import os, struct, sys
out = sys.argv[1]
# cosched/region.h up to lat_ns (192 bytes)
fmt = "<IIIIqqiIqiiiiqqqQQqqQQQQQQqqQ"
assert struct.calcsize(fmt) == 192
def region(policy, gate, p50, p99, requests, be_ops):
    return struct.pack(fmt, 0x4b434150, 1, 192 + 1024 * 8, policy, 5000000, 2000000000, 1234, 0,
                       2000000, 0, gate, 2000, 2001, 1, 1, 123456789, 50, requests, 3, 250000,
                       be_ops, 4, 800000, 1, 2, 0, p50, p99, requests)
with open(os.path.join(out, "slo"), "wb") as f:
    f.write(b"\x13" + region(2, 2, 1500000, 4000000, 10, 100) +
            region(2, 1, 1600000, 4100000, 30, 400))
with open(os.path.join(out, "priority_bad_second"), "wb") as f:
    f.write(b"\x01" + region(1, 4, 0, 0, 0, 0) + b"\xff" * 192)
EOF

# ---- demangle ----
grep -oh '"_Z[^"]*"' "$S/tests/unit/test_classify.c" "$S/tests/unit/test_shortname.c" | tr -d '"' |
    sort -u | head -60 | while read -r m; do
    printf '%s' "$m" >"$C/demangle/$(printf '%s' "$m" | cksum | cut -d' ' -f1)"
done

# ---- SQL edit programs (sqlprog.c: op byte, then its arguments) ----
python3 - "$C/nsys_sql" "$C/trace_sql" <<'EOF'
import os, sys
progs = {
    "empty": b"",
    "swap_columns": bytes([3, 1, 0, 1]),           # OP_SWAP, table 1, columns 0 and 1
    "extreme_value": bytes([1, 1, 0, 4, 1]),       # OP_SET_ALL, table 1, column 0, INT64_MAX
    "text_value": bytes([0, 2, 1, 0, 6, 3]) + b"abc",  # OP_SET_ROW with text
    "retype": bytes([13, 1, 0, 1]),                # OP_RETYPE_COL to TEXT
    "replace_table": bytes([9, 1, 2]),             # table 2 dropped, 1 renamed to it
    "drop_column": bytes([11, 1, 2]),
    "duplicate_rows": bytes([5, 1, 0, 0, 5, 1, 0, 0, 5, 1, 0, 1]),
    "pragma": bytes([14, 0, 0, 0, 1, 2, 3, 4]),
}
for d in sys.argv[1:]:
    for name, data in progs.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
EOF
du -sh "$C"/*
