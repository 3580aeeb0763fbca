#!/bin/bash
# progs.sh: every simulated-GPU test program, run bare and traced by
# libsimtrace.so (a stand-in collector loaded through CUDA_INJECTION64_PATH,
# NVTX sent to the fake CUPTI): exit codes, and the trace's counts against
# the program's own summary line (see progs/simprog.h and simtrace.c).
. "$GP_SRCDIR/tests/lib.sh"
LIBDIR="$GP_BUILDDIR/tests/simgpu/.libs"
PROGS="$GP_BUILDDIR/tests/simgpu/progs"
CUPTI="$LIBDIR/libsimcupti.so"
unset SIMGPU_SHARED SIMGPU_DEVICES CUDA_INJECTION64_PATH NVTX_INJECTION64_PATH GPUPACK_CUPTI_PATH SIMTRACE_OUT

# field NAME LINE: the value of NAME=... in LINE
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -1; }

counts() {
    local k
    for k in kernels memcpy memset sync nvtx_ranges nvtx_marks graphs; do
        printf '%s=%s ' "$k" "$(field "$k" "$1")"
    done
}

# summary PROG: the program's summary line from the last run's stderr
summary() { printf '%s\n' "$err" | grep "^$1: kernels=" | tail -1; }

bare() { run $GP_RUN "$PROGS/$@"; }

traced() {
    rm -f "$T"/trace.*
    run env CUDA_INJECTION64_PATH="$LIBDIR/libsimtrace.so" GPUPACK_CUPTI_PATH="$CUPTI" \
        NVTX_INJECTION64_PATH="$CUPTI" SIMTRACE_OUT="$T/trace" $GP_RUN "$PROGS/$@"
}

# check NAME SUMMARY-LINE TRACE-FILE
check() {
    local t
    t=$(cat "$3" 2>/dev/null)
    if [ -z "$t" ]; then
        ok 1 "$1: a trace was written ($3)"
        return
    fi
    is "$(counts "$t")" "$(counts "$2")" "$1: the trace's counts match the program's summary"
    is "$(field dropped "$t") $(field unpaired "$t") $(field uncorrelated "$t") $(field overlaps "$t")" \
        "0 0 0 0" "$1: nothing dropped, unpaired, uncorrelated or overlapping on a stream"
}

# one-process programs: NAME ARGS... EXPECTED-EXIT
for spec in "sim_basic 0" "sim_launches 200 0" "sim_exit 3 3" "sim_graph 0" "sim_multi 0" \
            "sim_pageable 0" "sim_run 0.3 0" "sim_threads 0" "sim_rt_capture --rounds 5 --gap-us 100 0"; do
    set -- $spec
    name=$1
    want=${!#}
    args=("${@:2:$#-2}")
    bare "$name" "${args[@]}"
    is "$rc" "$want" "$name ${args[*]}: exit $want without a collector"
    ok "$([ -n "$(summary "$name")" ]; echo $?)" "$name: prints its summary line"
    traced "$name" "${args[@]}"
    is "$rc" "$want" "$name ${args[*]}: exit $want when traced"
    s=$(summary "$name")
    check "$name" "$s" "$(ls "$T"/trace.* 2>/dev/null | head -1)"
    case $name in
        sim_basic) like "$(cat "$T"/trace.*)" "subscribe=ok" "sim_basic: the collector subscribed" ;;
        sim_launches) ok "$([ -n "$(field launch_ns "$s")" ]; echo $?)" "sim_launches: reports launch_ns" ;;
        sim_multi) is "$(field devices "$(cat "$T"/trace.*)")" 2 "sim_multi: kernels on two devices" ;;
        sim_pageable) like "$s" "pinned_blocked=0 pageable_blocked=4" "sim_pageable: only pageable copies block" ;;
        sim_run) like "$err" "sim_run: progress t=" "sim_run: prints progress" ;;
    esac
done

# sim_fork: two processes, two traces
traced sim_fork
is "$rc" 0 "sim_fork: exit 0 when traced"
n=0
while read -r line; do
    pid=$(field pid "$line")
    check "sim_fork $(field role "$line")" "$line" "$T/trace.$pid"
    n=$((n + 1))
done < <(printf '%s\n' "$err" | grep '^sim_fork: kernels=')
is "$n" 2 "sim_fork: parent and child each printed a summary"

# sim_taken: another profiler holds CUPTI's one subscription
run env GPUPACK_CUPTI_PATH="$CUPTI" $GP_RUN "$PROGS/sim_taken"
is "$rc" 0 "sim_taken: exit 0 without a collector"
like "$(summary sim_taken)" "subscribed=yes" "sim_taken: it subscribed as other-profiler"
traced sim_taken
is "$rc" 0 "sim_taken: exit 0 although the collector cannot subscribe"
t=$(cat "$T"/trace.* 2>/dev/null)
like "$t" "subscribe=taken(CUPTI for other-profiler)" "sim_taken: the collector was told who holds CUPTI"
is "$(field kernels "$t")" 3 "sim_taken: activity records still flow"

done_testing
