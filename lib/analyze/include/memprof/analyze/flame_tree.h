// The call tree behind a flame graph: stacks of a FrameProfile merged root to leaf (or, for the
// callers view, from the allocation site upward), one node per distinct path of frame names.
// A differential tree carries BASE ("before") and NEW ("after") amounts on every node, keyed on
// frame names so dumps of different processes line up.
//
//   FlameTree t = build_flame_tree(fp, {.sample_type = SampleType::inuse_space});
//   for (uint32_t child : t.nodes[FlameTree::kRoot].children)
//     fmt::print("{} {}\n", t.name(child), t.nodes[child].after.total.value);
//   FlameTree d = build_diff_flame_tree(base_fp, new_fp, {.normalize = true});
//   Disappeared gone = disappeared_stacks(base_fp, new_fp, options, 10);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "memprof/analyze/frame_profile.h"

namespace memprof::analyze {

// The chosen sample type (`value`) and its companion of the same family: objects for a space
// type, bytes for an objects type, so tooltips can show both.
struct Amount {
  double value = 0;
  double companion = 0;
  Amount& operator+=(const Amount& o) {
    value += o.value;
    companion += o.companion;
    return *this;
  }
};

struct NodeAmounts {
  Amount total;  // the node and everything it calls (or, reversed, everything above it)
  Amount self;   // stacks that end at this node
};

struct FlameNode {
  StringId name;  // in FlameTree::strings; "" at the root
  bool inlined = false;
  uint32_t parent = UINT32_MAX;
  uint32_t depth = 0;              // the root is 0
  NodeAmounts after;               // NEW, or the only profile
  NodeAmounts before;              // BASE, zero unless differential
  std::vector<uint32_t> children;  // sorted by name, so layouts are deterministic
};

struct FlameTreeOptions {
  SampleType sample_type = SampleType::inuse_space;
  bool reverse = false;  // callers view: roots are allocation sites
  // Differential only. BASE scaled so its total equals NEW's (compare shapes, not sizes).
  bool normalize = false;
};

struct FlameTree {
  static constexpr uint32_t kRoot = 0;

  SampleType sample_type = SampleType::inuse_space;
  bool reverse = false;
  bool differential = false;
  double base_scale = 1.0;  // factor applied to BASE (normalize), 1 otherwise
  StringTable strings;
  std::vector<FlameNode> nodes;  // nodes[0] is the root
  // Stacks skipped because their value was negative (a sum with negative factors).
  size_t skipped_stacks = 0;

  std::string_view name(uint32_t node) const { return strings.view(nodes[node].name); }
  const FlameNode& root() const { return nodes[kRoot]; }
};

// The companion of a sample type: inuse_space <-> inuse_objects, alloc_space <-> alloc_objects.
SampleType companion_type(SampleType type);

FlameTree build_flame_tree(const FrameProfile& profile, const FlameTreeOptions& options);
FlameTree build_diff_flame_tree(const FrameProfile& base, const FrameProfile& now, const FlameTreeOptions& options);

// A stack present in BASE with a positive value and absent (or zero) in NEW; frames root first
// (allocation site first when reversed, like the tree).
struct GoneStack {
  std::vector<std::string> frames;
  Amount before;
};
struct Disappeared {
  std::vector<GoneStack> largest;  // by decreasing value, at most the limit asked for
  size_t count = 0;                // all of them
  Amount total;
};
Disappeared disappeared_stacks(const FrameProfile& base, const FrameProfile& now, const FlameTreeOptions& options,
                               size_t limit);

}  // namespace memprof::analyze
