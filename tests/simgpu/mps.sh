#!/bin/bash
# mps.sh: the simulated MPS daemon (tests/simgpu/mps/nvidia-cuda-mps-control)
# alone (-d makes the control pipe, quit removes it, as the real control
# program starts and stops its daemon) and under `gpupack pack --mps`: the
# two jobs become clients of one server and share the SMs (a 16-block
# serve kernel beside 16-block training runs at half speed), where without
# --mps they time-slice (a 250 us serve kernel fits in its slice, unslowed).
. "$GP_SRCDIR/tests/lib.sh"
cd "$T" || exit 1
SIM="$GP_BUILDDIR/tests/simgpu"
PROGS="$SIM/progs"
if [ ! -x "$PROGS/sim_serve" ] ||
    [ ! -f "$GP_BUILDDIR/collector/.libs/libgpupack_collector.so" ]; then
    skip "simulated GPU or collector not built (no CUDA toolkit)"
    done_testing
    exit
fi
mkdir -p bin pipe run && chmod 700 run
cp "$GP_SRCDIR/tests/simgpu/mps/nvidia-cuda-mps-control" bin/ &&
    chmod +x bin/nvidia-cuda-mps-control
CTL=$T/bin/nvidia-cuda-mps-control

# --- the control program alone ---------------------------------------------------------
run env -u CUDA_MPS_PIPE_DIRECTORY "$CTL" -d
is "$rc" 1 "without CUDA_MPS_PIPE_DIRECTORY it refuses (never the default folder)"
run env CUDA_MPS_PIPE_DIRECTORY="$T/pipe" "$CTL" -d
is "$rc" 0 "-d starts the daemon"
ok "$([ -p pipe/control ]; echo $?)" "which makes its control pipe"
run env CUDA_MPS_PIPE_DIRECTORY="$T/pipe" "$CTL" -d
is "$rc" 1 "a second -d: already running"
run sh -c "echo quit | CUDA_MPS_PIPE_DIRECTORY='$T/pipe' '$CTL'"
is "$rc" 0 "quit on stdin"
ok "$([ ! -e pipe/control ]; echo $?)" "stops it: the pipe is gone"

# --- gpupack pack --mps ------------------------------------------------------------------
export GPUPACK_CUPTI_PATH="$SIM/.libs/libsimcupti.so"
export LD_LIBRARY_PATH="$SIM/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export GPUPACK_FLUSH_MS=50 SIMGPU_SHARED="$T/gpu" XDG_RUNTIME_DIR="$T/run"
q() {
    python3 -c 'import sqlite3,sys
r=sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone(); print(r[0] if r else "")' "$@"
}
SERVE="$PROGS/sim_serve --rate 200 --seconds 1 --kernels 4 --kernel-us 250 --blocks 16"
TRAIN="$PROGS/sim_train --seconds 1.2 --kernels 8 --kernel-us 500 --blocks 16"
# serve kernels (from the serve job's pid) longer than 400 us, in per cent
slow() {
    q "$1" "select 100 * sum(k.end_ns - k.start_ns > 400000) / count(*) from kernel k
            join process p on p.pid = k.pid join strings s on s.id = p.cmdline
            where s.text like '%sim_serve%'"
}
run env PATH="$T/bin:$PATH" $GP_RUN "$GPUPACK" pack -o mps.gpupack --policy off --mps \
    --serve "$SERVE" --train "$TRAIN"
is "$rc" 0 "pack --mps with the simulated daemon runs both jobs"
unlike "$err" "MPS is not available" "it found the control program in PATH"
mps_slow=$(slow mps.gpupack)
ok "$([ "${mps_slow:-0}" -ge 50 ]; echo $?)" \
   "MPS: most serve kernels run at half speed beside training ($mps_slow % over 400 us)"
is "$(find run -name control | wc -l)" 0 "the daemon was told to quit (no pipe left)"
is "$(find run -mindepth 2 | wc -l)" 0 "nothing left in the runtime folder"
run gpupack pack -q -o slices.gpupack --policy off --serve "$SERVE" --train "$TRAIN"
is "$rc" 0 "the same without --mps"
slices_slow=$(slow slices.gpupack)
ok "$([ "${slices_slow:-100}" -le 20 ]; echo $?)" \
   "time slices: serve kernels fit in their slice, unslowed ($slices_slow % over 400 us)"

done_testing
