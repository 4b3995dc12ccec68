// Colours of flame graph frames. A frame's colour comes from a hash of its name, so the same
// function has the same colour in every graph of the same program; differential graphs colour
// by change instead.
//
//   std::optional<Palette> p = parse_palette("mem");
//   std::string fill = frame_color(*p, "operator new");           // "#00d87b"
//   std::string diff = diff_color(+4096, 8192, DiffKind::changed); // light red
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memprof::render {

enum class Palette : uint8_t { mem, hot, blue, aqua, green, yellow, orange, red, purple, io };

std::optional<Palette> parse_palette(std::string_view name);
std::vector<std::string_view> palette_names();
std::string frame_color(Palette palette, std::string_view name);

enum class DiffKind : uint8_t { changed, added, removed, below_floor };
// Red for growth, blue for shrinkage, saturation |delta| / max_change; distinct colours for frames
// only in NEW (added), only in BASE (removed) and changes below the noise floor.
std::string diff_color(double delta, double max_change, DiffKind kind);

inline constexpr std::string_view kAddedColor = "#b15dd6";
inline constexpr std::string_view kRemovedColor = "#3aa39a";
inline constexpr std::string_view kFloorColor = "#e4e4e4";

}  // namespace memprof::render
