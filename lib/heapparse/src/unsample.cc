#include "memprof/heapparse/unsample.h"

#include <cmath>

namespace memprof::heapparse {

namespace {

// Scales one (objects, bytes) pair in place. Records with no objects are left as they are
// (jeprof does the same), so a corrupt "0: 123" line cannot divide by zero; so are records with
// negative counts.
void unsample_pair(double& objects, double& bytes, uint64_t period) {
  // Negative counts (legacy writers print signed values) have no sampling interpretation.
  if (period == 0 || objects <= 0 || bytes < 0) return;
  double ratio = (bytes / objects) / static_cast<double>(period);
  double kept = -std::expm1(-ratio);  // 1 - exp(-ratio), precise for small ratios
  if (!(kept > 0)) return;
  objects /= kept;
  bytes /= kept;
}

}  // namespace

Values unsample(const RawCounts& raw, uint64_t sample_period) {
  Values v;
  double inuse_objects = static_cast<double>(raw.cur_objects);
  double inuse_bytes = static_cast<double>(raw.cur_bytes);
  double alloc_objects = static_cast<double>(raw.accum_objects);
  double alloc_bytes = static_cast<double>(raw.accum_bytes);
  unsample_pair(inuse_objects, inuse_bytes, sample_period);
  unsample_pair(alloc_objects, alloc_bytes, sample_period);
  v[SampleType::inuse_objects] = inuse_objects;
  v[SampleType::inuse_space] = inuse_bytes;
  v[SampleType::alloc_objects] = alloc_objects;
  v[SampleType::alloc_space] = alloc_bytes;
  return v;
}

}  // namespace memprof::heapparse
