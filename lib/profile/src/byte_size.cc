#include "memprof/profile/byte_size.h"

#include <array>
#include <cmath>

#include <fmt/format.h>

namespace memprof {

std::string format_bytes(double bytes) {
  constexpr std::array<const char*, 6> kUnits = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double magnitude = std::fabs(bytes);
  size_t unit = 0;
  while (magnitude >= 1024 && unit + 1 < kUnits.size()) {
    magnitude /= 1024;
    ++unit;
  }
  const char* sign = bytes < 0 ? "-" : "";
  if (unit == 0) return fmt::format("{}{} B", sign, std::llround(magnitude));
  return fmt::format("{}{:.1f} {}", sign, magnitude, kUnits[unit]);
}

}  // namespace memprof
