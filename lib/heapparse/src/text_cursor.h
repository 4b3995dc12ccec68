// Line-oriented reading of untrusted text with error positions. Lines are views into the input;
// line numbers are only computed when an error is reported, so the hot path never counts them.
#pragma once

#include <charconv>
#include <cstring>
#include <string>
#include <string_view>

#include "memprof/profile/diagnostics.h"

namespace memprof::heapparse {

// Shows untrusted bytes in an error message: printable ASCII as is, the rest escaped, capped.
std::string quote_token(std::string_view bytes);

class TextCursor {
 public:
  TextCursor(std::string_view text, const std::string& path) : text_(text), path_(path) {}

  bool at_end() const { return pos_ >= text_.size(); }
  size_t offset() const { return pos_; }

  // The next line without its '\n'; `terminated` tells whether it ended with one.
  std::string_view next_line(bool& terminated) {
    const char* begin = text_.data() + pos_;
    size_t left = text_.size() - pos_;
    const void* nl = std::memchr(begin, '\n', left);
    size_t len = nl ? static_cast<size_t>(static_cast<const char*>(nl) - begin) : left;
    terminated = nl != nullptr;
    pos_ += len + (nl ? 1 : 0);
    std::string_view line(begin, len);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }

  // Peeks at the first byte of the next line without consuming it.
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  [[noreturn]] void fail(const char* where, std::string_view expected, std::string_view got) const;
  [[noreturn]] void fail_at_end(std::string_view expected) const;
  [[noreturn]] void fail_at_end_of_line(const char* where, std::string_view expected) const;
  std::string position(const char* where) const;

 private:
  std::string_view text_;
  size_t pos_ = 0;
  const std::string& path_;
};

}  // namespace memprof::heapparse
