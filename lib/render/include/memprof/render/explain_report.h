// Renders `memprof explain`: the waterfall from profiled bytes to RSS as text bars, JSON, or a
// self-contained SVG chart (no scripts, fonts or external references).
//
//   std::string text = render_explain(waterfall, ExplainFormat::text);
//   std::string svg = render_explain(waterfall, ExplainFormat::svg);
#pragma once

#include <string>

#include "memprof/jestats/waterfall.h"

namespace memprof::render {

enum class ExplainFormat { text, json, svg };

std::string render_explain(const jestats::Waterfall& waterfall, ExplainFormat format);

}  // namespace memprof::render
