// The allocator state that jemalloc's malloc_stats_print reports, independent of the form (JSON
// or text) and of the version that wrote it. Fields a version does not print stay std::nullopt;
// a reader never invents them.
//
//   std::vector<StatsSnapshot> snaps = read_stats("redis-malloc-stats.txt");
//   const StatsSnapshot& s = snaps.front();
//   uint64_t wasted = s.bins_total()[0].wasted();   // bytes of free regions in live slabs
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace memprof::jestats {

// One small size class ("bin"): its geometry and how full its slabs are.
struct BinStats {
  uint64_t size = 0;                      // region size in bytes
  uint64_t nregs = 0;                     // regions per slab
  uint64_t slab_size = 0;                 // bytes per slab (0 when the input does not say)
  uint64_t curregs = 0;                   // regions in use (including those held in thread caches)
  uint64_t curslabs = 0;                  // slabs in use
  std::optional<uint64_t> nonfull_slabs;  // jemalloc 5.2+
  uint64_t nmalloc = 0;
  uint64_t ndalloc = 0;

  // Free regions in slabs that are in use: memory that is active but not allocated.
  uint64_t wasted() const {
    uint64_t capacity = nregs * curslabs;
    return capacity > curregs ? (capacity - curregs) * size : 0;
  }
  double util() const {
    uint64_t capacity = nregs * curslabs;
    return capacity ? static_cast<double>(curregs) / static_cast<double>(capacity) : 0.0;
  }
};

struct LargeStats {
  uint64_t size = 0;
  uint64_t curlextents = 0;
  uint64_t nmalloc = 0;
  uint64_t ndalloc = 0;
};

// Free extents of one size held by an arena, by state (jemalloc 5.2+).
struct ExtentStats {
  uint64_t size = 0;
  uint64_t ndirty = 0, dirty_bytes = 0;
  uint64_t nmuzzy = 0, muzzy_bytes = 0;
  uint64_t nretained = 0, retained_bytes = 0;
};

struct ArenaStats {
  std::string name;  // "merged", "destroyed" or the arena index
  std::optional<uint64_t> nthreads;
  std::optional<uint64_t> pactive, pdirty, pmuzzy;  // pages
  std::optional<uint64_t> mapped, retained, base, internal, metadata_thp, resident;
  std::optional<uint64_t> tcache_bytes;
  std::optional<uint64_t> small_allocated, large_allocated;
  std::optional<int64_t> dirty_decay_ms, muzzy_decay_ms;
  std::vector<BinStats> bins;     // only size classes with nmalloc > 0 in text input
  std::vector<LargeStats> large;  // only size classes ever used
  std::vector<ExtentStats> extents;
};

struct StatsSnapshot {
  std::string source;  // "PATH:LINE" where the snapshot starts
  std::string format;  // "json" or "text"
  std::string version;
  // Global counters (bytes). allocated/active/mapped are printed by every version.
  uint64_t allocated = 0, active = 0, mapped = 0;
  std::optional<uint64_t> metadata, metadata_thp, metadata_edata, metadata_rtree;
  std::optional<uint64_t> resident, retained, pinned;
  std::optional<uint64_t> page_size, narenas;
  std::optional<uint64_t> background_threads;
  // opt.* settings as printed (strings without quotes), in input order.
  std::vector<std::pair<std::string, std::string>> opts;
  // Run-time settings printed next to their opt.* (prof.active, prof.lg_sample, ...): they can
  // differ from the start-up options.
  std::vector<std::pair<std::string, std::string>> runtime;
  // Per-arena sections as printed; the merged view (when printed) has name "merged".
  std::vector<ArenaStats> arenas;

  const std::string* opt(std::string_view name) const;
  const std::string* runtime_value(std::string_view name) const;
  // The arena view that covers the whole process: "merged" when printed, else the sum of the
  // numbered arenas (a single arena is printed without a merged section).
  ArenaStats total() const;
  // Numbered arenas only (no "merged"/"destroyed").
  std::vector<const ArenaStats*> numbered_arenas() const;
};

}  // namespace memprof::jestats
