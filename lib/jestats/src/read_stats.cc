#include "memprof/jestats/read_stats.h"

#include <fmt/format.h>

#include "memprof/heapparse/input.h"
#include "parsers.h"

namespace memprof::jestats {

namespace {

// JSON output starts with '{' (possibly after whitespace); anything else is searched for text
// blocks, which also covers logs that merely contain a block.
bool looks_like_json(std::string_view text) {
  size_t i = text.find_first_not_of(" \t\r\n");
  return i != std::string_view::npos && text[i] == '{';
}

}  // namespace

std::vector<StatsSnapshot> parse_stats(std::string_view text, const std::string& path, Diagnostics& diag) {
  std::vector<StatsSnapshot> snaps;
  if (looks_like_json(text)) {
    JsonReader reader(text, path);
    while (reader.more()) snaps.push_back(snapshot_from_json(reader.next(), path, diag));
  } else {
    snaps = parse_text_blocks(text, path, diag);
  }
  if (snaps.empty())
    throw InputError(
        fmt::format("{}: expected jemalloc statistics (JSON from malloc_stats_print(..., \"J\") or a "
                    "'___ Begin jemalloc statistics ___' block), got none",
                    path));
  return snaps;
}

std::vector<StatsSnapshot> read_stats(const std::string& path, Diagnostics& diag) {
  heapparse::InputBytes in = heapparse::read_input(path);
  return parse_stats(in.text(), heapparse::input_name(path), diag);
}

}  // namespace memprof::jestats
