#!/usr/bin/env bash
# demo.sh: the README's "run the main job" step. With a GPU, records a small
# CUDA job under gpupack and analyzes it; without one, says so and analyzes
# a real recorded trace kept in the tree (samples/traces) instead.
set -u
here=$(cd "$(dirname "$0")" && pwd)
gpupack="${GPUPACK:-$here/../gpupack}"
trace="$here/traces/a100_rank3_train.json.gz"

has_gpu() {
    command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q '^GPU '
}

if [ ! -x "$gpupack" ]; then
    echo "demo.sh: $gpupack not found: build gpupack first (see README.md), or set GPUPACK" >&2
    exit 2
fi
if has_gpu && [ -x "$here/cuda/launch_bound" ]; then
    echo "== GPU found: recording samples/cuda/launch_bound under gpupack"
    "$gpupack" record -f -o demo.gpupack -- "$here/cuda/launch_bound" || exit
    exec "$gpupack" analyze demo.gpupack
fi
if [ ! -f "$trace" ]; then
    echo "demo.sh: $trace is missing: the checkout is incomplete" >&2
    exit 2
fi
echo "== no GPU on this machine: analyzing a real recorded trace instead:"
echo "== samples/traces/a100_rank3_train.json.gz (PyTorch profiler, A100, rank 3 of 8, NCCL; see samples/traces/README.md)"
exec "$gpupack" analyze "$trace"
