#include "memprof/render/explain_report.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "memprof/render/json_writer.h"
#include "memprof/render/units.h"
#include "xml_text.h"

namespace memprof::render {

namespace {

using jestats::Waterfall;
using jestats::WaterfallStep;

constexpr size_t kBarWidth = 40;

// The largest level any step reaches: bars are drawn against it so none overflows.
double scale_max(const Waterfall& w) {
  double m = static_cast<double>(w.rss);
  for (const WaterfallStep& s : w.steps) m = std::max(m, static_cast<double>(s.level));
  return m > 0 ? m : 1.0;
}

std::string repeat(std::string_view glyph, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += glyph;
  return out;
}

std::string render_text(const Waterfall& w) {
  double max = scale_max(w);
  auto cells = [&](int64_t v) {
    return static_cast<size_t>(std::llround(std::max<double>(0, static_cast<double>(v)) / max * kBarWidth));
  };
  std::string out = fmt::format("Where the RSS goes ({} = {} bytes); each bar is a level, ▒ what the step adds\n\n",
                                format_bytes(static_cast<double>(w.rss)), w.rss);
  int64_t prev = 0;
  for (const WaterfallStep& s : w.steps) {
    size_t base = cells(std::min(prev, s.level));
    size_t top = cells(s.level);
    size_t prev_cells = cells(prev);
    std::string bar = repeat("█", base) + repeat(s.delta >= 0 ? "▒" : "", top - base);
    if (s.delta < 0) bar += repeat("·", prev_cells > top ? prev_cells - top : 0);  // what the step takes away
    size_t shown = std::max(top, s.delta < 0 ? prev_cells : top);
    bar += repeat(" ", kBarWidth > shown ? kBarWidth - shown : 0);
    out +=
        fmt::format("  {:<10} {} {:>11}  {:>12} {:>7}  {}\n", s.name, bar, format_bytes(static_cast<double>(s.level)),
                    format_signed_bytes(static_cast<double>(s.delta)), format_percent(s.share_of_rss), s.cause);
    prev = s.level;
  }
  int64_t sum = 0;
  for (const WaterfallStep& s : w.steps) sum += s.delta;
  out += fmt::format("\n  steps add up to {} bytes; RSS is {} bytes\n", sum, w.rss);
  for (const jestats::Finding& f : w.findings)
    out += fmt::format("\n  finding [{}]: {} ({})\n    advice: {}\n", f.rule, f.measured, f.threshold, f.advice);
  for (const std::string& n : w.notes) out += fmt::format("\n  note: {}\n", n);
  return out;
}

std::string render_json(const Waterfall& w) {
  JsonWriter json;
  json.begin_object();
  json.key("rss").value(w.rss);
  json.key("steps").begin_array();
  for (const WaterfallStep& s : w.steps) {
    json.begin_object();
    json.key("name").value(s.name);
    json.key("bytes").value(s.level);
    json.key("delta").value(s.delta);
    json.key("share_of_rss").value(s.share_of_rss);
    json.key("cause").value(s.cause);
    json.end_object();
  }
  json.end_array();
  json.key("findings").begin_array();
  for (const jestats::Finding& f : w.findings) {
    json.begin_object();
    json.key("rule").value(f.rule);
    json.key("value").value(f.value);
    json.key("measured").value(f.measured);
    json.key("threshold").value(f.threshold);
    json.key("advice").value(f.advice);
    json.end_object();
  }
  json.end_array();
  json.key("notes").begin_array();
  for (const std::string& n : w.notes) json.value(n);
  json.end_array().end_object();
  return json.take();
}

// Breaks a cause into lines of at most `width` characters at spaces.
std::vector<std::string> wrap(const std::string& text, size_t width) {
  std::vector<std::string> lines;
  std::string line;
  size_t i = 0;
  while (i < text.size()) {
    size_t sp = text.find(' ', i);
    std::string word = text.substr(i, sp == std::string::npos ? std::string::npos : sp - i);
    i = sp == std::string::npos ? text.size() : sp + 1;
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

std::string render_svg(const Waterfall& w) {
  constexpr int kWidth = 1000, kLeft = 110, kChart = 520, kRowH = 74, kTop = 60;
  constexpr const char* kColors[] = {"#4e79a7", "#b07aa1", "#59a14f", "#f28e2b", "#e15759", "#9c755f"};
  double max = scale_max(w);
  int height =
      kTop + static_cast<int>(w.steps.size()) * kRowH + 40 + 44 * static_cast<int>(w.findings.size() + w.notes.size());
  auto x = [&](double v) { return kLeft + std::max(0.0, v) / max * kChart; };
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"13\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
      "<text x=\"16\" y=\"28\" font-size=\"17\" font-weight=\"bold\">From heap profile to RSS: {2} resident "
      "set</text>\n",
      kWidth, height, xml(format_bytes(static_cast<double>(w.rss))));
  // RSS reference line.
  out += fmt::format(
      "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n",
      x(static_cast<double>(w.rss)), kTop - 10, kTop + static_cast<int>(w.steps.size()) * kRowH - 10);
  out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"end\" fill=\"#666\">RSS</text>\n",
                     x(static_cast<double>(w.rss)) - 4, kTop - 14);
  int64_t prev = 0;
  for (size_t i = 0; i < w.steps.size(); ++i) {
    const WaterfallStep& s = w.steps[i];
    int y = kTop + static_cast<int>(i) * kRowH;
    const char* color = kColors[i % std::size(kColors)];
    out += fmt::format("<text x=\"16\" y=\"{}\" font-weight=\"bold\">{}</text>\n", y + 18, xml(s.name));
    // The part carried from the previous level, then this step's own part.
    double lo = static_cast<double>(std::min(prev, s.level)), hi = static_cast<double>(std::max(prev, s.level));
    if (i > 0)
      out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"24\" fill=\"#e6e6e6\"/>\n", kLeft, y + 2,
                         x(lo) - kLeft);
    out += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"24\" fill=\"{}\"{}><title>{}</title></rect>\n",
        i > 0 ? x(lo) : static_cast<double>(kLeft), y + 2, std::max(1.0, x(hi) - (i > 0 ? x(lo) : kLeft)),
        s.delta < 0 ? "#ffffff" : color,
        s.delta < 0 ? fmt::format(" stroke=\"{}\" stroke-dasharray=\"3 2\"", color) : std::string(), xml(s.cause));
    out += fmt::format("<text x=\"{}\" y=\"{}\">{}  ({}, {} of RSS)</text>\n", kLeft + kChart + 12, y + 18,
                       xml(format_bytes(static_cast<double>(s.level))),
                       xml(format_signed_bytes(static_cast<double>(s.delta))), xml(format_percent(s.share_of_rss)));
    std::vector<std::string> lines = wrap(s.cause, 130);
    for (size_t l = 0; l < lines.size() && l < 2; ++l)
      out += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#555\" font-size=\"11.5\">{}</text>\n", kLeft,
                         y + 42 + 14 * static_cast<int>(l), xml(lines[l]));
    prev = s.level;
  }
  // Findings and notes under the chart, so the picture carries the advice too.
  int y = kTop + static_cast<int>(w.steps.size()) * kRowH + 10;
  for (const jestats::Finding& f : w.findings) {
    out += fmt::format("<text x=\"16\" y=\"{}\" font-weight=\"bold\" fill=\"#b03a2e\">{}: {}</text>\n", y, xml(f.rule),
                       xml(f.measured));
    std::vector<std::string> lines = wrap(f.advice, 150);
    for (size_t l = 0; l < lines.size() && l < 2; ++l)
      out += fmt::format("<text x=\"16\" y=\"{}\" fill=\"#555\" font-size=\"11.5\">{}</text>\n",
                         y + 16 + 14 * static_cast<int>(l), xml(lines[l]));
    y += 44;
  }
  for (const std::string& n : w.notes) {
    out += fmt::format("<text x=\"16\" y=\"{}\" fill=\"#555\">note: {}</text>\n", y, xml(n));
    y += 44;
  }
  out += "</svg>\n";
  return out;
}

}  // namespace

std::string render_explain(const Waterfall& w, Format format) {
  switch (format) {
    case Format::json: return render_json(w);
    case Format::svg: return render_svg(w);
    default: break;  // text
  }
  return render_text(w);
}

}  // namespace memprof::render
