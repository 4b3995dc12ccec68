#include "memprof/render/tree_report.h"

#include <algorithm>

#include <fmt/format.h>

#include "memprof/render/json_writer.h"
#include "memprof/render/text_table.h"
#include "memprof/render/top_report.h"
#include "memprof/render/units.h"

namespace memprof::render {

namespace {

using analyze::FlameTree;

// Children worth a line of their own, largest first, and what is folded away.
struct Split {
  std::vector<uint32_t> shown;
  size_t pruned = 0;
  double pruned_value = 0;
};

Split split_children(const FlameTree& tree, uint32_t node, double threshold) {
  Split split;
  for (uint32_t child : tree.nodes[node].children) {
    double value = tree.nodes[child].after.total.value;
    if (value >= threshold && value > 0) {
      split.shown.push_back(child);
    } else if (value > 0) {
      ++split.pruned;
      split.pruned_value += value;
    }
  }
  std::ranges::stable_sort(split.shown, [&](uint32_t a, uint32_t b) {
    return tree.nodes[a].after.total.value > tree.nodes[b].after.total.value;
  });
  return split;
}

// Deep stacks (50+ frames are common) would push names off the screen; indentation stops
// growing at this depth and the depth is printed instead.
constexpr size_t kMaxIndent = 24;

// Depth-first, with an explicit stack: dumps from other writers can hold stacks far deeper than
// jemalloc's 128 frames, and recursion per level would overflow the call stack.
struct Pending {
  uint32_t node;
  Split split;
  size_t next = 0;
};

template <class OnEnter, class OnLeave>
void walk(const FlameTree& tree, double threshold, OnEnter&& on_enter, OnLeave&& on_leave) {
  std::vector<Pending> stack;
  stack.push_back({FlameTree::kRoot, split_children(tree, FlameTree::kRoot, threshold)});
  while (!stack.empty()) {
    Pending& top = stack.back();
    if (top.next < top.split.shown.size()) {
      uint32_t child = top.split.shown[top.next++];
      on_enter(child);
      stack.push_back({child, split_children(tree, child, threshold)});
    } else {
      on_leave(top.node, top.split);
      stack.pop_back();
    }
  }
}

void add_text_rows(const FlameTree& tree, double threshold, double total, const ReportStyle& style, TextTable& table) {
  SampleType type = tree.sample_type;
  auto indent = [](size_t depth) { return std::string(std::min(depth, kMaxIndent) * 2, ' '); };
  walk(
      tree, threshold,
      [&](uint32_t node) {
        const auto& n = tree.nodes[node];
        size_t depth = n.depth - 1;
        std::string marker = depth > kMaxIndent ? fmt::format("[{}] ", depth) : "";
        table.add_row({format_value(n.after.total.value, type, style.exact_bytes),
                       format_percent(share(n.after.total.value, total)),
                       n.after.self.value > 0 ? format_value(n.after.self.value, type, style.exact_bytes) : "",
                       indent(depth) + marker + std::string(tree.name(node)) + (n.inlined ? " (inline)" : "")});
      },
      [&](uint32_t node, const Split& split) {
        if (!split.pruned) return;
        table.add_row({format_value(split.pruned_value, type, style.exact_bytes),
                       format_percent(share(split.pruned_value, total)), "",
                       indent(tree.nodes[node].depth) +
                           fmt::format("... {} more below {}%", split.pruned, threshold / total * 100)});
      });
}

void write_json_tree(JsonWriter& json, const FlameTree& tree, double threshold) {
  auto close = [&](const Split& split) {
    json.end_array();
    json.key("pruned_children").value(static_cast<uint64_t>(split.pruned));
    json.key("pruned_value").value(round_to_int(split.pruned_value));
  };
  json.key("children").begin_array();
  walk(
      tree, threshold,
      [&](uint32_t node) {
        const auto& n = tree.nodes[node];
        json.begin_object();
        json.key("name").value(tree.name(node));
        json.key("inlined").value(n.inlined);
        json.key("cum").value(round_to_int(n.after.total.value));
        json.key("self").value(round_to_int(n.after.self.value));
        json.key("children").begin_array();
      },
      [&](uint32_t node, const Split& split) {
        close(split);
        if (node != FlameTree::kRoot) json.end_object();
      });
}

}  // namespace

std::string render_tree(const FlameTree& tree, const ReportContext& ctx, const ReportStyle& style, double min_percent,
                        Format format) {
  double total = tree.root().after.total.value;
  double threshold = total * min_percent / 100;
  if (format == Format::json) {
    JsonWriter json;
    json.begin_object();
    write_context_json(json, ctx);
    json.key("total").value(round_to_int(total));
    json.key("min_percent").value(min_percent);
    write_json_tree(json, tree, threshold);
    json.end_object();
    return json.take();
  }
  std::string out = render_header(ctx, total, tree.root().after.total.companion);
  out +=
      fmt::format("Call tree from the roots; callees below {}% of the total folded into '...' lines\n\n", min_percent);
  TextTable table({"cum", "cum%", "self", ctx.frame_label}, {Align::right, Align::right, Align::right, Align::left});
  add_text_rows(tree, threshold, total, style, table);
  return out + (format == Format::markdown ? table.render_markdown() : table.render(style.width));
}

}  // namespace memprof::render
