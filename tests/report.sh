#!/bin/bash
# report.sh: gpupack report in every format, on a synthetic trace whose
# numbers are worked out by hand below, on the same trace imported into a
# gpupack trace, and on the real PyTorch profiler traces in samples/traces.
. "$GP_SRCDIR/tests/lib.sh"

# ---- a synthetic trace: GPU 0, stream 7; times in us -----------------------
#   gemm_a                          [10,20] [30,40] [50,60]   3 x 10 = 30
#   <script>alert(1)</script>       [70,75] [80,85]           2 x 5  = 10
#   "><img src=x onerror=alert(1)>  [90,94]                   1 x 4  =  4
# span 10..94 = 84 us, busy 44 us, idle 40 us: busy 52.38 %
cat >"$T/synth.json" <<'EOF'
{"schemaVersion": 1,
 "deviceProperties": [{"id": 0, "name": "Test GPU", "numSms": 132, "computeMajor": 9, "computeMinor": 0}],
 "traceEvents": [
  {"ph": "X", "cat": "kernel", "name": "gemm_a", "pid": 0, "tid": 7, "ts": 10, "dur": 10, "args": {"device": 0, "stream": 7}},
  {"ph": "X", "cat": "kernel", "name": "gemm_a", "pid": 0, "tid": 7, "ts": 30, "dur": 10, "args": {"device": 0, "stream": 7}},
  {"ph": "X", "cat": "kernel", "name": "gemm_a", "pid": 0, "tid": 7, "ts": 50, "dur": 10, "args": {"device": 0, "stream": 7}},
  {"ph": "X", "cat": "kernel", "name": "<script>alert(1)</script>", "pid": 0, "tid": 7, "ts": 70, "dur": 5, "args": {"device": 0, "stream": 7}},
  {"ph": "X", "cat": "kernel", "name": "<script>alert(1)</script>", "pid": 0, "tid": 7, "ts": 80, "dur": 5, "args": {"device": 0, "stream": 7}},
  {"ph": "X", "cat": "kernel", "name": "\"><img src=x onerror=alert(1)>", "pid": 0, "tid": 7, "ts": 90, "dur": 4, "args": {"device": 0, "stream": 7}}
 ]}
EOF

run gpupack report --help
is "$rc" 0 "--help exits 0"
like "$out" "usage: gpupack report" "--help prints the usage"
run gpupack report -o "$T/x.html"
is "$rc" 2 "no trace: exit 2"
run gpupack report "$T/synth.json"
is "$rc" 2 "no output: exit 2"
like "$err" "-o FILE" "no output: says what is missing"
run gpupack report "$T/synth.json" -o "$T/x.pdf"
is "$rc" 2 "unknown extension: exit 2"
like "$err" "cannot tell the format of '$T/x.pdf'" "unknown extension: names the file"
run gpupack report "$T/synth.json" --format pdf -o "$T/x.pdf"
is "$rc" 2 "unknown --format: exit 2"
run gpupack report "$T/synth.json" --table gaps -o "$T/x.html"
is "$rc" 2 "--table without csv: exit 2"
run gpupack report "$T/missing.gpupack" -o "$T/x.html"
is "$rc" 2 "missing trace: exit 2"
like "$err" "$T/missing.gpupack" "missing trace: names the file"
printf 'not a trace at all\n' >"$T/junk.gpupack"
run gpupack report "$T/junk.gpupack" -o "$T/x.html"
is "$rc" 2 "not a trace: exit 2"
like "$err" "$T/junk.gpupack" "not a trace: names the file"
run gpupack report "$T/synth.json" -o "$T/no/such/dir/r.html"
is "$rc" 2 "unwritable output: exit 2"
ok "$([ ! -e "$T/x.html" ] && [ -z "$(ls "$T" | grep tmp-)" ]; echo $?)" "failed runs leave no file behind"

# ---- every format on the synthetic trace, then on it imported ---------------
check_formats() { # check_formats TRACE WHAT
    local src="$1" what="$2" d="$T/$2"
    mkdir -p "$d"
    for f in html md json; do
        run gpupack report "$src" -o "$d/r.$f"
        is "$rc" 0 "$what: $f written"
    done
    for t in kernels gaps findings samples; do
        run gpupack report "$src" --table $t -o "$d/$t.csv"
        is "$rc" 0 "$what: csv $t written"
    done
    run gpupack report "$src" --format chrome-trace -o "$d/trace.json"
    is "$rc" 0 "$what: chrome-trace written"
    html=$(cat "$d/r.html")
    like "$html" "52.4 %" "$what: HTML shows busy 44/84 us = 52.4 %"
    like "$html" "&lt;script&gt;alert(1)&lt;/script&gt;" "$what: HTML escapes the <script> name"
    like "$html" "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" "$what: HTML escapes the <img> name"
    unlike "$html" "<script" "$what: no raw <script in the HTML"
    unlike "$html" "<img" "$what: no raw <img in the HTML"
    like "$(cat "$d/r.md")" "| GPU busy (all devices) | 52.4 % |" "$what: Markdown summary"
    unlike "$(cat "$d/r.md")" "<script" "$what: no raw <script in the Markdown"
    res=$(python3 - "$d" <<'PY'
import csv, json, sys
d = sys.argv[1]
bad = []
r = json.load(open(d + "/r.json"))
s = r["summary"]
if r["schema"] != "gpupack.report" or r["schema_version"] != 1: bad.append("schema")
for k, want in (("span_ns", 84000), ("busy_ns", 44000), ("idle_ns", 40000), ("kernels", 6)):
    if s[k] != want: bad.append("%s %r != %r" % (k, s[k], want))
if abs(s["busy_pct"] - 100 * 44 / 84) > 1e-9: bad.append("busy_pct %r" % s["busy_pct"])
u = r["series"]["utilization"][0]
busy = sum(p * min(u["bin_ns"], 84000 - i * u["bin_ns"]) / 100 for i, p in enumerate(u["busy_pct"]))
if abs(busy - 44000) > 84000 * 0.01: bad.append("series busy %r" % busy)
idle = sum(p * min(u["bin_ns"], 84000 - i * u["bin_ns"]) / 100
           for c in u["idle_pct"].values() for i, p in enumerate(c))
if abs(idle - 40000) > 84000 * 0.01: bad.append("series idle by cause %r" % idle)
for i, p in enumerate(u["busy_pct"]):
    if abs(p + sum(c[i] for c in u["idle_pct"].values()) - 100) > 0.05: bad.append("bin %d not 100 %%" % i); break
if len(r["analysis"]["ranks"]) != 1: bad.append("ranks")
rows = list(csv.DictReader(open(d + "/kernels.csv", newline="")))
k = {row["name"]: row for row in rows}
want = {"gemm_a": (3, 30000), "<script>alert(1)</script>": (2, 10000), '"><img src=x onerror=alert(1)>': (1, 4000)}
for n, (c, t) in want.items():
    if n not in k: bad.append("csv lacks %r" % n); continue
    if int(k[n]["count"]) != c or int(k[n]["total_ns"]) != t: bad.append("csv %r" % n)
if len(rows) != 3: bad.append("csv rows %d" % len(rows))
ev = json.load(open(d + "/trace.json"))["traceEvents"]
need = {"X": ("name", "ph", "ts", "dur", "pid", "tid"), "M": ("name", "ph", "pid", "args"),
        "C": ("name", "ph", "ts", "pid", "args"), "i": ("name", "ph", "ts", "pid", "s")}
for e in ev:
    if e.get("ph") not in need: bad.append("ph %r" % e.get("ph")); break
    miss = [f for f in need[e["ph"]] if f not in e]
    if miss: bad.append("%s lacks %s" % (e["ph"], miss)); break
    if e["ph"] == "i" and e["s"] not in "gpt": bad.append("scope"); break
kern = sorted((e["ts"], e["dur"]) for e in ev if e["ph"] == "X" and e.get("cat") == "kernel")
if kern != [(10, 10), (30, 10), (50, 10), (70, 5), (80, 5), (90, 4)]: bad.append("kernels %r" % kern)
print("; ".join(bad) if bad else "same")
PY
)
    is "$res" "same" "$what: JSON summary and series, CSV rows, chrome-trace events all as worked out"
}
check_formats "$T/synth.json" "synthetic Kineto"
run gpupack import "$T/synth.json" -o "$T/synth.gpupack"
is "$rc" 0 "import the synthetic trace"
check_formats "$T/synth.gpupack" "synthetic gpupack trace"

# ---- writing: never overwrite by surprise, never leave half a file ---------
echo keep >"$T/exists.html"
run gpupack report "$T/synth.json" -o "$T/exists.html"
is "$rc" 2 "existing output: exit 2"
like "$err" "$T/exists.html already exists (use -f" "existing output: says so and what to do"
is "$(cat "$T/exists.html")" "keep" "existing output: untouched"
run gpupack report "$T/synth.json" -f -o "$T/exists.html"
is "$rc" 0 "-f overwrites"
like "$(cat "$T/exists.html")" "<!DOCTYPE html>" "-f: the report replaced it"
run gpupack report "$T/synth.json" --format md -o -
is "$rc" 0 "-o - with --format: standard output"
like "$out" "# GPU utilization report" "Markdown on standard output"

# Two files: the ranks of one job.
run gpupack report "$T/synth.json" "$T/synth.gpupack" -o "$T/two.json"
is "$rc" 0 "two traces"
is "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(len(r["analysis"]["ranks"]), r["summary"]["busy_ns"], r["summary"]["devices"])' "$T/two.json")" \
   "2 88000 2" "two traces: two ranks, busy 2 x 44 us"

# File names are shown too (rank headings with several ranks): escaped.
cp "$T/synth.json" "$T/r<i>1.json"
run gpupack report "$T/synth.json" "$T/r<i>1.json" -o "$T/names.html"
is "$rc" 0 "a file name with markup"
like "$(cat "$T/names.html")" "(r&lt;i&gt;1.json) &middot; GPU 0" "the rank heading names the file, escaped"
unlike "$(cat "$T/names.html")" "<i>" "no raw tag from a file name"

# ---- a trace recorded on the simulated GPU (a test fixture, not a GPU) ------
SIM="$GP_BUILDDIR/tests/simgpu"
if [ -x "$SIM/progs/sim_basic" ] && [ -f "$GP_BUILDDIR/collector/.libs/libgpupack_collector.so" ]; then
    # with the fake NVML library when built: NVML samples in the trace
    (cd "$T" && GPUPACK_CUPTI_PATH="$SIM/.libs/libsimcupti.so" GPUPACK_FLUSH_MS=50 \
        GPUPACK_NVML_PATH="$GP_BUILDDIR/tests/fakenvml/.libs/libnvidia-ml.so.1" FAKENVML_GPUS=1 \
        LD_LIBRARY_PATH="$SIM/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
        "$GPUPACK" record --nvml-hz 50 -o sim.gpupack -- "$SIM/progs/sim_basic" >/dev/null 2>&1)
    run gpupack report "$T/sim.gpupack" --table samples -o "$T/sim.samples.csv"
    is "$rc" 0 "simulated GPU recording: csv samples"
    for f in html md json; do
        run gpupack report "$T/sim.gpupack" -o "$T/sim.$f"
        is "$rc" 0 "simulated GPU recording: $f"
    done
    run gpupack report "$T/sim.gpupack" --format chrome-trace -o "$T/sim.trace.json"
    is "$rc" 0 "simulated GPU recording: chrome-trace"
    # what the trace's tables hold (SQL) against what the chrome trace shows
    res=$(python3 - "$T/sim.gpupack" "$T/sim.trace.json" "$T/sim.json" "$T/sim.samples.csv" <<'PY'
import collections, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = lambda sql: db.execute(sql).fetchone()[0]
ev = json.load(open(sys.argv[2]))["traceEvents"]
c = collections.Counter((e["ph"], e.get("cat")) for e in ev)
want = {("X", "kernel"): n("select count(*) from kernel"), ("X", "memcpy"): n("select count(*) from memcpy"),
        ("X", "memset"): n("select count(*) from memset"), ("X", "cuda_api"): n("select count(*) from api"),
        ("X", "nvtx"): n("select count(*) from nvtx where end_ns > start_ns"),
        ("i", "nvtx"): n("select count(*) from nvtx where end_ns = start_ns")}
bad = ["%s: %d, trace %d" % (k, c[k], v) for k, v in want.items() if c[k] != v]
r = json.load(open(sys.argv[3]))
if r["summary"]["kernels"] != want[("X", "kernel")]: bad.append("summary kernels")
m = n("select count(*) from metric")
rows = len(open(sys.argv[4]).read().splitlines()) - 1
if c[("C", "sample")] != m or rows != m: bad.append("samples: trace %d, chrome %d, csv %d" % (m, c[("C", "sample")], rows))
if m and not r["series"]["samples"]: bad.append("no sample series")
if c[("i", "gpupack.finding")] != len(r["analysis"]["findings"]): bad.append("findings")
print("; ".join(bad) if bad else "same")
PY
)
    is "$res" "same" "simulated GPU recording: every kernel, copy, memset, call, NVTX range and sample in the chrome trace"
    if [ -f "$GP_BUILDDIR/tests/fakenvml/.libs/libnvidia-ml.so.1" ]; then
        like "$(cat "$T/sim.html")" "NVML and counter samples" "simulated GPU recording: the page charts the NVML samples"
    fi
else
    skip "simulated GPU or collector not built"
fi

# ---- an Nsight Systems export (tests/nsys/make_fixture.py) -----------------
mkdir -p "$T/nsys"
if python3 "$GP_SRCDIR/tests/nsys/make_fixture.py" "$T/nsys" >/dev/null 2>&1; then
    run gpupack report "$T/nsys/full.sqlite" -o "$T/nsys.json"
    is "$rc" 0 "nsys export: json"
    run gpupack report "$T/nsys/full.sqlite" --format chrome-trace -o "$T/nsys.trace.json"
    is "$rc" 0 "nsys export: chrome-trace"
    run gpupack report "$T/nsys/full.sqlite" -o "$T/nsys.html"
    is "$rc" 0 "nsys export: html"
    is "$(python3 -c '
import json, sqlite3, sys
n = sqlite3.connect(sys.argv[1]).execute("select count(*) from CUPTI_ACTIVITY_KIND_KERNEL").fetchone()[0]
r = json.load(open(sys.argv[2]))["summary"]["kernels"]
c = sum(1 for e in json.load(open(sys.argv[3]))["traceEvents"] if e["ph"] == "X" and e.get("cat") == "kernel")
print(n == r == c)' "$T/nsys/full.sqlite" "$T/nsys.json" "$T/nsys.trace.json")" "True" \
       "nsys export: the summary and the chrome trace hold every kernel of the export"
else
    skip "tests/nsys/make_fixture.py failed (python3 sqlite3 module?)"
fi

# ---- the real traces ---------------------------------------------------------
KT="$GP_TRACES"
for t in a100_rank3_train v100_rank0_ns_resolution small_event_sync a100_alexnet_inference; do
    f="$KT/$t.json.gz"
    for fmt in html md json csv; do
        run gpupack report "$f" -o "$T/$t.$fmt"
        is "$rc" 0 "$t: $fmt"
    done
    run gpupack report "$f" --format chrome-trace -o "$T/$t.trace.json"
    is "$rc" 0 "$t: chrome-trace"
    size=$(wc -c <"$T/$t.html")
    ok "$([ "$size" -gt 5000 ] && [ "$size" -lt 5000000 ]; echo $?)" "$t: HTML is $size bytes (under 5 MB)"
    res=$(python3 - "$f" "$T/$t.json" "$T/$t.trace.json" "$T/$t.csv" <<'PY'
import csv, gzip, json, sys
src = json.load(gzip.open(sys.argv[1]))["traceEvents"]
rep = json.load(open(sys.argv[2]))
ev = json.load(open(sys.argv[3]))["traceEvents"]
bad = []
# independent: kernels in the source trace vs in the outputs
n_src = sum(1 for e in src if e.get("ph") == "X" and str(e.get("cat", "")).lower() == "kernel")
n_chrome = sum(1 for e in ev if e.get("ph") == "X" and e.get("cat") == "kernel")
n_csv = sum(int(r["count"]) for r in csv.DictReader(open(sys.argv[4], newline="")) if r["kind"] == "kernel")
if not (n_src == n_chrome == n_csv == rep["summary"]["kernels"]):
    bad.append("kernels: source %d chrome %d csv %d summary %d" % (n_src, n_chrome, n_csv, rep["summary"]["kernels"]))
devs = [d for r in rep["analysis"]["ranks"] for d in r["devices"]]
if rep["summary"]["busy_ns"] != sum(d["busy_ns"] for d in devs): bad.append("busy")
if rep["summary"]["span_ns"] != sum(d["last_ns"] - d["first_ns"] for d in devs): bad.append("span")
for e in ev:
    if e["ph"] == "X" and not all(k in e for k in ("name", "ts", "dur", "pid", "tid")): bad.append("X fields"); break
print("; ".join(bad) if bad else "same")
PY
)
    is "$res" "same" "$t: kernel count equals the source's in summary, CSV and chrome-trace"
done

# ---- a recorded gpupack pack run (simulated GPU): the Co-scheduler section --
# Every number is recomputed here from the trace's tables (nearest-rank
# quantiles, per-pid kernel spans), independently of cosched/summary.c.
run gpupack report "$T/synth.json" --format json -o "$T/nocos.json"
is "$(python3 -c 'import json,sys; print("cosched" in json.load(open(sys.argv[1])))' "$T/nocos.json")" \
    False "no cosched records: no co-scheduler member"
PROGS="$GP_BUILDDIR/tests/simgpu/progs"
if [ -x "$PROGS/sim_serve" ] && [ -f "$GP_BUILDDIR/collector/.libs/libgpupack_collector.so" ]; then
    (cd "$T" && export GPUPACK_CUPTI_PATH="$GP_BUILDDIR/tests/simgpu/.libs/libsimcupti.so" \
        LD_LIBRARY_PATH="$GP_BUILDDIR/tests/simgpu/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
        GPUPACK_FLUSH_MS=50 SIMGPU_SHARED="$T/gpu" XDG_RUNTIME_DIR="$T" &&
        "$GP_BUILDDIR/gpupack" pack -q -o pack.gpupack --slo-p99 5 \
            --serve "$PROGS/sim_serve --rate 200 --seconds 1 --kernels 4 --kernel-us 250" \
            --train "$PROGS/sim_train --steps 40 --kernels 8 --kernel-us 500" >/dev/null 2>&1)
    run gpupack report "$T/pack.gpupack" -o "$T/pack.json"
    is "$rc" 0 "report of a pack trace: exit 0"
    res=$(python3 - "$T/pack.gpupack" "$T/pack.json" <<'PY'
import json, math, sqlite3, sys
db = sqlite3.connect(sys.argv[1]); c = json.load(open(sys.argv[2]))["cosched"]
q = lambda s: db.execute(s).fetchall()
lat = sorted(v for (v,) in q("select value from cosched where event = 4"))
def rank(p): return lat[max(1, math.ceil(p * len(lat))) - 1]
hp = q("select distinct pid from cosched where event = 4")[0][0]
be = q("select distinct pid from cosched where event in (1, 2)")[0][0]
want = {"requests": len(lat), "p50_ns": rank(0.50), "p95_ns": rank(0.95), "p99_ns": rank(0.99),
        "max_ns": lat[-1]}
h = q("select count(*), coalesce(sum(dur_ns), 0), coalesce(max(dur_ns), 0) from cosched where event = 1")[0]
want.update(holds=h[0], hold_total_ns=h[1], hold_max_ns=h[2])
want["timeouts"] = q("select count(*) from cosched where event = 2")[0][0]
want["watchdog_releases"] = q("select count(*) from cosched where event = 5")[0][0]
b = [v for (v,) in q("select value from cosched where event = 3 order by ts_ns, rowid")]
want.update(budget_changes=len(b), budget_min_ns=min(b, default=0), budget_max_ns=max(b, default=0),
            budget_last_ns=b[-1] if b else 0)
bad = ["%s: %s, want %s" % (k, c.get(k), v) for k, v in want.items() if c.get(k) != v]
kt = {}
for role, pid in (("serve", hp), ("train", be)):
    n, t, t0, t1 = q("select count(*), sum(end_ns - start_ns), min(start_ns), max(end_ns) from kernel where pid = %d" % pid)[0]
    kt[role] = t
    j = c[role]
    if j["pid"] != pid or j["kernels"] != n: bad.append("%s pid/kernels %s %s" % (role, j["pid"], j["kernels"]))
    if abs(j["kernels_per_s"] - n * 1e9 / (t1 - t0)) > 1e-3 * j["kernels_per_s"]: bad.append(role + " rate")
if abs(c["train_share"] - kt["train"] / (kt["serve"] + kt["train"])) > 1e-6: bad.append("share")
if "sim_serve" not in c["serve"]["command"] or "sim_train" not in c["train"]["command"]: bad.append("commands")
print("; ".join(bad) if bad else "same (%d requests, %d holds, %d budget changes)" % (len(lat), h[0], len(b)))
PY
)
    is "${res%% (*}" "same" "pack trace: the co-scheduler numbers equal the trace's tables ($res)"
    run gpupack report "$T/pack.gpupack" -o "$T/pack.html"
    like "$(cat "$T/pack.html")" "<section id=cosched><h2>Co-scheduler</h2>" "HTML: co-scheduler section"
    # The slo policy changes the budget only when its p99 strays from the
    # target, which depends on timing: the chart is there exactly when the
    # trace holds budget changes.
    case "$res" in
        *" 0 budget changes)") unlike "$(cat "$T/pack.html")" "aria-label='budget over time'" \
            "HTML: no budget chart (the run changed no budget)" ;;
        *) like "$(cat "$T/pack.html")" "aria-label='budget over time'" "HTML: budget chart (inline SVG)" ;;
    esac
    run gpupack report "$T/pack.gpupack" -o "$T/pack.md"
    like "$(cat "$T/pack.md")" "## Co-scheduler" "Markdown: co-scheduler section"
    like "$(cat "$T/pack.md")" "| all requests | $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cosched"]["requests"])' "$T/pack.json") |" \
        "Markdown: the request count"
else
    skip "simulated GPU or collector not built: no pack trace"
fi
done_testing
