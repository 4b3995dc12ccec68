#include "memprof/jestats/profiling_cost.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "memprof/profile/byte_size.h"

namespace memprof::jestats {

namespace {

double sample_probability(double size, double period) { return period > 0 ? 1.0 - std::exp(-size / period) : 1.0; }

std::optional<unsigned> parse_lg(const std::string* text) {
  if (!text || text->empty()) return std::nullopt;
  unsigned v = 0;
  for (char c : *text) {
    if (c < '0' || c > '9' || v > 63) return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  return v <= 63 ? std::optional<unsigned>(v) : std::nullopt;
}

}  // namespace

ProfilingCost estimate_profiling_cost(const Profile& profile, const SizeClassGeometry& geometry) {
  ProfilingCost c;
  c.geometry = geometry;
  c.sample_period = profile.sample_period;
  if (profile.sample_period == 0) {
    c.basis = "the dump is not sampled (gperftools): no promotion to estimate";
    return c;
  }
  if (profile.format != DumpFormat::heap_v2 && profile.format != DumpFormat::legacy_heap_v2) {
    c.basis = "the dump was not written by jemalloc: no promotion to estimate";
    return c;
  }
  if (profile.format == DumpFormat::legacy_heap_v2) {
    // jemalloc 3.x promoted sampled small objects (<= 3584 bytes) to one page, with no padding.
    c.geometry.small_max = 3584;
    c.geometry.large_min = c.geometry.page;
    c.geometry.large_pad = 0;
  }
  std::map<uint64_t, double> small;
  double period = static_cast<double>(profile.sample_period);
  double tolerance = profile.sample_period > 1 ? kSampledClassTolerance : kExactClassTolerance;
  for (const Sample& s : profile.samples) {
    double n = static_cast<double>(s.raw.cur_objects);
    double b = static_cast<double>(s.raw.cur_bytes);
    if (!(n > 0) || !(b > 0)) continue;
    double avg = b / n;
    uint64_t size = nearest_size_class(avg, tolerance);
    if (size > c.geometry.small_max || (size == 0 && avg > static_cast<double>(c.geometry.small_max))) continue;
    if (size != 0 && period > 1) {
      // jemalloc 5.3 writes n' = n * size / avg (the average inflated by its rounded counts, see
      // kSampledClassTolerance) and b' = n * (size / p(size)) * (1 - exp(-avg / R)): solve for n.
      double q = 1.0 - std::exp(-avg / period);
      if (q > 0) n = b * sample_probability(static_cast<double>(size), period) / (static_cast<double>(size) * q);
    }
    double usable = size ? static_cast<double>(size) : avg;
    c.sampled_small_objects += n;
    c.sampled_small_bytes += n * usable;
    c.promotion_bytes += n * std::max(0.0, static_cast<double>(c.geometry.large_min) - usable);
    c.pad_bytes += n * static_cast<double>(c.geometry.large_pad);
    small[size ? size : size_class_of(static_cast<uint64_t>(std::ceil(avg)))] += s.values[SampleType::inuse_objects];
  }
  c.small_objects.assign(small.begin(), small.end());
  double frames = 0;
  for (uint32_t i = 0; i < profile.stacks.size(); ++i)
    frames += static_cast<double>(profile.stacks.frames(StackId{i}).size());
  size_t stack_threads = profile.thread_samples.empty() ? profile.samples.size() : profile.thread_samples.size();
  c.bookkeeping_bytes = static_cast<double>(profile.stacks.size() * kGctxBytes) + frames * kBytesPerFrame +
                        static_cast<double>(stack_threads * kTctxBytes) +
                        static_cast<double>(std::max<size_t>(profile.threads.size(), 1) * kTdataBytes);
  c.basis = fmt::format("{:.0f} live sampled small objects x ({} - their size), {} stacks of bookkeeping",
                        c.sampled_small_objects, format_bytes(static_cast<double>(c.geometry.large_min)),
                        profile.stacks.size());
  return c;
}

SizeClassGeometry geometry_of(const StatsSnapshot& snap) {
  const std::string* co = snap.opt("cache_oblivious");
  return SizeClassGeometry::for_page(snap.page_size.value_or(4096), !co || *co != "false");
}

ProfilingState profiling_state(const StatsSnapshot& snap) {
  ProfilingState st;
  const std::string* prof = snap.opt("prof");
  if (!prof) return st;
  st.compiled_in = true;
  st.enabled = *prof == "true";
  const std::string* active = snap.runtime_value("prof.active");
  if (!active) active = snap.opt("prof_active");
  st.active = st.enabled && (!active || *active == "true");
  const std::string* lg = snap.runtime_value("prof.lg_sample");
  if (!lg || !st.enabled) lg = snap.opt("lg_prof_sample");
  st.lg_sample = parse_lg(lg);
  if (!st.enabled)
    st.note =
        "off (opt.prof: false): heap profiles cannot be turned on without restarting the process with "
        "MALLOC_CONF=prof:true";
  else if (!st.active)
    st.note =
        "enabled but not active (prof.active: false): nothing is sampled and no dumps are written until "
        "mallctl(\"prof.active\") is set to true";
  else
    st.note = st.lg_sample ? fmt::format("on, sampling every {} on average (lg_prof_sample {})",
                                         format_bytes(std::ldexp(1.0, static_cast<int>(*st.lg_sample))), *st.lg_sample)
                           : std::string("on");
  return st;
}

std::optional<ProfilingCost> estimate_profiling_cost(const StatsSnapshot& snap) {
  ProfilingState st = profiling_state(snap);
  if (!st.enabled || !st.lg_sample) return std::nullopt;
  ProfilingCost c;
  c.geometry = geometry_of(snap);
  c.sample_period = uint64_t{1} << *st.lg_sample;
  double period = static_cast<double>(c.sample_period);
  ArenaStats total = snap.total();
  double promoted_cap = 0;
  for (const LargeStats& l : total.large)
    if (l.size == c.geometry.large_min) promoted_cap = static_cast<double>(l.curlextents);
  std::vector<std::pair<uint64_t, double>> sampled;  // size -> estimated sampled live objects
  double sampled_total = 0;
  for (const BinStats& b : total.bins) {
    if (b.curregs == 0 || b.size > c.geometry.small_max) continue;
    double p = sample_probability(static_cast<double>(b.size), period);
    // Regions in bins are the objects that were not sampled: n (1 - p) of n.
    double n = p < 1 ? static_cast<double>(b.curregs) / (1 - p) : static_cast<double>(b.curregs);
    sampled.emplace_back(b.size, n * p);
    sampled_total += n * p;
    c.small_objects.emplace_back(b.size, n);
  }
  if (period <= 64) {
    // Every small allocation is sampled, so no bin says how many there are: all live extents of
    // the smallest large class are taken as promoted objects of negligible size (an upper bound).
    c.small_objects.clear();
    c.sampled_small_objects = promoted_cap;
    c.promotion_bytes = promoted_cap * static_cast<double>(c.geometry.large_min);
    c.pad_bytes = promoted_cap * static_cast<double>(c.geometry.large_pad);
    c.basis = fmt::format(
        "from statistics: at lg_prof_sample {} every small object is sampled; the {:.0f} live {} "
        "extents are taken as promoted small objects (an upper bound)",
        *st.lg_sample, promoted_cap, format_bytes(static_cast<double>(c.geometry.large_min)));
    return c;
  }
  // Sampled small objects live in extents of the smallest large class: never more than those.
  double scale = sampled_total > promoted_cap && sampled_total > 0 ? promoted_cap / sampled_total : 1.0;
  for (const auto& [size, n] : sampled) {
    double objects = n * scale;
    c.sampled_small_objects += objects;
    c.sampled_small_bytes += objects * static_cast<double>(size);
    c.promotion_bytes += objects * static_cast<double>(c.geometry.large_min - size);
    c.pad_bytes += objects * static_cast<double>(c.geometry.large_pad);
  }
  c.basis = fmt::format(
      "from statistics: ~{:.0f} sampled small objects expected at lg_prof_sample {} (bins' "
      "live regions / (1 - p)){}; bookkeeping not included",
      c.sampled_small_objects, *st.lg_sample,
      scale < 1 ? fmt::format(", capped by the {} live {} extents", promoted_cap,
                              format_bytes(static_cast<double>(c.geometry.large_min)))
                : std::string());
  return c;
}

double expected_promotion_bytes(const ProfilingCost& cost, unsigned lg_sample) {
  double period = std::ldexp(1.0, static_cast<int>(lg_sample));
  double total = 0;
  for (const auto& [size, n] : cost.small_objects)
    if (size <= cost.geometry.small_max)
      total += n * sample_probability(static_cast<double>(size), period) *
               static_cast<double>(cost.geometry.large_min - size);
  return total;
}

std::vector<std::pair<uint64_t, uint64_t>> live_size_counts(const StatsSnapshot& snap) {
  std::map<uint64_t, uint64_t> counts;
  ArenaStats total = snap.total();
  for (const BinStats& b : total.bins)
    if (b.curregs) counts[b.size] += b.curregs;
  for (const LargeStats& l : total.large)
    if (l.curlextents && l.size) counts[l.size] += l.curlextents;
  return {counts.begin(), counts.end()};
}

}  // namespace memprof::jestats
