#include "memprof/render/trend_report.h"

#include <algorithm>
#include <cmath>
#include <ctime>

#include <fmt/format.h>

#include "memprof/render/text_table.h"
#include "memprof/render/units.h"
#include "time_text.h"

namespace memprof::render {

namespace {

// Sparkline widths in steps (one character each): the total's, a site's, and the least either
// shrinks to on a narrow terminal, where the site names keep at least kMinSiteName columns.
constexpr size_t kTotalSparkline = 40;
constexpr size_t kSiteSparkline = 24;
constexpr size_t kMinSparkline = 8;
constexpr size_t kMinSiteName = 20;

using series::Series;
using series::TrendReport;
using series::TrendRow;
using series::TrendStats;

std::string basename_of(std::string_view path) { return std::string(path.substr(path.rfind('/') + 1)); }

std::string signed_value(double v, SampleType type, bool exact) {
  if (std::fabs(v) < 0.5) return "0";
  return fmt::format("{}{}", v > 0 ? '+' : '-', format_value(std::fabs(v), type, exact));
}

std::string p_text(double p) {
  if (p >= 0.001) return fmt::format("{:.3f}", p);
  if (p < 1e-99) return "<1e-99";
  return fmt::format("{:.0e}", p);
}

std::string header(const Series& s, const TrendReport& r, bool exact, size_t width) {
  std::string out;
  std::string pids;
  std::vector<uint64_t> seen;
  for (const auto& d : s.dumps)
    if (d.pid && std::ranges::find(seen, *d.pid) == seen.end()) seen.push_back(*d.pid);
  if (seen.size() == 1) pids = fmt::format(" of pid {}", seen.front());
  else if (seen.size() > 1) pids = fmt::format(" of {} processes", seen.size());
  out += fmt::format("Trend over {} dumps{}: {} ... {}\n", s.dumps.size(), pids, basename_of(s.dumps.front().path),
                     basename_of(s.dumps.back().path));
  switch (r.time_source) {
    case series::TimeSource::sequence:
      out += "Times: none usable (file modification times do not increase); rates are per step\n";
      break;
    case series::TimeSource::mtime:
      out += fmt::format("Times: modification times, {} to {} UTC ({})\n", utc_time_text(s.dumps.front().time),
                         utc_time_text(s.dumps.back().time), duration_text(r.hours));
      break;
    case series::TimeSource::manifest:
      out +=
          fmt::format("Times: from the recording's manifest, {} to {} UTC ({})\n", utc_time_text(s.dumps.front().time),
                      utc_time_text(s.dumps.back().time), duration_text(r.hours));
      break;
  }
  out += fmt::format("Sample type: {}", sample_type_name(s.type));
  if (s.sampled)
    out += fmt::format(", sampled every {} on average (estimates)", format_bytes(static_cast<double>(s.sample_period)));
  out += "\n";
  const TrendStats& t = r.total;
  std::string total_text = fmt::format("Total: {} -> {} (min {}, max {})  ", format_value(t.first, s.type, exact),
                                       format_value(t.last, s.type, exact), format_value(t.min, s.type, exact),
                                       format_value(t.max, s.type, exact));
  size_t total_spark_width = kTotalSparkline;
  if (width && display_width(total_text) + kTotalSparkline > width)
    total_spark_width =
        std::max(kMinSparkline, width > display_width(total_text) ? width - display_width(total_text) : 0);
  out += total_text + sparkline(s.totals, total_spark_width) + "\n";
  out += fmt::format("Growth: {}/step", signed_value(t.slope_per_step, s.type, exact));
  if (t.slope_per_hour) out += fmt::format(", {}/h", signed_value(*t.slope_per_hour, s.type, exact));
  out += fmt::format(" (Theil-Sen); grew in {:.0f}% of steps\n", t.grew_fraction * 100);
  out += fmt::format("Upward trend: p = {} (Mann-Kendall)\n", p_text(t.mk.p_up));
  return out;
}

std::string slope_text(const TrendStats& st, SampleType type, bool exact, bool per_hour) {
  return per_hour ? (st.slope_per_hour ? signed_value(*st.slope_per_hour, type, exact) : "")
                  : signed_value(st.slope_per_step, type, exact);
}

std::string text_report(const Series& s, const TrendReport& r, const ReportStyle& style, Format format,
                        const GateResult& gates) {
  bool exact = style.exact_bytes;
  bool hours = r.time_source != series::TimeSource::sequence;
  std::string out = header(s, r, exact, style.width);
  size_t leaks = static_cast<size_t>(std::ranges::count_if(r.rows, &TrendRow::leak));
  out += fmt::format("\nLeak suspects: {} (upward trend with p < {} and slope above {}/{})\n", leaks, r.alpha,
                     format_value(r.min_slope, s.type, exact), r.min_slope_per_hour ? "h" : "step");
  std::vector<std::string> headers = {"", "last", "slope/step"};
  std::vector<Align> aligns = {Align::left, Align::right, Align::right};
  if (hours) {
    headers.push_back("slope/h");
    aligns.push_back(Align::right);
  }
  for (const char* h : {"p(up)", "grew", "series"}) {
    headers.push_back(h);
    aligns.push_back(h == std::string_view("series") ? Align::left : Align::right);
  }
  headers.push_back("site");
  aligns.push_back(Align::left);
  size_t shown = style.max_rows ? std::min(style.max_rows, r.rows.size()) : r.rows.size();
  shown = std::max(shown, std::min(leaks, r.rows.size()));  // never hide a suspect
  auto site_table = [&](size_t spark_width) {
    TextTable table(headers, aligns);
    for (size_t i = 0; i < shown; ++i) {
      const TrendRow& row = r.rows[i];
      std::vector<std::string> cells = {row.leak ? "LEAK" : "", format_value(row.stats.last, s.type, exact),
                                        slope_text(row.stats, s.type, exact, false)};
      if (hours) cells.push_back(slope_text(row.stats, s.type, exact, true));
      cells.push_back(p_text(row.stats.mk.p_up));
      cells.push_back(fmt::format("{:.0f}%", row.stats.grew_fraction * 100));
      cells.push_back(sparkline(row.site->values, spark_width));
      cells.push_back(row.name);
      table.add_row(std::move(cells));
    }
    return table;
  };
  TextTable table = site_table(kSiteSparkline);
  // On a narrow terminal the series gives way before the names do, down to kMinSparkline steps.
  size_t fixed = table.natural_width(headers.size() - 1) + 2;
  if (style.width && format != Format::markdown && fixed + kMinSiteName > style.width) {
    size_t excess = fixed + kMinSiteName - style.width;
    table = site_table(kSiteSparkline - std::min(excess, kSiteSparkline - kMinSparkline));
  }
  out += "\n";
  out += format == Format::markdown ? table.render_markdown() : table.render(style.width);
  if (shown < r.rows.size()) out += fmt::format("({} more sites; -n 0 shows all)\n", r.rows.size() - shown);

  out += fmt::format("\nAnomalies: {} (outlying step changes of the total or a site, by robust z-score)\n",
                     r.anomalies.size());
  for (const series::Anomaly& a : r.anomalies) {
    bool total = a.scope == "total";
    if (total)
      out += fmt::format("  step {} ({}): {} {} (z {:.1f})", a.step, basename_of(s.dumps[a.step].path), a.kind,
                         signed_value(a.delta, s.type, exact), a.z);
    else
      out += fmt::format("  step {} ({}): {} in a site, total {}", a.step, basename_of(s.dumps[a.step].path), a.kind,
                         signed_value(a.delta, s.type, exact));
    // The sites that made it, one a line: names are as long as they are.
    out += a.sites.empty() ? "\n" : total ? ", from:\n" : ":\n";
    for (const series::AnomalySite& site : a.sites) {
      out += fmt::format("      {} {}", site.name, signed_value(site.delta, s.type, exact));
      if (!site.kind.empty()) out += fmt::format(" ({}, z {:.1f})", site.kind, site.z);
      out += "\n";
    }
  }
  if (r.limit) {
    out += fmt::format("\nForecast (--limit {}):\n", format_value(*r.limit, s.type, exact));
    for (const series::ForecastItem& f : r.forecast) {
      std::string who = f.name == "total" ? "total" : f.name + " alone";
      std::string rate = fmt::format("{}/{}", signed_value(f.slope, s.type, exact), hours ? "h" : "step");
      if (!f.eta) out += fmt::format("  {}: not growing ({})\n", who, rate);
      else if (*f.eta == 0) out += fmt::format("  {}: already at the limit\n", who);
      else
        out += fmt::format("  {} reaches {} in ~{} at {}\n", who, format_value(*r.limit, s.type, exact),
                           hours ? duration_text(*f.eta) : fmt::format("{:.0f} steps", *f.eta), rate);
    }
  }
  for (const std::string& m : gates.messages) out += "\nLIMIT EXCEEDED: " + m + "\n";
  return out;
}

void stats_json(JsonWriter& j, const TrendStats& st) {
  j.key("first").value(st.first);
  j.key("last").value(st.last);
  j.key("min").value(st.min);
  j.key("max").value(st.max);
  j.key("slope_per_step").value(st.slope_per_step);
  j.key("slope_per_hour");
  if (st.slope_per_hour) j.value(*st.slope_per_hour);
  else j.null();
  j.key("mann_kendall_s").value(st.mk.s);
  j.key("mann_kendall_z").value(st.mk.z);
  j.key("p_value").value(st.mk.p_up);
  j.key("grew_fraction").value(st.grew_fraction);
  j.key("noise").value(st.noise);
}

void values_json(JsonWriter& j, const std::vector<double>& v) {
  j.begin_array();
  for (double x : v) j.value(x);
  j.end_array();
}

std::string json_report(const Series& s, const TrendReport& r, const ReportStyle& style, const GateResult& gates) {
  JsonWriter j;
  j.begin_object();
  j.key("sample_type").value(sample_type_name(s.type));
  j.key("unit").value(unit_name(s.type));
  j.key("sample_period").value(s.sample_period);
  j.key("sampled").value(s.sampled);
  j.key("time_source").value(series::time_source_name(r.time_source));
  j.key("dumps").begin_array();
  for (const auto& d : s.dumps) {
    j.begin_object();
    j.key("path").value(d.path);
    j.key("pid");
    d.pid ? j.value(*d.pid) : j.null();
    j.key("seq");
    d.seq ? j.value(*d.seq) : j.null();
    j.key("time");
    r.time_source == series::TimeSource::sequence ? j.null() : j.value(d.time);
    j.end_object();
  }
  j.end_array();
  j.key("total");
  values_json(j, s.totals);
  j.key("total_stats").begin_object();
  stats_json(j, r.total);
  j.end_object();
  j.key("alpha").value(r.alpha);
  j.key("min_slope").value(r.min_slope);
  j.key("min_slope_unit").value(r.min_slope_per_hour ? "hour" : "step");
  j.key("rows").begin_array();
  size_t shown = style.max_rows ? std::min(style.max_rows, r.rows.size()) : r.rows.size();
  shown = std::max<size_t>(shown, std::ranges::count_if(r.rows, &TrendRow::leak));
  for (size_t i = 0; i < shown; ++i) {
    const TrendRow& row = r.rows[i];
    j.begin_object();
    j.key("name").value(row.name);
    j.key("values");
    values_json(j, row.site->values);
    stats_json(j, row.stats);
    j.key("leak").value(row.leak);
    j.end_object();
  }
  j.end_array();
  j.key("anomalies").begin_array();
  for (const series::Anomaly& a : r.anomalies) {
    j.begin_object();
    j.key("step").value(static_cast<uint64_t>(a.step));
    j.key("dump").value(s.dumps[a.step].path);
    j.key("kind").value(a.kind);
    j.key("delta").value(a.delta);
    j.key("z").value(a.z);
    j.key("scope").value(a.scope);
    j.key("sites").begin_array();
    for (const auto& site : a.sites) {
      j.begin_object();
      j.key("name").value(site.name);
      j.key("delta").value(site.delta);
      j.key("kind");
      site.kind.empty() ? j.null() : j.value(site.kind);
      j.key("z");
      site.kind.empty() ? j.null() : j.value(site.z);
      j.end_object();
    }
    j.end_array();
    j.end_object();
  }
  j.end_array();
  j.key("forecast");
  if (!r.limit) {
    j.null();
  } else {
    j.begin_object();
    j.key("limit").value(*r.limit);
    j.key("unit").value(r.time_source == series::TimeSource::sequence ? "step" : "hour");
    j.key("items").begin_array();
    for (const auto& f : r.forecast) {
      j.begin_object();
      j.key("name").value(f.name);
      j.key("slope").value(f.slope);
      j.key("eta");
      f.eta ? j.value(*f.eta) : j.null();
      j.end_object();
    }
    j.end_array();
    j.end_object();
  }
  j.key("limits_exceeded").begin_array();
  for (const std::string& m : gates.messages) j.value(m);
  j.end_array();
  j.end_object();
  return j.take() + "\n";
}

// Long form for pandas and Grafana: one line per dump and site that holds something.
std::string csv_report(const Series& s, const TrendReport& r) {
  std::string out = "dump,seq,time,site,bytes,objects\n";
  bool times = r.time_source != series::TimeSource::sequence;
  for (size_t d = 0; d < s.dumps.size(); ++d) {
    std::string prefix = csv_field(s.dumps[d].path) + "," + (s.dumps[d].seq ? std::to_string(*s.dumps[d].seq) : "") +
                         "," + (times ? fmt::format("{:.3f}", s.dumps[d].time) : "") + ",";
    for (const series::SiteSeries& site : s.sites) {
      if (std::fabs(site.bytes[d]) < 0.5 && std::fabs(site.objects[d]) < 0.5) continue;
      out += prefix + csv_field(site.name) +
             fmt::format(",{},{}\n", round_to_int(site.bytes[d]), round_to_int(site.objects[d]));
    }
  }
  return out;
}

}  // namespace

std::string sparkline(const std::vector<double>& values, size_t width) {
  static constexpr const char* kBars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  if (values.empty() || width == 0) return "";
  size_t cols = std::min(width, values.size());
  std::vector<double> v(cols, 0);
  for (size_t c = 0; c < cols; ++c) {
    size_t begin = c * values.size() / cols, end = (c + 1) * values.size() / cols;
    for (size_t i = begin; i < end; ++i) v[c] += values[i];
    v[c] /= static_cast<double>(end - begin);
  }
  auto [lo, hi] = std::ranges::minmax_element(v);
  double min = *lo, range = *hi - *lo;
  std::string out;
  for (double x : v) {
    size_t level = range > 0.5 ? static_cast<size_t>(std::lround((x - min) / range * 7)) : 0;
    out += kBars[std::min<size_t>(level, 7)];
  }
  return out;
}

std::string render_trend(const Series& series, const TrendReport& report, const ReportStyle& style, Format format,
                         const GateResult& gates) {
  switch (format) {
    case Format::json: return json_report(series, report, style, gates);
    case Format::csv: return csv_report(series, report);
    default: return text_report(series, report, style, format, gates);
  }
}

}  // namespace memprof::render
