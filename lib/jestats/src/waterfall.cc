#include <fmt/format.h>

#include "memprof/jestats/analysis.h"
#include "memprof/jestats/waterfall.h"
#include "memprof/profile/byte_size.h"

namespace memprof::jestats {

Waterfall build_waterfall(double profiled_bytes, const StatsSnapshot& snap, uint64_t rss, const ProfilingCost& cost) {
  StatsAnalysis a = analyze_snapshot(snap);
  Waterfall w;
  w.rss = rss;
  auto step = [&](std::string name, int64_t level, std::string cause) {
    int64_t prev = w.steps.empty() ? 0 : w.steps.back().level;
    WaterfallStep s{std::move(name), level, level - prev, 0.0, std::move(cause)};
    s.share_of_rss = rss ? static_cast<double>(s.delta) / static_cast<double>(rss) : 0.0;
    w.steps.push_back(std::move(s));
  };
  int64_t profiled = static_cast<int64_t>(std::llround(profiled_bytes));
  int64_t overhead = static_cast<int64_t>(std::llround(cost.allocated_overhead()));
  int64_t allocated = static_cast<int64_t>(a.allocated);
  int64_t active = static_cast<int64_t>(a.active);
  // Old versions do not print resident; the step then shows nothing rather than a guess.
  int64_t resident = static_cast<int64_t>(a.resident.value_or(a.active));

  step("profiled", profiled, "live allocations in the heap profile, unsampled (an estimate)");
  step("profiler", profiled + overhead,
       cost.sampled_small_objects > 0
           ? fmt::format(
                 "profiling overhead: sampled objects are served from {} extents ({:.0f} live sampled small objects "
                 "x ({} - their size) = {}), plus about {} of profiler bookkeeping (an estimate)",
                 format_bytes(static_cast<double>(cost.geometry.large_min)), cost.sampled_small_objects,
                 format_bytes(static_cast<double>(cost.geometry.large_min)), format_bytes(cost.promotion_bytes),
                 format_bytes(cost.bookkeeping_bytes))
           : fmt::format(
                 "profiling overhead: no live sampled small objects; about {} of profiler bookkeeping (an estimate)",
                 format_bytes(cost.bookkeeping_bytes)));
  int64_t gap = allocated - profiled - overhead;
  step("allocated", allocated,
       gap >= 0
           ? "not in the profile: sampling error, allocations made before profiling was active or while "
             "prof_active was off"
           : "the profile estimate and profiler cost exceed what is allocated: sampling error (lower lg_prof_sample "
             "for a tighter estimate)");
  if (auto f = profiling_overhead_finding(cost, a.allocated)) w.findings.push_back(std::move(*f));
  if (a.profiling.compiled_in && !(a.profiling.enabled && a.profiling.active))
    w.notes.push_back("profiling " + a.profiling.note);
  std::string frag = "free regions inside pages in use (fragmentation)";
  if (!a.bins.empty() && a.bins.front().wasted() > 0)
    frag += fmt::format("; {} of it in partly used slabs, most in the {}-byte class ({})",
                        format_bytes(static_cast<double>(a.bins_wasted)), a.bins.front().size,
                        format_bytes(static_cast<double>(a.bins.front().wasted())));
  step("active", active, frag);
  std::string res =
      fmt::format("pages jemalloc holds but no allocation uses: {} dirty, {} muzzy",
                  format_bytes(static_cast<double>(a.dirty_bytes)), format_bytes(static_cast<double>(a.muzzy_bytes)));
  if (a.metadata) res += fmt::format(", {} metadata", format_bytes(static_cast<double>(*a.metadata)));
  if (!a.resident) res = "no 'resident' figure in these statistics (jemalloc < 4.0)";
  step("resident", resident, res);
  step("rss", static_cast<int64_t>(rss),
       static_cast<int64_t>(rss) >= resident
           ? "memory jemalloc does not manage: code and data of the binary and libraries, thread stacks, other "
             "allocators, direct mmap"
           : "RSS is below jemalloc's resident, which is an upper bound: pages allocated but never written are "
             "not in RSS, nor are swapped-out pages (or the RSS was taken at another moment)");
  return w;
}

}  // namespace memprof::jestats
