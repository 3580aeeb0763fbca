#!/bin/bash
# inputs.sh: what every command that reads a trace file (info, analyze,
# report, diff, top, import) says about a file it cannot read. The same
# words for every command (one diagnosis), exit 2, the file named, and
# never a hang: a FIFO without a writer, /dev/zero and a directory are
# refused without being read (each command runs under `timeout`; 124 would
# mean it blocked). Then the inputs they all accept beyond Kineto's own
# files: a UTF-8 byte order mark before the JSON, and Chrome's JSON Array
# Format (a bare array of events, its closing ']' possibly missing).
. "$GP_SRCDIR/tests/lib.sh"
MKTRACE="$GP_BUILDDIR/tests/mktrace"
LIMIT=120 # seconds per command: far more than any of them needs, even under valgrind
# gpupack under a time limit (exit 124 when it runs out)
tgp() { timeout -k 10 "$LIMIT" $GP_RUN "$GPUPACK" "$@"; }

"$MKTRACE" "$T/ok.gpupack" --kernels 20

# each CMD FILE: runs every command on FILE; sets msg_CMD (stderr without the
# "gpupack CMD: " prefix) and rc_CMD.
each() {
    local f=$1 c
    for c in info analyze report diff top import; do
        case $c in
            report) rm -f "$T/r.md"; run tgp report "$f" -o "$T/r.md" ;;
            diff) run tgp diff "$f" "$T/ok.gpupack" ;;
            top) run tgp top --snapshot 100x30 "$f" ;;
            import) rm -f "$T/i.gpupack"; run tgp import "$f" -o "$T/i.gpupack" ;;
            *) run tgp "$c" "$f" ;;
        esac
        printf -v "rc_$c" '%s' "$rc"
        printf -v "msg_$c" '%s' "${err#gpupack $c: }"
    done
}

# refused NAME FILE WANT: every command exits 2 with the same message, which
# names FILE and contains WANT.
refused() {
    local name=$1 f=$2 want=$3 c rcs="" same=0 m
    each "$f"
    for c in info analyze report diff top import; do
        m="msg_$c"
        rcs="$rcs $c=$(eval echo "\$rc_$c")"
        [ "${!m}" = "$msg_info" ] || same=1
    done
    is "$rcs" " info=2 analyze=2 report=2 diff=2 top=2 import=2" "$name: every command exits 2"
    like "$msg_info" "$f: $want" "$name: the message names the file and says: $want"
    ok "$same" "$name: every command says the same"
    [ "$same" = 0 ] || for c in info analyze report diff top import; do
        m="msg_$c"
        printf '#   %s: %s\n' "$c" "${!m}"
    done
}

: >"$T/empty.json"
refused "an empty file" "$T/empty.json" "the file is empty; expected a gpupack trace"

mkdir "$T/dir.json"
refused "a directory" "$T/dir.json" "a directory, not a regular file"

if mkfifo "$T/fifo.json" 2>/dev/null; then
    refused "a FIFO" "$T/fifo.json" "a named pipe (FIFO), not a regular file"
else
    skip "mkfifo failed"; skip "mkfifo failed"; skip "mkfifo failed"
fi

refused "/dev/zero" /dev/zero "a character device, not a regular file"

refused "a missing file" "$T/nope.json" "No such file or directory"

printf '\x8f\x01\x02\x03 and then some' >"$T/binary.bin"
refused "binary junk" "$T/binary.bin" "not a trace gpupack reads (it starts with bytes 8f 01 02 03)"

printf 'hello, this is text\n' >"$T/text.txt"
refused "text" "$T/text.txt" "not a trace gpupack reads (it starts with \"hello, this is t...\")"

head -c 60 "$T/ok.gpupack" >"$T/cut.gpupack"
refused "an SQLite file cut inside its header" "$T/cut.gpupack" \
    "the file is truncated: only 60 bytes of an SQLite file are left"

# ---- a file name with control characters: every message shows them --------
esc="$T/name"$'\x1b'"]0;owned"$'\x07\x1b'"[2J.json"
printf 'junk\n' >"$esc"
each "$esc"
raw=0
for c in info analyze report diff top import; do
    m="msg_$c"
    case "${!m}" in *$'\x1b'* | *$'\x07'*) raw=1 ;; esac
    like "${!m}" 'name\x1b]0;owned\x07\x1b[2J.json' "escaped name: $c shows the name's ESC and BEL as \\xHH"
done
ok "$raw" "escaped name: no message carries a raw ESC or BEL"

# ---- accepted: a byte order mark, the JSON Array Format --------------------
# One kernel of 2 us on stream 7 and its launch, written three ways.
EV='{"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 5, "tid": 5,
  "ts": 10, "dur": 1, "args": {"correlation": 1}},
 {"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": 12, "dur": 2,
  "args": {"device": 0, "stream": 7, "correlation": 1}}'
printf '\xef\xbb\xbf{"traceEvents": [%s]}\n' "$EV" >"$T/bom.json"
printf '[%s]\n' "$EV" >"$T/array.json"
printf '\xef\xbb\xbf[%s,\n' "$EV" >"$T/open_array.json"
for f in bom.json array.json open_array.json; do
    each "$T/$f"
    is "$rc_analyze $rc_report $rc_diff $rc_top $rc_import" "0 0 0 0 0" \
        "$f: analyze, report, diff, top and import read it"
    run gpupack analyze --json "$T/$f"
    like "$out" '"kernels": 1' "$f: its one kernel is there"
    is "$rc_info" 2 "$f: info, which describes gpupack traces only, exits 2"
    like "$msg_info" "$T/$f: a PyTorch profiler (JSON) trace, not a gpupack trace" \
        "$f: and says what it is"
done

done_testing
