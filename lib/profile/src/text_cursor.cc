#include "memprof/profile/text_cursor.h"

#include <algorithm>

#include <fmt/format.h>

namespace memprof {

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

std::string_view trim(std::string_view text) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

std::string_view first_token(std::string_view text) { return text.substr(0, text.find_first_of(" \t\r\n")); }

std::string text_position(std::string_view text, size_t offset, std::string_view path) {
  offset = std::min(offset, text.size());
  std::string_view before = text.substr(0, offset);
  size_t line = 1 + static_cast<size_t>(std::ranges::count(before, '\n'));
  size_t line_start = before.rfind('\n');
  size_t column = offset - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
  return fmt::format("{}:{}:{}", path, line, column);
}

std::string TextCursor::position(const char* where) const {
  // Compared as integers: `where` may be a pointer into another buffer only in a caller's bug,
  // and then the end of the text is the most honest place to name.
  auto at = reinterpret_cast<uintptr_t>(where), begin = reinterpret_cast<uintptr_t>(text_.data());
  size_t offset = at >= begin ? static_cast<size_t>(at - begin) : text_.size();
  return text_position(text_, offset, path_);
}

void TextCursor::fail(const char* where, std::string_view expected, std::string_view got) const {
  throw InputError(fmt::format("{}: expected {}, got '{}'", position(where), expected, quote_token(got)));
}

void TextCursor::fail_at_end(std::string_view expected) const {
  throw InputError(fmt::format("{}: expected {}, got end of file", position(text_.data() + text_.size()), expected));
}

void TextCursor::fail_at_end_of_line(const char* where, std::string_view expected) const {
  throw InputError(fmt::format("{}: expected {}, got end of line", position(where), expected));
}

}  // namespace memprof
