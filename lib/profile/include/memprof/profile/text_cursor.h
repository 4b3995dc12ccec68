// The one reader for untrusted line-oriented text (heap dumps, stats text, suppressions, smaps,
// JSON): lines are views into the input, and line:column is computed only when an error is
// reported, so the hot path never counts lines. Every input error reads
// "PATH:LINE:COL: expected X, got 'Y'", with the untrusted bytes escaped by quote_token.
//
//   TextCursor cursor(text, path);
//   bool terminated = false;
//   while (!cursor.at_end()) {
//     std::string_view line = trim(cursor.next_line(terminated));
//     if (line.empty()) continue;
//     if (!line.starts_with("leak:")) cursor.fail(line.data(), "'leak:<pattern>'", line);
//   }
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "memprof/profile/diagnostics.h"

namespace memprof {

// Shows untrusted bytes in a message: printable ASCII as is, the rest (and quotes and
// backslashes) as \xNN, at most 40 bytes then "...". The one escaping rule for input errors.
std::string quote_token(std::string_view bytes);

// `text` without leading and trailing spaces, tabs and carriage returns.
std::string_view trim(std::string_view text);

// The first whitespace-separated token of `text` (from its first byte).
std::string_view first_token(std::string_view text);

// "PATH:LINE:COL" of `offset` (clamped to the text) in `text`; LINE and COL count from 1.
std::string text_position(std::string_view text, size_t offset, std::string_view path);

class TextCursor {
 public:
  TextCursor(std::string_view text, std::string path) : text_(text), path_(std::move(path)) {}

  bool at_end() const { return pos_ >= text_.size(); }
  size_t offset() const { return pos_; }
  std::string_view text() const { return text_; }
  const std::string& path() const { return path_; }

  // The next line without its '\n' (and '\r'); `terminated` tells whether it ended with '\n'.
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
  std::string_view next_line() {
    bool terminated = false;
    return next_line(terminated);
  }

  // Peeks at the first byte of the next line without consuming it.
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  // The next line without consuming it.
  std::string_view peek_line() const {
    std::string_view rest = text_.substr(pos_);
    return rest.substr(0, rest.find('\n'));
  }

  // `where` points into the text. Each throws InputError.
  [[noreturn]] void fail(const char* where, std::string_view expected, std::string_view got) const;
  [[noreturn]] void fail_at_end(std::string_view expected) const;
  [[noreturn]] void fail_at_end_of_line(const char* where, std::string_view expected) const;
  // "PATH:LINE:COL" of `where`, for warnings.
  std::string position(const char* where) const;

 private:
  std::string_view text_;
  size_t pos_ = 0;
  std::string path_;
};

}  // namespace memprof
