#include "memprof/analyze/size_hist.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <unordered_map>

#include "memprof/profile/size_classes.h"

namespace memprof::analyze {

namespace {

uint64_t ceil_size(double avg) {
  if (!(avg > 0)) return 0;
  if (avg >= 1.8e19) return UINT64_MAX;
  return static_cast<uint64_t>(std::ceil(avg));
}

SampleType objects_of(SizeValues v) {
  return v == SizeValues::live ? SampleType::inuse_objects : SampleType::alloc_objects;
}
SampleType bytes_of(SizeValues v) { return v == SizeValues::live ? SampleType::inuse_space : SampleType::alloc_space; }

uint64_t pow2_ceil(uint64_t size) {
  if (size <= 1) return 1;
  if (size > (uint64_t{1} << 63)) return UINT64_MAX;
  return std::bit_ceil(size);
}

}  // namespace

double class_tolerance_for(uint64_t sample_period) {
  return sample_period > 1 ? kSampledClassTolerance : kExactClassTolerance;
}

SizeBucket& SizeHistogramBuilder::bucket_for(uint64_t size) {
  uint64_t lo = 0, hi = 0;
  if (bucketing_ == Bucketing::size_class) {
    hi = size_class_of(size);
    lo = hi == UINT64_MAX ? (uint64_t{7} << 60) + 1 : previous_size_class(hi) + 1;
  } else {
    hi = pow2_ceil(size);
    lo = hi <= 1 ? 0 : (hi == UINT64_MAX ? (uint64_t{1} << 63) + 1 : hi / 2 + 1);
  }
  for (SizeBucket& b : buckets_)
    if (b.size_max == hi) return b;
  buckets_.push_back({lo, hi, 0, 0, 0, 0});
  return buckets_.back();
}

void SizeHistogramBuilder::add_record(double objects, double bytes) {
  if (!(objects > 0) || !(bytes > 0)) return;
  uint64_t exact = nearest_size_class(bytes / objects, tolerance_);
  SizeBucket& b = bucket_for(exact ? exact : ceil_size(bytes / objects));
  b.bytes += bytes;
  b.objects += objects;
  if (!exact) {
    b.mixed_bytes += bytes;
    b.mixed_objects += objects;
  }
}

void SizeHistogramBuilder::add_exact(uint64_t size, double count) {
  if (size == 0 || !(count > 0)) return;
  SizeBucket& b = bucket_for(size);
  b.bytes += static_cast<double>(size) * count;
  b.objects += count;
}

SizeHistogram SizeHistogramBuilder::finish(std::string source) const {
  SizeHistogram h;
  h.source = std::move(source);
  h.bucketing = bucketing_;
  h.buckets = buckets_;
  std::ranges::sort(h.buckets, {}, &SizeBucket::size_max);
  for (const SizeBucket& b : h.buckets) {
    h.total_bytes += b.bytes;
    h.total_objects += b.objects;
    h.mixed_bytes += b.mixed_bytes;
    h.mixed_objects += b.mixed_objects;
  }
  return h;
}

SizeHistogram size_histogram(const Profile& profile, Bucketing bucketing, SizeValues values) {
  SizeHistogramBuilder builder(bucketing, class_tolerance_for(profile.sample_period));
  for (const Sample& s : profile.samples) builder.add_record(s.values[objects_of(values)], s.values[bytes_of(values)]);
  return builder.finish(profile.path);
}

namespace {

std::string join_inputs(const std::vector<std::string>& inputs) {
  std::string out;
  for (const std::string& in : inputs) out += (out.empty() ? "" : " + ") + in;
  return out;
}

}  // namespace

SizeHistogram size_histogram(const FrameProfile& profile, Bucketing bucketing, SizeValues values) {
  SizeHistogramBuilder builder(bucketing, class_tolerance_for(profile.sample_period));
  for (const FrameSample& s : profile.samples)
    builder.add_record(s.values[objects_of(values)], s.values[bytes_of(values)]);
  return builder.finish(join_inputs(profile.inputs));
}

std::vector<SiteHistogram> site_histograms(const FrameProfile& profile, Bucketing bucketing, size_t max_sites,
                                           SizeValues values) {
  std::unordered_map<std::string, size_t> index;
  std::vector<std::pair<std::string, SizeHistogramBuilder>> sites;
  for (const FrameSample& s : profile.samples) {
    if (!(s.values[objects_of(values)] > 0)) continue;
    auto frames = profile.stacks.frames(s.stack);
    std::string site = frames.empty() ? std::string(kNoStackFrame) : std::string(profile.name(frames.front()));
    auto [it, inserted] = index.try_emplace(site, sites.size());
    if (inserted) sites.emplace_back(site, SizeHistogramBuilder(bucketing, class_tolerance_for(profile.sample_period)));
    sites[it->second].second.add_record(s.values[objects_of(values)], s.values[bytes_of(values)]);
  }
  std::vector<SiteHistogram> out;
  out.reserve(sites.size());
  for (auto& [name, builder] : sites) out.push_back({name, builder.finish(name)});
  std::ranges::stable_sort(out, [](const SiteHistogram& a, const SiteHistogram& b) {
    if (a.histogram.total_bytes != b.histogram.total_bytes) return a.histogram.total_bytes > b.histogram.total_bytes;
    return a.site < b.site;
  });
  if (max_sites && out.size() > max_sites) out.resize(max_sites);
  return out;
}

}  // namespace memprof::analyze
