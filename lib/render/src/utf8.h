// Untrusted names (symbols, paths, thread names from a dump) reach JSON and SVG output, which
// must be valid UTF-8; both writers use this to pass valid sequences and replace the rest.
#pragma once

#include <cstddef>
#include <string_view>

namespace memprof::render {

// The length of the well-formed multi-byte UTF-8 sequence starting at text[i] (a byte >= 0x80),
// or 0 when it is not one. Overlong forms and surrogates are not rejected: names only need to
// decode, not to be canonical.
inline size_t utf8_sequence_length(std::string_view text, size_t i) {
  auto c = static_cast<unsigned char>(text[i]);
  size_t len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (len == 0 || i + len > text.size()) return 0;
  for (size_t k = 1; k < len; ++k)
    if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return 0;
  return len;
}

}  // namespace memprof::render
