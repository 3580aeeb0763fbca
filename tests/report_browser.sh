#!/bin/bash
# report_browser.sh: the HTML report in headless Chromium: the page loads
# with no console message (no script error, nothing blocked by the page's
# Content-Security-Policy), a screenshot is produced, and kernel names that
# are markup (<script>, <img onerror>) stay text: the rendered DOM has no
# script or img element. Chromium itself never runs under valgrind.
. "$GP_SRCDIR/tests/lib.sh"

CHROMIUM=$(command -v chromium || command -v chromium-browser || command -v google-chrome)
if [ -z "$CHROMIUM" ]; then
    skip "no chromium binary on PATH (Debian package chromium)"
    done_testing
    exit
fi
chrome() { # chrome OUT.err ARGS...: headless, a private profile, 120 s at most
    local e="$1"; shift
    timeout 120 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
        --user-data-dir="$T/profile" --enable-logging=stderr --v=0 "$@" 2>"$e"
}
# Elements by tag in a DOM dump, and attributes starting with "on".
tags() { python3 -c '
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.t = {}; s.on = 0
    def handle_starttag(s, tag, attrs):
        s.t[tag] = s.t.get(tag, 0) + 1
        s.on += sum(1 for k, v in attrs if k.startswith("on"))
p = P(); p.feed(open(sys.argv[1]).read())
print("script=%d img=%d on=%d svg=%d section=%d" % (p.t.get("script", 0), p.t.get("img", 0), p.on, p.t.get("svg", 0), p.t.get("section", 0)))
' "$1"; }

# The checks catch what they look for: a page with a script and a blocked image.
printf '<!DOCTYPE html><meta http-equiv=Content-Security-Policy content="default-src %s"><p>x<img src="http://example.invalid/a.png" onerror="f()"><script>f()</script>\n' "'none'" >"$T/bad.html"
chrome "$T/bad.err" --dump-dom "file://$T/bad.html" >"$T/bad.dom"
ok "$([ "$(grep -c ':CONSOLE' "$T/bad.err")" -ge 2 ]; echo $?)" "self-check: a bad page logs console messages"
is "$(tags "$T/bad.dom")" "script=1 img=1 on=1 svg=0 section=0" "self-check: its script and img are found"

cat >"$T/xss.json" <<'EOF'
{"traceEvents": [
  {"ph": "X", "cat": "kernel", "name": "<script>alert(1)</script>", "pid": 0, "tid": 7, "ts": 10, "dur": 10, "args": {"device": 0, "stream": 7}},
  {"ph": "X", "cat": "kernel", "name": "\"><img src=x onerror=alert(1)>", "pid": 0, "tid": 7, "ts": 30, "dur": 5, "args": {"device": 0, "stream": 7}},
  {"ph": "X", "cat": "kernel", "name": "'><svg onload=alert(1)>", "pid": 0, "tid": 7, "ts": 40, "dur": 5, "args": {"device": 0, "stream": 7}}
 ]}
EOF
pages="xss:$T/xss.json"
pages="$pages a100:$GP_TRACES/a100_rank3_train.json.gz"
for p in $pages; do
    name=${p%%:*} src=${p#*:}
    run gpupack report "$src" -o "$T/$name.html"
    is "$rc" 0 "$name: report written"
    chrome "$T/$name.err" --dump-dom "file://$T/$name.html" >"$T/$name.dom"
    is "$?" 0 "$name: Chromium loads the page"
    is "$(grep ':CONSOLE' "$T/$name.err")" "" "$name: no console message"
    like "$(cat "$T/$name.dom")" "Utilization over time" "$name: the page rendered"
    is "$(tags "$T/$name.dom" | sed 's/ svg=.*//')" "script=0 img=0 on=0" "$name: no script, no img, no on* attribute in the DOM"
    chrome "$T/$name.shot.err" --screenshot="$T/$name.png" --window-size=1280,2000 "file://$T/$name.html" >/dev/null
    is "$(python3 -c '
import struct, sys
b = open(sys.argv[1], "rb").read()
w, h = struct.unpack(">II", b[16:24])
print(b[:8] == b"\x89PNG\r\n\x1a\n", w, h, len(b) > 20000)' "$T/$name.png" 2>&1)" "True 1280 2000 True" \
       "$name: a 1280x2000 screenshot with content"
done
like "$(cat "$T/xss.dom")" "&lt;script&gt;alert(1)&lt;/script&gt;" "xss: the name is shown as text"
done_testing
