#!/bin/sh
# Test wrapper (LOG_COMPILER): runs a compiled test under valgrind when
# GP_VALGRIND names it (set by make check when valgrind is installed), and
# shell tests with $GP_RUN set so they can run gpupack under valgrind too.
# Valgrind errors and leaks make the test fail (exit 99 is not TAP output,
# so the driver reports the failure).
test="$1"; shift
vg=""
if [ -n "$GP_VALGRIND" ] && [ -z "$GP_NO_VALGRIND" ]; then
    vg="$GP_VALGRIND -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --track-fds=no"
fi
case "$test" in
    *.sh) GP_RUN="$vg" exec bash "$test" "$@" ;;
    *) exec $vg "$test" "$@" ;;
esac
