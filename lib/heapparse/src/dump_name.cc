#include "memprof/heapparse/dump_name.h"

#include <charconv>
#include <string>
#include <vector>

namespace memprof::heapparse {

namespace {

std::optional<uint64_t> to_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return value;
}

std::vector<std::string_view> split_dots(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t dot; (dot = s.find('.', start)) != std::string_view::npos; start = dot + 1)
    parts.push_back(s.substr(start, dot - start));
  parts.push_back(s.substr(start));
  return parts;
}

std::string join_dots(const std::vector<std::string_view>& parts, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    if (i) out += '.';
    out += parts[i];
  }
  return out;
}

}  // namespace

std::optional<DumpName> parse_dump_name(std::string_view path) {
  std::string_view base = path.substr(path.rfind('/') + 1);  // npos + 1 == 0
  if (base.ends_with(".gz")) base.remove_suffix(3);
  if (!base.ends_with(".heap")) return std::nullopt;
  base.remove_suffix(5);
  std::vector<std::string_view> parts = split_dots(base);
  size_t n = parts.size();
  DumpName name;

  // <prefix>.<pid>.<seq>.f  |  <prefix>.<pid>.<seq>.{i,m,u}<N>
  if (n >= 4) {
    std::string_view kind = parts[n - 1];
    auto pid = to_number(parts[n - 3]);
    auto seq = to_number(parts[n - 2]);
    if (pid && seq && !kind.empty()) {
      if (kind == "f") {
        name.kind = 'f';
      } else if ((kind[0] == 'i' || kind[0] == 'm' || kind[0] == 'u') && to_number(kind.substr(1))) {
        name.kind = kind[0];
        name.kind_seq = to_number(kind.substr(1));
      }
      if (name.kind) {
        name.pid = pid;
        name.seq = seq;
        name.prefix = join_dots(parts, n - 3);
        return name;
      }
    }
  }
  // Kvrocks' KPROFILE MEMORY DUMP: jeprof.<pid>.<counter>
  if (n >= 3) {
    auto pid = to_number(parts[n - 2]);
    auto counter = to_number(parts[n - 1]);
    if (pid && counter) {
      name.pid = pid;
      name.seq = counter;
      name.prefix = join_dots(parts, n - 2);
      return name;
    }
  }
  name.prefix = std::string(base);
  return name;
}

}  // namespace memprof::heapparse
