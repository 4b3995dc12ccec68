// Address -> LocationId, the parser's hottest lookup (one per stack frame in the dump): the one
// IdMap with a direct-mapped cache of recent hits in front, which keeps the frames that recur in
// most stacks (main, the allocator, the event loop) in L1: on the 30 MB clang dump most lookups
// hit it. 2048 slots of 16 bytes (32 KiB) fit in L1 next to the input stream.
#pragma once

#include <cstdint>
#include <functional>

#include "memprof/profile/id_map.h"

namespace memprof::heapparse {

using AddressIndex = IdMap<uint64_t, std::hash<uint64_t>, 2048>;

}  // namespace memprof::heapparse
