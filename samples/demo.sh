#!/usr/bin/env bash
# demo.sh: the README's "run the main job" step. With a GPU, records a small
# CUDA job under gpupack and analyzes it; without one, says so and analyzes
# a real recorded trace instead.
set -u
here=$(cd "$(dirname "$0")" && pwd)
gpupack="${GPUPACK:-$here/../gpupack}"
shared="${GP_SHARED_DIR:-$here/../../shared}"

has_gpu() {
    command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q '^GPU '
}

if has_gpu && [ -x "$here/cuda/launch_bound" ]; then
    echo "== GPU found: recording samples/cuda/launch_bound under gpupack"
    "$gpupack" record -f -o demo.gpupack -- "$here/cuda/launch_bound" || exit
    exec "$gpupack" analyze demo.gpupack
fi
trace=""
for t in "$here"/traces/*.gpupack "$here"/traces/*.json.gz "$shared"/traces/kineto/a100_rank3_train.json.gz; do
    [ -f "$t" ] && { trace=$t; break; }
done
echo "== no GPU on this machine: analyzing a real recorded trace instead: ${trace:-none found}"
[ -n "$trace" ] || exit 2
exec "$gpupack" analyze "$trace"
