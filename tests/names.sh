#!/bin/bash
# names.sh: names from a trace never reach a terminal or a file as raw
# control characters (docs/security.md, "Text from traces").
#
# A PyTorch profiler trace whose device, kernel, operator and annotation
# names hold ESC sequences (clear the screen, set the window title), BEL, CR,
# LF, other C0 controls, DEL and C1 controls (U+0085, U+0090, U+009B,
# U+009D), and the same trace imported into a gpupack trace with raw bytes
# added to those names: C1 bytes 0x80-0x9f on their own and other invalid
# UTF-8 (0xff, a cut sequence, an overlong form, a surrogate, a 5-byte
# form). Every output of analyze, report, diff, info and top --snapshot is
# checked byte by byte by tests/names_check.py: valid UTF-8, no C0 control
# but LF (and CR LF ending CSV records), no DEL, no C1 control; and the names
# are there in their shown form ("\x1b[2J", "\u009b", U+FFFD).
. "$GP_SRCDIR/tests/lib.sh"
cd "$T" || exit 1
CHECK="python3 $GP_SRCDIR/tests/names_check.py"

if ! python3 -c 'import sqlite3' 2>/dev/null; then
    skip "python3 with sqlite3 is needed"
    done_testing
    exit 0
fi

# a.json, b.json: 20 iterations; each runs the operator (in an annotation for
# the first 10) while the GPU waits, then a hostile and a plain kernel (the
# hostile one slower in b, for diff). The operator-only gaps are the longest,
# so its name is the idle cause's example.
cat >mk.py <<'EOF'
import json, sys
HOSTILE = ("\u001b[2J\u001b]0;pwned\u0007\r\n\u0001\u0008\t\u000b\u000c\u007f"
           "\u0085\u0090\u009b\u009d|end")
def name(tag):
    return json.dumps(tag + HOSTILE)
dev, kern, op, ann = name("GPU"), name("kern"), name("op"), name("ann")
ev, t = [], 0
for i in range(20):
    gap = 900 if i < 10 else 1400
    if i < 10:
        ev.append('{"ph": "X", "cat": "user_annotation", "name": %s, "pid": 1, "tid": 1, '
                  '"ts": %d, "dur": %d}' % (ann, t, gap))
    ev.append('{"ph": "X", "cat": "cpu_op", "name": %s, "pid": 1, "tid": 1, "ts": %d, '
              '"dur": %d}' % (op, t + 50, gap - 100))
    slow = 100 if sys.argv[1] == "a" else 200  # the hostile kernel is slower in b
    for k, (nm, start, dur) in enumerate(((kern, t + gap, slow),
                                          ('"plain_%s"' % sys.argv[1], t + gap + 100, 10))):
        corr = 2 * i + k + 1
        ev.append('{"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, '
                  '"tid": 1, "ts": %d, "dur": 10, "args": {"correlation": %d, "cbid": 211}}'
                  % (start - 40, corr))
        ev.append('{"ph": "X", "cat": "kernel", "name": %s, "pid": 0, "tid": 7, "ts": %d, '
                  '"dur": %d, "args": {"device": 0, "stream": 7, "correlation": %d}}'
                  % (nm, start, dur, corr))
    t += gap + 200
print('{"schemaVersion": 1, "deviceProperties": [{"id": 0, "name": %s, "numSms": 132, '
      '"computeMajor": 9, "computeMinor": 0}], "traceEvents": [\n%s]}' % (dev, ",\n".join(ev)))
EOF
python3 mk.py a >a.json && python3 mk.py b >b.json
ok $? "hostile traces written"

# the same in gpupack traces, with raw invalid UTF-8 appended to the names
cat >raw.py <<'EOF'
import sqlite3, sys
RAW = bytes([0x80, 0x85, 0x9b, 0x9f, 0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80,
             0xf8, 0x88, 0x80, 0x80, 0x80, 0xc0, 0xaf, 0xe2, 0x82])
db = sqlite3.connect(sys.argv[1])
n = db.execute("UPDATE strings SET text = CAST(text || ? AS TEXT) WHERE instr(text, '|end') > 0",
               (RAW,)).rowcount
db.commit()
print(n)
EOF
for x in a b; do
    run gpupack import $x.json -o $x.gpupack
    is "$rc" 0 "$x imported"
    run python3 raw.py $x.gpupack
    is "$out" 4 "$x: raw bytes added to the device, kernel, operator and annotation names"
done

# clean WHAT FILE [--csv]: the file's bytes follow the rule ($out is kept)
clean() {
    local keep="$out"
    run $CHECK "$2" $3
    is "$out" clean "$1: no raw control character, valid UTF-8"
    out="$keep"
}

for src in a.json a.gpupack; do
    b=${src/a./b.}
    mkdir "out-$src" && cd "out-$src" || exit 1
    src=../$src b=../$b
    run gpupack analyze "$src"
    is "$rc" 0 "$src: analyze"
    printf '%s' "$out" >an.txt
    clean "$src: analyze text" an.txt
    like "$out" 'e.g. op\x1b[2J\x1b]0;pwned\x07\x0d\x0a\x01\x08\x09\x0b\x0c\x7f'\
'\u0085\u0090\u009b\u009d|end' \
        "$src: the idle cause's example, in its shown form"
    like "$out" "while the host runs 'op\\x1b[2J" "$src: the fix quotes the operator shown"
    like "$out" "longest: 1.49 ms at +10.0 ms (op\\x1b[2J" "$src: the evidence too"
    like "$out" 'GPU 0 (GPU\x1b[2J' "$src: the device name"
    like "$out" 'kern\x1b[2J' "$src: the kernel name"
    run gpupack analyze --json "$src"
    printf '%s' "$out" >an.json
    clean "$src: analyze --json" an.json
    for f in md html json; do
        run gpupack report "$src" -o r.$f
        is "$rc" 0 "$src: report $f"
        clean "$src: report $f" r.$f
    done
    like "$(cat r.md)" 'op\\x1b\[2J\\x1b\]0;pwned\\x07' \
        "$src: Markdown shows the name (backslashes escaped)"
    like "$(cat r.html)" 'op\x1b[2J\x1b]0;pwned\x07' "$src: HTML shows the name"
    for t in kernels gaps findings samples; do
        run gpupack report "$src" --table $t -o $t.csv
        is "$rc" 0 "$src: report --table $t"
        clean "$src: $t.csv" $t.csv --csv
    done
    like "$(cat gaps.csv)" 'op\x1b[2J' "$src: gaps.csv shows the operator"
    run gpupack diff "$src" "$b"
    is "$rc" 0 "$src: diff"
    printf '%s' "$out" >diff.txt
    clean "$src: diff text" diff.txt
    like "$out" 'kern\x1b[2J' "$src: diff names the kernel"
    for f in json html; do
        run gpupack diff "$src" "$b" -o d.$f
        is "$rc" 0 "$src: diff -o d.$f"
        clean "$src: diff $f" d.$f
    done
    run gpupack top --snapshot 160x40 "$src"
    is "$rc" 0 "$src: top --snapshot"
    printf '%s' "$out" >top.txt
    clean "$src: top" top.txt
    like "$out" 'kern\x1b[2J' "$src: top shows the kernel name"
    cd ..
done

# the raw bytes: U+FFFD, one per byte that starts no valid character
run gpupack analyze a.gpupack
like "$out" "|end$(printf '\xef\xbf\xbd%.0s' 1 2 3 4 5 6)($(printf '\xef\xbf\xbd%.0s' $(seq 12)))" \
    "invalid UTF-8: U+FFFD per byte"
python3 - a.gpupack <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE meta SET value = 'v9\x1b]0;x\x07' WHERE key = 'gpupack_version'")
db.execute("INSERT OR REPLACE INTO meta VALUES ('source', 'src\x1b[2J')")
db.commit()
EOF
run gpupack info a.gpupack
is "$rc" 0 "info"
printf '%s' "$out" >info.txt
clean "info" info.txt
like "$out" 'GPU\x1b[2J' "info shows the device name"
like "$out" 'written by gpupack v9\x1b]0;x\x07,' "info shows the writer's version"
like "$out" 'source      src\x1b[2J' "info shows the source"

# JSON keeps a valid name exactly (escaped as JSON), controls included
run gpupack analyze --json a.json
printf '%s' "$out" >an.json
like "$out" 'op\u001b[2J\u001b]0;pwned\u0007\r\n\u0001\b\t\u000b\f\u007f'\
'\u0085\u0090\u009b\u009d|end' \
    "JSON escapes C0, DEL and C1"
run python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
want = ("op\u001b[2J\u001b]0;pwned\u0007\r\n\u0001\u0008\t\u000b\u000c\u007f"
        "\u0085\u0090\u009b\u009d|end")
def strings(x):
    if isinstance(x, dict):
        for v in x.values(): yield from strings(v)
    elif isinstance(x, list):
        for v in x: yield from strings(v)
    elif isinstance(x, str):
        yield x
print(sum(s == want for s in strings(d)) > 0)' an.json
is "$out" True "analyze --json holds the exact operator name"
done_testing
