#include "memprof/analyze/flame_tree.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace memprof::analyze {

SampleType companion_type(SampleType type) {
  switch (type) {
    case SampleType::inuse_space: return SampleType::inuse_objects;
    case SampleType::inuse_objects: return SampleType::inuse_space;
    case SampleType::alloc_space: return SampleType::alloc_objects;
    case SampleType::alloc_objects: return SampleType::alloc_space;
  }
  return SampleType::inuse_objects;
}

namespace {

class TreeBuilder {
 public:
  explicit TreeBuilder(FlameTree& tree) : tree_(tree) {
    tree_.nodes.emplace_back();
    tree_.nodes[0].name = tree_.strings.intern("");
  }

  // Adds one stack (leaf first, as FrameProfile stores it) to the after or before side.
  void add(const FrameProfile& fp, StackId stack, const Amount& amount, bool before) {
    std::span<const FrameId> frames = fp.stacks.frames(stack);
    uint32_t node = FlameTree::kRoot;
    side(node, before).total += amount;
    auto step = [&](FrameId f) {
      node = child(node, fp, f);
      side(node, before).total += amount;
    };
    if (tree_.reverse) {
      for (FrameId f : frames) step(f);
    } else {
      for (auto it = frames.rbegin(); it != frames.rend(); ++it) step(*it);
    }
    if (node != FlameTree::kRoot) side(node, before).self += amount;
  }

  void finish() {
    for (FlameNode& n : tree_.nodes) {
      std::sort(n.children.begin(), n.children.end(),
                [&](uint32_t a, uint32_t b) { return tree_.name(a) < tree_.name(b); });
    }
  }

 private:
  NodeAmounts& side(uint32_t node, bool before) { return before ? tree_.nodes[node].before : tree_.nodes[node].after; }

  uint32_t child(uint32_t parent, const FrameProfile& fp, FrameId f) {
    const Frame& frame = fp.frames[f.value()];
    // Profiles have their own string tables: translate once per (profile, frame).
    StringId name = name_of(fp, f);
    uint64_t key = (uint64_t{parent} << 32) | name.value();
    auto [it, inserted] = children_.try_emplace(key, static_cast<uint32_t>(tree_.nodes.size()));
    if (inserted) {
      FlameNode n;
      n.name = name;
      n.parent = parent;
      n.depth = tree_.nodes[parent].depth + 1;
      tree_.nodes.push_back(std::move(n));
      tree_.nodes[parent].children.push_back(it->second);
    }
    tree_.nodes[it->second].inlined = tree_.nodes[it->second].inlined || frame.inlined;
    return it->second;
  }

  StringId name_of(const FrameProfile& fp, FrameId f) {
    if (&fp != current_) {
      current_ = &fp;
      names_.assign(fp.frames.size(), StringId{});
    }
    StringId& id = names_[f.value()];
    if (!id.valid()) id = tree_.strings.intern(fp.name(f));
    return id;
  }

  FlameTree& tree_;
  std::unordered_map<uint64_t, uint32_t> children_;
  const FrameProfile* current_ = nullptr;
  std::vector<StringId> names_;
};

Amount amount_of(const Values& v, SampleType type, double scale = 1.0) {
  return {v[type] * scale, v[companion_type(type)] * scale};
}

void add_profile(TreeBuilder& builder, FlameTree& tree, const FrameProfile& fp, SampleType type, double scale,
                 bool before) {
  for (const FrameSample& s : fp.samples) {
    Amount a = amount_of(s.values, type, scale);
    if (a.value <= 0) {
      // Zero is ordinary (freed memory of a stack that still counts allocations); negative only
      // comes from sums with negative factors, and is worth a warning.
      if (a.value < 0) ++tree.skipped_stacks;
      continue;
    }
    builder.add(fp, s.stack, a, before);
  }
}

double positive_total(const FrameProfile& fp, SampleType type) {
  double sum = 0;
  for (const FrameSample& s : fp.samples) sum += std::max(0.0, s.values[type]);
  return sum;
}

// A stack as a string of names, for matching stacks across profiles with different frame ids.
std::string stack_key(const FrameProfile& fp, StackId stack) {
  std::string key;
  for (FrameId f : fp.stacks.frames(stack)) {
    key += fp.name(f);
    key += '\0';
  }
  return key;
}

}  // namespace

FlameTree build_flame_tree(const FrameProfile& profile, const FlameTreeOptions& options) {
  FlameTree tree;
  tree.sample_type = options.sample_type;
  tree.reverse = options.reverse;
  TreeBuilder builder(tree);
  add_profile(builder, tree, profile, options.sample_type, 1.0, false);
  builder.finish();
  return tree;
}

FlameTree build_diff_flame_tree(const FrameProfile& base, const FrameProfile& now, const FlameTreeOptions& options) {
  FlameTree tree;
  tree.sample_type = options.sample_type;
  tree.reverse = options.reverse;
  tree.differential = true;
  if (options.normalize) {
    double b = positive_total(base, options.sample_type);
    double n = positive_total(now, options.sample_type);
    if (b > 0 && n > 0) tree.base_scale = n / b;
  }
  TreeBuilder builder(tree);
  add_profile(builder, tree, now, options.sample_type, 1.0, false);
  add_profile(builder, tree, base, options.sample_type, tree.base_scale, true);
  builder.finish();
  return tree;
}

Disappeared disappeared_stacks(const FrameProfile& base, const FrameProfile& now, const FlameTreeOptions& options,
                               size_t limit) {
  double scale = 1.0;
  if (options.normalize) {
    double b = positive_total(base, options.sample_type);
    double n = positive_total(now, options.sample_type);
    if (b > 0 && n > 0) scale = n / b;
  }
  std::unordered_set<std::string> present;
  for (const FrameSample& s : now.samples)
    if (s.values[options.sample_type] > 0) present.insert(stack_key(now, s.stack));

  struct Candidate {
    StackId stack;
    Amount before;
  };
  std::vector<Candidate> gone;
  Amount sum;
  for (const FrameSample& s : base.samples) {
    Amount a = amount_of(s.values, options.sample_type, scale);
    if (a.value <= 0 || present.contains(stack_key(base, s.stack))) continue;
    gone.push_back({s.stack, a});
    sum += a;
  }
  Disappeared out{.count = gone.size(), .total = sum};
  std::stable_sort(gone.begin(), gone.end(),
                   [](const Candidate& a, const Candidate& b) { return a.before.value > b.before.value; });
  if (gone.size() > limit) gone.resize(limit);

  for (const Candidate& c : gone) {
    GoneStack g{.before = c.before};
    for (FrameId f : base.stacks.frames(c.stack)) g.frames.emplace_back(base.name(f));
    if (!options.reverse) std::reverse(g.frames.begin(), g.frames.end());
    out.largest.push_back(std::move(g));
  }
  return out;
}

}  // namespace memprof::analyze
