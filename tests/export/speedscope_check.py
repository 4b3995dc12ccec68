#!/usr/bin/env python3
"""Opens `memprof convert --to speedscope` output in speedscope itself (headless Chromium) and
reads back what speedscope shows: the file's name as the page title, and its profile table, one
row per sample type with the total weight speedscope computed from the file's samples.

usage: speedscope_check.py MEMPROF DUMP SPEEDSCOPE_DIR
SPEEDSCOPE_DIR is speedscope's npm package unpacked (`npm pack speedscope`, then tar xzf: the
directory holding dist/release/index.html). Not a Debian package, so optional: exits 77
(skipped) when it or Chromium is missing.
"""
import http.server, json, os, re, shutil, subprocess, sys, tempfile, threading, functools

memprof, dump, speedscope = sys.argv[1:4]
release = os.path.join(speedscope, "dist", "release")
exe = shutil.which("chromium") or shutil.which("chromium-browser")
if not speedscope or not os.path.exists(os.path.join(release, "index.html")) or not exe:
    print("speedscope (npm package, unpacked) or chromium not available: skipped")
    sys.exit(77)

with tempfile.TemporaryDirectory() as tmp:
    site = os.path.join(tmp, "site")
    shutil.copytree(release, site)
    subprocess.run([memprof, "convert", "--to", "speedscope", dump, "-o", os.path.join(site, "p.json")], check=True)
    expected = {}
    for t in ["inuse_space", "inuse_objects", "alloc_space", "alloc_objects"]:
        top = json.loads(subprocess.run([memprof, "top", "--" + t.replace("_", "-"), "--format", "json", dump],
                                        capture_output=True, text=True, check=True).stdout)
        expected[t] = top["total"]
    # speedscope fetches the profile, which Chromium refuses from file:// pages: serve over HTTP.
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    handler = functools.partial(Quiet, directory=site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    profile = tempfile.mkdtemp()
    try:
        dom = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                              "--disable-background-networking", "--disable-component-update", "--disable-sync",
                              "--user-data-dir=" + profile, "--virtual-time-budget=15000", "--dump-dom",
                              f"{base}/index.html#profileURL={base}/p.json"],
                             capture_output=True, text=True, timeout=120).stdout
    finally:
        server.shutdown()
        shutil.rmtree(profile, ignore_errors=True)

failures = []
title = re.search(r"<title>([^<]*)</title>", dom)
if not title or title.group(1) != f"{dump} - speedscope":
    failures.append(f"page title {title.group(1) if title else None!r}, expected the dump's name")
rows = dict(re.findall(r'<tr title="([a-z_]+)"[^>]*><td[^>]*>\d+</td><td[^>]*><span>[a-z_]+</span></td><td[^>]*>([^<]*)</td>', dom))
for t, total in expected.items():
    shown = rows.get(t)
    # speedscope prints bytes in MB with two decimals (MiB: it divides by 1024 twice), counts as is.
    want = f"{total / 1024 / 1024:.2f} MB" if t.endswith("space") else str(total)
    if shown != want:
        failures.append(f"{t}: speedscope shows {shown!r}, memprof's total is {total} ({want})")
    else:
        print(f"ok: {t}: speedscope's total weight {shown} = memprof's {total}")
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
