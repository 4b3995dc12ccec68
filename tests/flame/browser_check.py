#!/usr/bin/env python3
"""Opens memprof flame graphs in headless Chromium and checks what a user would do with them.

usage: browser_check.py MEMPROF DUMP_DIR OUT_DIR

Makes a flame graph and a differential one from the fixture dumps, takes screenshots (left in
OUT_DIR for people to look at), then loads the SVG with a URL fragment (#zoom=N&search=RE), which
the file's script applies on load, and reads the resulting DOM back with --dump-dom:
  - zoom: the chosen frame spans the whole width, its ancestors are dimmed, unrelated frames hide;
  - search: "Matched: X%" equals the share the folded stacks give, and a regex matching every
    frame (nested ones included) reports 100.00%, not more.
Exits 77 (skipped) when Chromium is not installed.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def chromium(args, timeout=120):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    profile = tempfile.mkdtemp()
    try:
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--hide-scrollbars", "--user-data-dir=" + profile] + args
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def dom(path, fragment):
    r = chromium(["--dump-dom", "file://" + os.path.abspath(path) + "#" + fragment])
    start = r.stdout.find("<svg")
    if start < 0:
        sys.exit("no SVG in --dump-dom output for #" + fragment + ":\n" + r.stderr[-2000:])
    return ET.fromstring(r.stdout[start:])


def frames_of(root):
    g = root.find(".//" + SVG + "g[@id='frames']")
    return g, list(g.findall(SVG + "g"))


def classes(el):
    return set((el.get("class") or "").split())


def check(cond, message):
    if not cond:
        sys.exit("FAIL: " + message)
    print("ok:", message)


def main():
    memprof, dumps, out = sys.argv[1:4]
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        print("chromium not installed: skipped")
        return 77
    os.makedirs(out, exist_ok=True)
    p1, p3 = os.path.join(dumps, "phase1.heap"), os.path.join(dumps, "phase3.heap")
    flame, diff = os.path.join(out, "flame.svg"), os.path.join(out, "diff.svg")
    subprocess.run([memprof, "flame", "-o", flame, "--icicle", p3], check=True)
    subprocess.run([memprof, "flame", "-o", diff, "--base", p1, p3], check=True)
    folded = subprocess.run([memprof, "flame", "--folded", p3], check=True, capture_output=True,
                            text=True).stdout

    for svg in (flame, diff):
        png = svg[:-4] + ".png"
        chromium(["--screenshot=" + png, "--window-size=1200,800", "file://" + os.path.abspath(svg)])
        check(os.path.exists(png) and os.path.getsize(png) > 5000, "screenshot " + png)

    # Without a fragment: nothing hidden, buttons shown by the script.
    root = dom(flame, "")
    g, frames = frames_of(root)
    width = float(g.get("data-width"))
    check(all("hide" not in classes(f) for f in frames), "unzoomed: every frame visible")
    check("hide" not in classes(root.find(".//" + SVG + "text[@id='search']")), "search button shown")

    # Zoom into the deepest frame of the first stack, so it has ancestors and relatives.
    depth_of = lambda f: float(f.find(SVG + "rect").get("y"))
    target = max(range(1, min(len(frames), 40)), key=lambda i: depth_of(frames[i]))
    root = dom(flame, "zoom=%d" % target)
    g, frames = frames_of(root)
    rect = frames[target].find(SVG + "rect")
    check(abs(float(rect.get("width")) - width) < 0.05, "zoomed frame spans the width")
    dimmed = [f for f in frames if "parent" in classes(f)]
    hidden = [f for f in frames if "hide" in classes(f)]
    check(len(dimmed) >= 1, "ancestors of the zoomed frame are dimmed (%d)" % len(dimmed))
    check(len(hidden) >= 1, "unrelated frames are hidden (%d)" % len(hidden))
    check("hide" not in classes(root.find(".//" + SVG + "text[@id='unzoom']")), "Reset Zoom shown")

    # Search: the first frame under the root, as a regex; expected share from the folded stacks.
    lines = [l.rsplit(" ", 1) for l in folded.splitlines()]
    total = sum(int(c) for _, c in lines)
    first = lines[0][0].split(";")[0]
    share = sum(int(c) for s, c in lines if s.split(";")[0] == first) / total * 100
    pattern = "^" + re.escape(first) + "$"
    root = dom(flame, "search=" + re.sub(r"[^A-Za-z0-9]", lambda m: "%%%02X" % ord(m.group()), pattern))
    matched = root.find(".//" + SVG + "text[@id='matched']").text or ""
    m = re.match(r"Matched: ([0-9.]+)%", matched)
    check(m is not None and abs(float(m.group(1)) - share) < 0.05,
          "search %s: '%s', folded stacks say %.2f%%" % (pattern, matched, share))
    root = dom(flame, "search=.")
    matched = root.find(".//" + SVG + "text[@id='matched']").text or ""
    check(matched == "Matched: 100.00%", "nested matches are not double counted: '%s'" % matched)
    return 0


if __name__ == "__main__":
    sys.exit(main())
