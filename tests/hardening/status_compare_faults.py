#!/usr/bin/env python3
"""Compare two `ondeck status --json` documents: the one taken under faults must equal the
fault-free one. Timing is ignored in one place only: a metric series may be shifted by one
point (the 15-minute window moved by a minute between the runs); a missing or emptied series,
a "stale" part, a missing task or target, any other difference fails.

usage: status_compare_faults.py BASELINE.json FAULTED.json   (exit 0 when equal; the
differences, at most 20, on stdout)
"""
import json
import sys


def series_equal(a, b):
    if a == b:
        return True
    if not isinstance(a, list) or not isinstance(b, list) or not a or not b:
        return False
    if abs(len(a) - len(b)) > 1:
        return False
    # The window slid by one minute: one is the other with one point dropped at an end
    # and/or one point added at the other end.
    for x, y in ((a, b), (b, a)):
        if x[1:] == y[:len(x) - 1] or x[:-1] == y[1:len(x)] or x[1:] == y[:-1] or x[:-1] == y[1:]:
            return True
    return False


def diff(a, b, path, out):
    if len(out) >= 20:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}.{k}: only in {'baseline' if k in a else 'faulted'}")
                continue
            if path.endswith(".metrics") or path == ".metrics":
                if not series_equal(a[k], b[k]):
                    out.append(f"{path}.{k}: {a[k]!r} != {b[k]!r}")
                continue
            diff(a[k], b[k], f"{path}.{k}", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} items != {len(b)} items")
            return
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}[{i}]", out)
    elif a != b:
        out.append(f"{path}: {a!r} != {b!r}")


def main():
    base = json.load(open(sys.argv[1]))
    got = json.load(open(sys.argv[2]))
    out = []
    diff(base, got, "", out)
    for line in out:
        print(line)
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main())
