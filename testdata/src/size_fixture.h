// What size_fixture allocates: the truth `memprof hist` is checked against. Each site is one
// function allocating `count` objects of `request` bytes (jemalloc rounds to `size_class`) from
// one call stack; the mixed site alternates two sizes from one stack, so its record's average
// (288 bytes) is no size class.
#pragma once

#include <cstddef>

namespace size_fixture {

struct SiteTruth {
  const char* function;  // as memprof names it
  size_t request;
  size_t size_class;
  size_t count;
};

inline constexpr SiteTruth kSites[] = {
    {"size_fixture::alloc_tiny_strings", 40, 48, 20000},      {"size_fixture::alloc_nodes", 100, 112, 10000},
    {"size_fixture::alloc_pages", 1000, 1024, 2000},          {"size_fixture::alloc_small_max", 14000, 14336, 300},
    {"size_fixture::alloc_large_buffers", 20000, 20480, 200}, {"size_fixture::alloc_huge_tables", 100000, 114688, 20},
};

// The mixed site: kMixedPairs objects of each size, alternating, from one stack.
inline constexpr const char* kMixedFunction = "size_fixture::alloc_mixed";
inline constexpr size_t kMixedPairs = 1000, kMixedSmall = 64, kMixedLarge = 512;
inline constexpr size_t kMixedAverage = (kMixedSmall + kMixedLarge) / 2;  // 288: between 256 and 320
inline constexpr size_t kMixedBucket = 320;

}  // namespace size_fixture
