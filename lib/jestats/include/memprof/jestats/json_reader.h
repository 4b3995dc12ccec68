// A small, bounds-checked JSON reader for malloc_stats_print output: a DOM of values that keep
// numbers as text (so 64-bit counters convert exactly) and objects as ordered key lists (jemalloc
// repeats some keys, e.g. "stats_print"; the first one wins). Depth is capped so hostile input
// cannot exhaust the stack. Errors throw InputError("PATH:LINE:COL: expected X, got 'Y'").
//
//   JsonReader reader(text, "stats.json");
//   while (reader.more()) { JsonValue doc = reader.next(); ... doc.find("jemalloc") ... }
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace memprof::jestats {

struct JsonValue {
  enum class Kind { null, boolean, number, string, array, object };
  Kind kind = Kind::null;
  bool flag = false;
  std::string text;  // number text or decoded string
  std::vector<JsonValue> items;
  std::vector<std::pair<std::string, JsonValue>> members;
  size_t line = 0;  // where the value starts, for messages

  JsonValue();
  ~JsonValue();
  JsonValue(const JsonValue&);
  JsonValue(JsonValue&&) noexcept;
  JsonValue& operator=(const JsonValue&);
  JsonValue& operator=(JsonValue&&) noexcept;

  const JsonValue* find(std::string_view key) const;
  std::optional<uint64_t> as_u64() const;
  std::optional<int64_t> as_i64() const;
  // A scalar as it would read in text output: strings unquoted, booleans true/false.
  std::string scalar_text() const;
};

class JsonReader {
 public:
  JsonReader(std::string_view text, std::string path) : text_(text), path_(std::move(path)) {}

  // True while non-whitespace input remains (several documents may follow each other).
  bool more();
  JsonValue next();
  size_t line() const { return line_; }

 private:
  JsonValue parse_value(int depth);
  JsonValue parse_object(JsonValue v, int depth);
  JsonValue parse_array(JsonValue v, int depth);
  JsonValue parse_number(JsonValue v);
  bool end_of_list(char close);
  bool empty_list(char close);
  void parse_string_into(std::string& out);
  uint32_t parse_hex4();
  void skip_ws();
  void expect(char c);
  [[noreturn]] void fail(std::string_view expected) const;
  std::string position() const;

  std::string_view text_;
  std::string path_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t line_start_ = 0;
};

}  // namespace memprof::jestats
