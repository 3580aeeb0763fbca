#!/bin/bash
# kineto.sh: the PyTorch profiler (Kineto) importer. The real traces in
# samples/traces/ are loaded with gp_kineto_load (through
# tests/kineto/kineto_dump) and compared with counts and sums that an
# embedded python3 script computes on its own from the JSON (decimal text
# for exact ns, float sums in file order for HTA's doubles). Then a
# synthetic trace checks the mapping in detail, and malformed files must
# give a clear error naming the file (under valgrind when enabled).
. "$GP_SRCDIR/tests/lib.sh"
DUMP="$GP_BUILDDIR/tests/kineto/kineto_dump"
TRACES="$GP_TRACES"

dump() { $GP_RUN "$DUMP" "$@"; }

# value KEY TEXT: the value of the first KEY=... line in TEXT
value() {
    local line
    while IFS= read -r line; do
        case $line in "$1="*) printf '%s' "${line#*=}"; return ;; esac
    done <<<"$2"
}

# parse NAME TEXT: the KEY=VALUE lines of TEXT into the associative array NAME
parse() {
    local -n into=$1
    local line
    into=()
    while IFS= read -r line; do
        case $line in *=*) into[${line%%=*}]=${line#*=} ;; esac
    done <<<"$2"
}
declare -A GOT WANT

# The independent reading: key=value lines from the JSON alone.
expect() {
    python3 - "$1" <<'EOF'
import gzip, json, sys
from decimal import Decimal

path = sys.argv[1]
with open(path, "rb") as f:
    gz = f.read(2) == b"\x1f\x8b"
with (gzip.open(path, "rb") if gz else open(path, "rb")) as f:
    doc = json.load(f, parse_float=Decimal)  # bytes: a UTF-8 byte order mark is allowed
top = doc if isinstance(doc, dict) else {}     # Chrome's JSON Array Format: just the events
ev = doc["traceEvents"] if isinstance(doc, dict) else doc

def ns(x):  # exact: the decimal text times 1000
    v = Decimal(x) * 1000
    assert v == int(v), x
    return int(v)

def is_num(x):
    return isinstance(x, (int, Decimal)) and not isinstance(x, bool)

X = [e for e in ev if e.get("ph") == "X"]
def of(*cats):
    return [e for e in X if e.get("cat") in cats]
kernels = of("kernel", "Kernel")
copies = of("gpu_memcpy", "Memcpy")
sets = of("gpu_memset", "Memset")
runtime = of("cuda_runtime", "Runtime")
syncs = of("cuda_sync")
out = {}
out["rank"] = top.get("distributedInfo", {}).get("rank", 0)
out["devices"] = len(top.get("deviceProperties", []))
out["kernels"] = len(kernels)
out["memcpys"] = len(copies)
out["memsets"] = len(sets)
out["runtime_calls"] = len(runtime)
out["driver_calls"] = len(of("cuda_driver"))
out["annotations"] = len(of("user_annotation"))
out["cpu_ops"] = len(of("cpu_op", "Operator"))
out["python"] = len(of("python_function"))
out["syncs"] = len(syncs)
for name, key in (("Event Sync", "sync_event"), ("Stream Sync", "sync_stream"), ("Context Sync", "sync_context")):
    out[key] = sum(1 for e in syncs if e.get("name") == name)
out["kernel_dur_ns"] = sum(ns(e["dur"]) for e in kernels)
out["first_kernel_ns"] = min((ns(e["ts"]) for e in kernels), default=0)

def prod(a):
    p = 1
    for v in a:
        p *= max(int(v), 0)
    return p
out["kernel_blocks"] = sum(prod(e["args"]["grid"]) for e in kernels if "grid" in e.get("args", {}))
out["kernel_threads"] = sum(prod(e["args"]["block"]) for e in kernels if "block" in e.get("args", {}))
out["kernel_regs"] = sum(int(e["args"].get("registers per thread", 0)) for e in kernels)
out["kernel_smem"] = sum(int(e["args"].get("shared memory", 0)) for e in kernels)
out["copy_bytes"] = sum(int(e.get("args", {}).get("bytes", 0)) for e in copies + sets)
for d in ("HtoD", "DtoH", "DtoD"):
    out[d.lower()] = sum(1 for e in copies if e["name"].startswith("Memcpy " + d + " "))
host_corr = {e["args"]["correlation"] for e in runtime + of("cuda_driver")
             if is_num(e.get("args", {}).get("correlation"))}
out["ops_joined"] = sum(1 for e in kernels + copies + sets
                        if e.get("args", {}).get("correlation") in host_corr)

# HTA (docs/hta-semantics.md 2.1, 2.3, 2.4)
kept = [e for e in ev if e.get("dur") is not None and e.get("cat") is not None
        and e.get("cat") != "Trace"]
out["hta_events"] = len(kept)
out["hta_rounding"] = int(any(e.get("ts") is None or isinstance(e.get("ts"), Decimal) for e in ev))
ts_sum = dur_sum = 0.0
stream_sum = corr_sum = ts_int = name_bytes = steps = 0
for e in kept:  # plain float adds in file order (not sum(): it compensates)
    ts_sum += float(e["ts"]) if is_num(e.get("ts")) else float("nan")
    dur_sum += float(e["dur"]) if is_num(e["dur"]) else float("nan")
    a = e.get("args", {}) if isinstance(e.get("args"), dict) else {}
    stream_sum += int(a["stream"]) if is_num(a.get("stream")) else -1
    corr_sum += int(a["correlation"]) if is_num(a.get("correlation")) else -1
    ts_int += isinstance(e.get("ts"), int) and not isinstance(e.get("ts"), bool)
    name = e.get("name") if isinstance(e.get("name"), str) else ""
    name_bytes += len(name.encode("utf-8"))
    steps += name.startswith("ProfilerStep#")
out["hta_ts_sum"] = "%.17g" % ts_sum
out["hta_dur_sum"] = "%.17g" % dur_sum
out["hta_stream_sum"] = stream_sum
out["hta_corr_sum"] = corr_sum
out["hta_ts_int"] = ts_int
out["hta_name_bytes"] = name_bytes
out["hta_steps"] = steps
out["hta_kernel"] = sum(1 for e in kept if e["cat"] in ("kernel", "Kernel", "mtia_ccp_events"))
out["hta_sync"] = sum(1 for e in kept if e["cat"] == "cuda_sync")
for k, v in out.items():
    print("%s=%s" % (k, v))
EOF
}

KEYS="rank devices kernels memcpys memsets runtime_calls driver_calls annotations cpu_ops python
      syncs sync_event sync_stream sync_context kernel_dur_ns first_kernel_ns kernel_blocks
      kernel_threads kernel_regs kernel_smem copy_bytes htod dtoh dtod ops_joined hta_events
      hta_rounding hta_ts_sum hta_dur_sum hta_stream_sum hta_corr_sum hta_ts_int hta_name_bytes
      hta_steps hta_kernel hta_sync"

# compare FILE NAME: every key, loaded vs independent
compare() {
    parse WANT "$(expect "$1")"
    run dump "$1"
    is "$rc" 0 "$2: loads"
    parse GOT "$out"
    for k in $KEYS; do
        is "${GOT[$k]}" "${WANT[$k]-(python computed no $k)}" "$2: $k"
    done
}

# ---- the real traces ------------------------------------------------------
if ! command -v python3 >/dev/null; then
    skip "python3 not found: the independent counts need it"
else
    for t in a100_rank3_train v100_rank0_ns_resolution small_event_sync a100_alexnet_inference; do
        f="$TRACES/$t.json.gz"
        compare "$f" "$t"
        case $t in
            v100*) is "$(value hta_rounding "$out")" 1 "$t: fractional ts, HTA rounds" ;;
            *) is "$(value hta_rounding "$out")" 0 "$t: integer ts, HTA does not round" ;;
        esac
        is "$(value hta_native "$out")" 1 "$t: HTA events come from the file"
        run dump --sniff "$f"
        is "$out" "sniff=1" "$t: sniffed as a Kineto trace"
    done
    f="$TRACES/v100_rank0_ns_resolution.json.gz"
    if [ -f "$f" ]; then
        HTA_DISABLE_NS_ROUNDING=1 run dump "$f"
        is "$(value hta_rounding "$out")" 0 "HTA_DISABLE_NS_ROUNDING=1 turns rounding off"
        is "$(value first_kernel_ns "$out")" 1712195495505582988 "v100: first kernel at exact ns"
    fi
    f="$TRACES/small_event_sync.json.gz"
    if [ -f "$f" ]; then
        gzip -dc "$f" >"$T/small.json"
        compare "$T/small.json" "small_event_sync as plain JSON"
        run dump "$f" "$T/small.json"
        is "$(value ranks "$out")" 2 "two files: two ranks"
    fi
fi

# ---- a synthetic trace: the mapping in detail ------------------------------
cat >"$T/synth.json" <<'EOF'
{"schemaVersion": 1,
 "distributedInfo": {"backend": "nccl", "rank": 5},
 "deviceProperties": [{"id": 0, "name": "Test GPU", "numSms": 132, "computeMajor": 9, "computeMinor": 0, "extra": [1, {"x": null}]}],
 "traceEvents": [
  {"name": "process_name", "ph": "M", "ts": 100.5, "pid": 42, "tid": 0, "args": {"name": "python"}},
  {"ph": "X", "cat": "Trace", "name": "PyTorch Profiler (0)", "ts": 100, "dur": 1000, "pid": "Spans", "tid": "PyTorch Profiler"},
  {"ph": "X", "cat": "user_annotation", "name": "ProfilerStep#1", "pid": 42, "tid": 43, "ts": 100, "dur": 500, "args": {"External id": 9}},
  {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 42, "tid": 43, "ts": 110, "dur": 5, "args": {"correlation": 77, "cbid": 211, "External id": 10}},
  {"ph": "X", "cat": "kernel", "name": "void k<float>(float*)", "pid": 0, "tid": 7, "ts": 120.001, "dur": 3.5,
   "args": {"device": 0, "stream": 7, "correlation": 77, "grid": [70000, 70000, 70000], "block": [256, 2, 1],
            "registers per thread": 32, "shared memory": 1024, "unknown": {"deep": [[[]]]}}},
  {"ph": "X", "cat": "cuda_driver", "name": "cuMemcpyAsync", "pid": 42, "tid": 44, "ts": 130, "dur": 2, "args": {"correlation": 78}},
  {"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy HtoD (Pinned -> Device)", "pid": 0, "tid": 8, "ts": 140, "dur": 1, "args": {"device": 0, "stream": 8, "correlation": 78, "bytes": 4096}},
  {"ph": "X", "cat": "gpu_memset", "name": "Memset (Device)", "pid": 0, "tid": 8, "ts": 150, "dur": 1, "args": {"stream": 8, "bytes": 16}},
  {"ph": "X", "cat": "cuda_sync", "name": "Event Sync", "pid": 0, "tid": -1, "ts": 160, "dur": 2, "args": {"stream": -1, "correlation": 79}},
  {"ph": "X", "cat": "cuda_sync", "name": "Stream Wait Event", "pid": 0, "tid": 8, "ts": 161, "dur": 0, "args": {"stream": 8}},
  {"ph": "X", "cat": "gpu_user_annotation", "name": "ProfilerStep#1", "pid": 0, "tid": 7, "ts": 120, "dur": 9},
  {"ph": "X", "cat": "python_function", "name": "train.py(1): main", "pid": 42, "tid": 43, "ts": 100, "dur": 600},
  {"ph": "X", "cat": "cpu_op", "name": "aten::mm", "pid": 42, "tid": 43, "ts": 105, "dur": 3, "args": {"External id": 11, "stream": "s"}},
  {"ph": "s", "id": 77, "pid": 42, "tid": 43, "ts": 110, "cat": "ac2g", "name": "ac2g"},
  {"ph": "X", "cat": "cpu_op", "name": "no dur", "pid": 42, "tid": 43, "ts": 106},
  {"ph": "X", "cat": null, "name": "null cat", "pid": 42, "tid": 43, "ts": 107, "dur": 1},
  {"ph": "X", "cat": "misc", "name": "caf\u00e9 \ud83d\ude00", "pid": 42, "tid": 43, "ts": 108, "dur": 1}
 ],
 "traceName": "synthetic"}
EOF
run dump "$T/synth.json"
is "$rc" 0 "synthetic: loads"
parse GOT "$out"
for kv in rank=5 devices=1 "device0=0 Test GPU sms=132 cc=9.0" kernels=1 memcpys=1 memsets=1 \
          runtime_calls=1 driver_calls=1 annotations=1 cpu_ops=1 python=1 syncs=2 sync_event=1 \
          kernel_dur_ns=3500 first_kernel_ns=120001 kernel_blocks=4294967295 kernel_threads=512 \
          kernel_regs=32 kernel_smem=1024 copy_bytes=4112 htod=1 ops_joined=2 pid=42 \
          hta_events=12 hta_rounding=1 hta_kernel=1 hta_sync=2 hta_ts_int=11 \
          copies_async=1; do
    is "${GOT[${kv%%=*}]}" "${kv#*=}" "synthetic: ${kv%%=*}"
done
# 12 kept: the X events but Trace, "no dur" and the null cat. Streams 7, 8, 8, 8 and
# eight -1 (missing, -1, or the string "s"): 31 - 8 = 23
is "$(value hta_stream_sum "$out")" 23 "synthetic: HTA streams (missing or a string -> -1)"

# M events alone switch rounding on; integer ts everywhere keep it off.
printf '{"traceEvents": [{"ph": "X", "cat": "kernel", "name": "k", "ts": 1, "dur": 1, "args": {"stream": 7}}]}' >"$T/int.json"
run dump "$T/int.json"
is "$(value hta_rounding "$out")" 0 "integer ts: no rounding"
printf '{"traceEvents": [{"ph": "X", "cat": "kernel", "name": "k", "ts": 1, "dur": 1}, {"ph": "i", "name": "i", "ts": 2.0}]}' >"$T/inst.json"
run dump "$T/inst.json"
is "$(value hta_rounding "$out")" 1 "an instant event's ts 2.0 switches rounding on"
is "$(value hta_events "$out")" 1 "the instant event is not an HTA event (no dur, no cat)"
printf '{"traceEvents": [{"ph": "X", "cat": "kernel", "name": "k", "ts": 1, "dur": 1}, {"ph": "M", "name": "m"}]}' >"$T/nots.json"
run dump "$T/nots.json"
is "$(value hta_rounding "$out")" 1 "an element without ts switches rounding on"

# ---- malformed files: a clear error naming the file, no crash ---------------
# bad NAME EXPECTED-MESSAGE-PART: loads $T/NAME, wants exit 2 and the message
bad() {
    run dump "$T/$1"
    is "$rc" 2 "$1: exit 2"
    like "$err" "$T/$1" "$1: the message names the file"
    like "$err" "$2" "$1: $2"
    like "$out" "ranks=0" "$1: the job gains no rank"
}

: >"$T/empty.json"
bad empty.json "the file is empty"

python3 -c 'import random, sys; sys.stdout.buffer.write(bytes([0x8f]) + random.Random(7).randbytes(4000))' >"$T/random.bin"
bad random.bin "neither gzip nor JSON"

python3 -c 'import random, sys; sys.stdout.buffer.write(b"\x1f\x8b\x08\x00" + random.Random(8).randbytes(4000))' >"$T/random.gz"
bad random.gz "gzip"

printf '{"schemaVersion": 1, "deviceProperties": []}' | gzip >"$T/noevents.json.gz"
bad noevents.json.gz "not a PyTorch profiler trace: no traceEvents"

printf '[{"ph": "X", "cat": "kernel", "name": "k", "ts": 1, "dur": 1},\n {"ph": "X", "cat": "ker' \
    >"$T/cutarray.json"
bad cutarray.json "invalid JSON: unterminated string at line 2, column 21"

printf '[{"ph": "X", "cat": "kernel", "name": "k", "ts": 1, "dur": 1},]' >"$T/commaarray.json"
bad commaarray.json "invalid JSON: unexpected ']', expected a value"

printf '[1]' >"$T/numarray.json"
bad numarray.json "traceEvents[0] is not an object"

printf '{"traceEvents": [\n  {"ph": "X",, "cat": "kernel"}\n]}\n' | gzip >"$T/badjson.json.gz"
bad badjson.json.gz "invalid JSON: unexpected ',', expected a string key at line 2, column 14 (byte 31)"

# ---- impossible times: left out of the model and the HTA events, counted ---
# A kernel ending before it starts (negative dur) is one.
printf '{"traceEvents": [{"ph": "X", "cat": "cpu_op", "name": "a", "ts": 1, "dur": 1},\n {"ph": "X", "cat": "kernel", "name": "k1", "ts": 5, "dur": -5}]}' >"$T/negdur.json"
run dump "$T/negdur.json"
is "$rc" 0 "negdur.json: loads"
parse GOT "$out"
for kv in kernels=0 cpu_ops=1 hta_events=1 bad_times=1; do
    is "${GOT[${kv%%=*}]}" "${kv#*=}" "negdur.json: ${kv%%=*}"
done
# Times outside [0, 2^62) ns (2^62 ns = 4611686018427387.904 us): a ts of
# INT64_MIN ns, one of 9.2e18 ns, an end of exactly 2^62, a ts of 1e300, a
# call whose ts + dur leaves int64, an operator before 0. Kept: a kernel
# ending at 2^62 - 1 ns and an ordinary one.
cat >"$T/extreme.json" <<'EOF'
{"traceEvents": [
 {"ph": "X", "cat": "kernel", "name": "min", "ts": -9223372036854775.808, "dur": 1, "args": {"stream": 7}},
 {"ph": "X", "cat": "kernel", "name": "big", "ts": 9223372036854775, "dur": 0, "args": {"stream": 7}},
 {"ph": "X", "cat": "kernel", "name": "at_limit", "ts": 4611686018427387.903, "dur": 0.001, "args": {"stream": 7}},
 {"ph": "X", "cat": "kernel", "name": "e300", "ts": 1e300, "dur": 1, "args": {"stream": 7}},
 {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1, "ts": 1, "dur": 9223372036854775},
 {"ph": "X", "cat": "cpu_op", "name": "before", "pid": 1, "tid": 1, "ts": -5, "dur": 10},
 {"ph": "X", "cat": "kernel", "name": "last", "ts": 4611686018427387.902, "dur": 0.001, "args": {"stream": 7}},
 {"ph": "X", "cat": "kernel", "name": "ok", "ts": 10, "dur": 5, "args": {"stream": 7}}
]}
EOF
run dump "$T/extreme.json"
is "$rc" 0 "extreme.json: loads"
parse GOT "$out"
for kv in kernels=2 runtime_calls=0 cpu_ops=0 hta_events=2 bad_times=6 kernel_dur_ns=5001; do
    is "${GOT[${kv%%=*}]}" "${kv#*=}" "extreme.json: ${kv%%=*}"
done

printf '{"traceEvents": [{"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy HtoD", "dur": 5}]}' >"$T/nots.json"
bad nots.json 'traceEvents[0] (memcpy "Memcpy HtoD") has no ts'

printf '{"traceEvents": [{"ph": "X", "cat": "kernel", "name": "k", "ts": 5}]}' >"$T/nodur.json"
bad nodur.json 'traceEvents[0] (kernel "k") has no dur'

printf '{"schemaVersion": 2, "traceEvents": []}' >"$T/schema2.json"
bad schema2.json "schemaVersion 2 is not one this gpupack reads (it reads 1, or none)"

printf '{"traceEvents": [1]}' >"$T/notobj.json"
bad notobj.json "traceEvents[0] is not an object"

printf '{"traceEvents": [{"ph": "X", "cat": "kernel", "name": "k", "ts": 1, "dur": 1}' >"$T/cut.json"
bad cut.json "invalid JSON: truncated input"

printf '{"traceEvents": []} []' >"$T/trailing.json"
bad trailing.json "invalid JSON: unexpected '['"

if [ -f "$TRACES/small_event_sync.json.gz" ]; then
    head -c 1500 "$TRACES/small_event_sync.json.gz" >"$T/cut_small.json.gz"
    bad cut_small.json.gz "the gzip stream ends early: the file was cut short"
    python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[-6] ^= 0xff
open(sys.argv[2], "wb").write(d)' "$TRACES/small_event_sync.json.gz" "$T/badcrc.json.gz"
    bad badcrc.json.gz "the gzip data is corrupt (incorrect data check)"
fi
if [ -f "$TRACES/a100_rank3_train.json.gz" ]; then
    head -c 900000 "$TRACES/a100_rank3_train.json.gz" >"$T/cut_a100.json.gz"
    bad cut_a100.json.gz "the gzip stream ends early: the file was cut short"
fi

run dump "$T/does-not-exist.json"
is "$rc" 2 "a missing file: exit 2"
like "$err" "$T/does-not-exist.json: No such file or directory" "a missing file: says so"

# Not regular files: refused with what they are, never read (a FIFO without a
# writer would block open() and read() forever; /dev/zero never ends).
mkdir "$T/dir.json"
bad dir.json "a directory, not a regular file"
if mkfifo "$T/fifo.json" 2>/dev/null; then
    run timeout 60 "$DUMP" "$T/fifo.json"
    is "$rc" 2 "a FIFO: exit 2, at once (124: it blocked until the timeout)"
    like "$err" "$T/fifo.json: a named pipe (FIFO), not a regular file" "a FIFO: says so"
    run timeout 60 "$DUMP" --sniff "$T/fifo.json"
    is "$out" "sniff=-1" "sniff: a FIFO cannot be read, and is not waited for"
else
    skip "mkfifo failed"; skip "mkfifo failed"; skip "mkfifo failed"
fi
run timeout 60 "$DUMP" /dev/zero
is "$rc" 2 "/dev/zero: exit 2 (124: it read forever)"
like "$err" "/dev/zero: a character device, not a regular file" "/dev/zero: says so"

# ---- Chrome's JSON Array Format and a UTF-8 byte order mark ----------------
# The Trace Event Format's "JSON Array Format" is a bare array of events; its
# closing ']' may be missing (a killed writer never wrote it). RFC 8259 lets a
# reader skip a UTF-8 byte order mark. variants SRC PREFIX: from the events of
# SRC (a Kineto trace), PREFIX.json (the array), PREFIX_open.json (no ']'),
# PREFIX_comma.json (no ']', a trailing ','), PREFIX_bom.json (a byte order
# mark, no ']') and PREFIX_obj_bom.json (SRC as it is behind a byte order mark).
variants() {
    python3 - "$1" "$2" <<'EOF'
import gzip, json, sys
src, out = sys.argv[1], sys.argv[2]
with open(src, "rb") as f:
    gz = f.read(2) == b"\x1f\x8b"
raw = (gzip.open if gz else open)(src, "rb").read()
arr = json.dumps(json.loads(raw)["traceEvents"], indent=1)
assert arr.endswith("]")
open(out + ".json", "w").write(arr)
open(out + "_open.json", "w").write(arr[:-1])
open(out + "_comma.json", "w").write(arr[:-1].rstrip() + ",\n")
open(out + "_bom.json", "wb").write(b"\xef\xbb\xbf" + arr[:-1].encode())
open(out + "_obj_bom.json", "wb").write(b"\xef\xbb\xbf" + raw)
EOF
}
# same_as FILE NAME: every key of FILE's load as in WANT, but rank and devices
# (a bare array has no distributedInfo or deviceProperties)
same_as() {
    local k diffs=""
    run dump "$1"
    is "$rc" 0 "$2: loads"
    parse GOT "$out"
    for k in $KEYS; do
        case $k in rank|devices) continue ;; esac
        [ "${GOT[$k]}" = "${WANT[$k]}" ] || diffs="$diffs $k=${GOT[$k]} (want ${WANT[$k]})"
    done
    is "$diffs" "" "$2: every count and sum as the same events in the object format"
}
if command -v python3 >/dev/null; then
    # The synthetic trace: against its own object format (checked above).
    variants "$T/synth.json" "$T/sarr"
    run dump "$T/synth.json"
    parse WANT "$out"
    for f in sarr sarr_open sarr_comma sarr_bom sarr_obj_bom; do
        same_as "$T/$f.json" "synthetic, $f"
    done
    gzip -c "$T/sarr_obj_bom.json" >"$T/sarr_obj_bom.json.gz"
    same_as "$T/sarr_obj_bom.json.gz" "synthetic, behind a byte order mark, gzip-compressed"
    # A real trace: against python3's own reading of the complete array.
    f="$TRACES/small_event_sync.json.gz"
    if [ -f "$f" ]; then
        variants "$f" "$T/small_arr"
        compare "$T/small_arr.json" "small_event_sync as a bare array"
        for v in small_arr_open small_arr_comma small_arr_bom; do
            same_as "$T/$v.json" "small_event_sync, $v"
        done
        compare "$T/small_arr_obj_bom.json" "small_event_sync behind a byte order mark"
    else
        skip "$f not found"
    fi
    printf ' [\n' >"$T/empty_arr.json"
    run dump "$T/empty_arr.json"
    is "$rc" 0 "an array with no events and no ']': loads"
    like "$out" "kernels=0" "and holds no kernels"
    for f in sarr.json sarr_open.json sarr_comma.json sarr_bom.json sarr_obj_bom.json \
             sarr_obj_bom.json.gz empty_arr.json; do
        run dump --sniff "$T/$f"
        is "$out" "sniff=1" "sniff: $f is a Kineto (Chrome) trace"
    done
else
    skip "python3 not found: the JSON Array Format checks need it"
fi

# ---- sniffing ------------------------------------------------------------
for f in noevents.json.gz random.bin random.gz empty.json numarray.json; do
    run dump --sniff "$T/$f"
    is "$out" "sniff=0" "sniff: $f is not a Kineto trace"
done
run dump --sniff "$T/synth.json"
is "$out" "sniff=1" "sniff: a plain JSON trace"
run dump --sniff "$T/does-not-exist.json"
is "$out" "sniff=-1" "sniff: a missing file is unreadable"

done_testing
