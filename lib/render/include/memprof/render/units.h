// Human-readable sizes and counts, binary units (KiB, MiB, GiB), and parsing of sizes users type.
//
//   format_bytes(1536)            -> "1.5 KiB"
//   format_bytes(-2097152)        -> "-2.0 MiB"
//   format_signed_bytes(1536)     -> "+1.5 KiB"
//   format_count(12345.6)         -> "12346"
//   parse_size("10MiB"), parse_size("10M"), parse_size("1048576") -> 10485760 / 1048576
//   format_percent(0.1234)        -> "12.34%"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "memprof/profile/byte_size.h"

namespace memprof::render {

using memprof::format_bytes;  // shared with lib/jestats: memprof/profile/byte_size.h
// "+1.5 KiB", "-2.0 MiB", "0 B": for changes.
std::string format_signed_bytes(double bytes);
std::string format_count(double count);
std::string format_percent(double fraction);
std::optional<uint64_t> parse_size(std::string_view text);
int64_t round_to_int(double value);

}  // namespace memprof::render
