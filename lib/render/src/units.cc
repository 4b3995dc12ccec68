#include "memprof/render/units.h"

#include <algorithm>
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

namespace {

// A non-negative finite number at the start of `text`; `rest` gets what follows it.
std::optional<double> leading_number(std::string_view text, std::string_view& rest) {
  double number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc{} || !(number >= 0) || std::isinf(number)) return std::nullopt;
  rest = std::string_view(end, static_cast<size_t>(text.data() + text.size() - end));
  return number;
}

}  // namespace

std::vector<int64_t> round_preserving_sum(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return round_to_total(values, round_to_int(sum));
}

std::vector<int64_t> round_to_total(const std::vector<double>& values, int64_t total) {
  std::vector<int64_t> out(values.size());
  int64_t floors = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    out[i] = static_cast<int64_t>(std::floor(values[i]));
    floors += out[i];
  }
  int64_t missing = total - floors;
  std::vector<size_t> order(values.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  // Largest fractional part first; ties to the earlier row, so the result is deterministic.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return values[a] - std::floor(values[a]) > values[b] - std::floor(values[b]);
  });
  for (size_t k = 0; k < order.size() && missing > 0; ++k, --missing) ++out[order[k]];
  for (size_t k = order.size(); k > 0 && missing < 0; --k, ++missing) --out[order[k - 1]];
  return out;
}

std::optional<double> parse_percent(std::string_view text) {
  std::string_view rest;
  std::optional<double> number = leading_number(text, rest);
  if (!number || !(rest.empty() || rest == "%")) return std::nullopt;
  return number;
}

std::optional<std::chrono::duration<double>> parse_duration(std::string_view text) {
  std::string_view unit;
  std::optional<double> number = leading_number(text, unit);
  if (!number) return std::nullopt;
  double seconds = 0;
  if (unit.empty() || unit == "s") seconds = *number;
  else if (unit == "ms") seconds = *number / 1000;
  else if (unit == "m" || unit == "min") seconds = *number * 60;
  else if (unit == "h") seconds = *number * 3600;
  else return std::nullopt;
  return std::chrono::duration<double>(seconds);
}

}  // namespace memprof::render
