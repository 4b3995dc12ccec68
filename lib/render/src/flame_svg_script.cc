// The interactive part of the flame graph, kept apart from the C++ that lays out the frames.
// It relies on two properties of the SVG the renderer writes: frames are <g> elements of #frames
// in depth-first pre-order (a frame's descendants are the following frames with a greater depth),
// and each frame's name is the first line of its <title>. Everything works from file:// with no
// network; without JavaScript the file is still a readable picture with tooltips.
#include "flame_svg_script.h"

namespace memprof::render {

std::string_view flame_svg_style() {
  return R"CSS(
text{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:11px;fill:#1e1e1e}
.title{font-family:Verdana,"DejaVu Sans",sans-serif;font-size:17px;text-anchor:middle}
.sub{font-family:Verdana,"DejaVu Sans",sans-serif;font-size:12px;text-anchor:middle;fill:#444}
.info{text-anchor:middle;fill:#555}
.note{fill:#555}
#frames text.w{fill:#fff}
.right{text-anchor:end}
.gone{fill:#3a3a3a}
.btn{cursor:pointer;fill:#1a5fb4;font-size:12px}
.btn:hover{text-decoration:underline}
.btn.on{fill:#c01c28;font-weight:bold}
#frames g{cursor:pointer}
#frames text{pointer-events:none}
#frames g:hover rect{stroke:#222;stroke-width:0.6}
#frames g.m rect{fill-opacity:0.8}
#details,#matched{font-size:12px}
.hide{display:none}
.parent{opacity:0.5}
)CSS";
}

namespace {

// JavaScript, not C++: a constant rather than a function body.
constexpr std::string_view kScript = R"JS(
"use strict";
(function () {
  var NS = "http://www.w3.org/2000/svg";
  var frames, list, details, matched, unzoomBtn, searchBtn, icBtn, orientBtn;
  var PAD, W, TOP, FH, MAXD, CHARW;
  var icicle = false, ignoreCase = false, zoomIndex = -1, term = "";

  function num(el, name) { return parseFloat(el.getAttribute(name)); }

  function init() {
    frames = document.getElementById("frames");
    if (!frames) return;
    details = document.getElementById("details");
    matched = document.getElementById("matched");
    unzoomBtn = document.getElementById("unzoom");
    searchBtn = document.getElementById("search");
    icBtn = document.getElementById("ignorecase");
    orientBtn = document.getElementById("orient");
    PAD = num(frames, "data-pad"); W = num(frames, "data-width"); TOP = num(frames, "data-top");
    FH = num(frames, "data-fh"); MAXD = num(frames, "data-maxd"); CHARW = num(frames, "data-charw");
    var startIcicle = frames.getAttribute("data-icicle") === "1";
    icicle = startIcicle;
    list = [];
    var gs = frames.children;
    for (var i = 0; i < gs.length; i++) {
      var g = gs[i], r = g.querySelector("rect"), t = g.querySelector("title");
      var row = Math.round((num(r, "y") - TOP) / FH);
      var title = t ? t.textContent : "";
      list.push({g: g, rect: r, text: g.querySelector("text"), x: num(r, "x") - PAD, w: num(r, "width"),
                 d: startIcicle ? row : MAXD - row, name: title.split("\n")[0], title: title,
                 merged: g.classList.contains("m"), fill: r.getAttribute("fill")});
      g.setAttribute("data-i", i);
    }
    [unzoomBtn, searchBtn, icBtn, orientBtn].forEach(function (b) { if (b) b.classList.remove("hide"); });
    unzoomBtn.classList.add("hide");
    frames.addEventListener("mouseover", function (e) {
      var f = frameOf(e.target);
      if (f) details.textContent = f.title.replace(/\n/g, "  |  ");
    });
    frames.addEventListener("mouseout", function () { details.textContent = " "; });
    frames.addEventListener("click", function (e) {
      var f = frameOf(e.target);
      if (f) { zoom(list.indexOf(f)); save(); }
    });
    unzoomBtn.addEventListener("click", function () { zoom(-1); save(); });
    searchBtn.addEventListener("click", function () { if (term) { search(""); save(); } else prompt_search(); });
    icBtn.addEventListener("click", function () { ignoreCase = !ignoreCase; search(term); save(); });
    orientBtn.addEventListener("click", function () { orient(!icicle); save(); });
    window.addEventListener("keydown", function (e) {
      if ((e.ctrlKey || e.metaKey) && (e.key === "f" || e.key === "F") || e.key === "F3") {
        e.preventDefault();
        prompt_search();
      } else if (e.key === "Escape") {
        search(""); zoom(-1); save();
      }
    });
    window.addEventListener("hashchange", load);
    load();
  }

  function frameOf(el) {
    while (el && el !== frames) {
      if (el.parentNode === frames && el.hasAttribute("data-i")) return list[+el.getAttribute("data-i")];
      el = el.parentNode;
    }
    return null;
  }

  function isDark(hex) {
    if (!/^#[0-9a-f]{6}$/.test(hex)) return false;
    var c = function (at) { return parseInt(hex.substr(at, 2), 16); };
    return 0.299 * c(1) + 0.587 * c(3) + 0.114 * c(5) < 110;
  }

  function label(f, w) {
    var name = f.merged ? "" : f.name.replace(/ \[inline\]$/, "");
    if (f.merged) name = f.title.split(" ")[0] + " small";
    var chars = Math.floor((w - 6) / CHARW);
    var s = chars < Math.min(5, name.length) ? "" : name.length <= chars ? name : name.substring(0, chars - 2) + "..";
    if (!f.text) {
      if (!s) return;
      f.text = document.createElementNS(NS, "text");
      if (isDark(f.fill)) f.text.setAttribute("class", "w");
      f.g.appendChild(f.text);
    }
    f.text.textContent = s;
  }

  function place(f, x, w) {
    var row = icicle ? f.d : MAXD - f.d;
    var y = TOP + row * FH;
    f.rect.setAttribute("x", (PAD + x).toFixed(2));
    f.rect.setAttribute("width", w.toFixed(2));
    f.rect.setAttribute("y", y);
    label(f, w);
    if (f.text) { f.text.setAttribute("x", (PAD + x + 3).toFixed(2)); f.text.setAttribute("y", y + 11.5); }
  }

  // Zooms so frame i spans the width; its ancestors stay, dimmed; unrelated frames hide.
  function zoom(i) {
    if (!(i >= 0 && i < list.length)) i = -1;
    zoomIndex = i;
    var z = i >= 0 ? list[i] : null;
    var zx = z ? z.x : 0, zw = z ? z.w : W, zd = z ? z.d : 0;
    var scale = W / zw;
    var ancestors = {};
    if (z) {
      var depth = zd;
      for (var j = i - 1; j >= 0 && depth > 0; j--) if (list[j].d < depth) { ancestors[j] = true; depth = list[j].d; }
    }
    var end = i + 1;
    while (z && end < list.length && list[end].d > zd) end++;
    for (var k = 0; k < list.length; k++) {
      var f = list[k], g = f.g;
      if (!z || (k >= i && k < end)) {
        g.classList.remove("hide"); g.classList.remove("parent");
        place(f, (f.x - zx) * scale, f.w * scale);
      } else if (ancestors[k]) {
        g.classList.remove("hide"); g.classList.add("parent");
        place(f, 0, W);
      } else {
        g.classList.add("hide"); g.classList.remove("parent");
      }
    }
    unzoomBtn.classList.toggle("hide", !z);
  }

  function orient(flag) {
    icicle = flag;
    orientBtn.textContent = icicle ? "Flame" : "Icicle";
    zoom(zoomIndex);
  }

  function prompt_search() {
    var t = window.prompt("Search for (regular expression, e.g. ^operator new|malloc):", term);
    if (t !== null) { search(t); save(); }
  }

  // Highlights matching frames and reports the share of the total they cover. A frame whose
  // ancestor already matched is skipped, so nested matches are not counted twice.
  function search(t) {
    term = t || "";
    icBtn.classList.toggle("on", ignoreCase);
    var re = null;
    if (term) { try { re = new RegExp(term, ignoreCase ? "i" : ""); } catch (e) { re = null; } }
    var covered = 0, coverDepth = -1;
    for (var k = 0; k < list.length; k++) {
      var f = list[k];
      if (coverDepth >= 0 && f.d <= coverDepth) coverDepth = -1;
      var hit = re !== null && !f.merged && k > 0 && re.test(f.name);
      f.rect.setAttribute("fill", hit ? "#e0457b" : f.fill);
      if (hit && coverDepth < 0) { covered += f.w; coverDepth = f.d; }
    }
    searchBtn.textContent = term ? "Reset Search" : "Search";
    searchBtn.classList.toggle("on", !!term);
    matched.textContent = term ? (re ? "Matched: " + (100 * covered / W).toFixed(2) + "%" : "Invalid regex") : " ";
  }

  function save() {
    var parts = [];
    if (zoomIndex >= 0) parts.push("zoom=" + zoomIndex);
    if (term) parts.push("search=" + encodeURIComponent(term));
    if (ignoreCase) parts.push("ic=1");
    if (icicle !== (frames.getAttribute("data-icicle") === "1")) parts.push("icicle=" + (icicle ? 1 : 0));
    try { history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search); }
    catch (e) { /* some viewers forbid history changes on file: URLs */ }
  }

  function load() {
    var params = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (p) {
      var eq = p.indexOf("=");
      if (eq > 0) params[p.substring(0, eq)] = decodeURIComponent(p.substring(eq + 1));
    });
    ignoreCase = params.ic === "1";
    if (params.icicle !== undefined) icicle = params.icicle === "1";
    orientBtn.textContent = icicle ? "Flame" : "Icicle";
    zoom(params.zoom !== undefined ? parseInt(params.zoom, 10) : -1);
    search(params.search || "");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
)JS";

}  // namespace

std::string_view flame_svg_script() { return kScript; }

}  // namespace memprof::render
