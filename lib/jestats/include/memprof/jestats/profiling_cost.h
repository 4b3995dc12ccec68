// What jemalloc's heap profiling itself costs in memory, and the live sizes malloc_stats_print
// reports.
//
// jemalloc 5.x serves a sampled allocation whose size class is small (<= SC_SMALL_MAXCLASS,
// 14 KiB with 4 KiB pages) from an extent of the smallest large class (SC_LARGE_MINCLASS,
// 16 KiB) and then reports it with its small usable size (imalloc_sample/arena_prof_promote).
// `stats.allocated` counts 16 KiB for it, so each live sampled small object adds
// (16 KiB - usable size) to `allocated` and one page more to `active` (sz_large_pad with
// opt.cache_oblivious). The dump's raw (as sampled) counts are those objects: jemalloc 5.3's
// unbiasing (prof_do_unbias) writes, per record of one size, the number of samples it holds,
// except that it keeps each sample's count 1/p rounded to eighths (prof_shifted_unbiased_cnt),
// which for objects near the period shrinks the written count by up to 6%; the estimate solves
// for the true count from the record's size class. Bookkeeping (a
// prof_gctx_t with the backtrace per stack, a prof_tctx_t per stack and thread, per-thread
// tables) is estimated from struct sizes.
//
//   ProfilingCost c = estimate_profiling_cost(profile, SizeClassGeometry{});
//   c.allocated_overhead();   // what `allocated` holds because of profiling
//   ProfilingCost s = estimate_profiling_cost(snapshot);      // from statistics alone
//   std::vector<std::pair<uint64_t, uint64_t>> live = live_size_counts(snapshot);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "memprof/jestats/snapshot.h"
#include "memprof/profile/profile.h"
#include "memprof/profile/size_classes.h"

namespace memprof::jestats {

// Bookkeeping per unique stack (prof_gctx_t, 8 bytes per frame, and its hash-table cell), per
// stack and thread (prof_tctx_t with two prof_cnt_t, cell) and per thread (prof_tdata_t, its
// backtrace buffer and table). Sizes from jemalloc 5.3's structs rounded up to size classes.
inline constexpr uint64_t kGctxBytes = 160;
inline constexpr uint64_t kBytesPerFrame = 8;
inline constexpr uint64_t kTctxBytes = 256;
inline constexpr uint64_t kTdataBytes = 4096;
// The rule: estimated overhead above this share of `allocated`.
inline constexpr double kProfOverheadThreshold = 0.10;
inline constexpr unsigned kDefaultLgProfSample = 19;

struct ProfilingCost {
  SizeClassGeometry geometry;
  uint64_t sample_period = 0;        // bytes (2^lg_prof_sample)
  double sampled_small_objects = 0;  // live sampled objects of a small class
  double sampled_small_bytes = 0;    // their usable bytes
  double promotion_bytes = 0;        // sum of (large_min - usable): what `allocated` gains
  double pad_bytes = 0;              // one page per promoted object: what `active` gains on top
  double bookkeeping_bytes = 0;      // estimate
  std::string basis;                 // how it was estimated, for people
  // Live objects per small size class without profiling (unsampled), to predict the cost at
  // another period.
  std::vector<std::pair<uint64_t, double>> small_objects;

  double allocated_overhead() const { return promotion_bytes + bookkeeping_bytes; }
  double active_overhead() const { return promotion_bytes + pad_bytes + bookkeeping_bytes; }
};

// From a dump (needs its raw counts). Unsampled dumps (gperftools) cost nothing here.
ProfilingCost estimate_profiling_cost(const Profile& profile, const SizeClassGeometry& geometry);
// The geometry a snapshot reports (arenas.page, opt.cache_oblivious); defaults otherwise.
SizeClassGeometry geometry_of(const StatsSnapshot& snap);

// What profiling costs according to statistics alone, when opt.prof is on: each small class's
// live regions are what was not sampled, so the sampled count is curregs * p / (1 - p) with
// p = 1 - exp(-size / R), capped by the live extents of the smallest large class.
std::optional<ProfilingCost> estimate_profiling_cost(const StatsSnapshot& snap);

// The state of profiling a snapshot reports (opt.prof, opt.prof_active, lg_prof_sample).
struct ProfilingState {
  bool compiled_in = false;  // opt.prof printed at all
  bool enabled = false;      // opt.prof
  bool active = false;       // prof.active when printed, else opt.prof_active
  std::optional<unsigned> lg_sample;
  std::string note;  // one line for people; empty when not printed
};
ProfilingState profiling_state(const StatsSnapshot& snap);

// The promotion overhead expected at `lg_sample` for the same live objects: each object of
// size s is sampled with probability 1 - exp(-s / 2^lg_sample).
double expected_promotion_bytes(const ProfilingCost& cost, unsigned lg_sample);

// Live objects per size, exactly as malloc_stats_print reports them: bins (curregs x size) and
// large extents (curlextents x size), merged over arenas. Sorted by size.
std::vector<std::pair<uint64_t, uint64_t>> live_size_counts(const StatsSnapshot& snap);

}  // namespace memprof::jestats
