#include "memprof/profile/size_classes.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace memprof {

uint64_t size_class_of(uint64_t size) {
  if (size == 0) return 0;
  if (size <= 8) return 8;
  if (size <= 64) return (size + 15) / 16 * 16;
  if (size > (uint64_t{7} << 60)) return UINT64_MAX;  // past the largest class jemalloc has
  // Four classes per doubling: spacing is a quarter of the power of two at or above size... of
  // the group the size falls in, i.e. 2^(ceil(log2 size) - 3).
  unsigned lg_ceil = 64 - static_cast<unsigned>(std::countl_zero(size - 1));
  uint64_t delta = uint64_t{1} << (lg_ceil - 3);
  return (size + delta - 1) / delta * delta;
}

bool is_size_class(uint64_t size) { return size != 0 && size_class_of(size) == size; }

uint64_t previous_size_class(uint64_t size_class) {
  if (size_class <= 8) return 0;
  if (size_class <= 16) return 8;
  if (size_class <= 64) return size_class - 16;
  unsigned lg_ceil = 64 - static_cast<unsigned>(std::countl_zero(size_class - 1));
  // The class just below may sit in the group below (128 -> 112: spacing 16, not 32).
  uint64_t below = size_class - (uint64_t{1} << (lg_ceil - 3));
  return size_class_of(below) == below ? below : size_class - (uint64_t{1} << (lg_ceil - 4));
}

uint64_t nearest_size_class(double average, double tolerance) {
  if (!(average > 0) || average >= 8e18) return 0;
  uint64_t upper = size_class_of(static_cast<uint64_t>(std::ceil(average)));
  uint64_t lower = previous_size_class(upper);
  double du = static_cast<double>(upper) - average, dl = average - static_cast<double>(lower);
  uint64_t nearest = lower && dl < du ? lower : upper;
  double allowed = std::max(0.5, static_cast<double>(nearest) * tolerance);
  return std::fabs(average - static_cast<double>(nearest)) <= allowed ? nearest : 0;
}

SizeClassGeometry SizeClassGeometry::for_page(uint64_t page, bool cache_oblivious) {
  SizeClassGeometry g;
  g.page = page ? page : 4096;
  g.large_min = 4 * g.page;
  g.small_max = g.large_min - g.large_min / 8;
  g.large_pad = cache_oblivious ? g.page : 0;
  return g;
}

}  // namespace memprof
