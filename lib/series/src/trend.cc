#include "memprof/series/trend.h"

#include <algorithm>
#include <cmath>

namespace memprof::series {

namespace {

// Changes below half a unit round to zero in every report: not growth.
constexpr double kUnit = 0.5;

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

std::vector<Anomaly> find_anomalies(const Series& series, const TrendOptions& options) {
  std::vector<Anomaly> out;
  const std::vector<double>& total = series.totals;
  size_t n = total.size();
  if (n < 4) return out;  // too few steps to know what is usual
  std::vector<double> d(n - 1);
  for (size_t i = 1; i < n; ++i) d[i - 1] = total[i] - total[i - 1];
  double med = median(d);
  double mad_scale = 1.4826 * median_absolute_deviation(d);
  std::vector<double> abs_total(total.size());
  for (size_t i = 0; i < n; ++i) abs_total[i] = std::fabs(total[i]);
  // Many equal steps (MAD 0) must not make every small wobble infinite: the scale is at least
  // the step's sampling noise and 0.1% of the typical total.
  double relative_floor = std::max(1.0, 0.001 * median(abs_total));
  std::vector<char> is_return(n, 0);
  for (size_t i = 1; i < n; ++i) {
    double delta = d[i - 1];
    double noise =
        series.total_variance.empty() ? 0 : std::sqrt(series.total_variance[i] + series.total_variance[i - 1]);
    double scale = std::max({mad_scale, noise, relative_floor});
    double z = (delta - med) / scale;
    if (std::fabs(z) < options.anomaly_threshold || is_return[i]) continue;
    Anomaly a{.step = i, .delta = delta, .z = z};
    if (delta > 0) {
      a.kind = "step";
      for (size_t j = i + 1; j < n && j <= i + options.spike_window; ++j)
        if (total[j] - total[i - 1] < 0.5 * delta) {
          a.kind = "spike";
          for (size_t k = i + 1; k <= j; ++k) is_return[k] = 1;  // the way back is part of the spike
          break;
        }
    } else {
      a.kind = "drop";
    }
    for (const SiteSeries& s : series.sites) {
      double sd = s.values[i] - s.values[i - 1];
      if (sd * delta > 0 && std::fabs(sd) >= 0.1 * std::fabs(delta)) a.sites.push_back({s.name, sd});
    }
    std::ranges::sort(
        a.sites, [](const AnomalySite& x, const AnomalySite& y) { return std::fabs(x.delta) > std::fabs(y.delta); });
    if (a.sites.size() > 3) a.sites.resize(3);
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
