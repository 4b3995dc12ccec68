// Untrusted text (symbol names, paths, thread names) inside the SVGs memprof writes: markup
// escaped, and bytes that XML forbids or that are not valid UTF-8 replaced, so any name keeps
// the file well-formed.
#pragma once

#include <string>
#include <string_view>

namespace memprof::render {

void append_xml(std::string& out, std::string_view text);
std::string xml(std::string_view text);

}  // namespace memprof::render
