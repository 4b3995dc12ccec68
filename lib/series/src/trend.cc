#include "memprof/series/trend.h"

#include <algorithm>
#include <cmath>

namespace memprof::series {

namespace {

// Changes below half a unit round to zero in every report: not growth.
constexpr double kUnit = 0.5;
// Sites named per anomaly.
constexpr size_t kAnomalySites = 5;

}  // namespace

TrendStats trend_stats(const std::vector<double>& values, const std::vector<double>& variance,
                       const std::vector<double>& hours, bool with_times) {
  TrendStats s;
  size_t n = values.size();
  if (n == 0) return s;
  s.first = values.front();
  s.last = values.back();
  auto [lo, hi] = std::ranges::minmax_element(values);
  s.min = *lo;
  s.max = *hi;
  s.noise = variance.empty() ? 0 : std::sqrt(std::max(0.0, variance.front() + variance.back()));
  if (n < 2) return s;
  std::vector<double> index(n);
  for (size_t i = 0; i < n; ++i) index[i] = static_cast<double>(i);
  s.slope_per_step = theil_sen_slope(index, values);
  if (with_times) s.slope_per_hour = theil_sen_slope(hours, values);
  s.mk = mann_kendall(values);
  size_t grew = 0;
  for (size_t i = 1; i < n; ++i)
    if (values[i] - values[i - 1] >= kUnit) ++grew;
  s.grew_fraction = static_cast<double>(grew) / static_cast<double>(n - 1);
  return s;
}

namespace {

// Robust z-scores of the step changes of `values` (element i - 1 is step i); the scale is at
// least `floor` and the step's sampling noise.
std::vector<double> step_z_scores(const std::vector<double>& values, const std::vector<double>& variance,
                                  double floor) {
  size_t n = values.size();
  std::vector<double> d(n - 1);
  for (size_t i = 1; i < n; ++i) d[i - 1] = values[i] - values[i - 1];
  double med = median(d);
  double mad_scale = 1.4826 * median_absolute_deviation(d);
  std::vector<double> z(n - 1);
  for (size_t i = 1; i < n; ++i) {
    double noise = variance.empty() ? 0 : std::sqrt(std::max(0.0, variance[i] + variance[i - 1]));
    z[i - 1] = (d[i - 1] - med) / std::max({mad_scale, noise, floor});
  }
  return z;
}

// The anomalous steps of one series: a rise that falls back by half within `window` steps is a
// spike (and its way back is part of it, not a drop of its own), one that stays is a step, a
// fall is a drop. Returns (step, kind) pairs.
std::vector<std::pair<size_t, const char*>> anomalous_steps(const std::vector<double>& values,
                                                            const std::vector<double>& z, double threshold,
                                                            size_t window) {
  std::vector<std::pair<size_t, const char*>> out;
  size_t n = values.size();
  std::vector<char> is_return(n, 0);
  for (size_t i = 1; i < n; ++i) {
    if (std::fabs(z[i - 1]) < threshold || is_return[i]) continue;
    double delta = values[i] - values[i - 1];
    const char* kind = delta > 0 ? "step" : "drop";
    if (delta > 0)
      for (size_t j = i + 1; j < n && j <= i + window; ++j)
        if (values[j] - values[i - 1] < 0.5 * delta) {
          kind = "spike";
          for (size_t k = i + 1; k <= j; ++k) is_return[k] = 1;
          break;
        }
    out.emplace_back(i, kind);
  }
  return out;
}

}  // namespace

std::vector<StepAnomaly> step_anomalies(const std::vector<double>& values, const std::vector<double>& variance,
                                        double floor, double threshold, size_t window) {
  std::vector<StepAnomaly> out;
  if (values.size() < 4) return out;
  std::vector<double> z = step_z_scores(values, variance, floor);
  for (auto [i, kind] : anomalous_steps(values, z, threshold, window))
    out.push_back({.step = i, .kind = kind, .delta = values[i] - values[i - 1], .z = z[i - 1]});
  return out;
}

namespace {

std::vector<Anomaly> find_anomalies(const Series& series, const TrendOptions& options) {
  std::vector<Anomaly> out;
  const std::vector<double>& total = series.totals;
  size_t n = total.size();
  if (n < 4) return out;  // too few steps to know what is usual
  std::vector<double> abs_total(n);
  for (size_t i = 0; i < n; ++i) abs_total[i] = std::fabs(total[i]);
  // Many equal steps (MAD 0) must not make every small wobble infinite: the scale is at least
  // the step's sampling noise and 0.1% of the typical total, for the total and for each site
  // (so a site's jump must also matter to the heap, not only to the site).
  double floor = std::max(1.0, 0.001 * median(abs_total));
  std::vector<double> total_z = step_z_scores(total, series.total_variance, floor);
  std::vector<char> found(n, 0);
  std::vector<Anomaly> by_step(n);
  for (auto [i, kind] : anomalous_steps(total, total_z, options.anomaly_threshold, options.spike_window)) {
    Anomaly& a = by_step[i];
    a = {.step = i, .kind = kind, .delta = total[i] - total[i - 1], .z = total_z[i - 1], .scope = "total"};
    found[i] = 1;
    // The sites that made it: moved the same way by at least a tenth of it.
    for (const SiteSeries& s : series.sites) {
      double sd = s.values[i] - s.values[i - 1];
      if (sd * a.delta > 0 && std::fabs(sd) >= 0.1 * std::fabs(a.delta)) a.sites.push_back({s.name, sd});
    }
  }
  // Each site's own unusual steps: memory moving from one site to another leaves the total
  // alone, and a small site's jump hides in a large total's noise.
  for (const SiteSeries& s : series.sites) {
    if (std::ranges::all_of(s.values, [](double v) { return std::fabs(v) < 0.5; })) continue;
    std::vector<double> z = step_z_scores(s.values, s.variance, floor);
    for (auto [i, kind] : anomalous_steps(s.values, z, options.anomaly_threshold, options.spike_window)) {
      Anomaly& a = by_step[i];
      if (!found[i]) {
        a = {.step = i, .delta = total[i] - total[i - 1], .z = total_z[i - 1], .scope = "site"};
        found[i] = 1;
      }
      double sd = s.values[i] - s.values[i - 1];
      auto it = std::ranges::find(a.sites, s.name, &AnomalySite::name);
      if (it == a.sites.end()) it = a.sites.insert(a.sites.end(), AnomalySite{s.name, sd});
      it->z = z[i - 1];
      it->kind = kind;
      // A step found on sites alone is named after its most unusual site.
      if (a.scope == "site" && (a.kind.empty() || std::fabs(it->z) > std::fabs(a.site_z))) {
        a.kind = kind;
        a.site_z = it->z;
      }
    }
  }
  for (size_t i = 1; i < n; ++i) {
    if (!found[i]) continue;
    Anomaly& a = by_step[i];
    // Unusual sites first, then by size of their change; the few that explain it.
    std::ranges::stable_sort(a.sites, [](const AnomalySite& x, const AnomalySite& y) {
      if (x.kind.empty() != y.kind.empty()) return !x.kind.empty();
      return std::fabs(x.delta) > std::fabs(y.delta);
    });
    if (a.sites.size() > kAnomalySites) a.sites.resize(kAnomalySites);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

TrendReport analyze_trend(const Series& series, TimeSource source, const TrendOptions& options) {
  TrendReport r;
  r.time_source = source;
  r.alpha = options.alpha;
  r.limit = options.limit;
  bool with_times = source != TimeSource::sequence;
  size_t n = series.dumps.size();
  std::vector<double> hours(n);
  for (size_t i = 0; i < n; ++i) hours[i] = (series.dumps[i].time - series.dumps.front().time) / 3600.0;
  if (with_times && n) r.hours = hours.back();
  r.total = trend_stats(series.totals, series.total_variance, hours, with_times);

  r.min_slope_per_hour = options.min_slope_per_hour && with_times;
  r.min_slope = options.min_slope.value_or(0.001 * std::fabs(r.total.last));
  for (const SiteSeries& s : series.sites) {
    if (std::ranges::all_of(s.values, [](double v) { return std::fabs(v) < kUnit; })) continue;
    TrendRow row{.name = s.name, .site = &s, .stats = trend_stats(s.values, s.variance, hours, with_times)};
    const TrendStats& st = row.stats;
    double slope = r.min_slope_per_hour ? st.slope_per_hour.value_or(0) : st.slope_per_step;
    // Growth within the sampling noise is not a leak: the fitted rise over the series must
    // exceed two standard errors of the difference between the first and the last point.
    double rise = st.slope_per_step * static_cast<double>(n > 1 ? n - 1 : 0);
    row.leak = n >= 3 && st.mk.p_up < options.alpha && slope > r.min_slope && slope > 0 && rise > 2 * st.noise;
    r.rows.push_back(std::move(row));
  }
  std::ranges::sort(r.rows, [&](const TrendRow& a, const TrendRow& b) {
    if (a.leak != b.leak) return a.leak;
    if (a.leak && a.stats.slope_per_step != b.stats.slope_per_step)
      return a.stats.slope_per_step > b.stats.slope_per_step;
    if (a.stats.last != b.stats.last) return a.stats.last > b.stats.last;
    return a.name < b.name;
  });
  r.anomalies = find_anomalies(series, options);

  if (options.limit) {
    auto item = [&](std::string name, double slope, double remaining) {
      ForecastItem f{.name = std::move(name), .slope = slope};
      if (remaining <= 0) f.eta = 0;
      else if (slope > 0) f.eta = remaining / slope;
      r.forecast.push_back(std::move(f));
    };
    double remaining = *options.limit - r.total.last;
    item("total", with_times ? r.total.slope_per_hour.value_or(0) : r.total.slope_per_step, remaining);
    for (const TrendRow& row : r.rows)
      if (row.leak)
        item(row.name, with_times ? row.stats.slope_per_hour.value_or(0) : row.stats.slope_per_step, remaining);
  }
  return r;
}

}  // namespace memprof::series
