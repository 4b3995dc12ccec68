#include "memprof/series/stats_trend.h"

#include <algorithm>
#include <cmath>
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
                  const StatsTrendOptions& options) {
  StatsRow row{.name = std::move(name), .unit = std::move(unit), .values = std::move(values)};
  row.stats = trend_stats(row.values, {}, {}, false);
  std::vector<double> magnitude(row.values.size());
  for (size_t i = 0; i < row.values.size(); ++i) magnitude[i] = std::fabs(row.values[i]);
  double floor = row.unit == "ratio" ? 0.001 : std::max({1.0, 0.001 * median(magnitude), 0.001 * reference});
  row.anomalies = step_anomalies(row.values, {}, floor, options.anomaly_threshold, options.spike_window);
  return row;
}

}  // namespace

StatsTrend analyze_stats_trend(const std::vector<jestats::StatsSnapshot>& snaps, const StatsTrendOptions& options) {
  StatsTrend t;
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
    t.rows.push_back(make_row(name, "bytes", std::move(v), reference, options));
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
  t.rows.push_back(make_row("fragmentation", "ratio", std::move(frag), reference, options));
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
        make_row(fmt::format("bin {} wasted", size), "bytes", std::move(by_size[size]), reference, options));
  return t;
}

}  // namespace memprof::series
