// Where each frame of a flame graph goes: x and width in pixels from the tree's values, depth
// from the root. Frames narrower than the minimum width are not dropped: each parent gets one
// merged "N small frames" box carrying their total, so children always add up to the parent.
//
//   FlameLayout l = layout_flame(tree, {.width = 1180, .min_width = 0.5});
//   for (const FlameBox& b : l.boxes) draw(b.x, b.depth, b.width);
#pragma once

#include <cstdint>
#include <vector>

#include "memprof/analyze/flame_tree.h"

namespace memprof::render {

struct FlameBox {
  static constexpr uint32_t kMerged = UINT32_MAX;
  uint32_t node = kMerged;  // tree node, or kMerged for an "N small frames" box
  uint32_t parent_box = UINT32_MAX;
  uint32_t depth = 0;         // 0 is the root ("all")
  uint32_t merged_count = 0;  // frames folded into a kMerged box
  double x = 0;               // pixels from the left edge of the graph area
  double width = 0;
  double value = 0;  // the amount the width stands for
};

struct FlameLayoutOptions {
  double width = 1180;      // pixels of the graph area
  double min_width = 0.1;   // pixels
  bool use_before = false;  // widths from BASE (the --negate mirror graph)
};

struct FlameLayout {
  std::vector<FlameBox> boxes;  // depth-first pre-order, siblings left to right
  uint32_t max_depth = 0;
  double total = 0;  // the root's value
};

FlameLayout layout_flame(const analyze::FlameTree& tree, const FlameLayoutOptions& options);

}  // namespace memprof::render
