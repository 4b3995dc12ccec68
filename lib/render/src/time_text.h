// Times and durations in the trend reports (dumps and allocator snapshots alike).
//
//   fmt::format("{} to {} UTC ({})", utc_time_text(first), utc_time_text(last), duration_text(hours));
#pragma once

#include <ctime>
#include <string>

#include <fmt/format.h>

namespace memprof::render {

// "2026-12-02 14:33:32" for seconds since the epoch; "?" when unknown (0 or less).
inline std::string utc_time_text(double seconds) {
  if (seconds <= 0) return "?";
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

inline std::string duration_text(double hours) {
  if (hours < 1.0 / 60) return fmt::format("{:.0f} s", hours * 3600);
  if (hours < 1) return fmt::format("{:.1f} min", hours * 60);
  if (hours < 48) return fmt::format("{:.1f} h", hours);
  return fmt::format("{:.1f} days", hours / 24);
}

}  // namespace memprof::render
