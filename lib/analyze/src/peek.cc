#include "memprof/analyze/peek.h"

#include <algorithm>
#include <map>

#include "memprof/analyze/filters.h"

namespace memprof::analyze {

namespace {

std::vector<PeekEdge> sorted_edges(const std::map<std::string, double>& edges) {
  std::vector<PeekEdge> out;
  for (const auto& [name, value] : edges) out.push_back({name, value});
  std::ranges::stable_sort(out, [](const PeekEdge& a, const PeekEdge& b) { return a.value > b.value; });
  return out;
}

}  // namespace

std::vector<PeekEntry> compute_peek(const FrameProfile& profile, const std::string& pattern, SampleType type) {
  std::vector<char> matches = match_frames(profile, pattern);
  struct Accum {
    double cum = 0, flat = 0;
    std::map<std::string, double> callers, callees;
  };
  std::map<std::string, Accum> by_name;
  std::vector<std::string_view> seen_names;
  for (const FrameSample& s : profile.samples) {
    double value = s.values[type];
    std::span<const FrameId> frames = profile.stacks.frames(s.stack);  // leaf first
    seen_names.clear();
    for (size_t i = 0; i < frames.size(); ++i) {
      if (!matches[frames[i].value()]) continue;
      std::string_view name = profile.name(frames[i]);
      // Under recursion a function counts once per stack, with the edges of its innermost
      // occurrence (closest to the allocation).
      if (std::ranges::find(seen_names, name) != seen_names.end()) continue;
      seen_names.push_back(name);
      Accum& a = by_name[std::string(name)];
      a.cum += value;
      if (i == 0) a.flat += value;
      std::string caller = i + 1 < frames.size() ? std::string(profile.name(frames[i + 1])) : "(root)";
      std::string callee = i == 0 ? "(self)" : std::string(profile.name(frames[i - 1]));
      a.callers[caller] += value;
      a.callees[callee] += value;
    }
  }
  std::vector<PeekEntry> entries;
  for (auto& [name, a] : by_name)
    entries.push_back({name, a.cum, a.flat, sorted_edges(a.callers), sorted_edges(a.callees)});
  std::ranges::stable_sort(entries, [](const PeekEntry& a, const PeekEntry& b) { return a.cum > b.cum; });
  return entries;
}

}  // namespace memprof::analyze
