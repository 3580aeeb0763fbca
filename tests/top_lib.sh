# top_lib.sh: tmux helpers of gpupack top's screen tests (top.sh,
# top_pack.sh). Source it after setting TM (the tmux server's name).

tm() { tmux -L "$TM" -f /dev/null "$@"; }
screen() { tm capture-pane -p -t "$1"; }
# until_screen PANE SECONDS CMD...: polls every 0.1 s until CMD succeeds on
# the screen's text (its standard input); 1 if it never does.
until_screen() {
    local pane=$1 i=0 n=$(( $2 * 10 ))
    shift 2
    while [ $i -lt $n ]; do
        screen "$pane" | "$@" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
absent() { ! grep -qF -- "$1"; }
# wait_for PANE TEXT [SECONDS]: until TEXT shows; wait_re the same with an
# extended regular expression; wait_gone until TEXT is gone. 10 s unless told.
wait_for() { until_screen "$1" "${3:-10}" grep -qF -- "$2"; }
wait_re() { until_screen "$1" "${3:-10}" grep -qE -- "$2"; }
wait_gone() { until_screen "$1" "${3:-10}" absent "$2"; }
