#!/usr/bin/env python3
"""Opens memprof flame graphs in headless Chromium and checks what a user would do with them.

usage: browser_check.py MEMPROF DUMP_DIR OUT_DIR

Makes a flame graph and a differential one from the fixture dumps, takes screenshots (left in
OUT_DIR for people to look at), then loads the SVG with a URL fragment (#zoom=N&search=RE), which
the file's script applies on load, and reads the resulting DOM back with --dump-dom:
  - zoom: the chosen frame spans the whole width, its ancestors are dimmed, unrelated frames hide;
  - search: "Matched: X%" equals the share the folded stacks give, and a regex matching every
    frame (nested ones included) reports 100.00%, not more.
Then drives the graph like a user, from an HTML page that holds it in an iframe: click a frame,
hover it, Ctrl-F (the prompt answered by the page), case toggle, orientation toggle, Reset Zoom.
Exits 77 (skipped) when Chromium is not installed.
"""
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from browser import check, chromium, have_chromium  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"



def dom(path, fragment, extra=()):
    r = chromium(list(extra) + ["--dump-dom", "file://" + os.path.abspath(path) + "#" + fragment])
    start = r.stdout.find("<svg")
    if start < 0:
        sys.exit("no SVG in --dump-dom output for #" + fragment + ":\n" + r.stderr[-2000:])
    return ET.fromstring(r.stdout[start:])


# Runs in the harness page once the SVG in the iframe has loaded; results land in <pre>.
HARNESS = """<!DOCTYPE html><html><body><pre id="result">pending</pre>
<iframe id="f" src="%(svg)s" width="1200" height="800" onload="run()"></iframe>
<script>
function run() {
  var r = [];
  try {
    var w = document.getElementById("f").contentWindow, d = w.document;
    var click = function (el) { el.dispatchEvent(new w.MouseEvent("click", {bubbles: true})); };
    var target = d.getElementById("frames").children[%(index)d];
    var rect = target.querySelector("rect");
    var rootRect = d.getElementById("frames").children[0].querySelector("rect");
    click(rect);
    r.push("zoom_width=" + rect.getAttribute("width"));
    r.push("zoom_hash=" + w.location.hash);
    r.push("hidden=" + d.querySelectorAll("#frames > g.hide").length);
    rect.dispatchEvent(new w.MouseEvent("mouseover", {bubbles: true}));
    r.push("details=" + d.getElementById("details").textContent);
    w.prompt = function () { return %(upper)s; };
    w.dispatchEvent(new w.KeyboardEvent("keydown", {key: "f", ctrlKey: true}));
    r.push("matched_case=" + d.getElementById("matched").textContent);
    click(d.getElementById("ignorecase"));
    r.push("matched_nocase=" + d.getElementById("matched").textContent);
    r.push("search_hash=" + w.location.hash);
    var y0 = rootRect.getAttribute("y");
    click(d.getElementById("orient"));
    r.push("root_moved=" + (rootRect.getAttribute("y") !== y0));
    click(d.getElementById("unzoom"));
    r.push("hidden_after_reset=" + d.querySelectorAll("#frames > g.hide").length);
    r.push("final_hash=" + w.location.hash);
  } catch (e) { r.push("error=" + e); }
  document.getElementById("result").textContent = r.join("\\n");
}
</script></body></html>
"""


def interact(svg, index, upper):
    page = os.path.join(os.path.dirname(svg), "harness.html")
    with open(page, "w") as f:
        f.write(HARNESS % {"svg": os.path.basename(svg), "index": index, "upper": json.dumps(upper)})
    r = chromium(["--allow-file-access-from-files", "--dump-dom", "file://" + os.path.abspath(page)])
    m = re.search(r'<pre id="result">(.*?)</pre>', r.stdout, re.S)
    if not m:
        sys.exit("harness page produced nothing:\n" + r.stderr[-2000:])
    text = m.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def frames_of(root):
    g = root.find(".//" + SVG + "g[@id='frames']")
    return g, list(g.findall(SVG + "g"))


def classes(el):
    return set((el.get("class") or "").split())



def main():
    memprof, dumps, out = sys.argv[1:4]
    if not have_chromium():
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

    # Like a user: the same first frame, searched in upper case, matches only without case.
    res = interact(flame, target, re.escape(first).upper())
    check("error" not in res, "no script error (%s)" % res.get("error"))
    check(abs(float(res["zoom_width"]) - width) < 0.05, "click zooms: %s" % res["zoom_width"])
    check(res["zoom_hash"] == "#zoom=%d" % target, "zoom kept in the URL: %s" % res["zoom_hash"])
    check(int(res["hidden"]) > 0, "click hides unrelated frames")
    check("%" in res["details"] and "bytes" in res["details"], "hover fills the details bar: " + res["details"])
    check(res["matched_case"] == "Matched: 0.00%", "Ctrl-F search is case-sensitive first: " + res["matched_case"])
    m = re.match(r"Matched: ([0-9.]+)%", res["matched_nocase"])
    check(m is not None and float(m.group(1)) > 0, "ic toggle ignores case: " + res["matched_nocase"])
    check("ic=1" in res["search_hash"] and "search=" in res["search_hash"], "search kept in the URL")
    check(res["root_moved"] == "true", "flame/icicle toggle moves the root")
    check(res["hidden_after_reset"] == "0", "Reset Zoom shows every frame again")
    return 0


if __name__ == "__main__":
    sys.exit(main())
