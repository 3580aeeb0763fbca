#!/bin/bash
# counters_sim.sh: `gpupack record --counters` on the simulated GPU
# (tests/simgpu: a fake driver and CUPTI with a simulated PM sampler, a test
# fixture; its numbers are no GPU measurement).
#
# sim_duty keeps the GPU busy 100 ms, idle 100 ms, five times. The
# simulated sampler's SM active % over a sample is the share of it during
# which a kernel ran (tests/simgpu/README.md), and it stamps samples on the
# record clock, as activity records are. So each pm.sm_active_pct sample in
# the trace must equal the share of its interval covered by the trace's own
# kernel table, computed here from that table: ~100 inside busy stretches,
# ~0 inside idle ones, with no shift. Both clock modes of the collector:
# CUPTI 13.0 Update 1 (its own clock, converted by offsets) and 13.1
# (through the collector's timestamp callback).
. "$GP_SRCDIR/tests/lib.sh"
cd "$T" || exit 1
SIM="$GP_BUILDDIR/tests/simgpu"
PROGS="$SIM/progs"
if [ ! -x "$PROGS/sim_duty" ] || [ ! -f "$GP_BUILDDIR/collector/.libs/libgpupack_collector.so" ]; then
    skip "simulated GPU or collector not built (no CUDA toolkit)"
    done_testing
    exit
fi
if [ -n "$GP_SANITIZERS" ]; then
    # collector/pm/host.c refuses CUPTI's host API under AddressSanitizer
    # (a real CUPTI's dlopen with RTLD_DEEPBIND would abort the process).
    skip "PM sampling is refused in a sanitizer build"
    done_testing
    exit
fi
export GPUPACK_CUPTI_PATH="$SIM/.libs/libsimcupti.so"
export LD_LIBRARY_PATH="$SIM/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export GPUPACK_FLUSH_MS=50
unset SIMGPU_CUPTI_VERSION SIMGPU_DRIVER_VERSION SIMGPU_CUPTI_ZERO_TS_EVERY GPUPACK_CUPTI_CLOCK \
    SIMGPU_PROFILING_RESTRICTED SIMGPU_DEVICES

q() { python3 -c 'import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone(); print(r[0] if r else "")' "$@"; }

# pmcheck TRACE: compares every pm.sm_active_pct sample with the busy share
# of its interval computed from the kernel table (union of the kernels of
# its device). Prints name=value pairs:
#   samples  busy (samples fully inside busy stretches)  busy_ok (of those >= 99)
#   idle (fully inside idle stretches)  idle_ok (of those <= 1)
#   maxerr (largest |value - share * 100|, percentage points)
#   lag_ms (the shift of the samples, -200..200 ms by 1 ms, that fits best)
#   baddur (samples not 10 ms long, +-0.1 ms)
cat >pmcheck.py <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
def union(iv):
    out = []
    for a, b in sorted(iv):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out
kern = {}
for dev, a, b in db.execute("select device, start_ns, end_ns from kernel"):
    kern.setdefault(dev, []).append((a, b))
busy = {d: union(v) for d, v in kern.items()}
samples = db.execute("select m.device, m.ts_ns, m.dur_ns, m.value from metric m "
                     "join strings s on s.id = m.name where s.text = 'pm.sm_active_pct'").fetchall()
def share(dev, t0, t1):
    got = sum(max(0, min(b, t1) - max(a, t0)) for a, b in busy.get(dev, []))
    return 100.0 * got / (t1 - t0) if t1 > t0 else 0.0
r = dict(samples=len(samples), busy=0, busy_ok=0, idle=0, idle_ok=0, maxerr=0.0, baddur=0)
for dev, ts, dur, v in samples:
    want = share(dev, ts, ts + dur)
    r["maxerr"] = max(r["maxerr"], abs(v - want))
    r["baddur"] += abs(dur - 10000000) > 100000
    if want >= 99.99:
        r["busy"] += 1
        r["busy_ok"] += v >= 99
    elif want <= 0.01:
        r["idle"] += 1
        r["idle_ok"] += v <= 1
best = None
for lag_ms in range(-200, 201):
    lag = lag_ms * 1000000
    err = sum(abs(v - share(dev, ts - lag, ts - lag + dur)) for dev, ts, dur, v in samples)
    if best is None or err < best[0]:
        best = (err, lag_ms)
r["lag_ms"] = best[1] if best else "none"
r["maxerr"] = "%.2f" % r["maxerr"]
print(" ".join("%s=%s" % kv for kv in r.items()))
EOF
field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }

# check_mode LABEL TRACE: the trace's samples against its kernels.
check_mode() {
    local r
    r=$(python3 pmcheck.py "$2")
    echo "# $1: $r"
    ok "$([ "$(field "$r" samples)" -ge 60 ]; echo $?)" "$1: pm.sm_active_pct sampled ($(field "$r" samples) samples)"
    ok "$([ "$(field "$r" busy)" -ge 25 ] && [ "$(field "$r" idle)" -ge 25 ]; echo $?)" \
        "$1: samples fully inside busy ($(field "$r" busy)) and idle ($(field "$r" idle)) stretches of the kernel table"
    is "$(field "$r" busy_ok)" "$(field "$r" busy)" "$1: every sample inside a busy stretch reads >= 99"
    is "$(field "$r" idle_ok)" "$(field "$r" idle)" "$1: every sample inside an idle stretch reads <= 1"
    ok "$(python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) <= 2 else 1)' "$(field "$r" maxerr)"; echo $?)" \
        "$1: every sample is within 2 points of its interval's busy share ($(field "$r" maxerr))"
    is "$(field "$r" lag_ms)" 0 "$1: the samples fit the kernels best with no shift"
    is "$(field "$r" baddur)" 0 "$1: every sample spans the 10 ms sampling interval"
    is "$(q "$2" "select count(*) from metric m join strings s on s.id = m.name where s.text = 'pm.tensor_active_pct' and value = 0")" \
        "$(field "$r" samples)" "$1: tensor pipe 0 in every sample (the simulation runs no tensor work)"
    is "$(q "$2" "select count(*) from metric m join strings s on s.id = m.name where s.text = 'pm.dram_throughput_pct' and value = 0")" \
        "$(field "$r" samples)" "$1: DRAM throughput 0 in every sample (the job copies nothing)"
    unlike "$err" "samples left out" "$1: the collector's clock guard left nothing out"
}

# --- CUPTI 13.0 Update 1: the collector converts CUPTI's own clock ----------------
run env SIMGPU_PROFILING_RESTRICTED=0 $GP_RUN "$GPUPACK" record --counters -o off.gpupack -- "$PROGS/sim_duty" 5
is "$rc" 0 "CUPTI 13.0: sim_duty recorded with --counters"
unlike "$err" "no hardware counters" "CUPTI 13.0: the simulated PM sampler started"
is "$(q off.gpupack 'select count(*) from kernel')" 20 "CUPTI 13.0: its 20 kernels are in the trace"
check_mode "CUPTI 13.0 (offset mode)" off.gpupack

# --- CUPTI 13.1: CUPTI stamps through the collector's CLOCK_MONOTONIC callback ---
run env SIMGPU_PROFILING_RESTRICTED=0 SIMGPU_CUPTI_VERSION=130100 $GP_RUN "$GPUPACK" record --counters \
    -o cb.gpupack -- "$PROGS/sim_duty" 5
is "$rc" 0 "CUPTI 13.1: sim_duty recorded with --counters"
is "$(q cb.gpupack 'select cupti_version from process')" 130100 "CUPTI 13.1 reported in the trace"
is "$(q cb.gpupack 'select count(*) from kernel')" 20 "CUPTI 13.1: its 20 kernels are in the trace"
check_mode "CUPTI 13.1 (callback mode)" cb.gpupack

# --- profiling restricted to admins (the driver's default): one line, tracing goes on ---
run gpupack record --counters -o restricted.gpupack -- "$PROGS/sim_duty" 1 20 20
is "$rc" 0 "profiling restricted: the job exits 0"
like "$err" "no hardware counters on GPU 0: hardware counters on GPU 0 need admin rights" \
    "and one line says why there are no counters"
is "$(q restricted.gpupack "select count(*) from metric m join strings s on s.id = m.name where s.text like 'pm.%'")" 0 \
    "no counter samples"
is "$(q restricted.gpupack 'select count(*) from kernel')" 4 "the kernels are recorded"
done_testing
