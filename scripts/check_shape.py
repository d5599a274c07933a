#!/usr/bin/env python3
"""Shape of flue's library code (issue 10): no function longer than 60
lines, no circle of calls between the files of one layer (src/<layer>/).

Functions are found the way flue writes them (kernel style: the opening
brace of a definition alone in column 0, the closing one too); a call is an
identifier followed by '(' that names a function defined in another file
of the same layer. Violations present when this check was introduced are
listed in scripts/shape-baseline.txt; the check fails on any violation not
listed there AND on any listed one that is gone (so the list only shrinks).

    scripts/check_shape.py [--root DIR] [--baseline FILE] [--print]
"""
import argparse
import os
import re
import sys

MAX_LINES = 60
LAYERS = ("decide", "obj", "abi", "exec", "port/posix", "port/cortex-m", "glue", "wasmrt", "board")
IDENT_CALL = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")
DEF_NAME = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\([^;]*$")


def strip_comments_and_strings(text):
    """Blank out comments and literals, keeping line structure."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j]) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(path):
    """[(name, first_line, body_lines, body_text, is_static)] of one C file."""
    lines = strip_comments_and_strings(open(path, encoding="utf-8").read()).split("\n")
    found, i = [], 0
    while i < len(lines):
        if lines[i] == "{":
            # the signature: the nearest non-blank line(s) above
            j = i - 1
            sig = ""
            while j >= 0 and lines[j].strip() and not lines[j].startswith(("}", "#")):
                sig = lines[j] + " " + sig
                if re.match(r"^[A-Za-z_]", lines[j]):
                    break
                j -= 1
            k = i + 1
            while k < len(lines) and lines[k] != "}":
                k += 1
            names = IDENT_CALL.findall(sig)
            if names and "=" not in sig.split("(")[0]:
                name = names[0]
                found.append((name, j + 1, k - i - 1, "\n".join(lines[i + 1:k]),
                              re.match(r"^\s*static\b", sig) is not None))
            i = k
        i += 1
    return found


def scan(root):
    long_fns, cycles = [], []
    for layer in LAYERS:
        d = os.path.join(root, "src", layer)
        if not os.path.isdir(d):
            continue
        files = sorted(f for f in os.listdir(d) if f.endswith(".c"))
        # A call names the caller's own function if its file defines one of
        # that name (a static one included); else the layer's non-static
        # definition: two files' statics of one name are not an edge.
        defs, local, bodies = {}, {}, {}
        for f in files:
            rel = os.path.join("src", layer, f)
            for name, line, n, body, is_static in functions(os.path.join(d, f)):
                if not is_static:
                    defs.setdefault(name, rel)
                local.setdefault(rel, set()).add(name)
                bodies.setdefault(rel, []).append(body)
                if n > MAX_LINES:
                    long_fns.append(f"long {rel} {name} {n}")
        edges = {}
        for rel, bs in bodies.items():
            for b in bs:
                for callee in IDENT_CALL.findall(b):
                    other = defs.get(callee)
                    if other and other != rel and callee not in local[rel]:
                        edges.setdefault(rel, set()).add(other)
        for comp in strongly_connected(edges):
            if len(comp) > 1:
                cycles.append("circle " + " ".join(sorted(comp)))
    return long_fns, cycles


def strongly_connected(edges):
    """Tarjan's algorithm over the file graph."""
    index, low, stack, on, out = {}, {}, [], set(), []
    nodes = sorted(set(edges) | {v for vs in edges.values() for v in vs})

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    for v in nodes:
        if v not in index:
            visit(v)
    return out


def key(violation):
    words = violation.split()
    return " ".join(words[:3]) if words[0] == "long" else " ".join(words)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    ap.add_argument("--baseline", default=None)
    ap.add_argument("--print", action="store_true", help="print today's violations as a baseline")
    a = ap.parse_args()
    long_fns, cycles = scan(a.root)
    # a known long function is keyed by its name (its length may change)
    now = {key(v): v for v in long_fns + cycles}
    if a.print:
        print("\n".join(sorted(now.values())))
        return 0
    base_path = a.baseline or os.path.join(a.root, "scripts", "shape-baseline.txt")
    base = set()
    for line in open(base_path, encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("#"):
            base.add(key(line))
    new = sorted(now[k] for k in set(now) - base)
    gone = sorted(base - set(now))
    for v in new:
        print(f"check_shape: new violation: {v}", file=sys.stderr)
    for v in gone:
        print(f"check_shape: fixed, remove from {base_path}: {v}", file=sys.stderr)
    print(f"check_shape: {len(long_fns)} functions over {MAX_LINES} lines, "
          f"{len(cycles)} call circles (baseline {len(base)})")
    return 1 if new or gone else 0


if __name__ == "__main__":
    sys.exit(main())
