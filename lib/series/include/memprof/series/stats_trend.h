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
#pragma once

#include <string>
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
  std::string version;               // jemalloc's, of the last snapshot
  std::vector<StatsRow> rows;        // the fixed rows first, then the wasting bins, largest first
};

struct StatsTrendOptions {
  double anomaly_threshold = 5;
  size_t spike_window = 3;
  size_t top_bins = 5;  // bins with the most wasted bytes (at their worst) shown as rows
};

// Rows the snapshots do not all carry (resident, retained, metadata before jemalloc 4) are left out.
StatsTrend analyze_stats_trend(const std::vector<jestats::StatsSnapshot>& snaps, const StatsTrendOptions& options);

}  // namespace memprof::series
