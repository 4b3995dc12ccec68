// Orders the dumps of a series in time (by heapparse::order_series: jemalloc's (pid, seq) when
// every name carries them, else as given) and gives each a time.
//
//   std::vector<SeriesDump> dumps = order_dumps(paths);
//   TimeSource source = assign_times(dumps);   // mtime when usable, else sequence
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memprof::series {

struct SeriesDump {
  std::string path;
  std::optional<uint64_t> pid;
  std::optional<uint64_t> seq;
  double mtime = 0;  // seconds since the epoch, 0 when unknown (stdin)
  double time = 0;   // seconds since the epoch by the chosen time source; the step index otherwise
};

enum class TimeSource : uint8_t { manifest, mtime, sequence };
std::string_view time_source_name(TimeSource source);

// Reads names and modification times and orders. Keeps the given order when `keep_order`;
// `reordered` tells whether the order differs from the one given.
std::vector<SeriesDump> order_dumps(const std::vector<std::string>& paths, bool keep_order = false,
                                    bool* reordered = nullptr);

// Sets every dump's `time`: from the manifest.jsonl that `memprof record` writes next to its
// dumps when it names every one of them; else file modification times when they increase along the series and
// span at least a second (copies made with plain `cp` all carry about the same time), else the
// step index.
TimeSource assign_times(std::vector<SeriesDump>& dumps);

}  // namespace memprof::series
