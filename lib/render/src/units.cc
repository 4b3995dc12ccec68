#include "memprof/render/units.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

namespace memprof::render {

int64_t round_to_int(double value) {
  // llround outside the int64 range is undefined; reports print the nearest representable value.
  if (!(value < 9.2e18)) return value != value ? 0 : INT64_MAX;
  if (!(value > -9.2e18)) return INT64_MIN;
  return static_cast<int64_t>(std::llround(value));
}

std::string format_signed_bytes(double bytes) {
  std::string text = bytes > 0 ? "+" : "";
  text += format_bytes(bytes);
  return text;
}

std::string format_count(double count) { return fmt::format("{}", round_to_int(count)); }

std::string format_percent(double fraction) {
  if (!std::isfinite(fraction)) return "-";
  return fmt::format("{:.2f}%", fraction * 100);
}

std::optional<uint64_t> parse_size(std::string_view text) {
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  double number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc{} || !(number >= 0)) return std::nullopt;  // also NaN
  std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  if (unit.ends_with("iB")) unit.remove_suffix(2);
  else if (unit.ends_with("B") && unit.size() > 1) unit.remove_suffix(1);
  double factor = 1;
  if (unit.empty() || unit == "B") factor = 1;
  else if (unit == "K" || unit == "k") factor = 1024.0;
  else if (unit == "M" || unit == "m") factor = 1024.0 * 1024;
  else if (unit == "G" || unit == "g") factor = 1024.0 * 1024 * 1024;
  else if (unit == "T" || unit == "t") factor = 1024.0 * 1024 * 1024 * 1024;
  else return std::nullopt;
  double bytes = std::round(number * factor);
  if (!(bytes < 18446744073709551616.0)) return std::nullopt;  // 2^64; llround stops at 2^63
  return static_cast<uint64_t>(bytes);
}

}  // namespace memprof::render
