// Human-readable sizes and counts, binary units (KiB, MiB, GiB), and parsing of sizes users type.
//
//   format_bytes(1536)            -> "1.5 KiB"
//   format_bytes(-2097152)        -> "-2.0 MiB"
//   format_signed_bytes(1536)     -> "+1.5 KiB"
//   format_count(12345.6)         -> "12346"
//   parse_size("10MiB"), parse_size("10M"), parse_size("1048576") -> 10485760 / 1048576
//   format_percent(0.1234)        -> "12.34%"
//   parse_percent("25%"), parse_percent("25") -> 25.0
//   parse_duration("1.5s"), parse_duration("1500ms") -> 1.5 s; parse_duration("2m") -> 120 s
// The parsers return nullopt on anything else (negative numbers, unknown units, trailing text):
// the caller names the option in its error.
#pragma once

#include <chrono>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "memprof/profile/byte_size.h"

namespace memprof::render {

using memprof::format_bytes;  // shared with lib/jestats: memprof/profile/byte_size.h
// "+1.5 KiB", "-2.0 MiB", "0 B": for changes.
std::string format_signed_bytes(double bytes);
std::string format_count(double count);
std::string format_percent(double fraction);
// Sizes: a byte count or a number with K/M/G/T, optionally "iB" or "B" ("10MiB", "1.5G", "512k").
std::optional<uint64_t> parse_size(std::string_view text);
// Percentages: "25", "25%", "0.5%"; never negative.
std::optional<double> parse_percent(std::string_view text);
// Durations: a number of seconds ("30") or with a unit: ms, s, m (minutes), h ("250ms", "1.5s").
std::optional<std::chrono::duration<double>> parse_duration(std::string_view text);
int64_t round_to_int(double value);
// Rounds each value so that the results add up to round_to_int(sum of values) exactly (largest
// remainder): the rows of a report then add up to its printed total.
//   round_preserving_sum({0.4, 0.4, 0.4}) -> {1, 0, 0}   (1.2 rounds to 1)
std::vector<int64_t> round_preserving_sum(const std::vector<double>& values);
// The same, to a given total (a report's header total, computed elsewhere in floating point).
std::vector<int64_t> round_to_total(const std::vector<double>& values, int64_t total);

}  // namespace memprof::render
