// A self-contained interactive SVG flame graph: no network, no external fonts or scripts, every
// frame readable with JavaScript off through its <title> tooltip. With JavaScript: details bar on
// hover, click to zoom, regex search with "Matched: X%", flame/icicle toggle, state in the URL
// fragment (#zoom=N&search=RE&ic=1&icicle=1).
//
//   FlameSvgOptions o;
//   o.inputs = {{"app.heap", "2026-11-27 20:11 UTC"}};
//   o.sample_period = fp.sample_period;
//   FlameSvg out = render_flame_svg(build_flame_tree(fp, {}), o);
//   write(out.svg);  for (auto& w : out.warnings) warn(w);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "memprof/analyze/flame_tree.h"
#include "memprof/render/flame_colors.h"

namespace memprof::render {

struct FlameInput {
  std::string path;
  std::string date;  // when the dump was written, "" when unknown
};

struct FlameSvgOptions {
  std::string title;  // "" picks a default from the kind of graph
  std::string subtitle;
  double width = 1200;  // pixels of the whole image
  double min_width = 0.1;
  bool min_width_percent = false;  // min_width is a percentage of the graph width
  Palette palette = Palette::mem;
  bool icicle = false;                  // initial orientation: root at the top
  std::vector<FlameInput> inputs;       // NEW (or the only dumps)
  std::vector<FlameInput> base_inputs;  // BASE, differential only
  uint64_t sample_period = 0;

  // Differential graphs.
  bool negate = false;             // widths from BASE: the mirror graph, where vanished stacks show
  bool self_delta = false;         // colour by a frame's own change, not its subtree's
  double min_delta = 0;            // changes smaller than this are drawn neutral
  bool min_delta_percent = false;  // min_delta is a percentage of the largest total
  analyze::Disappeared gone;       // stacks of BASE absent from NEW

  size_t box_warning_threshold = 50000;
};

struct FlameSvg {
  std::string svg;
  size_t boxes = 0;
  std::vector<std::string> warnings;
};

FlameSvg render_flame_svg(const analyze::FlameTree& tree, const FlameSvgOptions& options);

}  // namespace memprof::render
