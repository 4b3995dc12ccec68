// The facts `memprof info` reports about one parsed dump: totals before and after unsampling,
// stack and address counts, stack depths, threads and mappings.
//
//   DumpSummary s = summarize(profile);
//   fmt::print("{} stacks, max depth {}\n", s.stacks, s.max_depth);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "memprof/profile/profile.h"

namespace memprof::analyze {

struct ThreadSummary {
  uint64_t id = 0;
  std::string name;
  Values totals;  // unsampled, summed over the thread's stacks
  RawCounts raw_totals;
};

struct MappingSummary {
  uint64_t start = 0;
  uint64_t limit = 0;
  uint64_t offset = 0;
  std::string path;
  bool deleted = false;
};

struct DumpSummary {
  std::string format;
  std::string version_guess;
  uint64_t sample_period = 0;
  Values totals;
  RawCounts raw_totals;
  RawCounts header_counts;
  bool has_accum_data = false;
  size_t records = 0;
  size_t stacks = 0;  // unique
  size_t unique_addresses = 0;
  size_t max_depth = 0;
  double median_depth = 0;
  size_t empty_stacks = 0;  // bare "@" records: the unwinder failed
  std::vector<ThreadSummary> threads;
  size_t mappings = 0;
  bool has_maps_section = false;
  std::vector<MappingSummary> executable_mappings;  // file-backed, executable
};

DumpSummary summarize(const Profile& profile);

}  // namespace memprof::analyze
