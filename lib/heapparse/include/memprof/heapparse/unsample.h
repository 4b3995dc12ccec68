// jemalloc's unsampling: each sampled record stands for more allocations than were recorded.
// For a record of `objs` objects and `bytes` bytes sampled every R bytes on average:
//   ratio = (bytes / objs) / R;  scale = 1 / (1 - exp(-ratio));  objs *= scale; bytes *= scale
// applied to the live and the cumulative pair separately, before any aggregation. jemalloc 5.3
// (prof_unbias) pre-distorts its counts so that this same formula is unbiased.
//
//   Values v = unsample(raw, 524288);   // period 0 = unsampled data, values equal raw counts
#pragma once

#include <cstdint>

#include "memprof/profile/values.h"

namespace memprof::heapparse {

Values unsample(const RawCounts& raw, uint64_t sample_period);

}  // namespace memprof::heapparse
