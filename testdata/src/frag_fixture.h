// What frag_fixture allocates; tests include this to check memprof stats/explain against it.
//   kFragObjects x kFragSize, every other one freed: the size class that fragments
//   kProfiledObjects x kProfiledSize: allocated with profiling on, so in the heap dump
// kFragSize is a jemalloc size class (640: 32 regions per 20 KiB slab) and kFragObjects a
// multiple of its regions per slab, so the slabs are exactly full before the frees.
#pragma once

#include <cstddef>

namespace fixture {

constexpr size_t kFragObjects = 32768, kFragSize = 640;
constexpr size_t kProfiledObjects = 64, kProfiledSize = 65536;

}  // namespace fixture
