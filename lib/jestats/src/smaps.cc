#include <charconv>

#include <fmt/format.h>

#include "memprof/heapparse/input.h"
#include "memprof/jestats/waterfall.h"
#include "memprof/profile/diagnostics.h"
#include "memprof/profile/text_cursor.h"

namespace memprof::jestats {

uint64_t parse_smaps_rss(std::string_view text, const std::string& path) {
  uint64_t total_kb = 0;
  bool found = false;
  TextCursor cursor(text, path);
  while (!cursor.at_end()) {
    std::string_view line = cursor.next_line();
    if (!line.starts_with("Rss:")) continue;
    std::string_view rest = line.substr(4);
    size_t start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) start = rest.size();
    rest.remove_prefix(start);
    uint64_t kb = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), kb);
    std::string_view unit(end, static_cast<size_t>(rest.data() + rest.size() - end));
    if (ec != std::errc{} || unit != " kB") cursor.fail(rest.data(), "'Rss: N kB'", rest);
    total_kb += kb;
    found = true;
  }
  if (!found)
    throw InputError(
        fmt::format("{}: expected 'Rss: N kB' lines (a /proc/PID/smaps or smaps_rollup file), got none", path));
  return total_kb * 1024;
}

uint64_t read_smaps_rss(const std::string& path) {
  heapparse::InputBytes in = heapparse::read_input(path);
  return parse_smaps_rss(in.text(), heapparse::input_name(path));
}

}  // namespace memprof::jestats
