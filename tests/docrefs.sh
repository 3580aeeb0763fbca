#!/bin/bash
# docrefs.sh: every document the sources, tests and docs cite exists in the
# tree: paths like docs/NAME.md, and upper-case note names like NOTES.md
# (which must exist somewhere in the tree). A comment that cites a file the
# user does not have is a broken promise. Checked on the tree, then on a
# planted tree where it must fail and name the file and line.
. "$GP_SRCDIR/tests/lib.sh"

# refs ROOT: prints "file:line: missing REF" for each citation of a file
# that is not in ROOT; nothing when all are there.
refs() {
    local root=$1 f n line ref
    (cd "$root" && find common collector recorder gpumon cosched analyzer reports tui cli proto \
        tests bench samples docs README.md Makefile.am configure.ac .ci \
        -type f \( -name '*.[ch]' -o -name '*.cu' -o -name '*.sh' -o -name '*.py' -o -name '*.am' \
        -o -name '*.md' -o -name '*.ac' -o -name '*.proto' -o -name 'run' -o -name 'deps' \) \
        2>/dev/null | sort) | while IFS= read -r f; do
        [ "$f" = tests/docrefs.sh ] && continue # its own examples
        # a docs/ path not inside a longer path (another project's
        # media/docs/x.md is not ours), or an upper-case note name
        grep -noE '(^|[^A-Za-z0-9_./-])(docs/[A-Za-z0-9_./-]+\.(md|png)|[A-Z][A-Z0-9_-]*[A-Z0-9]\.md)' "$root/$f" |
            while IFS=: read -r n ref; do
                case $ref in docs/* | [A-Z]*) ;; *) ref=${ref#?} ;; esac
                case $ref in
                    docs/*) [ -e "$root/$ref" ] || printf '%s:%s: missing %s\n' "$f" "$n" "$ref" ;;
                    *) [ -n "$(cd "$root" && find . -name "$ref" -print -quit)" ] ||
                        printf '%s:%s: missing %s\n' "$f" "$n" "$ref" ;;
                esac
            done
    done
}

is "$(refs "$GP_SRCDIR")" "" "every cited document is in the tree"

mkdir -p "$T/tree/docs" "$T/tree/common" "$T/tree/tests"
echo "# ok" >"$T/tree/docs/here.md"
printf '/* see docs/here.md */\n/* and docs/gone.md */\n' >"$T/tree/common/a.c"
printf '# rules: NOTES-ELSEWHERE.md s4\n# README.md\n' >"$T/tree/tests/b.sh"
echo "x" >"$T/tree/README.md"
is "$(refs "$T/tree")" "common/a.c:2: missing docs/gone.md
tests/b.sh:1: missing NOTES-ELSEWHERE.md" "a planted tree: the missing documents are named with file and line"
done_testing
