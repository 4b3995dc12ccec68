#include "memprof/analyze/dump_summary.h"

#include <algorithm>

namespace memprof::analyze {

namespace {

std::string guess_version(const Profile& p) {
  switch (p.format) {
    case DumpFormat::heap_v2: {
      bool mac_style = std::ranges::any_of(p.mappings, [&](const Mapping& m) {
        return m.offset == 0 && m.executable && p.str(m.path).ends_with(".dylib");
      });
      if (mac_style) return "jemalloc 5.3.1 or later (macOS)";
      return "jemalloc 4.0 or later";
    }
    case DumpFormat::legacy_heap_v2: return "jemalloc 3.x";
    case DumpFormat::legacy_heapprofile: return "gperftools (not sampled)";
    case DumpFormat::legacy_heapz_v2: return "Google heapz (sampled)";
    case DumpFormat::legacy_heap: return "Google heapz, old style (read unscaled, as pprof does)";
    case DumpFormat::legacy_growthz: return "gperftools heap growth stacks (not sampled)";
    case DumpFormat::legacy_fragmentationz: return "gperftools fragmentation profile (not sampled)";
  }
  return "unknown";
}

double median(std::vector<size_t>& values) {
  if (values.empty()) return 0;
  size_t mid = values.size() / 2;
  std::ranges::nth_element(values, values.begin() + static_cast<long>(mid));
  double upper = static_cast<double>(values[mid]);
  if (values.size() % 2) return upper;
  double lower = static_cast<double>(*std::max_element(values.begin(), values.begin() + static_cast<long>(mid)));
  return (lower + upper) / 2;
}

}  // namespace

DumpSummary summarize(const Profile& p) {
  DumpSummary s;
  s.format = std::string(dump_format_name(p.format));
  s.version_guess = guess_version(p);
  s.sample_period = p.sample_period;
  s.totals = p.total();
  s.raw_totals = p.raw_total();
  s.header_counts = p.header_counts;
  s.has_accum_data = p.has_accum_data();
  s.records = p.samples.size();
  s.stacks = p.stacks.size();
  s.unique_addresses = p.locations.size();

  std::vector<size_t> depths;
  depths.reserve(s.stacks);
  for (uint32_t i = 0; i < s.stacks; ++i) {
    size_t depth = p.stacks.frames(StackId{i}).size();
    depths.push_back(depth);
    s.max_depth = std::max(s.max_depth, depth);
    if (depth == 0) ++s.empty_stacks;
  }
  s.median_depth = median(depths);

  for (const Thread& t : p.threads) s.threads.push_back({t.id, t.name, {}, {}});
  for (const ThreadSample& ts : p.thread_samples) {
    s.threads[ts.thread.value()].totals += ts.values;
    s.threads[ts.thread.value()].raw_totals += ts.raw;
  }

  s.mappings = p.mappings.size();
  s.has_maps_section = p.has_maps_section;
  for (const Mapping& m : p.mappings) {
    std::string_view path = p.str(m.path);
    if (m.executable && !path.empty() && path.front() != '[')
      s.executable_mappings.push_back({m.start, m.limit, m.offset, std::string(path), m.deleted});
  }
  return s;
}

}  // namespace memprof::analyze
