#include "memprof/jestats/json_reader.h"

#include <charconv>

#include <fmt/format.h>

#include "memprof/profile/diagnostics.h"
#include "memprof/profile/text_cursor.h"

namespace memprof::jestats {

namespace {

constexpr int kMaxDepth = 64;

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

}  // namespace

// Out of line: JsonValue holds vectors of itself, which some compilers (clang with libstdc++)
// only accept once the type is complete.
JsonValue::JsonValue() = default;
JsonValue::~JsonValue() = default;
JsonValue::JsonValue(const JsonValue&) = default;
JsonValue::JsonValue(JsonValue&&) noexcept = default;
JsonValue& JsonValue::operator=(const JsonValue&) = default;
JsonValue& JsonValue::operator=(JsonValue&&) noexcept = default;

const JsonValue* JsonValue::find(std::string_view key) const {
  for (const auto& [k, v] : members)
    if (k == key) return &v;
  return nullptr;
}

std::optional<uint64_t> JsonValue::as_u64() const {
  if (kind != Kind::number) return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc{} && end == text.data() + text.size()) return v;
  return std::nullopt;
}

std::optional<int64_t> JsonValue::as_i64() const {
  if (kind != Kind::number) return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc{} && end == text.data() + text.size()) return v;
  return std::nullopt;
}

std::string JsonValue::scalar_text() const {
  switch (kind) {
    case Kind::null: return "null";
    case Kind::boolean: return flag ? "true" : "false";
    case Kind::number:
    case Kind::string: return text;
    default: return "";
  }
}

std::string JsonReader::position() const { return text_position(text_, pos_, path_); }

void JsonReader::fail(std::string_view expected) const {
  if (pos_ >= text_.size()) throw InputError(fmt::format("{}: expected {}, got end of input", position(), expected));
  throw InputError(fmt::format("{}: expected {}, got '{}'", position(), expected, quote_token(text_.substr(pos_, 20))));
}

uint32_t JsonReader::parse_hex4() {
  if (text_.size() - pos_ < 4) fail("4 hex digits");
  uint32_t cp = 0;
  auto [end, ec] = std::from_chars(text_.data() + pos_, text_.data() + pos_ + 4, cp, 16);
  if (ec != std::errc{} || end != text_.data() + pos_ + 4) fail("4 hex digits");
  pos_ += 4;
  return cp;
}

void JsonReader::skip_ws() {
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    } else if (c != ' ' && c != '\t' && c != '\r') {
      break;
    }
    ++pos_;
  }
}

void JsonReader::expect(char c) {
  skip_ws();
  if (pos_ >= text_.size() || text_[pos_] != c) fail(fmt::format("'{}'", c));
  ++pos_;
}

bool JsonReader::more() {
  skip_ws();
  return pos_ < text_.size();
}

JsonValue JsonReader::next() { return parse_value(0); }

void JsonReader::parse_string_into(std::string& out) {
  expect('"');
  while (true) {
    if (pos_ >= text_.size()) fail("closing '\"'");
    char c = text_[pos_++];
    if (c == '"') return;
    if (c == '\n') {
      --pos_;
      fail("closing '\"'");
    }
    if (c != '\\') {
      out += c;
      continue;
    }
    if (pos_ >= text_.size()) fail("escape character");
    char e = text_[pos_++];
    switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        uint32_t cp = parse_hex4();
        // UTF-16 surrogate pairs ("\ud83d\ude00") are one code point; a lone half is U+FFFD,
        // the same replacement the UTF-8 repair of the writers uses.
        if (cp >= 0xd800 && cp < 0xdc00 && text_.substr(pos_, 2) == "\\u") {
          size_t save = pos_;
          pos_ += 2;
          uint32_t low = parse_hex4();
          if (low >= 0xdc00 && low < 0xe000) cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          else pos_ = save;
        }
        if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
        append_utf8(out, cp);
        break;
      }
      default: --pos_; fail("escape character");
    }
  }
}

JsonValue JsonReader::parse_value(int depth) {
  if (depth > kMaxDepth) fail(fmt::format("nesting depth at most {}", kMaxDepth));
  skip_ws();
  JsonValue v;
  v.line = line_;
  if (pos_ >= text_.size()) fail("a JSON value");
  char c = text_[pos_];
  if (c == '{') return parse_object(std::move(v), depth);
  if (c == '[') return parse_array(std::move(v), depth);
  if (c == '"') {
    v.kind = JsonValue::Kind::string;
    parse_string_into(v.text);
    return v;
  }
  if (c == '-' || (c >= '0' && c <= '9')) return parse_number(std::move(v));
  auto literal = [&](std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) fail("a JSON value");
    pos_ += word.size();
  };
  if (c == 't') {
    literal("true");
    v.kind = JsonValue::Kind::boolean;
    v.flag = true;
    return v;
  }
  if (c == 'f') {
    literal("false");
    v.kind = JsonValue::Kind::boolean;
    return v;
  }
  if (c == 'n') {
    literal("null");
    return v;
  }
  fail("a JSON value");
}

// Consumes `close` (true) or `,` (false) after a member or item; anything else is an error.
bool JsonReader::end_of_list(char close) {
  skip_ws();
  if (pos_ < text_.size() && text_[pos_] == ',') {
    ++pos_;
    return false;
  }
  if (pos_ < text_.size() && text_[pos_] == close) {
    ++pos_;
    return true;
  }
  fail(fmt::format("',' or '{}'", close));
}

// Consumes the opening bracket; true (and consumes `close`) when the list is empty.
bool JsonReader::empty_list(char close) {
  ++pos_;
  skip_ws();
  if (pos_ < text_.size() && text_[pos_] == close) {
    ++pos_;
    return true;
  }
  return false;
}

JsonValue JsonReader::parse_object(JsonValue v, int depth) {
  v.kind = JsonValue::Kind::object;
  if (empty_list('}')) return v;
  do {
    skip_ws();
    std::string key;
    parse_string_into(key);
    expect(':');
    JsonValue member = parse_value(depth + 1);
    v.members.emplace_back(std::move(key), std::move(member));
  } while (!end_of_list('}'));
  return v;
}

JsonValue JsonReader::parse_array(JsonValue v, int depth) {
  v.kind = JsonValue::Kind::array;
  if (empty_list(']')) return v;
  do v.items.push_back(parse_value(depth + 1));
  while (!end_of_list(']'));
  return v;
}

// Kept as text: 64-bit counters must not round through a double.
JsonValue JsonReader::parse_number(JsonValue v) {
  size_t start = pos_;
  if (text_[pos_] == '-') ++pos_;
  auto digits = [&] {
    size_t d = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    if (pos_ == d) fail("a digit");
  };
  digits();
  if (pos_ < text_.size() && text_[pos_] == '.') {
    ++pos_;
    digits();
  }
  if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
    digits();
  }
  v.kind = JsonValue::Kind::number;
  v.text.assign(text_.substr(start, pos_ - start));
  return v;
}

}  // namespace memprof::jestats
