#include "text_cursor.h"

#include <algorithm>

#include <fmt/format.h>

namespace memprof::heapparse {

std::string quote_token(std::string_view bytes) {
  constexpr size_t kMax = 40;
  std::string out;
  for (size_t i = 0; i < bytes.size() && i < kMax; ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') out += static_cast<char>(c);
    else out += fmt::format("\\x{:02x}", c);
  }
  if (bytes.size() > kMax) out += "...";
  return out;
}

std::string TextCursor::position(const char* where) const {
  size_t offset = static_cast<size_t>(where - text_.data());
  offset = std::min(offset, text_.size());
  std::string_view before = text_.substr(0, offset);
  size_t line = 1 + static_cast<size_t>(std::ranges::count(before, '\n'));
  size_t line_start = before.rfind('\n');
  size_t column = offset - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
  return fmt::format("{}:{}:{}", path_, line, column);
}

void TextCursor::fail(const char* where, std::string_view expected, std::string_view got) const {
  throw InputError(fmt::format("{}: expected {}, got '{}'", position(where), expected, quote_token(got)));
}

void TextCursor::fail_at_end(std::string_view expected) const {
  throw InputError(fmt::format("{}: expected {}, got end of file", position(text_.data() + text_.size()), expected));
}

}  // namespace memprof::heapparse

namespace memprof::heapparse {

void TextCursor::fail_at_end_of_line(const char* where, std::string_view expected) const {
  throw InputError(fmt::format("{}: expected {}, got end of line", position(where), expected));
}

}  // namespace memprof::heapparse
