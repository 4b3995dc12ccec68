#!/usr/bin/env python3
# Wall time of several commands run in turn (A B A B ...), for a machine shared with other work:
# load that comes and goes then falls on every command alike, where hyperfine's back-to-back runs
# of one command and then the next can catch a busy spell on one side only.
# usage: bench/convert/interleaved.py RUNS "CMD A" "CMD B" ...   (prints median and min of each)
import statistics
import subprocess
import sys
import time

runs = int(sys.argv[1])
commands = [c.split() for c in sys.argv[2:]]
times = [[] for _ in commands]
for c in commands:  # warm-up: page cache, binaries
    subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
for _ in range(runs):
    for i, c in enumerate(commands):
        start = time.perf_counter()
        subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times[i].append(time.perf_counter() - start)
for c, t in zip(commands, times):
    print(f"median {statistics.median(t) * 1e3:7.1f} ms  min {min(t) * 1e3:7.1f} ms  ({len(t)} runs)  {' '.join(c)}")
