#!/bin/bash
# layers.sh: the one-direction rule between the parts of the tree
# (docs/architecture.md): tests/layers.py reads every #include "..." line of
# the sources and fails on an include of a part that is not below, and on
# any cycle between top-level folders. Run on the real tree, then on small
# planted trees where it must fail and say where.
. "$GP_SRCDIR/tests/lib.sh"
L="$GP_SRCDIR/tests/layers.py"

if ! command -v python3 >/dev/null; then
    skip "python3 not found: tests/layers.py needs it"
    done_testing
    exit
fi

run python3 "$L" "$GP_SRCDIR"
is "$rc" 0 "the source tree keeps the one-direction rule"
is "$out" "" "no problem reported"

# The table in the script and the one in docs/architecture.md are the same.
doc=$(grep -E '^level [0-9]+ ' "$GP_SRCDIR/docs/architecture.md" | sed -E 's/^level //; s/ +/ /g' | sort -n)
is "$doc" "$(python3 "$L" --levels)" "docs/architecture.md lists the levels tests/layers.py checks"

# plant DIR FILE LINE...: writes FILE under DIR with the given lines
plant() {
    local d=$1 f=$2
    shift 2
    mkdir -p "$d/$(dirname "$f")"
    printf '%s\n' "$@" >"$d/$f"
}
base() { # a small legal tree
    rm -rf "$1"
    plant "$1" common/error.h '#ifndef E' '#define E' '#endif'
    plant "$1" cosched/region.h '#include "common/error.h"'
    plant "$1" collector/gate.c '#include "config.h"' '#include "cosched/region.h"' '#include "gate.h"' '#include <stdio.h>'
    plant "$1" collector/gate.h '#include "common/error.h"'
    plant "$1" analyzer/model/model.h '#include "common/error.h"'
    plant "$1" analyzer/render/text.c '#include "../model/model.h"'
    plant "$1" tests/t.c '#include "cli/x.h"' '#include "collector/gate.h"'
}

base "$T/ok"
run python3 "$L" "$T/ok"
is "$rc" 0 "a legal tree passes (relative includes, tests including anything)"

base "$T/up"
plant "$T/up" common/error.c '#include "config.h"' '' '#include "cosched/region.h"'
run python3 "$L" "$T/up"
is "$rc" 1 "common including cosched fails"
like "$out" "common/error.c:3: includes cosched/region.h: common (level 1) includes cosched (level 2), which is above it" \
    "the upward include is named with its file and line"
like "$out" "cycle between top-level folders: common -> cosched -> common" "and the cycle is named"

base "$T/peer"
plant "$T/peer" gpumon/nvml.c '#include "cosched/region.h"'
run python3 "$L" "$T/peer"
is "$rc" 1 "two parts on one level including each other fails"
like "$out" "gpumon/nvml.c:1: includes cosched/region.h: gpumon and cosched are on one level" "the peers are named"

base "$T/analyzer"
plant "$T/analyzer" analyzer/analyses/a.h '#include "common/error.h"'
plant "$T/analyzer" analyzer/formats/kineto.c '#include "analyzer/analyses/a.h"'
run python3 "$L" "$T/analyzer"
is "$rc" 1 "a reader including an analysis fails (analyzer's layers are parts too)"
like "$out" "analyzer/formats/kineto.c:1: includes analyzer/analyses/a.h" "the analyzer file is named"
case $out in *cycle*) r=1 ;; *) r=0 ;; esac
ok "$r" "inside one top-level folder it is no cycle between folders"

base "$T/render"
plant "$T/render" analyzer/model/model.c '#include "../render/r.h"'
plant "$T/render" analyzer/render/r.h ''
run python3 "$L" "$T/render"
is "$rc" 1 "a relative include upward is seen too"
like "$out" "analyzer/model/model.c:1: includes analyzer/render/r.h" "resolved beside the file"

base "$T/new"
plant "$T/new" exporter/main.c '#include "common/error.h"'
run python3 "$L" "$T/new"
is "$rc" 1 "a new folder of C sources must be placed in the table"
like "$out" "exporter/: a folder with C sources that is not in the table of parts" "it is named"

base "$T/tests"
plant "$T/tests" common/x.c '#include "tests/tap.h"'
run python3 "$L" "$T/tests"
is "$rc" 1 "a part including tests/ fails"
like "$out" "common/x.c:1: includes tests/tap.h: a part includes tests/" "it is named"

run python3 "$L"
is "$rc" 2 "no folder: usage error"
done_testing
