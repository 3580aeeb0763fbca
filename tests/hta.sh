#!/bin/bash
# hta.sh: gpupack's HTA-compatible breakdowns on the real PyTorch profiler
# traces in samples/traces, against (1) tests/hta_reference.py, an
# independent implementation of HTA's rules, and (2) the numbers HTA v0.6.1
# itself printed for these files (docs/hta-semantics.md's table).
. "$GP_SRCDIR/tests/lib.sh"
KT="$GP_TRACES"

# The traces are the bytes samples/traces/README.md names (its sha256 list),
# and the folder stays small enough to ship in every clone and tarball.
sums=$(sed -n '/^```$/,/^```$/p' "$KT/README.md" | grep '\.json\.gz$')
is "$(printf '%s\n' "$sums" | wc -l)" "$(ls "$KT"/*.json.gz | wc -l)" "README.md lists every trace in samples/traces"
is "$(cd "$KT" && printf '%s\n' "$sums" | sha256sum -c --quiet 2>&1; echo $?)" 0 "each trace has the checksum README.md gives"
ok "$([ "$(du -sk "$KT" | cut -f1)" -lt 6144 ]; echo $?)" "samples/traces is under 6 MB"

for t in a100_rank3_train v100_rank0_ns_resolution small_event_sync a100_alexnet_inference; do
    f="$KT/$t.json.gz"
    run gpupack analyze --json "$f"
    is "$rc" 0 "$t: analyze --json"
    printf '%s\n' "$out" >"$T/$t.gp.json"
    python3 "$GP_SRCDIR/tests/hta_reference.py" "$f" >"$T/$t.ref.json"
    res=$(python3 - "$T/$t.gp.json" "$T/$t.ref.json" <<'PY'
import json, sys
gp = json.load(open(sys.argv[1]))["ranks"][0]["hta"]
ref = json.load(open(sys.argv[2]))
bad = []
for k in ("valid", "step_filter", "rounding"):
    if bool(gp[k]) != bool(ref[k]):
        bad.append("%s %s != %s" % (k, gp[k], ref[k]))
for k in ("span_us", "idle_us", "compute_us", "non_compute_us"):
    if abs(gp[k] - ref[k]) > 1e-6 * max(1.0, abs(ref[k])):
        bad.append("%s %r != %r" % (k, gp[k], ref[k]))
for k in ("idle_pct", "compute_pct", "non_compute_pct"):
    if gp[k] != ref[k]:
        bad.append("%s %r != %r" % (k, gp[k], ref[k]))
if [s["stream"] for s in gp["streams"]] != [s["stream"] for s in ref["streams"]]:
    bad.append("streams %r != %r" % ([s["stream"] for s in gp["streams"]], [s["stream"] for s in ref["streams"]]))
else:
    for a, b in zip(gp["streams"], ref["streams"]):
        for k in ("host_wait_us", "kernel_wait_us", "other_us"):
            if (a[k] is None) != (b[k] is None) or (a[k] is not None and abs(a[k] - b[k]) > 1e-6 * max(1.0, abs(b[k]))):
                bad.append("stream %s %s %r != %r" % (a["stream"], k, a[k], b[k]))
print("; ".join(bad) if bad else "same")
PY
)
    is "$res" "same" "$t: every HTA value equals the independent reference"
done

# HTA's own output for these traces (rounded as HTA prints them).
hta() { python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["ranks"][0]["hta"]
f = lambda x: "-" if x is None else "%d" % round(x)
print("%d %.2f %d %.2f %d %.2f %d" % (round(r["idle_us"]), r["idle_pct"], round(r["compute_us"]), r["compute_pct"], round(r["non_compute_us"]), r["non_compute_pct"], round(r["span_us"])))
for s in r["streams"]:
    print("s%d %s/%s/%s" % (s["stream"], f(s["host_wait_us"]), f(s["kernel_wait_us"]), f(s["other_us"])))
' "$1"; }
is "$(hta "$T/a100_rank3_train.gp.json" | tr '\n' ' ')" \
   "62119 16.20 234760 61.23 86525 22.57 383404 s21 237710/71/0 s20 346996/621/7470 s7 102154/14226/32183 s22 271786/1253/0 " \
   "a100: HTA's published temporal and idle breakdown"
is "$(hta "$T/v100_rank0_ns_resolution.gp.json" | tr '\n' ' ')" \
   "10113 2.63 372150 96.75 2371 0.62 384634 s7 1709/8404/0 " \
   "v100 (ns timestamps, rounded as HTA does): HTA's published values"
is "$(hta "$T/small_event_sync.gp.json" | tr '\n' ' ')" \
   "207 78.71 49 18.63 7 2.66 263 s7 212/-/0 " \
   "small_event_sync (Stream Sync counted as busy): HTA's published values"

# Imported into a gpupack trace, the a100 file (integer microseconds, so
# HTA does not round it) gives HTA's numbers too: nothing lost in the import.
run gpupack import "$KT/a100_rank3_train.json.gz" -o "$T/a100.gpupack"
is "$rc" 0 "a100: import into a gpupack trace"
like "$err" "9,450 GPU operations, 24,692 API calls" "the import counts what it wrote"
run gpupack analyze --json "$T/a100.gpupack"
printf '%s\n' "$out" >"$T/imported.json"
is "$(hta "$T/imported.json" | head -1)" "62119 16.20 234760 61.23 86525 22.57 383404" \
   "a100 imported: the same HTA breakdown"
is "$(hta "$T/imported.json" | tail -n +2 | sort | tr '\n' ' ')" \
   "s20 346996/621/7470 s21 237710/71/0 s22 271786/1253/0 s7 102154/14226/32183 " \
   "a100 imported: the same idle time per stream"

# include_last_profiler_step=True (docs/hta-semantics.md: a100 16.36/60.56/23.08 %).
run gpupack analyze --json --hta-include-last-step "$KT/a100_rank3_train.json.gz"
printf '%s\n' "$out" >"$T/last.json"
is "$(hta "$T/last.json" | head -1)" "76007 16.36 281336 60.56 107251 23.08 464594" \
   "a100 with the last step kept: HTA's published values"
done_testing
