// Renders `memprof explain`: the waterfall from profiled bytes to RSS as text bars, JSON, or a
// self-contained SVG chart (no scripts, fonts or external references).
//
//   std::string text = render_explain(waterfall, Format::text);
//   std::string svg = render_explain(waterfall, Format::svg);
#pragma once

#include <string>

#include "memprof/jestats/waterfall.h"
#include "memprof/render/format.h"

namespace memprof::render {

std::string render_explain(const jestats::Waterfall& waterfall, Format format);

}  // namespace memprof::render
