// Renders `memprof stats`: per snapshot a summary with derived ratios, the per-arena table, bins
// ranked by wasted bytes, large allocations and extents, tuning options and findings; and, for
// two inputs, what changed between them. Text, markdown or one JSON document.
//
//   std::vector<StatsEntry> entries = {{snap, analyze_snapshot(snap)}};
//   std::string text = render_stats(entries, std::nullopt, Format::text);
//   std::string json = render_stats(entries, Comparison{0, 1}, Format::json);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "memprof/jestats/analysis.h"
#include "memprof/jestats/snapshot.h"
#include "memprof/render/format.h"

namespace memprof::render {

struct StatsEntry {
  jestats::StatsSnapshot snapshot;
  jestats::StatsAnalysis analysis;
};

// Indices into the entries: `before` and `after` of `memprof stats A B`.
struct Comparison {
  size_t before = 0;
  size_t after = 0;
};

std::string render_stats(const std::vector<StatsEntry>& entries, const std::optional<Comparison>& compare,
                         Format format);

}  // namespace memprof::render
