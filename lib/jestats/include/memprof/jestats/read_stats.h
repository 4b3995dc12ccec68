// Reads malloc_stats_print output into snapshots. Accepts the JSON form (opts "J"; one or more
// documents back to back) and the text form between "___ Begin jemalloc statistics ___" and
// "--- End jemalloc statistics ---", anywhere in a file (Redis MEMORY MALLOC-STATS, RocksDB LOG,
// any log): each block is one snapshot, in file order. Input may be a file, "-", a pipe or gzip.
// Fields are recognised by name, so jemalloc 3.6 to 5.3 and dev all read; unknown fields are
// ignored. A block cut off before its End marker, or input with no statistics at all, throws
// InputError with PATH:LINE.
//
//   Diagnostics diag;
//   std::vector<StatsSnapshot> snaps = read_stats("LOG", diag);
//   std::vector<StatsSnapshot> same = parse_stats(text, "inline", diag);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "memprof/jestats/snapshot.h"
#include "memprof/profile/diagnostics.h"

namespace memprof::jestats {

std::vector<StatsSnapshot> parse_stats(std::string_view text, const std::string& path, Diagnostics& diag);
std::vector<StatsSnapshot> read_stats(const std::string& path, Diagnostics& diag);

}  // namespace memprof::jestats
