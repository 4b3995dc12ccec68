// What a snapshot means: derived ratios, the size classes that fragment, the tuning options that
// matter and findings (rules with documented thresholds, each naming the knob to try). The
// thresholds below are the ones man/memprof-stats.1 documents; change both together.
//
//   StatsAnalysis a = analyze_snapshot(snaps[0]);
//   double frag = a.fragmentation;          // (active - allocated) / active
//   for (const Finding& f : a.findings) ... f.rule, f.value, f.advice
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "memprof/jestats/profiling_cost.h"
#include "memprof/jestats/snapshot.h"

namespace memprof::jestats {

inline constexpr uint64_t kMiB = 1024 * 1024;
// fragmentation: (active - allocated) / active above this, and at least kMinFragBytes.
inline constexpr double kFragThreshold = 0.20;
inline constexpr uint64_t kMinFragBytes = 4 * kMiB;
// dirty_pages / muzzy_pages: unpurged bytes over resident above this, and at least kMinDecayBytes.
inline constexpr double kDirtyThreshold = 0.10;
inline constexpr double kMuzzyThreshold = 0.10;
inline constexpr uint64_t kMinDecayBytes = 4 * kMiB;
// metadata: metadata over resident above this, and at least kMinMetadataBytes (jemalloc's own
// base allocations are ~2.5 MiB even in an idle process).
inline constexpr double kMetadataThreshold = 0.10;
inline constexpr uint64_t kMinMetadataBytes = 16 * kMiB;
// tcache: thread-cache bytes over allocated above this, and at least kMinTcacheBytes.
inline constexpr double kTcacheThreshold = 0.05;
inline constexpr uint64_t kMinTcacheBytes = 4 * kMiB;
// arenas: more arenas in use than this many per assigned thread (idle arenas keep pages).
inline constexpr uint64_t kMinArenasForRule = 8;

struct ArenaRow {
  std::string name;
  std::optional<uint64_t> nthreads;
  uint64_t allocated = 0, active = 0, dirty = 0, muzzy = 0;
  std::optional<uint64_t> tcache;
};

struct LargeSummary {
  uint64_t live_extents = 0;
  uint64_t live_bytes = 0;
  std::vector<LargeStats> top;  // by live bytes, at most 10
};

struct ExtentSummary {
  uint64_t ndirty = 0, dirty_bytes = 0, nmuzzy = 0, muzzy_bytes = 0, nretained = 0, retained_bytes = 0;
};

struct Finding {
  std::string rule;       // stable id: fragmentation, dirty_pages, muzzy_pages, metadata, tcache, arenas
  double value = 0;       // the measured figure the threshold applies to
  std::string measured;   // the figure for humans, e.g. "31.2% of active (12.0 MiB)"
  std::string threshold;  // the rule, e.g. "> 20% and >= 4 MiB"
  std::string advice;     // the knob to try
};

struct StatsAnalysis {
  uint64_t allocated = 0, active = 0, mapped = 0;
  std::optional<uint64_t> metadata, metadata_thp, resident, retained;
  uint64_t page_size = 4096;
  double fragmentation = 0;  // (active - allocated) / active
  std::optional<double> resident_over_active;
  std::optional<double> metadata_share;  // metadata / resident
  uint64_t dirty_bytes = 0, muzzy_bytes = 0;
  std::optional<uint64_t> tcache_bytes;
  std::vector<ArenaRow> arenas;  // numbered arenas, when more than one
  std::vector<BinStats> bins;    // by wasted bytes, largest first
  uint64_t bins_wasted = 0;
  LargeSummary large;
  ExtentSummary extents;
  std::vector<std::pair<std::string, std::string>> tuning;  // opt.* that matter, in a fixed order
  std::vector<Finding> findings;
  ProfilingState profiling;                     // opt.prof / prof.active / lg_prof_sample
  std::optional<ProfilingCost> profiling_cost;  // when profiling is on
};

StatsAnalysis analyze_snapshot(const StatsSnapshot& snap);

// profiling_overhead (stats and explain): the estimated cost of profiling exceeds
// kProfOverheadThreshold of `allocated`; the advice names a larger lg_prof_sample and what it
// would save, predicted from the cost's live small objects.
std::optional<Finding> profiling_overhead_finding(const ProfilingCost& cost, uint64_t allocated);

}  // namespace memprof::jestats
