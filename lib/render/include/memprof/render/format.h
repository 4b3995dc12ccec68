// The one list of output formats every command chooses from, with the one spelling users type.
// Each command accepts a subset (top: text/json/csv/markdown/openmetrics; explain: text/json/svg;
// convert --to: pprof/speedscope/folded/symbolized), but the names and their meaning are shared.
//
//   std::optional<Format> f = parse_format("json");   // Format::json
//   format_name(Format::openmetrics)                  // "openmetrics"
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace memprof::render {

enum class Format : uint8_t {
  text,
  json,
  csv,
  markdown,
  svg,
  openmetrics,
  folded,
  pprof,
  speedscope,
  symbolized,
};

std::string_view format_name(Format format);
std::optional<Format> parse_format(std::string_view name);
// Every format, in declaration order (for help texts and tests).
std::span<const Format> all_formats();

}  // namespace memprof::render
