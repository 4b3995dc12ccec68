// The SVG form of `memprof hist` (render_hist with Format::svg).
#pragma once

#include <string>

#include "memprof/render/hist_report.h"

namespace memprof::render {

std::string render_hist_svg(const HistReport& report);

}  // namespace memprof::render
