#!/usr/bin/env python3
"""Opens the memprof trend chart in headless Chromium and checks what a user would do with it.

usage: trend_browser_check.py MEMPROF TREND_FIXTURE OUT_DIR

Runs trend_fixture (exact dumps), writes OUT_DIR/trend.svg and a screenshot (left for people to
look at), then drives the chart from an HTML page that holds it in an iframe: every band and the
total line are there, the leak suspect is marked in the legend, the spike has a marker, hovering
gives values (<title>), and clicking a legend entry hides its band and clicking again shows it.
Exits 77 (skipped) when Chromium is not installed.
"""
import glob
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from browser import check, chromium, have_chromium  # noqa: E402

HARNESS = """<!DOCTYPE html><html><body><pre id="result">pending</pre>
<iframe id="f" src="trend.svg" width="1100" height="520" onload="run()"></iframe>
<script>
function run() {
  var r = [];
  try {
    var w = document.getElementById("f").contentWindow, d = w.document;
    r.push("bands=" + d.querySelectorAll("polygon.band").length);
    r.push("total=" + (d.getElementById("total") !== null));
    r.push("anomalies=" + Array.from(d.querySelectorAll("g.anomaly text")).map(function (t) { return t.textContent; }).join(","));
    var legend = Array.from(d.querySelectorAll("g.legend"));
    r.push("leak_legend=" + legend.filter(function (g) { return g.textContent.indexOf("LEAK trend::leak_site") >= 0; }).length);
    var entry = legend[0], band = d.getElementById(entry.getAttribute("data-band"));
    r.push("band_title=" + band.querySelector("title").textContent);
    entry.dispatchEvent(new w.MouseEvent("click", {bubbles: true}));
    r.push("after_click=" + band.getAttribute("visibility"));
    entry.dispatchEvent(new w.MouseEvent("click", {bubbles: true}));
    r.push("after_second_click=" + band.getAttribute("visibility"));
  } catch (e) { r.push("error=" + e); }
  document.getElementById("result").textContent = r.join("\\n");
}
</script></body></html>
"""




def main():
    memprof, fixture, out = sys.argv[1:4]
    if not have_chromium():
        print("chromium not installed: skipped")
        return 77
    os.makedirs(out, exist_ok=True)
    for old in glob.glob(os.path.join(out, "*.heap")):
        os.remove(old)
    env = dict(os.environ, MALLOC_CONF="prof:true,lg_prof_sample:0,prof_prefix:" + os.path.join(out, "tf"))
    subprocess.run([fixture, "12", "1"], check=True, env=env)
    dumps = glob.glob(os.path.join(out, "tf.*.heap"))
    svg = os.path.join(out, "trend.svg")
    with open(svg, "w") as f:
        subprocess.run([memprof, "trend", "--format", "svg"] + dumps, check=True, stdout=f)
    png = os.path.join(out, "trend.png")
    chromium(["--screenshot=" + png, "--window-size=1000,480", "file://" + os.path.abspath(svg)])
    check(os.path.exists(png) and os.path.getsize(png) > 5000, "screenshot " + png)

    page = os.path.join(out, "harness.html")
    with open(page, "w") as f:
        f.write(HARNESS)
    r = chromium(["--allow-file-access-from-files", "--dump-dom", "file://" + os.path.abspath(page)])
    m = re.search(r'<pre id="result">(.*?)</pre>', r.stdout, re.S)
    check(m is not None, "harness page ran")
    text = m.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    got = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    print(got)
    check("error" not in got, "no script error")
    check(int(got["bands"]) >= 3, "stacked bands drawn")
    check(got["total"] == "true", "total line drawn")
    check("spike" in got["anomalies"].split(","), "spike marked")
    check(got["leak_legend"] == "1", "leak suspect marked in the legend")
    check("->" in got["band_title"], "hover title gives values")
    check(got["after_click"] == "hidden", "legend click hides the band")
    check(got["after_second_click"] == "visible", "second click shows it again")
    return 0


if __name__ == "__main__":
    sys.exit(main())
