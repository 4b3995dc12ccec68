// Renders `memprof info`: one block per dump as text, or one JSON document for all of them.
//
//   std::vector<InfoEntry> entries = {{"app.heap", summarize(profile), profile.name}};
//   std::string text = render_info_text(entries);
//   std::string json = render_info_json(entries);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "memprof/analyze/dump_summary.h"
#include "memprof/jestats/profiling_cost.h"
#include "memprof/symbolize/symbolize.h"

namespace memprof::render {

struct InfoEntry {
  std::string path;
  analyze::DumpSummary summary;
  std::optional<DumpName> name;
  std::optional<symbolize::SymbolizeReport> symbols;     // with --symbols
  std::optional<jestats::ProfilingCost> profiling_cost;  // what profiling itself holds (estimate)
};

std::string render_info_text(const std::vector<InfoEntry>& entries);
std::string render_info_json(const std::vector<InfoEntry>& entries);

}  // namespace memprof::render
