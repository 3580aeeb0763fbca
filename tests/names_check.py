#!/usr/bin/env python3
"""names_check.py FILE [--csv]: prints "clean" when FILE follows the rule of
docs/security.md ("Text from traces"): valid UTF-8, no C0 control character
but LF (with --csv, also CR as part of the CR LF that ends a record), no
DEL, no C1 control (U+0080-U+009F). Otherwise prints each problem with its
byte offset."""
import sys


def problems(data, csv):
    if csv:
        data = data.replace(b"\r\n", b"\n")
    out = []
    for i, c in enumerate(data):
        if (c < 0x20 and c != 0x0a) or c == 0x7f:
            out.append("control byte 0x%02x at %d" % (c, i))
    try:
        text = data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        out.append("invalid UTF-8 at byte %d" % e.start)
        text = data.decode("utf-8", errors="replace")
    for i, ch in enumerate(text):
        if 0x80 <= ord(ch) <= 0x9f:
            out.append("C1 control U+%04X at character %d" % (ord(ch), i))
    return out


def main():
    with open(sys.argv[1], "rb") as f:
        found = problems(f.read(), "--csv" in sys.argv[2:])
    print("\n".join(found[:20]) if found else "clean")


main()
