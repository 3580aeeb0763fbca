#!/bin/bash
# collector.sh: the injected library on its own: what it exports, and its
# failure paths with the real libcupti and no driver (one line, job runs on).
. "$GP_SRCDIR/tests/lib.sh"
LIB="$GP_BUILDDIR/collector/.libs/libgpupack_collector.so"
CALL="$GP_BUILDDIR/tests/collector/call_inject"
if [ ! -f "$LIB" ]; then
    skip "collector not built (no CUDA toolkit)"
    done_testing
    exit
fi

syms=$(nm -D --defined-only "$LIB" | awk '{print $3}' | LC_ALL=C sort | tr '\n' ' ')
is "$syms" "InitializeInjection InitializeInjectionNvtx2 cuptiActivityDisable cuptiActivityEnable \
cuptiActivityFlushAll cuptiActivityGetNumDroppedRecords cuptiActivityRegisterCallbacks \
cuptiActivityRegisterTimestampCallback cuptiFinalize cuptiGetTimestamp " \
   "exports its two entry points and the CUPTI functions it shares with a profiler in the job"

# The driver's part played by call_inject, with the real libcupti: no driver
# here, so CUPTI answers 999. One line, and the program runs to the end.
run env CUDA_INJECTION64_PATH="$LIB" $GP_RUN "$CALL"
is "$rc" 0 "no driver: the job exits 0"
like "$out" "still running" "no driver: the job runs on"
is "$(printf '%s\n' "$err" | grep -c '^gpupack: ')" 1 "no driver: exactly one line"
like "$err" "no usable CUDA driver" "which says there is no usable driver"

run env GPUPACK_CUPTI_PATH=/nonexistent/libcupti.so CUDA_INJECTION64_PATH="$LIB" $GP_RUN "$CALL"
is "$rc" 0 "no CUPTI: the job exits 0"
like "$out" "still running" "no CUPTI: the job runs on"
is "$(printf '%s\n' "$err" | grep -c '^gpupack: ')" 1 "no CUPTI: exactly one line"
like "$err" "cannot load CUPTI from GPUPACK_CUPTI_PATH=/nonexistent/libcupti.so" "naming the path"

# Under LD_PRELOAD the library only points the driver at itself (lazy start).
# (Not in a sanitizer build: an ASan library cannot be preloaded into an
# uninstrumented program such as sh.)
if [ -n "$GP_SANITIZERS" ]; then
    skip "LD_PRELOAD checks: sanitizer build"
    done_testing
    exit
fi
run env -u CUDA_INJECTION64_PATH -u NVTX_INJECTION64_PATH LD_PRELOAD="$LIB" \
    sh -c 'echo "$CUDA_INJECTION64_PATH|$NVTX_INJECTION64_PATH"'
is "$out" "$LIB|$LIB" "LD_PRELOAD: CUDA and NVTX injection point at the collector"
is "$err" "" "LD_PRELOAD: a process that never uses CUDA hears nothing"
run env CUDA_INJECTION64_PATH=/opt/other/tool.so LD_PRELOAD="$LIB" sh -c 'echo "$CUDA_INJECTION64_PATH"'
is "$out" "/opt/other/tool.so" "LD_PRELOAD: another tool's injection is left alone"
like "$err" "CUDA_INJECTION64_PATH already names /opt/other/tool.so" "and that is said"

done_testing
