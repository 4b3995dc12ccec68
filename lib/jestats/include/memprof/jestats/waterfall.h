// From the heap profile to the process, one level at a time: profiled live bytes (unsampled
// estimate) -> the profiler's own cost (sampled small objects on 16 KiB extents, bookkeeping)
// -> allocated -> active -> resident -> RSS. Each step carries the bytes it adds (may
// be negative: a profile estimate can exceed `allocated`), its share of RSS and the likely
// cause, so the steps always add up to RSS. RSS comes from --rss or a smaps/smaps_rollup file.
//
//   uint64_t rss = read_smaps_rss("/proc/1234/smaps_rollup");
//   Waterfall w = build_waterfall(profiled_bytes, snapshot, rss, estimate_profiling_cost(profile,
//   geometry_of(snapshot))); for (const WaterfallStep& s : w.steps) ... s.level, s.delta, s.share_of_rss, s.cause
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "memprof/jestats/analysis.h"
#include "memprof/jestats/profiling_cost.h"
#include "memprof/jestats/snapshot.h"

namespace memprof::jestats {

struct WaterfallStep {
  std::string name;         // "profiled", "profiler", "allocated", "active", "resident", "rss"
  int64_t level = 0;        // bytes at this level
  int64_t delta = 0;        // level minus the previous level (the first step: its level)
  double share_of_rss = 0;  // delta / rss
  std::string cause;
};

struct Waterfall {
  uint64_t rss = 0;
  std::vector<WaterfallStep> steps;
  std::vector<Finding> findings;   // profiling_overhead when the profiler's cost is > 10% of allocated
  std::vector<std::string> notes;  // profiling state (off, inactive)
};

Waterfall build_waterfall(double profiled_bytes, const StatsSnapshot& snap, uint64_t rss,
                          const ProfilingCost& cost = {});

// Sums the "Rss:" lines (kB) of a /proc/PID/smaps or smaps_rollup file. Throws InputError when
// there are none.
uint64_t parse_smaps_rss(std::string_view text, const std::string& path);
uint64_t read_smaps_rss(const std::string& path);

}  // namespace memprof::jestats
