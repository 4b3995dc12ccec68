// The allocator's state over time, from many malloc_stats_print snapshots (jestats reads them:
// several files, or one log holding many, as RocksDB's LOG or repeated `redis-cli MEMORY
// MALLOC-STATS` captures do): allocated, active, resident, mapped, retained, dirty, muzzy,
// metadata, fragmentation and the bins that waste most, each as a series with its trend and its
// anomalous steps (the same statistics as `memprof trend` on heap dumps).
//
//   std::vector<jestats::StatsSnapshot> snaps = jestats::read_stats("LOG", diag);
//   StatsTrend t = analyze_stats_trend(snaps, {});
//   for (const StatsRow& row : t.rows) ... row.name, row.values, row.stats.slope_per_step ...
//   for (const StepAnomaly& a : row.anomalies) ... a.step, a.kind, a.delta ...
//   std::optional<double> t = log_line_time("2026/11/27-20:25:01.300410 7f3a [db] ...");
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memprof/jestats/snapshot.h"
#include "memprof/series/trend.h"

namespace memprof::series {

struct StatsRow {
  std::string name;            // "allocated", ..., "fragmentation", "bin 4096 wasted"
  std::string unit;            // "bytes", or "ratio" (fragmentation: (active - allocated) / active)
  std::vector<double> values;  // one per snapshot
  TrendStats stats;
  std::vector<StepAnomaly> anomalies;
};

struct StatsTrend {
  std::vector<std::string> sources;  // where each snapshot starts, "PATH:LINE"
  // Per snapshot, seconds since the epoch; empty without times (rates are per snapshot then).
  std::vector<double> times;
  std::string time_source = "sequence";  // "log" (timestamped lines), "mtime" or "sequence"
  std::string version;                   // jemalloc's, of the last snapshot
  std::vector<StatsRow> rows;            // the fixed rows first, then the wasting bins, largest first
};

struct StatsTrendOptions {
  double anomaly_threshold = 5;
  size_t spike_window = 3;
  size_t top_bins = 5;  // bins with the most wasted bytes (at their worst) shown as rows
};

// Rows the snapshots do not all carry (resident, retained, metadata before jemalloc 4) are left out.
// `times` (one per snapshot, seconds, or empty) give slopes per hour; `time_source` names them.
StatsTrend analyze_stats_trend(const std::vector<jestats::StatsSnapshot>& snaps, const StatsTrendOptions& options,
                               std::vector<double> times = {}, std::string time_source = "sequence");

// The time (seconds since the epoch, UTC) of a log line that starts with one: RocksDB's
// "2026/11/27-20:25:01.300410", or ISO 8601 "2026-11-27T20:25:01" / "2026-11-27 20:25:01" with
// an optional fraction.
std::optional<double> log_line_time(std::string_view line);
// For each snapshot parsed from `text` (source "PATH:LINE", in file order): the time of the last
// timestamped line at or before its first line, as a log prints it just before the statistics.
std::vector<std::optional<double>> snapshot_log_times(std::string_view text,
                                                      const std::vector<jestats::StatsSnapshot>& snaps);

}  // namespace memprof::series
