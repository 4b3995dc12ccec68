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

double share(double part, double whole) { return whole != 0 ? part / whole : 0; }

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

void add_text_rows(const FlameTree& tree, uint32_t node, double threshold, double total, const ReportStyle& style,
                   TextTable& table) {
  SampleType type = tree.sample_type;
  Split split = split_children(tree, node, threshold);
  for (uint32_t child : split.shown) {
    const auto& n = tree.nodes[child];
    size_t depth = n.depth - 1;
    std::string indent(std::min(depth, kMaxIndent) * 2, ' ');
    std::string marker = depth > kMaxIndent ? fmt::format("[{}] ", depth) : "";
    table.add_row({format_value(n.after.total.value, type, style.exact_bytes),
                   format_percent(share(n.after.total.value, total)),
                   n.after.self.value > 0 ? format_value(n.after.self.value, type, style.exact_bytes) : "",
                   indent + marker + std::string(tree.name(child)) + (n.inlined ? " (inline)" : "")});
    add_text_rows(tree, child, threshold, total, style, table);
  }
  if (split.pruned) {
    size_t depth = tree.nodes[node].depth;
    table.add_row({format_value(split.pruned_value, type, style.exact_bytes),
                   format_percent(share(split.pruned_value, total)), "",
                   std::string(std::min(depth, kMaxIndent) * 2, ' ') +
                       fmt::format("... {} more below {}%", split.pruned, threshold / total * 100)});
  }
}

void write_json_node(JsonWriter& json, const FlameTree& tree, uint32_t node, double threshold) {
  Split split = split_children(tree, node, threshold);
  json.key("children").begin_array();
  for (uint32_t child : split.shown) {
    const auto& n = tree.nodes[child];
    json.begin_object();
    json.key("name").value(tree.name(child));
    json.key("inlined").value(n.inlined);
    json.key("cum").value(round_to_int(n.after.total.value));
    json.key("self").value(round_to_int(n.after.self.value));
    write_json_node(json, tree, child, threshold);
    json.end_object();
  }
  json.end_array();
  json.key("pruned_children").value(static_cast<uint64_t>(split.pruned));
  json.key("pruned_value").value(round_to_int(split.pruned_value));
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
    write_json_node(json, tree, FlameTree::kRoot, threshold);
    json.end_object();
    return json.take();
  }
  std::string out = render_header(ctx, total, tree.root().after.total.companion);
  out += fmt::format("Call tree from the roots; callees below {}% of the total folded into '...' lines\n\n", min_percent);
  TextTable table({"cum", "cum%", "self", ctx.frame_label}, {Align::right, Align::right, Align::right, Align::left});
  add_text_rows(tree, FlameTree::kRoot, threshold, total, style, table);
  return out + (format == Format::markdown ? table.render_markdown() : table.render(style.width));
}

}  // namespace memprof::render
