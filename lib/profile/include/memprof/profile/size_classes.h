// jemalloc's size classes (the usable sizes it hands out) for the default geometry: 16-byte
// quantum, 8-byte tiny class, four classes per doubling above 64 bytes. Dumps and
// malloc_stats_print speak in these sizes, so a record's average object size is a class exactly
// unless its stack allocated several sizes.
//
//   size_class_of(100)          -> 112
//   is_size_class(48)           -> true
//   SizeClassGeometry g = SizeClassGeometry::for_page(4096);   // small up to 14 KiB, large from 16 KiB
#pragma once

#include <cstdint>

namespace memprof {

// The smallest class that holds `size` bytes (0 for 0). Saturates at the largest uint64 class.
uint64_t size_class_of(uint64_t size);
bool is_size_class(uint64_t size);
// The class below `size_class` (0 for the smallest); `size_class` must be a class.
uint64_t previous_size_class(uint64_t size_class);

// The class nearest to an average object size when it lies within `tolerance` (relative, at
// least half a byte) of it, else 0. Classes above 64 bytes are at least 14% apart.
uint64_t nearest_size_class(double average, double tolerance);

// How far a record's average can be off its size class in a sampled jemalloc 5.3 dump:
// prof_unbias keeps each sample's count 1/p in eighths (SC_LG_TINY_MIN), so the average the
// written counts give is off by up to 1/16 when p is near 1 (objects near the sample period).
inline constexpr double kSampledClassTolerance = 0.065;
// Unsampled or every allocation sampled (lg_prof_sample:0): averages are exact.
inline constexpr double kExactClassTolerance = 0.001;

// Where jemalloc 5.x puts the small/large boundary for a page size (SC_SMALL_MAXCLASS,
// SC_LARGE_MINCLASS = 4 pages) and the extra page a large extent carries with
// opt.cache_oblivious (sz_large_pad).
struct SizeClassGeometry {
  uint64_t page = 4096;
  uint64_t small_max = 14336;
  uint64_t large_min = 16384;
  uint64_t large_pad = 4096;

  static SizeClassGeometry for_page(uint64_t page, bool cache_oblivious = true);
};

}  // namespace memprof
