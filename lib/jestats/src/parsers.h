// The two forms malloc_stats_print writes, each parsed into the same StatsSnapshot model.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "memprof/jestats/json_reader.h"
#include "memprof/jestats/snapshot.h"
#include "memprof/profile/diagnostics.h"

namespace memprof::jestats {

StatsSnapshot snapshot_from_json(const JsonValue& doc, const std::string& path, Diagnostics& diag);
std::vector<StatsSnapshot> parse_text_blocks(std::string_view text, const std::string& path, Diagnostics& diag);

}  // namespace memprof::jestats
