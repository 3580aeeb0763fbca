#!/bin/bash
# samples.sh: the CUDA samples (samples/cuda/) were built, each header names
# its expected findings, arguments are checked before the GPU, and each
# sample runs: without a GPU it exits 2 saying it needs one; with a GPU it
# exits 0 and prints its summary line (small sizes, to keep make check short).
. "$GP_SRCDIR/tests/lib.sh"
cd "$T" || exit 1

# name | expected finding ids (sorted, space-separated; "none") | small arguments
samples="
launch_bound|idle.launch_bound stall.tiny_kernels|2000
sync_storm|idle.host_sync stall.sync_storm|200 10
pageable_memcpy|stall.pageable_copy|4 8
no_overlap|stall.no_overlap|4 8 100
fp32_gemm|precision.fp32_matmul|2 512
host_stall|idle.host_work|3 2 1
small_grid|stall.small_grid|2 8 16
well_tuned|none|2 256 256
"

has_gpu=0
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q '^GPU ' && has_gpu=1

# The ids on the "Expected findings:" line of a source's header comment.
header_ids() {
    sed -n '1,/\*\//p' "$1" | grep -m1 '^ \* Expected findings:' |
        sed 's/^ \* Expected findings://' | grep -oE '[a-z_]+\.[a-z0-9_]+|none' | LC_ALL=C sort | tr '\n' ' ' |
        sed 's/ $//'
}

while IFS='|' read -r name ids small; do
    [ -n "$name" ] || continue
    src="$GP_SRCDIR/samples/cuda/$name.cu"
    bin="$GP_BUILDDIR/samples/cuda/$name"

    is "$(header_ids "$src")" "$ids" "$name.cu: header lists its expected findings ($ids)"
    ok "$([ -x "$bin" ]; echo $?)" "$name: built"

    run "$bin" --help
    is "$rc" 0 "$name --help: exit 0"
    like "$out" "usage: $name" "$name --help: prints the usage"
    run "$bin" not-a-number
    is "$rc" 2 "$name with a bad argument: exit 2 (before looking for a GPU)"
    like "$err" "$name: bad " "$name with a bad argument: says which"

    if [ $has_gpu = 0 ]; then
        # shellcheck disable=SC2086
        run "$bin" $small
        is "$rc" 2 "$name without a GPU: exit 2"
        like "$err" "$name: no CUDA device: this sample needs a GPU" "$name without a GPU: says so"
        is "$out" "" "$name without a GPU: prints no summary"
    else
        # shellcheck disable=SC2086
        run "$bin" $small
        is "$rc" 0 "$name $small on a GPU: exit 0"
        ok "$(printf '%s\n' "$out" | grep -cE "^$name: .* ms" | grep -qx 1; echo $?)" \
            "$name on a GPU: one summary line with the elapsed ms"
        [ "$rc" = 0 ] || printf '%s\n' "$err" | head -5 | sed 's/^/#   /'
    fi
done <<EOF
$samples
EOF

done_testing
