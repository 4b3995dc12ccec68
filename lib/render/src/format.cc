#include "memprof/render/format.h"

#include <array>

namespace memprof::render {

namespace {

constexpr std::array kFormats = {Format::text,       Format::json,        Format::csv,    Format::markdown,
                                 Format::svg,        Format::openmetrics, Format::folded, Format::pprof,
                                 Format::speedscope, Format::symbolized};
constexpr std::array<std::string_view, kFormats.size()> kNames = {
    "text", "json", "csv", "markdown", "svg", "openmetrics", "folded", "pprof", "speedscope", "symbolized"};

}  // namespace

std::string_view format_name(Format format) { return kNames[static_cast<size_t>(format)]; }

std::optional<Format> parse_format(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return kFormats[i];
  return std::nullopt;
}

std::span<const Format> all_formats() { return kFormats; }

}  // namespace memprof::render
