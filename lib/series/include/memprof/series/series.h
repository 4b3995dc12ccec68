// The series engine: many dumps of a process read as one time series. Dumps are read a few at a
// time and reduced at once to (stack, value) records over a series-wide table of unique stacks;
// a stack line seen in an earlier dump with the same code mappings is only hashed, not parsed
// again (heapparse/dump_scan.h), so the cost grows with the bytes read plus the unique lines;
// the addresses of all dumps are symbolized together at the end, so each module is opened and
// indexed once and each unique (module, file offset) is looked up once, however many dumps hold
// it. What stays in memory is the unique stacks, those records and the sites x dumps matrix, not
// the profiles.
//
//   SeriesOptions options{.type = SampleType::inuse_space};
//   Series s = load_series(order_dumps(paths), options, diag);
//   for (const SiteSeries& site : s.sites) ... site.name, site.values[dump] ...
//   analyze::FrameProfile all = std::move(s.merged);  // with options.merged: every dump summed
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "memprof/analyze/filters.h"
#include "memprof/analyze/frame_profile.h"
#include "memprof/analyze/suppressions.h"
#include "memprof/profile/diagnostics.h"
#include "memprof/series/dump_order.h"
#include "memprof/symbolize/symbolize.h"

namespace memprof::series {

struct SeriesOptions {
  SampleType type = SampleType::inuse_space;
  analyze::FrameOptions frames;  // granularity, full names, one thread
  analyze::FilterOptions filters;
  symbolize::SymbolizeOptions symbols;
  bool merged = false;  // also sum every dump into Series::merged (top and flame over many dumps)
  bool sites = true;    // the sites x dumps matrix (trend, diff)
  // Stacks with a frame whose name matches a rule leave the sites (not the merged profile).
  analyze::Suppressions suppressions;
  unsigned parse_threads = 0;  // dumps parsed at once; 0: up to 2 (hardware permitting)
  // Hash the stack lines of plain dumps and parse each line once (heapparse/dump_scan.h); false
  // parses every dump in full, as the tests do to check that both read the same.
  bool scan_dumps = true;
};

// Which of the set filter patterns matched at least one frame (one that is not set counts as
// matched): a filter that matches nothing selects nothing, and the caller should say so.
struct FilterMatches {
  bool focus = true;
  bool ignore = true;
  bool hide = true;
  bool show_from = true;
};

// One row: an allocation site (the leaf frame of its stacks at the chosen granularity).
struct SiteSeries {
  std::string name;
  std::vector<double> values;    // of the chosen sample type, one per dump
  std::vector<double> bytes;     // space of the same family (inuse or alloc), one per dump
  std::vector<double> objects;   // objects of the same family, one per dump
  std::vector<double> variance;  // sampling variance of `values` (Poisson on the raw counts)
};

struct Series {
  std::vector<SeriesDump> dumps;
  SampleType type = SampleType::inuse_space;
  uint64_t sample_period = 0;  // of the last dump; 1 when every allocation was recorded
  bool sampled = false;        // any dump sampled with a period above one byte
  bool has_accum_data = false;
  std::vector<double> totals;  // per dump: the sum over sites (after filters)
  std::vector<double> total_bytes, total_objects, total_variance;
  std::vector<SiteSeries> sites;  // in order of first appearance
  analyze::FrameProfile merged;   // SeriesOptions::merged only

  // What the caller needs to warn about names and filters (the library only reports): what the
  // symbolizer found per module, the bytes allocated (leaf frame) in each module in the last dump
  // (of the sample type's family: live bytes, or the cumulative ones for the alloc types),
  // the dumps without a maps section, and which filter patterns matched at least one frame.
  symbolize::SymbolizeReport symbols;
  std::map<std::string, double, std::less<>> last_dump_module_bytes;
  double last_dump_bytes = 0;
  std::vector<std::string> dumps_without_maps;
  FilterMatches filter_matches;

  // What the engine did, for --verbose style notes and the benchmarks.
  size_t unique_stacks = 0;
  size_t unique_addresses = 0;
  size_t modules = 0;
};

// Throws InputError on a bad dump (naming the file) or when a --thread matches no dump.
Series load_series(std::vector<SeriesDump> dumps, const SeriesOptions& options, Diagnostics& diag);

}  // namespace memprof::series
