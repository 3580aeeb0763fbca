#!/bin/bash
# check_gpu.sh (`make check-gpu`): the real-GPU check. Runs each CUDA sample
# with a planted problem (samples/cuda, an "Expected findings:" header) under `gpupack record` and checks, from `gpupack analyze
# --json`:
#   - every finding the sample's header plants is reported;
#   - well_tuned has no finding at warning level or above;
#   - the trace's kernel count equals the count the sample printed (samples
#     whose summary line counts kernels; cuBLAS samples count calls, not
#     kernels, and are left out of this check).
# Prints TAP, and a Markdown table for docs/validation.md on fd 3 (or into
# $GP_VALIDATION_OUT). Without a GPU it says so and skips (exit 77): it is
# not part of `make check`.
set -u
. "$GP_SRCDIR/tests/lib.sh"
cd "$T" || exit 1

if ! { command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q '^GPU '; }; then
    echo "1..0 # SKIP check-gpu needs a GPU and its driver (nvidia-smi -L lists none)"
    exit 77
fi
out_md=${GP_VALIDATION_OUT:-$T/validation.md}
gpu=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | head -1)

# The ids on the "Expected findings:" line of a source's header comment.
header_ids() {
    sed -n '1,/\*\//p' "$1" | grep -m1 '^ \* Expected findings:' |
        sed 's/^ \* Expected findings://' | grep -oE '[a-z_]+\.[a-z0-9_]+|none' | LC_ALL=C sort | tr '\n' ' '
}
# analyze --json on stdin -> "ids|warnings|kernels|busy_pct"
summarize() {
    python3 -c '
import json, sys
d = json.load(sys.stdin)
ids = sorted({f["id"] for f in d["findings"]})
warn = sum(1 for f in d["findings"] if f["severity"] in ("warning", "critical"))
k = sum(dev["kernels"] for r in d["ranks"] for dev in r["devices"])
busy = sum(dev["busy_ns"] for r in d["ranks"] for dev in r["devices"])
span = sum(dev["last_ns"] - dev["first_ns"] for r in d["ranks"] for dev in r["devices"])
print("%s|%d|%d|%.1f" % (" ".join(ids), warn, k, 100.0 * busy / span if span else 0))'
}

{
    echo "## check-gpu: $(date -u +%Y-%m-%d), $gpu"
    echo
    echo "| sample | expected | found | kernels (sample / trace) | GPU busy % | verdict |"
    echo "|---|---|---|---|---|---|"
} >"$out_md"

for src in "$GP_SRCDIR"/samples/cuda/*.cu; do
    name=$(basename "$src" .cu)
    bin="$GP_BUILDDIR/samples/cuda/$name"
    [ -x "$bin" ] || { ok 1 "$name: built (make samples)"; continue; }
    want=$(header_ids "$src")
    [ -n "$want" ] || continue # a workload (serve.cu, train.cu), not a planted problem
    run "$GPUPACK" record -q -f -o "$T/$name.gpupack" -- "$bin"
    is "$rc" 0 "$name under gpupack record: exit 0"
    said=$(printf '%s\n' "$out" | grep -m1 "^$name: ")
    run "$GPUPACK" analyze --json "$T/$name.gpupack"
    s=$(printf '%s\n' "$out" | summarize)
    IFS='|' read -r ids warn kernels busy <<<"$s"
    f0=${tap_failed:-0}
    if [ "$want" = "none " ]; then
        is "$warn" 0 "$name: no finding at warning level"
    else
        for id in $want; do
            like " $ids " " $id " "$name: $id reported"
        done
    fi
    printed=$(printf '%s\n' "$said" | sed -n 's/^[a-z_]*: \([0-9]*\) kernels.*/\1/p')
    if [ -n "$printed" ]; then
        is "$kernels" "$printed" "$name: trace kernels = kernels the sample launched"
    fi
    verdict=ok
    [ "${tap_failed:-0}" = "$f0" ] || verdict=FAIL
    echo "| $name | $want | $ids | ${printed:-n/a} / $kernels | $busy | $verdict |" >>"$out_md"
done
echo "# table: $out_md"
done_testing
