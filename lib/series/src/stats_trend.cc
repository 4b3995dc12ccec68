#include "memprof/series/stats_trend.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "memprof/jestats/analysis.h"

namespace memprof::series {

namespace {

// `reference`: 0.1% of it is the smallest scale of a row of bytes (the median active memory), as a
// heap site's floor is 0.1% of the total: a bin's waste must matter to the heap, not only to the
// bin, and a series of equal steps does not call every small change infinite. A ratio's floor is
// 0.1 percentage point.
StatsRow make_row(std::string name, std::string unit, std::vector<double> values, double reference,
                  const std::vector<double>& hours, const StatsTrendOptions& options) {
  StatsRow row{.name = std::move(name), .unit = std::move(unit), .values = std::move(values)};
  row.stats = trend_stats(row.values, {}, hours, !hours.empty());
  std::vector<double> magnitude(row.values.size());
  for (size_t i = 0; i < row.values.size(); ++i) magnitude[i] = std::fabs(row.values[i]);
  double floor = row.unit == "ratio" ? 0.001 : std::max({1.0, 0.001 * median(magnitude), 0.001 * reference});
  row.anomalies = step_anomalies(row.values, {}, floor, options.anomaly_threshold, options.spike_window);
  return row;
}

}  // namespace

StatsTrend analyze_stats_trend(const std::vector<jestats::StatsSnapshot>& snaps, const StatsTrendOptions& options,
                               std::vector<double> times, std::string time_source) {
  StatsTrend t;
  if (times.size() == snaps.size() && !times.empty()) {
    t.times = std::move(times);
    t.time_source = std::move(time_source);
  }
  std::vector<double> hours;
  for (double x : t.times) hours.push_back((x - t.times.front()) / 3600.0);
  std::vector<jestats::StatsAnalysis> a;
  a.reserve(snaps.size());
  for (const jestats::StatsSnapshot& s : snaps) {
    t.sources.push_back(s.source);
    a.push_back(jestats::analyze_snapshot(s));
  }
  if (!snaps.empty()) t.version = snaps.back().version;
  std::vector<double> active;
  for (const jestats::StatsAnalysis& x : a) active.push_back(static_cast<double>(x.active));
  double reference = median(active);
  auto add = [&](const char* name, auto get) {
    std::vector<double> v;
    for (const jestats::StatsAnalysis& x : a) {
      std::optional<uint64_t> value = get(x);
      if (!value) return;  // not printed by every snapshot's jemalloc
      v.push_back(static_cast<double>(*value));
    }
    t.rows.push_back(make_row(name, "bytes", std::move(v), reference, hours, options));
  };
  using A = jestats::StatsAnalysis;
  add("allocated", [](const A& x) { return std::optional<uint64_t>(x.allocated); });
  add("active", [](const A& x) { return std::optional<uint64_t>(x.active); });
  add("resident", [](const A& x) { return x.resident; });
  add("mapped", [](const A& x) { return std::optional<uint64_t>(x.mapped); });
  add("retained", [](const A& x) { return x.retained; });
  add("dirty", [](const A& x) { return std::optional<uint64_t>(x.dirty_bytes); });
  add("muzzy", [](const A& x) { return std::optional<uint64_t>(x.muzzy_bytes); });
  add("metadata", [](const A& x) { return x.metadata; });
  std::vector<double> frag;
  for (const A& x : a) frag.push_back(x.fragmentation);
  t.rows.push_back(make_row("fragmentation", "ratio", std::move(frag), reference, hours, options));
  add("wasted in bins", [](const A& x) { return std::optional<uint64_t>(x.bins_wasted); });

  // The bins that waste most at their worst, each as its own series (0 where it holds nothing).
  std::map<uint64_t, std::vector<double>> by_size;
  for (size_t i = 0; i < a.size(); ++i)
    for (const jestats::BinStats& b : a[i].bins) {
      auto& v = by_size[b.size];
      v.resize(a.size(), 0);
      v[i] = static_cast<double>(b.wasted());
    }
  std::vector<std::pair<double, uint64_t>> worst;
  for (const auto& [size, v] : by_size) {
    double peak = *std::ranges::max_element(v);
    if (peak > 0) worst.emplace_back(peak, size);
  }
  std::ranges::sort(
      worst, [](const auto& x, const auto& y) { return x.first != y.first ? x.first > y.first : x.second < y.second; });
  if (worst.size() > options.top_bins) worst.resize(options.top_bins);
  for (const auto& [peak, size] : worst)
    t.rows.push_back(
        make_row(fmt::format("bin {} wasted", size), "bytes", std::move(by_size[size]), reference, hours, options));
  return t;
}

std::optional<double> log_line_time(std::string_view line) {
  // YYYY?MM?DD?hh:mm:ss with '/' or '-' in the date and '-', 'T' or ' ' before the time.
  if (line.size() < 19) return std::nullopt;
  auto digits = [&](size_t at, size_t n, int& out) {
    out = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (line[i] < '0' || line[i] > '9') return false;
      out = out * 10 + (line[i] - '0');
    }
    return true;
  };
  int year, month, day, hour, minute, second;
  char d1 = line[4], d2 = line[7], sep = line[10];
  if (!((d1 == '/' && d2 == '/') || (d1 == '-' && d2 == '-')) || (sep != '-' && sep != 'T' && sep != ' ') ||
      line[13] != ':' || line[16] != ':' || !digits(0, 4, year) || !digits(5, 2, month) || !digits(8, 2, day) ||
      !digits(11, 2, hour) || !digits(14, 2, minute) || !digits(17, 2, second))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
  int y = year - (month <= 2);
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  double days = static_cast<double>(era) * 146097 + doe - 719468;
  double t = days * 86400 + hour * 3600 + minute * 60 + second;
  if (line.size() > 20 && line[19] == '.') {
    double scale = 0.1;
    for (size_t i = 20; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i, scale /= 10)
      t += (line[i] - '0') * scale;
  }
  return t;
}

std::vector<std::optional<double>> snapshot_log_times(std::string_view text,
                                                      const std::vector<jestats::StatsSnapshot>& snaps) {
  std::vector<std::optional<double>> out;
  size_t line_no = 0, pos = 0;
  std::optional<double> last;
  for (const jestats::StatsSnapshot& s : snaps) {
    size_t colon = s.source.rfind(':');
    size_t want = colon == std::string::npos ? 0 : std::strtoul(s.source.c_str() + colon + 1, nullptr, 10);
    // Lines are counted from 1; read up to and including the snapshot's first line.
    while (line_no < want && pos < text.size()) {
      size_t nl = text.find('\n', pos);
      std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
      if (std::optional<double> t = log_line_time(line)) last = t;
      pos = nl == std::string_view::npos ? text.size() : nl + 1;
      ++line_no;
    }
    out.push_back(last);
  }
  return out;
}

}  // namespace memprof::series
