#!/bin/bash
# samples.sh: the CUDA samples (samples/cuda/) were built, each header names
# its expected findings, arguments are checked before the GPU, and each
# sample runs: without a GPU it exits 2 saying it needs one; with a GPU it
# exits 0 and prints its summary line (small sizes, to keep make check short).
# Then the same for the workloads serve and train, whose stdout is one JSON
# line.
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

# Checks every sample and workload shares: $1 was built, answers --help,
# refuses a bad argument before looking for a GPU; then runs it with small
# arguments ($2): without a GPU it must exit 2 saying so and print nothing
# on stdout; with one, exit 0 (its $out and $err are left to the caller).
common_checks() {
    local name=$1 small=$2 bin="$GP_BUILDDIR/samples/cuda/$1"
    ok "$([ -x "$bin" ]; echo $?)" "$name: built"

    run "$bin" --help
    is "$rc" 0 "$name --help: exit 0"
    like "$out" "usage: $name [" "$name --help: prints the usage"
    run "$bin" not-a-number
    is "$rc" 2 "$name with a bad argument: exit 2 (before looking for a GPU)"
    like "$err" "$name: bad " "$name with a bad argument: says which"
    is "$out" "" "$name with a bad argument: nothing on stdout"

    # shellcheck disable=SC2086
    run "$bin" $small
    if [ $has_gpu = 0 ]; then
        is "$rc" 2 "$name without a GPU: exit 2"
        like "$err" "$name: no CUDA device: this sample needs a GPU" "$name without a GPU: says so"
        is "$out" "" "$name without a GPU: prints nothing on stdout"
    else
        is "$rc" 0 "$name $small on a GPU: exit 0"
        [ "$rc" = 0 ] || printf '%s\n' "$err" | head -5 | sed 's/^/#   /'
    fi
}

while IFS='|' read -r name ids small; do
    [ -n "$name" ] || continue
    is "$(header_ids "$GP_SRCDIR/samples/cuda/$name.cu")" "$ids" \
        "$name.cu: header lists its expected findings ($ids)"
    common_checks "$name" "$small"
    [ $has_gpu = 1 ] || continue
    ok "$(printf '%s\n' "$out" | grep -cE "^$name: .* ms" | grep -qx 1; echo $?)" \
        "$name on a GPU: one summary line with the elapsed ms"
done <<EOF
$samples
EOF

# The workloads for gpupack pack (serve.cu, train.cu): no planted problem,
# so no "Expected findings:" line (check_gpu.sh skips them); stdout is
# exactly one JSON line.
# name | the limit that must not be 0 together with SECONDS | small arguments | a JSON member the arguments fix
workloads="
serve|REQUESTS|1000 0 20 256 2 16|\"requests\":20
train|STEPS|8 0 5 256 2|\"steps\":5
"

# The value of numeric member $2 in JSON line $1.
json_num() { printf '%s\n' "$1" | grep -oE "\"$2\":[0-9.]+" | head -1 | cut -d: -f2; }

while IFS='|' read -r name limit small fixed; do
    [ -n "$name" ] || continue
    src="$GP_SRCDIR/samples/cuda/$name.cu"
    ok "$([ -f "$src" ] && [ -z "$(header_ids "$src")" ]; echo $?)" \
        "$name.cu: a workload, no \"Expected findings:\" line in its header"
    common_checks "$name" "$small"
    if [ $has_gpu = 1 ]; then
        is "$(printf '%s\n' "$out" | grep -c .)" 1 "$name on a GPU: one line on stdout"
        like "$out" "{\"job\":\"$name\"," "$name on a GPU: the JSON line names the job"
        like "$out" "$fixed," "$name on a GPU: $fixed, as the arguments ask"
        if [ "$name" = serve ]; then
            p50=$(json_num "$out" p50_ms) p95=$(json_num "$out" p95_ms) p99=$(json_num "$out" p99_ms)
            ok "$(awk -v a="$p50" -v b="$p95" -v c="$p99" 'BEGIN { exit !(a > 0 && a <= b && b <= c) }'; echo $?)" \
                "serve on a GPU: 0 < p50 <= p95 <= p99 ($p50, $p95, $p99)"
        else
            sps=$(json_num "$out" samples_per_s)
            ok "$(awk -v x="$sps" 'BEGIN { exit !(x > 0) }'; echo $?)" "train on a GPU: samples_per_s > 0 ($sps)"
        fi
    fi

    run "$GP_BUILDDIR/samples/cuda/$name" --help
    like "$out" "$limit " "$name --help: lists $limit"
    run "$GP_BUILDDIR/samples/cuda/$name" 10 0 0
    is "$rc" 2 "$name with SECONDS and $limit both 0: exit 2"
    like "$err" "$name: SECONDS and $limit are both 0" "$name with no limit: says so"
done <<EOF
$workloads
EOF

done_testing
