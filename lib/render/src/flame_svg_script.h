// The CSS and JavaScript embedded in every flame graph SVG (internal to the renderer).
#pragma once

#include <string_view>

namespace memprof::render {

std::string_view flame_svg_style();
std::string_view flame_svg_script();

}  // namespace memprof::render
