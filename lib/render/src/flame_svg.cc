#include "memprof/render/flame_svg.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "flame_svg_script.h"
#include "memprof/render/flame_layout.h"
#include "memprof/render/units.h"
#include "xml_text.h"

namespace memprof::render {

using analyze::Amount;
using analyze::FlameNode;
using analyze::FlameTree;

namespace {

constexpr double kPad = 10;         // left and right margin
constexpr int kFrameHeight = 16;    // one row; the rect is one pixel less, leaving a gap
constexpr double kCharWidth = 6.7;  // 11px monospace; the script uses the same estimate
constexpr double kLabelPad = 3;

std::string signed_count(double v) { return fmt::format("{}{}", v > 0 ? "+" : "", format_count(v)); }

// "15.0 MiB (15685032 bytes)" or "45525 objects".
std::string describe(SampleType type, double v) {
  if (is_bytes(type)) return fmt::format("{} ({} bytes)", format_bytes(v), round_to_int(v));
  int64_t n = round_to_int(v);
  return fmt::format("{} {}", n, n == 1 ? "object" : "objects");
}

std::string describe_amount(SampleType type, const Amount& a) {
  return fmt::format("{}, {}", describe(type, a.value), describe(analyze::companion_type(type), a.companion));
}

std::string describe_inputs(const std::vector<FlameInput>& inputs) {
  auto one = [](const FlameInput& in) { return in.date.empty() ? in.path : fmt::format("{} ({})", in.path, in.date); };
  if (inputs.empty()) return "(no dumps)";
  if (inputs.size() <= 3) {
    std::string out;
    for (const FlameInput& in : inputs) {
      if (!out.empty()) out += ", ";
      out += one(in);
    }
    return out;
  }
  return fmt::format("{} dumps summed: {} ... {}", inputs.size(), one(inputs.front()), one(inputs.back()));
}

// Dark fills (saturated blue in a diff) need white labels to stay readable. The script has the
// same rule for labels it creates while zooming.
bool is_dark(std::string_view hex) {
  if (hex.size() != 7) return false;
  auto channel = [&](size_t at) { return std::stoi(std::string(hex.substr(at, 2)), nullptr, 16); };
  return 0.299 * channel(1) + 0.587 * channel(3) + 0.114 * channel(5) < 110;
}

// Shortens a label to what fits in `width` pixels, "" when too little of it would show to help.
std::string fit_label(std::string_view name, double width) {
  auto chars = static_cast<size_t>(std::max(0.0, (width - 2 * kLabelPad) / kCharWidth));
  if (chars < std::min<size_t>(5, name.size())) return {};
  if (name.size() <= chars) return std::string(name);
  return std::string(name.substr(0, chars - 2)) + "..";
}

class SvgWriter {
 public:
  SvgWriter(const FlameTree& tree, const FlameSvgOptions& options) : tree_(tree), o_(options) {}

  FlameSvg render() {
    graph_width_ = std::max(10.0, o_.width - 2 * kPad);
    double min_width = o_.min_width_percent ? o_.min_width / 100 * graph_width_ : o_.min_width;
    layout_ = layout_flame(tree_, {.width = graph_width_, .min_width = min_width, .use_before = o_.negate});
    compute_diff_scale();

    FlameSvg result;
    result.boxes = layout_.boxes.size();
    if (result.boxes > o_.box_warning_threshold) {
      result.warnings.push_back(fmt::format(
          "the flame graph has {} boxes, browsers get slow past ~{}: raise --minwidth (e.g. --minwidth 0.5 or "
          "--minwidth 0.05%)",
          result.boxes, o_.box_warning_threshold));
    }
    if (layout_.boxes.empty()) {
      result.warnings.push_back(
          fmt::format("nothing to draw: no stack has a positive {}", sample_type_name(tree_.sample_type)));
    }
    if (tree_.skipped_stacks > 0) {
      result.warnings.push_back(fmt::format("{} stacks with a negative {} are not drawn", tree_.skipped_stacks,
                                            sample_type_name(tree_.sample_type)));
    }

    header();
    std::string buttons;
    controls(buttons);
    double frames_bottom = frames_top_ + (layout_.max_depth + 1) * kFrameHeight;
    double height = frames_bottom + 10 + gone_height();

    std::string head;
    fmt::format_to(std::back_inserter(head),
                   "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
                   "<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" "
                   "viewBox=\"0 0 {0:.0f} {1:.0f}\">\n",
                   o_.width, height);
    head += "<style>";
    head += flame_svg_style();
    head += "</style>\n<script type=\"text/ecmascript\"><![CDATA[";
    head += flame_svg_script();
    head += "]]></script>\n";
    fmt::format_to(std::back_inserter(head),
                   "<defs><linearGradient id=\"bg\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\">"
                   "<stop stop-color=\"#f6f6f2\" offset=\"5%\"/><stop stop-color=\"#e6e6dc\" offset=\"95%\"/>"
                   "</linearGradient></defs>\n"
                   "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"url(#bg)\"/>\n");
    std::string body = std::move(header_);
    body.reserve(layout_.boxes.size() * 220 + 32768);
    body += buttons;
    frames(body);
    gone(body, frames_bottom + 6);
    body += "</svg>\n";
    result.svg = std::move(head);
    result.svg += body;
    return result;
  }

 private:
  // A centred header line, wrapped at " · " separators to fit the width; a piece too long on its
  // own (a deep path) loses its middle. The full text stays in a tooltip.
  void line(std::string_view cls, double font_gap, std::string_view text) {
    double char_width = cls == "title" ? 9.5 : cls == "sub" ? 7.2 : kCharWidth;
    auto max_chars = static_cast<size_t>(std::max(10.0, (o_.width - 2 * kPad) / char_width));
    std::vector<std::string> lines;
    std::string current;
    for (std::string_view rest = text; !rest.empty();) {
      size_t sep = rest.find(" · ");
      std::string piece(rest.substr(0, sep));
      rest = sep == std::string_view::npos ? std::string_view() : rest.substr(sep + std::string_view(" · ").size());
      if (piece.size() > max_chars)
        piece = piece.substr(0, max_chars / 2 - 2) + "..." + piece.substr(piece.size() - (max_chars / 2 - 2));
      if (!current.empty() && current.size() + 4 + piece.size() > max_chars) {
        lines.push_back(std::move(current));
        current.clear();
      }
      if (!current.empty()) current += " · ";
      current += piece;
    }
    if (!current.empty()) lines.push_back(std::move(current));
    for (size_t i = 0; i < lines.size(); ++i) {
      y_ += i == 0 ? font_gap : 15;
      fmt::format_to(std::back_inserter(header_),
                     "<text class=\"{}\" x=\"{:.1f}\" y=\"{:.0f}\"><title>{}</title>{}</text>\n", cls, o_.width / 2, y_,
                     xml(text), xml(lines[i]));
    }
  }

  std::string default_title() const {
    std::string type(sample_type_name(tree_.sample_type));
    if (tree_.differential)
      return fmt::format("Differential heap flame graph: {}{}", type, o_.negate ? " (BASE widths)" : "");
    return fmt::format("Heap flame graph: {}{}", type, tree_.reverse ? " (callers view)" : "");
  }

  void header() {
    y_ = 0;
    line("title", 24, o_.title.empty() ? default_title() : o_.title);
    if (!o_.subtitle.empty()) line("sub", 18, o_.subtitle);
    std::string period =
        o_.sample_period ? fmt::format("sample period {}", format_bytes(o_.sample_period)) : std::string("not sampled");
    const FlameNode& root = tree_.root();
    if (!tree_.differential) {
      line("info", 18, fmt::format("{}", describe_inputs(o_.inputs)));
      line("info", 15,
           fmt::format("{} · {} · total {}{}", sample_type_name(tree_.sample_type), period,
                       describe_amount(tree_.sample_type, root.after.total),
                       tree_.reverse ? " · callers view: allocation sites at the root" : ""));
      return;
    }
    line("info", 18, "BASE: " + describe_inputs(o_.base_inputs));
    line("info", 15, "NEW: " + describe_inputs(o_.inputs));
    line("info", 15,
         fmt::format("{} · {} · BASE {} -> NEW {}{}", sample_type_name(tree_.sample_type), period,
                     describe(tree_.sample_type, root.before.total.value),
                     describe(tree_.sample_type, root.after.total.value),
                     tree_.base_scale != 1.0 ? fmt::format(" · BASE normalized x{:.4g}", tree_.base_scale) : ""));
    legend();
  }

  void legend() {
    y_ += 20;
    struct Item {
      std::string color, text;
    };
    std::vector<Item> items = {
        {diff_color(1, 1, DiffKind::changed), "grew"},
        {diff_color(-1, 1, DiffKind::changed), "shrank"},
        {std::string(kAddedColor), "new in NEW"},
        {std::string(kRemovedColor), "gone from NEW"},
        {std::string(kFloorColor), floor_ > 0 ? "change below --min-delta" : "unchanged"},
    };
    std::string explain = fmt::format("widths: {} · colour: change of {}, saturation relative to the largest change",
                                      o_.negate ? "BASE" : "NEW",
                                      o_.self_delta ? "the frame itself (self)" : "the frame and all it calls");
    double item_chars = 0;
    for (const Item& it : items) item_chars += it.text.size() + 5;
    // The explanation follows the swatches when the width allows, else gets its own line.
    bool one_line = (item_chars + explain.size() + 3) * kCharWidth < o_.width - 2 * kPad;
    double total_chars = one_line ? item_chars + explain.size() + 3 : item_chars;
    double x = std::max(kPad, o_.width / 2 - total_chars * kCharWidth / 2);
    for (const Item& it : items) {
      fmt::format_to(std::back_inserter(header_),
                     "<rect x=\"{:.1f}\" y=\"{:.0f}\" width=\"11\" height=\"11\" fill=\"{}\" stroke=\"#888\"/>"
                     "<text x=\"{:.1f}\" y=\"{:.0f}\">{}</text>\n",
                     x, y_ - 10, it.color, x + 15, y_, xml(it.text));
      x += 15 + (it.text.size() + 2) * kCharWidth;
    }
    if (one_line) {
      fmt::format_to(std::back_inserter(header_), "<text class=\"note\" x=\"{:.1f}\" y=\"{:.0f}\">· {}</text>\n", x, y_,
                     xml(explain));
    } else {
      line("info", 16, explain);
    }
  }

  void controls(std::string& out) {
    y_ += 20;
    fmt::format_to(std::back_inserter(out),
                   "<text id=\"unzoom\" class=\"btn hide\" x=\"{0:.0f}\" y=\"{1:.0f}\">Reset Zoom</text>\n"
                   "<text id=\"orient\" class=\"btn hide\" x=\"{2:.0f}\" y=\"{1:.0f}\">{4}</text>\n"
                   "<text id=\"search\" class=\"btn hide right\" x=\"{3:.0f}\" y=\"{1:.0f}\">Search</text>\n"
                   "<text id=\"ignorecase\" class=\"btn hide right\" x=\"{5:.0f}\" y=\"{1:.0f}\">ic</text>\n",
                   kPad, y_, kPad + 110, o_.width - kPad - 30, o_.icicle ? "Flame" : "Icicle", o_.width - kPad);
    // Details and matches sit above the frames: deep graphs are taller than a window, and a
    // status line at the bottom would be out of sight.
    fmt::format_to(std::back_inserter(out),
                   "<text id=\"matched\" class=\"right\" x=\"{:.0f}\" y=\"{:.0f}\"> </text>\n"
                   "<text id=\"details\" x=\"{:.0f}\" y=\"{:.0f}\"> </text>\n",
                   o_.width - kPad - 140, y_, kPad, y_ + 17);
    y_ += 17;
    frames_top_ = y_ + 8;
  }

  void compute_diff_scale() {
    if (!tree_.differential) return;
    const FlameNode& root = tree_.root();
    double biggest = std::max(root.after.total.value, root.before.total.value);
    floor_ = o_.min_delta_percent ? o_.min_delta / 100 * biggest : o_.min_delta;
    for (const FlameBox& b : layout_.boxes)
      if (b.node != FlameBox::kMerged) max_change_ = std::max(max_change_, std::abs(delta(tree_.nodes[b.node])));
  }

  double delta(const FlameNode& n) const {
    return o_.self_delta ? n.after.self.value - n.before.self.value : n.after.total.value - n.before.total.value;
  }

  std::string color(const FlameBox& b) const {
    if (b.node == FlameBox::kMerged) return "#c9c9c9";
    const FlameNode& n = tree_.nodes[b.node];
    std::string_view name = tree_.name(b.node);
    if (!tree_.differential) return b.node == FlameTree::kRoot ? "#d9d9c8" : frame_color(o_.palette, name);
    if (n.before.total.value <= 0 && n.after.total.value > 0) return diff_color(0, 0, DiffKind::added);
    if (n.after.total.value <= 0 && n.before.total.value > 0) return diff_color(0, 0, DiffKind::removed);
    double d = delta(n);
    if (d == 0 || std::abs(d) < floor_) return diff_color(0, 0, DiffKind::below_floor);
    return diff_color(d, max_change_, DiffKind::changed);
  }

  std::string tooltip(const FlameBox& b) const {
    SampleType type = tree_.sample_type;
    std::string pct = format_percent(layout_.total > 0 ? b.value / layout_.total : 0);
    if (b.node == FlameBox::kMerged) {
      return fmt::format("{} small frames (each narrower than --minwidth), together\n{}, {}", b.merged_count,
                         describe(type, b.value), pct);
    }
    const FlameNode& n = tree_.nodes[b.node];
    std::string name = b.node == FlameTree::kRoot ? std::string("all") : std::string(tree_.name(b.node));
    if (n.inlined) name += " [inline]";
    if (!tree_.differential) return fmt::format("{}\n{}, {}", name, describe_amount(type, n.after.total), pct);
    const Amount& before = n.before.total;
    const Amount& after = n.after.total;
    auto human = [&](double v) { return is_bytes(type) ? format_bytes(v) : format_count(v); };
    auto signed_human = [&](double v) { return is_bytes(type) ? format_signed_bytes(v) : signed_count(v); };
    double d = after.value - before.value;
    std::string rel =
        before.value > 0 ? fmt::format("{}{}", d > 0 ? "+" : "", format_percent(d / before.value)) : "new";
    std::string text =
        fmt::format("{}\n{} -> {} ({}, {})\nexact: {} -> {} {}; {} -> {} {}; {} of {}", name, human(before.value),
                    human(after.value), signed_human(d), rel, round_to_int(before.value), round_to_int(after.value),
                    is_bytes(type) ? "bytes" : "objects", round_to_int(before.companion), round_to_int(after.companion),
                    is_bytes(type) ? "objects" : "bytes", pct, o_.negate ? "BASE" : "NEW");
    if (o_.self_delta) {
      text += fmt::format("\nself: {} -> {} ({})", human(n.before.self.value), human(n.after.self.value),
                          signed_human(n.after.self.value - n.before.self.value));
    }
    return text;
  }

  void frames(std::string& out) {
    fmt::format_to(std::back_inserter(out),
                   "<g id=\"frames\" data-pad=\"{:.0f}\" data-width=\"{:.2f}\" data-top=\"{:.0f}\" "
                   "data-fh=\"{}\" data-maxd=\"{}\" data-icicle=\"{}\" data-charw=\"{}\">\n",
                   kPad, graph_width_, frames_top_, kFrameHeight, layout_.max_depth, o_.icicle ? 1 : 0, kCharWidth);
    for (const FlameBox& b : layout_.boxes) {
      int row = o_.icicle ? static_cast<int>(b.depth) : static_cast<int>(layout_.max_depth - b.depth);
      double y = frames_top_ + row * kFrameHeight;
      out += b.node == FlameBox::kMerged ? "<g class=\"m\"><title>" : "<g><title>";
      append_xml(out, tooltip(b));
      std::string fill = color(b);
      fmt::format_to(std::back_inserter(out),
                     "</title><rect x=\"{:.2f}\" y=\"{:.0f}\" width=\"{:.2f}\" height=\"{}\" fill=\"{}\"/>", kPad + b.x,
                     y, b.width, kFrameHeight - 1, fill);
      std::string_view name = b.node == FlameBox::kMerged  ? std::string_view()
                              : b.node == FlameTree::kRoot ? std::string_view("all")
                                                           : tree_.name(b.node);
      std::string label = b.node == FlameBox::kMerged ? fit_label(fmt::format("{} small", b.merged_count), b.width)
                                                      : fit_label(name, b.width);
      if (!label.empty()) {
        out += fmt::format("<text{} x=\"{:.2f}\" y=\"{:.1f}\">", is_dark(fill) ? " class=\"w\"" : "",
                           kPad + b.x + kLabelPad, y + 11.5);
        append_xml(out, label);
        out += "</text>";
      }
      out += "</g>\n";
    }
    out += "</g>\n";
    if (layout_.boxes.empty()) {
      fmt::format_to(
          std::back_inserter(out), "<text class=\"info\" x=\"{:.1f}\" y=\"{:.0f}\">{}</text>\n", o_.width / 2,
          frames_top_ + 12,
          xml(fmt::format("Nothing to draw: no stack has a positive {}.", sample_type_name(tree_.sample_type))));
    }
  }

  double gone_height() const {
    if (!tree_.differential || o_.gone.count == 0) return 0;
    return 20 + 15.0 * o_.gone.largest.size();
  }

  void gone(std::string& out, double y) {
    if (!tree_.differential || o_.gone.count == 0) return;
    y += 14;
    fmt::format_to(std::back_inserter(out), "<text class=\"gone\" x=\"{:.0f}\" y=\"{:.0f}\">", kPad, y);
    append_xml(out, fmt::format("Gone from NEW: {} stacks, {} in BASE{}{}", o_.gone.count,
                                describe(tree_.sample_type, o_.gone.total.value),
                                o_.negate ? "" : " (--negate draws BASE widths to show them)",
                                o_.gone.largest.empty() ? "" : "; the largest (leaf <- callers):"));
    out += "</text>\n";
    auto max_chars = static_cast<size_t>((o_.width - 2 * kPad) / kCharWidth) - 2;
    for (const analyze::GoneStack& g : o_.gone.largest) {
      y += 15;
      std::string stack;
      for (auto it = g.frames.rbegin(); it != g.frames.rend(); ++it) {
        if (!stack.empty()) stack += " <- ";
        stack += *it;
      }
      std::string text =
          fmt::format("{:>10}  {}",
                      is_bytes(tree_.sample_type) ? format_bytes(g.before.value) : format_count(g.before.value), stack);
      std::string full = text;
      if (text.size() > max_chars) text = text.substr(0, max_chars - 3) + "...";
      fmt::format_to(std::back_inserter(out), "<text class=\"gone\" x=\"{:.0f}\" y=\"{:.0f}\"><title>", kPad, y);
      append_xml(out, full);
      out += "</title>";
      append_xml(out, text);
      out += "</text>\n";
    }
  }

  const FlameTree& tree_;
  const FlameSvgOptions& o_;
  FlameLayout layout_;
  double graph_width_ = 0;
  double frames_top_ = 0;
  double y_ = 0;
  double floor_ = 0;
  double max_change_ = 0;
  std::string header_;
};

}  // namespace

FlameSvg render_flame_svg(const FlameTree& tree, const FlameSvgOptions& options) {
  return SvgWriter(tree, options).render();
}

}  // namespace memprof::render
