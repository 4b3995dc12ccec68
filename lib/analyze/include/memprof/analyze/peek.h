// pprof's peek: for each function whose name matches a pattern, who calls it and what it calls,
// with the share of its cumulative value that flows through each edge. Answers "who calls this
// allocator-heavy function".
//
//   std::vector<PeekEntry> entries = compute_peek(profile, "Arena::Allocate", SampleType::inuse_space);
//   for (const PeekEntry& e : entries) { e.callers ...; e.callees ...; }   // "(self)" = flat
#pragma once

#include <string>
#include <vector>

#include "memprof/analyze/frame_profile.h"

namespace memprof::analyze {

struct PeekEdge {
  std::string name;
  double value = 0;
};

struct PeekEntry {
  std::string name;
  double cum = 0;
  double flat = 0;
  std::vector<PeekEdge> callers;  // sorted by value, descending; "(root)" when it is a root
  std::vector<PeekEdge> callees;  // sorted by value, descending; "(self)" for its own allocations
};

// Throws RegexError on a bad pattern. Entries sorted by cum, descending.
std::vector<PeekEntry> compute_peek(const FrameProfile& profile, const std::string& pattern, SampleType type);

}  // namespace memprof::analyze
