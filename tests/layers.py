#!/usr/bin/env python3
"""layers.py: checks the one-direction rule of docs/architecture.md on the
#include "..." lines of a source tree.

    layers.py SRCDIR     check the tree
    layers.py --levels   print the table, a level a line, bottom first

Parts are the top-level folders below, and analyzer's four layers. A file
may include a header of its own part, or of a part on a lower level; parts
on one level may not include each other. Independently of the table, any
cycle between top-level folders is reported. Folders that are not parts
(tests, bench, samples, docs) are not checked: tests may include anything.
A folder with C sources that the table does not name is an error, so a new
part must be placed in it. Prints one line per problem; exit 0 when there
is none, 1 when there is, 2 on a usage error.
"""
import os
import re
import sys

# Bottom first. Keep in step with docs/architecture.md.
LEVELS = [
    ["proto"],
    ["common"],
    ["gpumon", "cosched"],
    ["collector", "recorder", "analyzer/model"],
    ["analyzer/formats", "analyzer/analyses"],
    ["analyzer/render"],
    ["reports"],
    ["tui"],
    ["cli"],
]
NOT_PARTS = {"tests", "bench", "samples", "docs", "m4", "build-aux", "autom4te.cache"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def level_of():
    lv = {}
    for i, parts in enumerate(LEVELS):
        for p in parts:
            lv[p] = i
    return lv


def part_of(path, lv):
    """The part a tree-relative path belongs to: the longest table entry
    that is a prefix of it, else its top-level folder."""
    best = None
    for p in lv:
        if path == p or path.startswith(p + "/"):
            if best is None or len(p) > len(best):
                best = p
    return best if best else path.split("/", 1)[0]


def sources(root):
    for top in sorted(os.listdir(root)):
        d = os.path.join(root, top)
        if not os.path.isdir(d) or top.startswith(".") or top.startswith("_") or top in NOT_PARTS:
            continue
        for dirpath, dirnames, filenames in os.walk(d):
            dirnames[:] = sorted(x for x in dirnames if not x.startswith("."))
            for f in sorted(filenames):
                if f.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(dirpath, f), root)


def includes(root, rel):
    """(line number, tree-relative target) of each quoted include that
    names a file of the tree; "config.h" and generated headers that are
    not in the source tree resolve by their first folder."""
    here = os.path.dirname(rel)
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as fh:
        for n, line in enumerate(fh, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            name = m.group(1)
            local = os.path.normpath(os.path.join(here, name))
            if os.path.isfile(os.path.join(root, local)):
                yield n, local
            elif "/" in name:
                yield n, os.path.normpath(name)
            # a bare name not beside the file: config.h, a system-ish header


def find_cycle(edges):
    """One cycle in the graph {node: set(nodes)} as a list, or None."""
    state = {}
    stack = []

    def visit(u):
        state[u] = 1
        stack.append(u)
        for v in sorted(edges.get(u, ())):
            if state.get(v) == 1:
                return stack[stack.index(v):] + [v]
            if v not in state:
                c = visit(v)
                if c:
                    return c
        stack.pop()
        state[u] = 2
        return None

    for u in sorted(edges):
        if u not in state:
            c = visit(u)
            if c:
                return c
    return None


def check(root):
    lv = level_of()
    problems = []
    top_edges = {}
    unknown = set()
    for rel in sources(root):
        src = part_of(rel, lv)
        if src not in lv:
            unknown.add(src)
            continue
        for n, target in includes(root, rel):
            dst = part_of(target, lv)
            if dst == src:
                continue
            a, b = src.split("/")[0], dst.split("/")[0]
            if a != b:
                top_edges.setdefault(a, set()).add(b)
            where = "%s:%d: includes %s" % (rel, n, target)
            if dst not in lv:
                if dst not in NOT_PARTS:
                    problems.append("%s: %s is not a part in the table" % (where, dst))
                else:
                    problems.append("%s: a part includes %s/" % (where, dst))
            elif lv[dst] == lv[src]:
                problems.append("%s: %s and %s are on one level and may not include each other"
                                % (where, src, dst))
            elif lv[dst] > lv[src]:
                problems.append("%s: %s (level %d) includes %s (level %d), which is above it"
                                % (where, src, lv[src], dst, lv[dst]))
    for u in sorted(unknown):
        problems.append("%s/: a folder with C sources that is not in the table of parts" % u)
    cyc = find_cycle(top_edges)
    if cyc:
        problems.append("cycle between top-level folders: " + " -> ".join(cyc))
    return problems


def main(argv):
    if len(argv) == 2 and argv[1] == "--levels":
        for i, parts in enumerate(LEVELS):
            print(i, " ".join(parts))
        return 0
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        print("usage: layers.py SRCDIR | --levels", file=sys.stderr)
        return 2
    problems = check(argv[1])
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
