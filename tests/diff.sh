#!/bin/bash
# diff.sh: gpupack diff on two synthetic runs whose differences are worked
# out by hand, in text, JSON and HTML, and on the real traces.
. "$GP_SRCDIR/tests/lib.sh"

kern() { # kern NAME TS DUR: one Kineto kernel event on GPU 0, stream 7 (us)
    printf '{"ph": "X", "cat": "kernel", "name": "%s", "pid": 0, "tid": 7, "ts": %s, "dur": %s, "args": {"device": 0, "stream": 7}}' "$1" "$2" "$3"
}
# base: gemm_a 3 x 10 us, old_k 2 x 5 us, same_k 1 x 4 us   span 10..94, busy 44 us
# new:  gemm_a 3 x 20 us, same_k 1 x 4 us, new_k 1 x 2 us   span 10..106, busy 66 us
{ echo '{"traceEvents": ['; kern gemm_a 10 10; echo ,; kern gemm_a 30 10; echo ,; kern gemm_a 50 10; echo ,
  kern old_k 70 5; echo ,; kern old_k 80 5; echo ,; kern same_k 90 4; echo ']}'; } >"$T/base.json"
{ echo '{"traceEvents": ['; kern gemm_a 10 20; echo ,; kern gemm_a 40 20; echo ,; kern gemm_a 70 20; echo ,
  kern same_k 95 4; echo ,; kern "<script>new_k</script>" 104 2; echo ']}'; } >"$T/new.json"

run gpupack diff --help
is "$rc" 0 "--help exits 0"
like "$out" "usage: gpupack diff" "--help prints the usage"
run gpupack diff "$T/base.json"
is "$rc" 2 "one run: exit 2"
like "$err" "BASE and NEW" "one run: says what is needed"
run gpupack diff "$T/base.json" "$T/missing.json"
is "$rc" 2 "missing run: exit 2"
like "$err" "$T/missing.json" "missing run: names the file"
run gpupack diff "$T/base.json" "$T/new.json" -o "$T/d.pdf"
is "$rc" 2 "unknown extension: exit 2"

run gpupack diff "$T/base.json" "$T/new.json"
is "$rc" 0 "text diff"
like "$out" "Kernels added: 1" "one added"
like "$out" "Kernels removed: 1" "one removed"
like "$out" "Kernels slower: 1" "one slower"
like "$out" "Kernels unchanged (within 5 % or 1000 ns): 1" "one unchanged"
like "$out" "+30.0 us (+100.0 %)" "gemm_a: 30 -> 60 us"

run gpupack diff "$T/base.json" "$T/new.json" -o "$T/d.json"
is "$rc" 0 "JSON diff by extension"
res=$(python3 - "$T/d.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
bad = []
if d["schema"] != "gpupack.diff" or d["schema_version"] != 1: bad.append("schema")
if d["base"]["busy_ns"] != 44000 or d["new"]["busy_ns"] != 66000: bad.append("busy %r %r" % (d["base"]["busy_ns"], d["new"]["busy_ns"]))
if d["base"]["span_ns"] != 84000 or d["new"]["span_ns"] != 96000: bad.append("span")
if abs(d["new"]["busy_pct"] - 100 * 66 / 96) > 1e-9: bad.append("busy_pct")
k = {x["name"]: x for x in d["kernels"]}
want = {"gemm_a": ("slower", 3, 3, 30000, 60000), "old_k": ("removed", 2, 0, 10000, 0),
        "<script>new_k</script>": ("added", 0, 1, 0, 2000)}
for n, w in want.items():
    x = k.get(n)
    if not x or (x["status"], x["base_count"], x["new_count"], x["base_ns"], x["new_ns"]) != w: bad.append("%s %r" % (n, x))
if "same_k" in k or d["kernel_counts"]["same"] != 1: bad.append("same_k")
print("; ".join(bad) if bad else "same")
PY
)
is "$res" "same" "JSON: busy, span and every kernel change as worked out"

run gpupack diff "$T/base.json" "$T/new.json" -o "$T/d.html"
is "$rc" 0 "HTML diff"
html=$(cat "$T/d.html")
like "$html" "&lt;script&gt;new_k&lt;/script&gt;" "HTML: the name is escaped"
unlike "$html" "<script" "HTML: no raw tag"
run gpupack diff "$T/base.json" "$T/new.json" -o "$T/d.html"
is "$rc" 2 "HTML diff again: refuses to overwrite"
run gpupack diff "$T/base.json" "$T/new.json" -f -o "$T/d.html"
is "$rc" 0 "-f overwrites"

# gpupack traces too.
run gpupack import "$T/base.json" -o "$T/base.gpupack"
run gpupack import "$T/new.json" -o "$T/new.gpupack"
run gpupack diff "$T/base.gpupack" "$T/new.gpupack" --format json
is "$rc" 0 "diff of two gpupack traces"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["kernel_counts"]["added"], d["kernel_counts"]["removed"], d["kernel_counts"]["slower"], d["new"]["busy_ns"])')" \
   "1 1 1 66000" "gpupack traces: the same changes"

KT="$GP_TRACES"
run gpupack diff "$KT/a100_rank3_train.json.gz" "$KT/a100_rank3_train.json.gz" --format json
is "$rc" 0 "a run against itself"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["kernels"]), d["base"]==d["new"])')" \
   "0 True" "a run against itself: nothing changed"
run gpupack diff "$KT/a100_rank3_train.json.gz" "$KT/v100_rank0_ns_resolution.json.gz" -o "$T/real.html"
is "$rc" 0 "a100 against v100: HTML"
done_testing
