#include "memprof/render/flame_layout.h"

#include <algorithm>

namespace memprof::render {

FlameLayout layout_flame(const analyze::FlameTree& tree, const FlameLayoutOptions& options) {
  FlameLayout out;
  auto value_of = [&](uint32_t node) {
    const analyze::FlameNode& n = tree.nodes[node];
    return options.use_before ? n.before.total.value : n.after.total.value;
  };
  out.total = value_of(analyze::FlameTree::kRoot);
  if (!(out.total > 0)) return out;
  const double px_per_unit = options.width / out.total;

  // Depth-first pre-order with an explicit stack (real stacks are deep): a box's descendants are
  // exactly the run of boxes after it with a greater depth, which the SVG's script relies on.
  std::vector<FlameBox> pending = {
      {.node = analyze::FlameTree::kRoot, .x = 0, .width = options.width, .value = out.total}};
  std::vector<FlameBox> children;
  while (!pending.empty()) {
    FlameBox box = pending.back();
    pending.pop_back();
    uint32_t index = static_cast<uint32_t>(out.boxes.size());
    out.boxes.push_back(box);
    out.max_depth = std::max(out.max_depth, box.depth);
    if (box.node == FlameBox::kMerged) continue;
    children.clear();
    double offset = 0;  // in value units, from the parent's left edge
    double small_value = 0;
    uint32_t small_count = 0;
    for (uint32_t child : tree.nodes[box.node].children) {
      double v = value_of(child);
      if (!(v > 0)) continue;
      double w = v * px_per_unit;
      if (w < options.min_width) {
        small_value += v;
        ++small_count;
        continue;
      }
      children.push_back({.node = child,
                          .parent_box = index,
                          .depth = box.depth + 1,
                          .x = box.x + offset * px_per_unit,
                          .width = w,
                          .value = v});
      offset += v;
    }
    if (small_count > 0) {
      children.push_back({.node = FlameBox::kMerged,
                          .parent_box = index,
                          .depth = box.depth + 1,
                          .merged_count = small_count,
                          .x = box.x + offset * px_per_unit,
                          .width = small_value * px_per_unit,
                          .value = small_value});
    }
    pending.insert(pending.end(), children.rbegin(), children.rend());
  }
  return out;
}

}  // namespace memprof::render
