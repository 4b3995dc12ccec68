#!/usr/bin/env python3
"""Cross-checks `memprof convert --to pprof` with the real pprof on a real dump: for each sample
type, pprof's total and its top N rows (name and flat value) against `memprof top --format json`.
Rows may differ by the rounding of each sample (pprof sums integers): the tolerance is printed.

usage: crosscheck.py MEMPROF PPROF DUMP [ROWS]     (prints one line per type, exit 1 on mismatch)
"""
import json, re, subprocess, sys, tempfile, os

memprof, pprof, dump = sys.argv[1:4]
rows = int(sys.argv[4]) if len(sys.argv) > 4 else 20
ok = True
with tempfile.TemporaryDirectory() as tmp:
    pb = os.path.join(tmp, "p.pb.gz")
    subprocess.run([memprof, "convert", "--to", "pprof", dump, "-o", pb], check=True)
    for t in ["inuse_space", "inuse_objects", "alloc_space", "alloc_objects"]:
        top = subprocess.run([memprof, "top", "--" + t.replace("_", "-"), "-n", "0", "--format", "json", dump],
                             capture_output=True, text=True)
        if top.returncode != 0:
            print(f"{t}: not in the dump ({top.stderr.strip()})")
            continue
        m = json.loads(top.stdout)
        mrows = [(r["name"], r["flat"]) for r in m["rows"] if r["flat"] != 0][:rows]
        out = subprocess.run([pprof, "-top", f"-sample_index={t}", "-unit=B", "-nodefraction=0", "-edgefraction=0",
                              f"-nodecount={rows * 3}", pb], capture_output=True, text=True).stdout
        total = int(re.search(r"of (\d+)B? total", out).group(1))
        prows = {}
        for line in out.splitlines():
            g = re.match(r"^\s*(-?\d+)B?\s+\S+%\s+\S+%\s+(-?\d+)B?\s+\S+%\s+(.+)$", line)
            if g and int(g.group(1)):
                name = g.group(3).removesuffix(" (inline)")
                prows[name] = prows.get(name, 0) + int(g.group(1))
        worst, missing = 0, []
        for name, flat in mrows:
            if name not in prows:
                missing.append(name)
            else:
                worst = max(worst, abs(prows[name] - flat))
        same_total = total == m["total"]
        # Each sample is rounded once (cumulatively), so a row of n samples may differ by < n.
        ok = ok and same_total and not missing and worst <= max(2, total * 1e-6)
        print(f"{t}: total pprof {total} memprof {m['total']} {'same' if same_total else 'DIFFERENT'}; "
              f"top {len(mrows)} rows: {len(mrows) - len(missing)} found in pprof, largest difference {worst}"
              + (f"; missing: {missing}" if missing else ""))
sys.exit(0 if ok else 1)
