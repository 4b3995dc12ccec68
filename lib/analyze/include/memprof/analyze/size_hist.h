// Live memory by allocation size. Each record (a stack's live objects and bytes) is placed by its
// average object size; dumps record jemalloc's usable sizes, so a record whose average is not a
// size class allocated several sizes and is counted as "mixed" in the bucket of its average.
// Buckets are jemalloc's size classes or powers of two.
//
//   SizeHistogram h = size_histogram(profile, Bucketing::size_class);
//   for (const SizeBucket& b : h.buckets) fmt::print("{}-{}: {} B\n", b.size_min, b.size_max, b.bytes);
//   std::vector<SiteHistogram> sites = site_histograms(frame_profile, Bucketing::pow2, 10);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "memprof/analyze/frame_profile.h"
#include "memprof/profile/profile.h"
#include "memprof/profile/size_classes.h"

namespace memprof::analyze {

enum class Bucketing : uint8_t { size_class, pow2 };

struct SizeBucket {
  uint64_t size_min = 0;  // inclusive, bytes
  uint64_t size_max = 0;  // inclusive: the size class itself, or the power of two
  double bytes = 0;
  double objects = 0;
  double mixed_bytes = 0;  // part of `bytes` from records whose average is not a size class
  double mixed_objects = 0;
};

struct SizeHistogram {
  std::string source;
  Bucketing bucketing = Bucketing::size_class;
  std::vector<SizeBucket> buckets;  // non-empty buckets, by size
  double total_bytes = 0;
  double total_objects = 0;
  double mixed_bytes = 0;
  double mixed_objects = 0;
};

// Accumulates records; `finish` sorts the buckets and fills the totals.
class SizeHistogramBuilder {
 public:
  // `class_tolerance`: how far an average may be off a size class and still count as that class
  // (kSampledClassTolerance for sampled dumps).
  explicit SizeHistogramBuilder(Bucketing bucketing, double class_tolerance = kExactClassTolerance)
      : bucketing_(bucketing), tolerance_(class_tolerance) {}
  // A record of `objects` objects holding `bytes` bytes (unsampled estimates are fine).
  void add_record(double objects, double bytes);
  // `count` objects of exactly `size` bytes (malloc_stats_print: never mixed).
  void add_exact(uint64_t size, double count);
  SizeHistogram finish(std::string source) const;
  void set_class_tolerance(double tolerance) { tolerance_ = tolerance; }

 private:
  SizeBucket& bucket_for(uint64_t size);
  Bucketing bucketing_;
  double tolerance_;
  std::vector<SizeBucket> buckets_;  // unsorted; few dozen at most
};

// The tolerance for a dump with this sample period (0 or 1: exact).
double class_tolerance_for(uint64_t sample_period);

// Which pair of values a histogram counts: live (inuse_*) or allocated since start (alloc_*).
enum class SizeValues : uint8_t { live, since_start };

// Every record of the dump.
SizeHistogram size_histogram(const Profile& profile, Bucketing bucketing, SizeValues values = SizeValues::live);
// Records of named stacks (after filters), for several dumps merged.
SizeHistogram size_histogram(const FrameProfile& profile, Bucketing bucketing, SizeValues values = SizeValues::live);

struct SiteHistogram {
  std::string site;  // the leaf frame: the allocation site
  SizeHistogram histogram;
};
// The `max_sites` sites holding the most live bytes (0: all), each with its size breakdown.
std::vector<SiteHistogram> site_histograms(const FrameProfile& profile, Bucketing bucketing, size_t max_sites,
                                           SizeValues values = SizeValues::live);

}  // namespace memprof::analyze
