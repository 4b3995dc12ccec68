// What a series says: the total's growth, per-site slopes and trend tests, leak suspects,
// anomalous steps and a forecast against a memory limit.
//
//   TrendOptions options{.alpha = 0.01};
//   TrendReport r = analyze_trend(series, options);
//   for (const TrendRow& row : r.rows) if (row.leak) ... row.name, row.slope_per_step ...
//   for (const Anomaly& a : r.anomalies) ... a.step, a.kind, a.sites ...
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "memprof/series/series.h"
#include "memprof/series/statistics.h"

namespace memprof::series {

struct TrendOptions {
  double alpha = 0.01;  // Mann–Kendall significance for a leak suspect
  // Smallest slope of a leak suspect, per hour (with times) or per step; default 0.1% of the
  // final total per step.
  std::optional<double> min_slope;
  bool min_slope_per_hour = false;
  double anomaly_threshold = 5;  // robust z-score of a step change
  size_t spike_window = 3;       // a jump that returns within this many steps is a spike
  std::optional<double> limit;   // --limit: forecast when the total reaches it
};

struct TrendStats {
  double first = 0, last = 0, min = 0, max = 0;
  double slope_per_step = 0;
  std::optional<double> slope_per_hour;  // with times
  MannKendall mk;
  double grew_fraction = 0;  // share of steps in which the value grew
  double noise = 0;          // sampling standard error of last - first (0 when not sampled)
};

struct TrendRow {
  std::string name;
  const SiteSeries* site = nullptr;
  TrendStats stats;
  bool leak = false;
};

struct AnomalySite {
  std::string name;
  double delta = 0;  // the site's change at the step
  double z = 0;      // robust z-score of that change among the site's own steps (when `kind` is set)
  std::string kind;  // "spike", "step" or "drop" when the site's own change is anomalous, else ""
};

// A step whose change of the total (scope "total") or of one or more sites (scope "site": the
// total did not move unusually, e.g. memory went from one site to another) is far outside the
// usual step changes.
struct Anomaly {
  size_t step = 0;    // the change from dump step-1 to dump step
  std::string kind;   // "spike", "step" or "drop": of the total, or of the most unusual site
  double delta = 0;   // the total's change
  double z = 0;       // the total's robust z-score
  std::string scope;  // "total" or "site"
  double site_z = 0;  // scope "site": the most unusual site's z
  // The sites whose own change is anomalous, then those that made a total anomaly (moved the
  // same way by at least a tenth of it), largest change first; at most five.
  std::vector<AnomalySite> sites;
};

struct ForecastItem {
  std::string name;           // "total" or a leak suspect
  double slope = 0;           // per hour with times, else per step
  std::optional<double> eta;  // hours (with times) or steps until the limit; none when not growing
};

struct TrendReport {
  TimeSource time_source = TimeSource::sequence;
  double hours = 0;  // span of the series with times
  TrendStats total;
  double min_slope = 0;  // per step or per hour, as min_slope_per_hour says
  bool min_slope_per_hour = false;
  double alpha = 0.01;
  std::vector<TrendRow> rows;  // leak suspects first (by slope), then by last value
  std::vector<Anomaly> anomalies;
  std::optional<double> limit;
  std::vector<ForecastItem> forecast;
};

// An unusual step of one series.
struct StepAnomaly {
  size_t step = 0;
  std::string kind;  // "spike", "step" or "drop"
  double delta = 0;
  double z = 0;
};
// The steps of `values` whose change has a robust z-score, (change - median change) /
// max(1.4826 MAD, floor, the step's sampling noise from `variance` (may be empty)), of at least
// `threshold`. A rise that falls back by half within `window` steps is a spike (its way back is
// part of it), one that stays is a step, a fall is a drop. None below four values.
std::vector<StepAnomaly> step_anomalies(const std::vector<double>& values, const std::vector<double>& variance,
                                        double floor, double threshold, size_t window);

TrendStats trend_stats(const std::vector<double>& values, const std::vector<double>& variance,
                       const std::vector<double>& times, bool with_times);
TrendReport analyze_trend(const Series& series, TimeSource source, const TrendOptions& options);

}  // namespace memprof::series
