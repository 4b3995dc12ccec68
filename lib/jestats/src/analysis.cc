#include "memprof/jestats/analysis.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include <fmt/format.h>

#include "memprof/profile/byte_size.h"

namespace memprof::jestats {

namespace {

// Options that change how much memory jemalloc keeps, old and new names alike.
constexpr const char* kTuningOpts[] = {"narenas",
                                       "percpu_arena",
                                       "background_thread",
                                       "dirty_decay_ms",
                                       "muzzy_decay_ms",
                                       "decay_time",
                                       "lg_dirty_mult",
                                       "tcache",
                                       "tcache_max",
                                       "lg_tcache_max",
                                       "lg_extent_max_active_fit",
                                       "retain",
                                       "thp",
                                       "metadata_thp",
                                       "oversize_threshold",
                                       "hpa",
                                       "lg_chunk"};

double ratio(uint64_t a, uint64_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; }

void add_findings(const StatsSnapshot& snap, StatsAnalysis& a) {
  auto opt = [&](const char* name) {
    const std::string* v = snap.opt(name);
    return v ? *v : std::string("?");
  };
  uint64_t frag_bytes = a.active > a.allocated ? a.active - a.allocated : 0;
  if (a.fragmentation > kFragThreshold && frag_bytes >= kMinFragBytes) {
    std::string top;
    for (size_t i = 0; i < a.bins.size() && i < 3 && a.bins[i].wasted() > 0; ++i)
      top += fmt::format("{}{} B ({} free)", i ? ", " : "", a.bins[i].size,
                         format_bytes(static_cast<double>(a.bins[i].wasted())));
    a.findings.push_back(
        {"fragmentation", a.fragmentation,
         fmt::format("{:.1f}% of active is not allocated ({})", a.fragmentation * 100,
                     format_bytes(static_cast<double>(frag_bytes))),
         fmt::format("> {:.0f}% and >= {}", kFragThreshold * 100, format_bytes(kMinFragBytes)),
         top.empty()
             ? std::string("free space sits in partly used extents; try a lower opt.lg_extent_max_active_fit (now " +
                           opt("lg_extent_max_active_fit") + ")")
             : "partly used slabs in size classes " + top +
                   ": objects freed out of allocation order pin their slabs; give long-lived objects their own "
                   "arena (arenas.create + MALLOCX_ARENA) or free them in batches"});
  }
  double dirty_share = a.resident ? ratio(a.dirty_bytes, *a.resident) : 0.0;
  if (a.resident && dirty_share > kDirtyThreshold && a.dirty_bytes >= kMinDecayBytes) {
    // Programs (Redis among them) enable background threads at run time over opt:false.
    bool bg = opt("background_thread") == "true" || snap.background_threads.value_or(0) > 0;
    a.findings.push_back(
        {"dirty_pages", dirty_share,
         fmt::format("{} dirty ({:.1f}% of resident)", format_bytes(static_cast<double>(a.dirty_bytes)),
                     dirty_share * 100),
         fmt::format("> {:.0f}% of resident and >= {}", kDirtyThreshold * 100, format_bytes(kMinDecayBytes)),
         bg ? "lower dirty_decay_ms (now " + opt("dirty_decay_ms") + ") so unused pages are purged sooner"
            : std::string("background threads are off") +
                  ": purging only happens when the program calls into jemalloc; set "
                  "MALLOC_CONF=background_thread:true, or lower dirty_decay_ms (now " +
                  opt("dirty_decay_ms") + ")"});
  }
  double muzzy_share = a.resident ? ratio(a.muzzy_bytes, *a.resident) : 0.0;
  if (a.resident && muzzy_share > kMuzzyThreshold && a.muzzy_bytes >= kMinDecayBytes) {
    a.findings.push_back(
        {"muzzy_pages", muzzy_share,
         fmt::format("{} muzzy ({:.1f}% of resident)", format_bytes(static_cast<double>(a.muzzy_bytes)),
                     muzzy_share * 100),
         fmt::format("> {:.0f}% of resident and >= {}", kMuzzyThreshold * 100, format_bytes(kMinDecayBytes)),
         "muzzy pages (MADV_FREE) count as RSS until the kernel needs them; lower muzzy_decay_ms (now " +
             opt("muzzy_decay_ms") + "), 0 purges with MADV_DONTNEED at once"});
  }
  if (a.metadata && a.metadata_share && *a.metadata_share > kMetadataThreshold && *a.metadata >= kMinMetadataBytes) {
    a.findings.push_back(
        {"metadata", *a.metadata_share,
         fmt::format("{} metadata ({:.1f}% of resident)", format_bytes(static_cast<double>(*a.metadata)),
                     *a.metadata_share * 100),
         fmt::format("> {:.0f}% of resident and >= {}", kMetadataThreshold * 100, format_bytes(kMinMetadataBytes)),
         "each arena carries its own metadata; lower narenas (now " + opt("narenas") +
             "), and metadata_thp:auto (now " + opt("metadata_thp") + ") cuts its TLB cost"});
  }
  if (a.tcache_bytes) {
    double share = ratio(*a.tcache_bytes, a.allocated);
    if (share > kTcacheThreshold && *a.tcache_bytes >= kMinTcacheBytes)
      a.findings.push_back(
          {"tcache", share,
           fmt::format("{} in thread caches ({:.1f}% of allocated)", format_bytes(static_cast<double>(*a.tcache_bytes)),
                       share * 100),
           fmt::format("> {:.0f}% of allocated and >= {}", kTcacheThreshold * 100, format_bytes(kMinTcacheBytes)),
           "many threads each cache freed objects; lower tcache_max (now " + opt("tcache_max") +
               "), or call mallctl(\"thread.tcache.flush\") in threads that go idle"});
  }
  std::vector<const ArenaStats*> numbered = snap.numbered_arenas();
  uint64_t threads = 0;
  for (const ArenaStats* ar : numbered) threads += ar->nthreads.value_or(0);
  if (numbered.size() >= kMinArenasForRule && threads > 0 && numbered.size() > threads) {
    a.findings.push_back(
        {"arenas", static_cast<double>(numbered.size()),
         fmt::format("{} arenas in use for {} threads", numbered.size(), threads),
         fmt::format(">= {} arenas and more arenas than threads", kMinArenasForRule),
         "each arena keeps its own dirty pages and partly used slabs; lower narenas (now " + opt("narenas") + ")"});
  }
}

}  // namespace

StatsAnalysis analyze_snapshot(const StatsSnapshot& snap) {
  StatsAnalysis a;
  a.allocated = snap.allocated;
  a.active = snap.active;
  a.mapped = snap.mapped;
  a.metadata = snap.metadata;
  a.metadata_thp = snap.metadata_thp;
  a.resident = snap.resident;
  a.retained = snap.retained;
  a.page_size = snap.page_size.value_or(4096);
  a.fragmentation = a.active > a.allocated ? ratio(a.active - a.allocated, a.active) : 0.0;
  if (a.resident && a.active) a.resident_over_active = ratio(*a.resident, a.active);
  if (a.resident && a.metadata && *a.resident) a.metadata_share = ratio(*a.metadata, *a.resident);

  ArenaStats total = snap.total();
  a.dirty_bytes = total.pdirty.value_or(0) * a.page_size;
  a.muzzy_bytes = total.pmuzzy.value_or(0) * a.page_size;
  a.tcache_bytes = total.tcache_bytes;

  std::vector<const ArenaStats*> numbered = snap.numbered_arenas();
  if (numbered.size() > 1) {
    for (const ArenaStats* ar : numbered) {
      ArenaRow row;
      row.name = ar->name;
      row.nthreads = ar->nthreads;
      row.allocated = ar->small_allocated.value_or(0) + ar->large_allocated.value_or(0);
      row.active = ar->pactive.value_or(0) * a.page_size;
      row.dirty = ar->pdirty.value_or(0) * a.page_size;
      row.muzzy = ar->pmuzzy.value_or(0) * a.page_size;
      row.tcache = ar->tcache_bytes;
      a.arenas.push_back(row);
    }
  }

  a.bins = total.bins;
  std::stable_sort(a.bins.begin(), a.bins.end(),
                   [](const BinStats& x, const BinStats& y) { return x.wasted() > y.wasted(); });
  for (const BinStats& b : a.bins) a.bins_wasted += b.wasted();

  std::vector<LargeStats> large;
  for (const LargeStats& l : total.large) {
    a.large.live_extents += l.curlextents;
    a.large.live_bytes += l.curlextents * l.size;
    if (l.curlextents) large.push_back(l);
  }
  std::stable_sort(large.begin(), large.end(), [](const LargeStats& x, const LargeStats& y) {
    return x.curlextents * x.size > y.curlextents * y.size;
  });
  if (large.size() > 10) large.resize(10);
  a.large.top = std::move(large);

  for (const ExtentStats& e : total.extents) {
    a.extents.ndirty += e.ndirty;
    a.extents.dirty_bytes += e.dirty_bytes;
    a.extents.nmuzzy += e.nmuzzy;
    a.extents.muzzy_bytes += e.muzzy_bytes;
    a.extents.nretained += e.nretained;
    a.extents.retained_bytes += e.retained_bytes;
  }

  for (const char* name : kTuningOpts) {
    const std::string* v = snap.opt(name);
    if (!v) continue;
    if (std::string_view(name) == "background_thread" && *v == "false" && snap.background_threads.value_or(0) > 0)
      a.tuning.emplace_back(name, fmt::format("false (enabled at run time: {} threads)", *snap.background_threads));
    else a.tuning.emplace_back(name, *v);
  }
  add_findings(snap, a);
  a.profiling = profiling_state(snap);
  a.profiling_cost = estimate_profiling_cost(snap);
  if (a.profiling_cost)
    if (auto f = profiling_overhead_finding(*a.profiling_cost, a.allocated)) a.findings.push_back(std::move(*f));
  return a;
}

std::optional<Finding> profiling_overhead_finding(const ProfilingCost& cost, uint64_t allocated) {
  double overhead = cost.allocated_overhead();
  double share = ratio(static_cast<uint64_t>(std::max(0.0, overhead)), allocated);
  if (allocated == 0 || share <= kProfOverheadThreshold || cost.sample_period == 0) return std::nullopt;
  unsigned lg = static_cast<unsigned>(std::countr_zero(cost.sample_period));
  // The smallest period that brings the overhead under a tenth of the threshold, up to the default.
  unsigned target = lg < kDefaultLgProfSample ? kDefaultLgProfSample : lg + 2;
  // Without per-class counts, the cost scales with the period (p = s / R for s << R).
  auto predict = [&](unsigned t) {
    return cost.small_objects.empty()
               ? cost.promotion_bytes * std::ldexp(1.0, static_cast<int>(lg) - static_cast<int>(t))
               : expected_promotion_bytes(cost, t);
  };
  double at_target = predict(target);
  for (unsigned t = lg + 1; t < target; ++t) {
    double predicted = predict(t);
    if (predicted <= kProfOverheadThreshold / 10 * static_cast<double>(allocated)) {
      target = t;
      at_target = predicted;
      break;
    }
  }
  double saving = std::max(0.0, cost.promotion_bytes - at_target);
  return Finding{"profiling_overhead", share,
                 fmt::format("{:.1f}% of allocated ({}) is heap profiling's own cost at lg_prof_sample {}", share * 100,
                             format_bytes(overhead), lg),
                 fmt::format("> {:.0f}% of allocated", kProfOverheadThreshold * 100),
                 fmt::format("each sampled small object occupies a {} extent; raise lg_prof_sample to {} "
                             "(MALLOC_CONF=lg_prof_sample:{}, or mallctl(\"prof.reset\") with it): expected saving "
                             "about {} of allocated (jemalloc's default is {})",
                             format_bytes(static_cast<double>(cost.geometry.large_min)), target, target,
                             format_bytes(saving), kDefaultLgProfSample)};
}

}  // namespace memprof::jestats
