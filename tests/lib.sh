# lib.sh: TAP helpers for the shell tests (sourced).
#
#   . "$GP_SRCDIR/tests/lib.sh"
#   run gpupack info x.gpupack     # sets $rc, $out (stdout), $err (stderr)
#   is "$rc" 2 "exit code"
#   like "$err" "not a gpupack trace" "message"
#   done_testing
#
# $GP_RUN (from tests/run-test.sh) prefixes gpupack with valgrind when enabled.

tap_n=0
tap_failed=0
T=$(mktemp -d "${TMPDIR:-/tmp}/gp-sh-XXXXXX")
trap 'rm -rf "$T"' EXIT

gpupack() { $GP_RUN "$GPUPACK" "$@"; }

run() {
    "$@" >"$T/.out" 2>"$T/.err"
    rc=$?
    out=$(cat "$T/.out")
    err=$(cat "$T/.err")
    # valgrind found a problem: show it and fail loudly
    if [ "$rc" = 99 ] && [ -n "$GP_RUN" ]; then
        printf '# valgrind error in: %s\n' "$*"
        sed 's/^/#   /' "$T/.err"
    fi
}

ok() { # ok CONDITION-EXIT-CODE NAME
    tap_n=$((tap_n + 1))
    if [ "$1" = 0 ]; then
        echo "ok $tap_n - $2"
    else
        echo "not ok $tap_n - $2"
        tap_failed=$((tap_failed + 1))
    fi
}

is() { # is GOT WANT NAME
    tap_n=$((tap_n + 1))
    if [ "$1" = "$2" ]; then
        echo "ok $tap_n - $3"
    else
        echo "not ok $tap_n - $3"
        echo "#   got '$1', want '$2'"
        tap_failed=$((tap_failed + 1))
    fi
}

like() { # like TEXT SUBSTRING NAME
    tap_n=$((tap_n + 1))
    case "$1" in
        *"$2"*) echo "ok $tap_n - $3" ;;
        *)
            echo "not ok $tap_n - $3"
            printf '#   output does not contain "%s":\n' "$2"
            printf '%s\n' "$1" | head -20 | sed 's/^/#   /'
            tap_failed=$((tap_failed + 1))
            ;;
    esac
}

unlike() { # unlike TEXT SUBSTRING NAME
    tap_n=$((tap_n + 1))
    case "$1" in
        *"$2"*)
            echo "not ok $tap_n - $3"
            printf '#   output contains "%s"\n' "$2"
            tap_failed=$((tap_failed + 1))
            ;;
        *) echo "ok $tap_n - $3" ;;
    esac
}

skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n # SKIP $1"; }

done_testing() {
    echo "1..$tap_n"
    [ "$tap_failed" = 0 ]
}
