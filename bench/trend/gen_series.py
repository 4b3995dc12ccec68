#!/usr/bin/env python3
"""Makes a synthetic series of jemalloc dumps from one real dump, for the trend benchmark.

gen_series.py TEMPLATE.heap OUTDIR COUNT [BYTES]

Keeps the template's header, maps section and stack records spread evenly over the template up
to BYTES (default 1,000,000) of records, and writes COUNT dumps OUTDIR/jeprof.4242.<k>.i<k>.heap
(one a minute by mtime) whose counts change over time: every 40th record leaks (k more 64-byte
objects in dump k), every 97th churns (present in even dumps only), the rest stay. The addresses are the template's, so symbolization does the
same work as on the real process.
"""
import os
import re
import sys

COUNTS = re.compile(r"^(\s*t[*0-9]+): (\d+): (\d+) \[(\d+): (\d+)\]$")


def main():
    template, outdir, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    budget = int(sys.argv[4]) if len(sys.argv) > 4 else 1_000_000
    text = open(template, encoding="latin-1").read()
    maps_at = text.find("\nMAPPED_LIBRARIES:")
    body, maps = (text[:maps_at + 1], text[maps_at + 1:]) if maps_at >= 0 else (text, "")
    lines = body.splitlines()
    header, records, used = lines[0], [], 0
    i = 1
    while i < len(lines) and not lines[i].startswith("@"):
        i += 1
    every = max(1, len(body) // budget)
    n = 0
    while i < len(lines) and used < budget:
        rec = [lines[i]]
        i += 1
        while i < len(lines) and not lines[i].startswith("@"):
            rec.append(lines[i])
            i += 1
        n += 1
        if n % every == 0:
            records.append(rec)
            used += sum(len(x) + 1 for x in rec)
    os.makedirs(outdir, exist_ok=True)
    for k in range(count):
        out = [header, "  t*: 0: 0 [0: 0]"]
        for r, rec in enumerate(records):
            out.append(rec[0])
            for line in rec[1:]:
                m = COUNTS.match(line)
                if not m:
                    out.append(line)
                    continue
                objs, size = int(m.group(2)), int(m.group(3))
                if r % 40 == 0:
                    objs, size = objs + k, size + 64 * k
                elif r % 97 == 0 and k % 2:
                    objs, size = 0, 0
                out.append(f"{m.group(1)}: {objs}: {size} [{m.group(4)}: {m.group(5)}]")
        path = os.path.join(outdir, f"jeprof.4242.{k}.i{k}.heap")
        with open(path, "w", encoding="latin-1") as f:
            f.write("\n".join(out) + "\n" + maps)
        os.utime(path, (1_700_000_000 + 60 * k, 1_700_000_000 + 60 * k))  # one dump a minute


if __name__ == "__main__":
    main()
