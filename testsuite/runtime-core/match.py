#!/usr/bin/env python3
"""match.py OUT SPEC... - check a test's output: each "want:TEXT" must be
found (as a substring of a line) after the previous want's line, each
"never:TEXT" nowhere.  Prints why it fails, nothing when it passes."""
import sys

lines = open(sys.argv[1], errors="replace").read().splitlines()
pos = 0
for spec in sys.argv[2:]:
    kind, text = spec.split(":", 1)
    if kind == "never":
        bad = [l for l in lines if text in l]
        if bad:
            print(f"unexpected {bad[0]!r}")
            sys.exit(0)
        continue
    for i in range(pos, len(lines)):
        if text in lines[i]:
            pos = i + 1
            break
    else:
        print(f"missing {text!r} (after line {pos})")
        sys.exit(0)
