#!/usr/bin/env python3
"""Time a command: median wall-clock and CPU (user+sys) milliseconds.

usage: runtime.py RUNS CMD [ARGS...]
Prints "WALL_MS CPU_MS MAXRSS_KB" for the median run (by wall time for
wall, by CPU for CPU; max RSS over all runs).  CPU time is what the
process itself spent, so it stays meaningful on a loaded machine where
wall time mostly measures waiting.  Exits 1 if any run fails.
"""
import resource
import statistics
import subprocess
import sys
import time


def main():
    runs = int(sys.argv[1])
    cmd = sys.argv[2:]
    walls, cpus, rss = [], [], 0
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        rc = subprocess.call(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.monotonic() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if rc != 0:
            print(f"runtime.py: command failed ({rc}): {' '.join(cmd)}", file=sys.stderr)
            sys.exit(1)
        walls.append(wall * 1e3)
        cpus.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1e3)
        rss = max(rss, after.ru_maxrss)
    print(f"{statistics.median(walls):.1f} {statistics.median(cpus):.1f} {rss}")


if __name__ == "__main__":
    main()
