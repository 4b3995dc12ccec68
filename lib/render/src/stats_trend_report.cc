// `memprof trend` on malloc_stats_print snapshots: one row per allocator figure with its
// sparkline, slope and anomalous steps. Text (or Markdown) and JSON (memprof-trend(1)).
#include <cmath>
#include <ctime>

#include <fmt/format.h>

#include "memprof/render/json_writer.h"
#include "memprof/render/text_table.h"
#include "memprof/render/trend_report.h"
#include "memprof/render/units.h"
#include "time_text.h"

namespace memprof::render {

namespace {

using series::StatsRow;
using series::StatsTrend;

std::string value_text(double v, const StatsRow& row, bool exact) {
  if (row.unit == "ratio") return fmt::format("{:.1f}%", v * 100);
  return format_value(v, SampleType::inuse_space, exact);
}

std::string signed_text(double v, const StatsRow& row, bool exact) {
  if (row.unit == "ratio") return fmt::format("{:+.1f}pp", v * 100);
  if (std::fabs(v) < 0.5) return "0";
  return (v > 0 ? "+" : "-") + format_value(std::fabs(v), SampleType::inuse_space, exact);
}

std::string p_text(double p) { return p >= 0.001 ? fmt::format("{:.3f}", p) : fmt::format("{:.0e}", p); }

std::string text_report(const StatsTrend& t, const ReportStyle& style, Format format) {
  bool exact = style.exact_bytes;
  size_t n = t.sources.size();
  std::string out = fmt::format("Allocator state over {} malloc_stats_print snapshots: {} ... {}", n,
                                n ? t.sources.front() : "", n ? t.sources.back() : "");
  if (!t.version.empty()) out += fmt::format("\njemalloc {}", t.version);
  bool hours = !t.times.empty();
  if (!hours) out += "\nTimes: none (no log timestamps; file times do not increase): rates per snapshot\n\n";
  else
    out += fmt::format("\nTimes: from the {}, {} to {} UTC ({})\n\n",
                       t.time_source == "log" ? "log's timestamps" : "files' modification times",
                       utc_time_text(t.times.front()), utc_time_text(t.times.back()),
                       duration_text((t.times.back() - t.times.front()) / 3600));
  // On a narrow terminal min and max give way first: the sparkline shows the range's shape.
  auto snapshot_table = [&](bool min_max) {
    std::vector<std::string> headers = {"", "first", "last"};
    if (min_max) headers.insert(headers.end(), {"min", "max"});
    headers.push_back("slope/step");
    if (hours) headers.push_back("slope/h");
    headers.insert(headers.end(), {"p(up)", "series", "anomalies"});
    std::vector<Align> aligns(headers.size(), Align::right);
    aligns[0] = aligns[headers.size() - 2] = Align::left;
    TextTable table(headers, aligns);
    for (const StatsRow& row : t.rows) {
      const series::TrendStats& s = row.stats;
      // The sparkline's scale ignores changes below half a unit: a ratio is drawn in percent.
      std::vector<double> drawn = row.values;
      if (row.unit == "ratio")
        for (double& v : drawn) v *= 100;
      std::vector<std::string> cells = {row.name, value_text(s.first, row, exact), value_text(s.last, row, exact)};
      if (min_max) cells.insert(cells.end(), {value_text(s.min, row, exact), value_text(s.max, row, exact)});
      cells.push_back(signed_text(s.slope_per_step, row, exact));
      if (hours) cells.push_back(signed_text(s.slope_per_hour.value_or(0), row, exact));
      cells.push_back(p_text(s.mk.p_up));
      cells.push_back(sparkline(drawn, 24));
      cells.push_back(row.anomalies.empty() ? "" : std::to_string(row.anomalies.size()));
      table.add_row(std::move(cells));
    }
    return table;
  };
  TextTable table = snapshot_table(true);
  if (style.width && format != Format::markdown && table.natural_width() > style.width) table = snapshot_table(false);
  out += format == Format::markdown ? table.render_markdown() : table.render(style.width);
  size_t count = 0;
  for (const StatsRow& row : t.rows) count += row.anomalies.size();
  out += fmt::format("\nAnomalies: {} (steps with robust z-score above the threshold)\n", count);
  for (const StatsRow& row : t.rows)
    for (const series::StepAnomaly& a : row.anomalies)
      out += fmt::format("  {}: step {} ({}): {} {} (z {:.1f})\n", row.name, a.step, t.sources[a.step], a.kind,
                         signed_text(a.delta, row, exact), a.z);
  return out;
}

std::string json_report(const StatsTrend& t) {
  JsonWriter j;
  j.begin_object();
  j.key("input").value("malloc_stats");
  j.key("version").value(t.version);
  j.key("time_source").value(t.time_source);
  j.key("snapshots").begin_array();
  for (size_t i = 0; i < t.sources.size(); ++i) {
    j.begin_object().key("source").value(t.sources[i]).key("time");
    t.times.empty() ? j.null() : j.value(t.times[i]);
    j.end_object();
  }
  j.end_array();
  j.key("rows").begin_array();
  for (const StatsRow& row : t.rows) {
    const series::TrendStats& s = row.stats;
    // The sparkline's scale ignores changes below half a unit: a ratio is drawn in percent.
    std::vector<double> drawn = row.values;
    if (row.unit == "ratio")
      for (double& v : drawn) v *= 100;
    j.begin_object();
    j.key("name").value(row.name);
    j.key("unit").value(row.unit);
    j.key("values").begin_array();
    for (double v : row.values) j.value(v);
    j.end_array();
    j.key("first").value(s.first);
    j.key("last").value(s.last);
    j.key("min").value(s.min);
    j.key("max").value(s.max);
    j.key("slope_per_step").value(s.slope_per_step);
    j.key("slope_per_hour");
    s.slope_per_hour ? j.value(*s.slope_per_hour) : j.null();
    j.key("mann_kendall_s").value(s.mk.s);
    j.key("p_value").value(s.mk.p_up);
    j.key("grew_fraction").value(s.grew_fraction);
    j.key("anomalies").begin_array();
    for (const series::StepAnomaly& a : row.anomalies) {
      j.begin_object();
      j.key("step").value(static_cast<uint64_t>(a.step));
      j.key("source").value(t.sources[a.step]);
      j.key("kind").value(a.kind);
      j.key("delta").value(a.delta);
      j.key("z").value(a.z);
      j.end_object();
    }
    j.end_array();
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return j.take() + "\n";
}

}  // namespace

std::string render_stats_trend(const StatsTrend& trend, const ReportStyle& style, Format format) {
  return format == Format::json ? json_report(trend) : text_report(trend, style, format);
}

}  // namespace memprof::render
