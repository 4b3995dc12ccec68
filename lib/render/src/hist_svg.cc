#include <algorithm>
#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "hist_svg.h"
#include "memprof/render/units.h"
#include "xml_text.h"

namespace memprof::render {

namespace {

using analyze::Bucketing;
using analyze::SizeBucket;
using analyze::SizeHistogram;

constexpr double kWidth = 1000;
constexpr double kLeft = 90, kRight = 30;
constexpr double kPanelHeight = 200, kPanelGap = 70, kTop = 90;

struct Palette {
  const char* solid;
  const char* mixed;
};
constexpr Palette kBytesColors{"#3b6fb6", "#9dbbe3"};
constexpr Palette kObjectsColors{"#c7741f", "#efc48f"};

// The log2 size range every panel shares, so panels line up.
struct Axis {
  double lo = 0, hi = 1;
  double x(double log2_size) const { return kLeft + (log2_size - lo) / (hi - lo) * (kWidth - kLeft - kRight); }
};

Axis axis_for(const HistReport& r) {
  double lo = 64, hi = 0;
  for (const SizeBucket& b : r.total.buckets) {
    lo = std::min(lo, std::log2(static_cast<double>(std::max<uint64_t>(b.size_max, 1))));
    hi = std::max(hi, std::log2(static_cast<double>(std::max<uint64_t>(b.size_max, 1))));
  }
  if (lo > hi) lo = hi = 3;
  return {std::floor(lo) - 0.5, std::ceil(hi) + 0.5};
}

std::string size_tick(int lg) {
  uint64_t v = uint64_t{1} << std::clamp(lg, 0, 62);
  if (v < 1024) return fmt::format("{} B", v);
  if (v < (uint64_t{1} << 20)) return fmt::format("{} KiB", v >> 10);
  if (v < (uint64_t{1} << 30)) return fmt::format("{} MiB", v >> 20);
  return fmt::format("{} GiB", v >> 30);
}

// One panel: bars of `value` (bytes or objects) per bucket, mixed part stacked lighter on top.
void panel(std::string& out, const Axis& axis, double top, const std::string& title, const SizeHistogram& h,
           const std::function<std::pair<double, double>(const SizeBucket&)>& value, const Palette& colors,
           bool bytes) {
  double bottom = top + kPanelHeight;
  double max = 0;
  for (const SizeBucket& b : h.buckets) max = std::max(max, value(b).first);
  if (max <= 0) max = 1;
  fmt::format_to(std::back_inserter(out), "<text x=\"{}\" y=\"{:.1f}\" class=\"title\">{}</text>\n", kLeft, top - 12,
                 xml(title));
  for (int i = 0; i <= 4; ++i) {  // horizontal grid with labels
    double y = bottom - kPanelHeight * i / 4.0;
    double v = max * i / 4.0;
    fmt::format_to(std::back_inserter(out),
                   "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" class=\"grid\"/><text x=\"{}\" y=\"{:.1f}\" "
                   "class=\"ylabel\">{}</text>\n",
                   kLeft, y, kWidth - kRight, y, kLeft - 6, y + 4, xml(bytes ? format_bytes(v) : format_count(v)));
  }
  int span = static_cast<int>(std::ceil(axis.hi) - std::floor(axis.lo));
  int step = span > 24 ? 4 : span > 12 ? 2 : 1;
  for (int lg = static_cast<int>(std::ceil(axis.lo)); lg <= axis.hi; ++lg) {
    double x = axis.x(lg);
    if (lg % step) {  // unlabelled minor tick: every power of two stays visible
      fmt::format_to(std::back_inserter(out),
                     "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"tick\"/>\n", x, bottom, x,
                     bottom + 3);
      continue;
    }
    fmt::format_to(std::back_inserter(out),
                   "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"tick\"/><text x=\"{:.1f}\" "
                   "y=\"{:.1f}\" class=\"xlabel\">{}</text>\n",
                   x, bottom, x, bottom + 5, x, bottom + 18, size_tick(lg));
  }
  // Size classes are four per doubling: bars a fifth of a doubling wide never touch.
  double bar = (axis.x(1) - axis.x(0)) * (h.bucketing == Bucketing::size_class ? 0.18 : 0.8);
  for (const SizeBucket& b : h.buckets) {
    auto [total, mixed] = value(b);
    if (total <= 0) continue;
    double cx = axis.x(std::log2(static_cast<double>(std::max<uint64_t>(b.size_max, 1))));
    double solid_h = (total - mixed) / max * kPanelHeight;
    double mixed_h = mixed / max * kPanelHeight;
    std::string tip = fmt::format(
        "{}-{} bytes: {}, {} objects{}", b.size_min, b.size_max, format_bytes(b.bytes), format_count(b.objects),
        b.mixed_bytes > 0 ? fmt::format(" ({} from records of several sizes)", format_bytes(b.mixed_bytes)) : "");
    fmt::format_to(std::back_inserter(out), "<g><title>{}</title>", xml(tip));
    if (solid_h > 0)
      fmt::format_to(std::back_inserter(out),
                     "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"/>", cx - bar / 2,
                     bottom - solid_h, bar, std::max(solid_h, 0.5), colors.solid);
    if (mixed_h > 0)
      fmt::format_to(std::back_inserter(out),
                     "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"/>", cx - bar / 2,
                     bottom - solid_h - mixed_h, bar, std::max(mixed_h, 0.5), colors.mixed);
    out += "</g>\n";
  }
  fmt::format_to(std::back_inserter(out), "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" class=\"axis\"/>\n",
                 kLeft, bottom, kWidth - kRight, bottom);
}

}  // namespace

std::string render_hist_svg(const HistReport& r) {
  Axis axis = axis_for(r);
  auto bytes_of = [](const SizeBucket& b) { return std::pair{b.bytes, b.mixed_bytes}; };
  auto objects_of = [](const SizeBucket& b) { return std::pair{b.objects, b.mixed_objects}; };
  size_t panels = r.sites.empty() ? 2 : r.sites.size();
  double height = kTop + static_cast<double>(panels) * (kPanelHeight + kPanelGap) + 10;
  std::string out = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" "
      "height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" font-family=\"sans-serif\" font-size=\"12\">\n"
      "<style>.title{{font-size:14px;font-weight:bold}} .grid{{stroke:#e3e3e3}} .axis{{stroke:#333}} "
      ".tick{{stroke:#333}} .ylabel{{text-anchor:end;fill:#444}} .xlabel{{text-anchor:middle;fill:#444}}</style>\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      kWidth, height);
  std::string heading =
      fmt::format("Live memory by allocation size ({}): {} in {} objects",
                  r.total.bucketing == Bucketing::size_class ? "jemalloc size classes" : "powers of two",
                  format_bytes(r.total.total_bytes), format_count(r.total.total_objects));
  fmt::format_to(std::back_inserter(out), "<text x=\"{}\" y=\"24\" font-size=\"16\" font-weight=\"bold\">{}</text>\n",
                 kLeft, xml(heading));
  fmt::format_to(std::back_inserter(out),
                 "<text x=\"{}\" y=\"42\" fill=\"#555\">{} — size axis logarithmic; lighter part of a bar: records of "
                 "several sizes, counted by their average</text>\n",
                 kLeft, xml(r.total.source));
  double top = kTop;
  if (r.sites.empty()) {
    panel(out, axis, top, "Bytes", r.total, bytes_of, kBytesColors, true);
    panel(out, axis, top + kPanelHeight + kPanelGap, "Objects", r.total, objects_of, kObjectsColors, false);
  } else {
    for (const analyze::SiteHistogram& s : r.sites) {
      panel(out, axis, top,
            fmt::format("{} — {} in {} objects", s.site, format_bytes(s.histogram.total_bytes),
                        format_count(s.histogram.total_objects)),
            s.histogram, bytes_of, kBytesColors, true);
      top += kPanelHeight + kPanelGap;
    }
  }
  out += "</svg>\n";
  return out;
}

}  // namespace memprof::render
