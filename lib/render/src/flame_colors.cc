#include "memprof/render/flame_colors.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

namespace memprof::render {

namespace {

constexpr std::array<std::pair<std::string_view, Palette>, 10> kPalettes = {{{"mem", Palette::mem},
                                                                             {"hot", Palette::hot},
                                                                             {"blue", Palette::blue},
                                                                             {"aqua", Palette::aqua},
                                                                             {"green", Palette::green},
                                                                             {"yellow", Palette::yellow},
                                                                             {"orange", Palette::orange},
                                                                             {"red", Palette::red},
                                                                             {"purple", Palette::purple},
                                                                             {"io", Palette::io}}};

// FNV-1a: stable across platforms and runs, unlike std::hash.
uint64_t fnv1a(std::string_view text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string hex(int r, int g, int b) {
  auto clamp = [](int x) { return std::clamp(x, 0, 255); };
  return fmt::format("#{:02x}{:02x}{:02x}", clamp(r), clamp(g), clamp(b));
}

}  // namespace

std::optional<Palette> parse_palette(std::string_view name) {
  for (const auto& [n, p] : kPalettes)
    if (n == name) return p;
  return std::nullopt;
}

std::vector<std::string_view> palette_names() {
  std::vector<std::string_view> names;
  for (const auto& [n, p] : kPalettes) names.push_back(n);
  return names;
}

std::string frame_color(Palette palette, std::string_view name) {
  uint64_t h = fnv1a(name);
  // Two independent variations from one hash, like flamegraph.pl's v1/v2.
  double v1 = static_cast<double>(h & 0xffff) / 65535.0;
  double v2 = static_cast<double>((h >> 16) & 0xffff) / 65535.0;
  auto i = [](double x) { return static_cast<int>(std::lround(x)); };
  switch (palette) {
    case Palette::mem: return hex(0, i(190 + 50 * v2), i(210 * v1));
    case Palette::hot: return hex(i(205 + 50 * v1), i(230 * v2), i(55 * v2));
    case Palette::blue: return hex(i(80 + 60 * v1), i(80 + 60 * v1), i(190 + 55 * v2));
    case Palette::aqua: return hex(i(50 + 60 * v1), i(165 + 55 * v1), i(165 + 55 * v2));
    case Palette::green: return hex(i(50 + 60 * v1), i(200 + 55 * v2), i(50 + 60 * v1));
    case Palette::yellow: return hex(i(175 + 55 * v1), i(175 + 55 * v1), i(50 + 20 * v2));
    case Palette::orange: return hex(i(190 + 65 * v1), i(90 + 65 * v2), 0);
    case Palette::red: return hex(i(200 + 55 * v1), i(50 + 80 * v2), i(50 + 80 * v2));
    case Palette::purple: return hex(i(190 + 65 * v1), i(80 + 60 * v2), i(190 + 65 * v1));
    case Palette::io: return hex(i(80 + 60 * v1), i(80 + 60 * v1), i(190 + 55 * v2));
  }
  return hex(200, 200, 200);
}

std::string diff_color(double delta, double max_change, DiffKind kind) {
  switch (kind) {
    case DiffKind::added: return std::string(kAddedColor);
    case DiffKind::removed: return std::string(kRemovedColor);
    case DiffKind::below_floor: return std::string(kFloorColor);
    case DiffKind::changed: break;
  }
  double s = max_change > 0 ? std::min(1.0, std::abs(delta) / max_change) : 0.0;
  int pale = static_cast<int>(std::lround(235 * (1 - s)));
  if (delta > 0) return hex(255, pale, pale);
  if (delta < 0) return hex(pale, pale, 255);
  return std::string(kFloorColor);
}

}  // namespace memprof::render
