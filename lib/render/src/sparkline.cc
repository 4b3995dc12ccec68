#include "memprof/render/sparkline.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace memprof::render {

std::string sparkline(const std::vector<double>& values) {
  static constexpr std::array<const char*, 8> kBlocks = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  if (values.empty()) return {};
  auto [lo, hi] = std::ranges::minmax(values);
  std::string out;
  for (double v : values) {
    size_t level = 0;
    if (hi > lo) level = static_cast<size_t>(std::lround((v - lo) / (hi - lo) * (kBlocks.size() - 1)));
    out += kBlocks[std::min(level, kBlocks.size() - 1)];
  }
  return out;
}

}  // namespace memprof::render
