// Parses the MAPPED_LIBRARIES section: Linux /proc/<pid>/maps lines, FreeBSD /proc/curproc/map
// lines and the "start-end: image" form (macOS, jemalloc 5.3.1+). Lines it cannot read are
// counted, not fatal: the section is a verbatim copy of what the OS printed.
#pragma once

#include <optional>
#include <string_view>

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

}  // namespace memprof::heapparse
