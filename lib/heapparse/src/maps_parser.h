// Parses the MAPPED_LIBRARIES section: Linux /proc/<pid>/maps lines, FreeBSD /proc/curproc/map
// lines, the "start-end: image" form (macOS, jemalloc 5.3.1+, Google's "--- Memory map: ---")
// and pprof's brief form "start-end [perms] path [(@offset)] [build-id]". Lines it cannot read
// are counted, not fatal: the section is a verbatim copy of what the OS printed.
//
//   MapsAttributes attributes;   // "source=/home" lines, then "$source/bin" in later lines
//   std::string scratch;
//   std::optional<MapsLine> m = parse_maps_line(attributes.substitute(trim(line), scratch));
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "memprof/profile/profile.h"

namespace memprof::heapparse {

struct MapsLine {
  uint64_t start = 0;
  uint64_t limit = 0;
  uint64_t offset = 0;
  std::string_view path;
  bool executable = false;
  bool deleted = false;
};

std::optional<MapsLine> parse_maps_line(std::string_view line);

// The profile's mapping for a line, its path interned in `strings`.
inline Mapping to_mapping(const MapsLine& line, StringTable& strings) {
  return {.start = line.start,
          .limit = line.limit,
          .offset = line.offset,
          .path = strings.intern(line.path),
          .executable = line.executable,
          .deleted = line.deleted};
}

// pprof's "name=value" lines in a memory map: later lines have "$name" replaced by the value.
class MapsAttributes {
 public:
  // Records `line` if it is "name=value"; returns whether it was.
  bool add(std::string_view line);
  // `line` with every "$name" replaced (into `scratch`), or `line` itself when nothing applies.
  std::string_view substitute(std::string_view line, std::string& scratch) const;

 private:
  std::vector<std::pair<std::string, std::string>> values_;  // ("$name", value), in order
};

}  // namespace memprof::heapparse
