#include "maps_parser.h"

#include <charconv>

namespace memprof::heapparse {

namespace {

// Splits off the next space-separated token.
std::string_view next_token(std::string_view& rest) {
  size_t start = rest.find_first_not_of(" \t");
  if (start == std::string_view::npos) {
    rest = {};
    return {};
  }
  rest.remove_prefix(start);
  size_t end = rest.find_first_of(" \t");
  std::string_view token = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  return token;
}

bool parse_hex(std::string_view s, uint64_t& out) {
  if (s.starts_with("0x") || s.starts_with("0X")) s.remove_prefix(2);
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, 16);
  return ec == std::errc{} && end == s.data() + s.size();
}

bool parse_range(std::string_view s, MapsLine& line) {
  size_t dash = s.find('-');
  if (dash == std::string_view::npos) return false;
  return parse_hex(s.substr(0, dash), line.start) && parse_hex(s.substr(dash + 1), line.limit) &&
         line.start < line.limit;
}

void set_path(std::string_view path, MapsLine& line) {
  constexpr std::string_view kDeleted = " (deleted)";
  size_t end = path.find_last_not_of(" \t");
  path = end == std::string_view::npos ? std::string_view{} : path.substr(0, end + 1);
  if (path.ends_with(kDeleted)) {
    path.remove_suffix(kDeleted.size());
    line.deleted = true;
  }
  line.path = path;
}

std::optional<MapsLine> parse_linux(std::string_view rest) {
  MapsLine line;
  if (!parse_range(next_token(rest), line)) return std::nullopt;
  std::string_view perms = next_token(rest);
  if (perms.size() != 4) return std::nullopt;
  line.executable = perms[2] == 'x';
  if (!parse_hex(next_token(rest), line.offset)) return std::nullopt;
  std::string_view device = next_token(rest);
  if (device.find(':') == std::string_view::npos) return std::nullopt;
  std::string_view inode = next_token(rest);
  if (inode.empty()) return std::nullopt;
  size_t start = rest.find_first_not_of(" \t");
  set_path(start == std::string_view::npos ? std::string_view{} : rest.substr(start), line);
  return line;
}

// 0x800600000 0x80061a000 26 0 0xfffff800035a0000 r-x 75 33 0x1004 COW NC vnode /path NCH -1
std::optional<MapsLine> parse_freebsd(std::string_view rest) {
  MapsLine line;
  if (!parse_hex(next_token(rest), line.start) || !parse_hex(next_token(rest), line.limit) || line.start >= line.limit)
    return std::nullopt;
  for (int i = 0; i < 3; ++i) next_token(rest);  // resident, private resident, object
  std::string_view perms = next_token(rest);
  if (perms.size() != 3) return std::nullopt;
  line.executable = perms[2] == 'x';
  for (int i = 0; i < 6; ++i) next_token(rest);  // refs, shadows, flags, cow, nc, type
  std::string_view path = next_token(rest);
  if (path.starts_with('/')) line.path = path;
  return line;
}

// 0000000100000000-0000000100004000: /usr/lib/libfoo.dylib
std::optional<MapsLine> parse_image_line(std::string_view rest) {
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  MapsLine line;
  std::string_view range = rest.substr(0, colon);
  size_t first = range.find_first_not_of(" \t");
  if (first == std::string_view::npos || !parse_range(range.substr(first), line)) return std::nullopt;
  line.executable = true;
  std::string_view path = rest.substr(colon + 1);
  size_t start = path.find_first_not_of(" \t");
  set_path(start == std::string_view::npos ? std::string_view{} : path.substr(start), line);
  return line;
}

bool is_perms(std::string_view token) {
  return !token.empty() && token.find_first_not_of("-rwxps") == std::string_view::npos;
}

// pprof's brief form: "0x40000-0x80000 /path/to/binary (@FF00) abc123456", also with
// "start end", a trailing ':' on the range and permissions before the path.
std::optional<MapsLine> parse_brief(std::string_view rest) {
  MapsLine line;
  std::string_view range = next_token(rest);
  if (range.ends_with(':')) range.remove_suffix(1);
  if (range.find('-') != std::string_view::npos) {
    if (!parse_range(range, line)) return std::nullopt;
  } else {
    std::string_view limit = next_token(rest);
    if (limit.ends_with(':')) limit.remove_suffix(1);
    if (!parse_hex(range, line.start) || !parse_hex(limit, line.limit) || line.start >= line.limit) return std::nullopt;
  }
  std::string_view token = next_token(rest);
  line.executable = true;
  if (is_perms(token) && token.find_first_not_of('-') != std::string_view::npos) {
    line.executable = token.find('x') != std::string_view::npos;
    token = next_token(rest);
  }
  line.path = token;
  std::string_view offset = next_token(rest);
  if (offset.starts_with("(@") && offset.ends_with(')') && !parse_hex(offset.substr(2, offset.size() - 3), line.offset))
    return std::nullopt;
  return line;
}

}  // namespace

std::optional<MapsLine> parse_maps_line(std::string_view line) {
  size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) return std::nullopt;
  line.remove_prefix(start);
  std::optional<MapsLine> parsed;
  std::string_view first = line.substr(0, line.find_first_of(" \t"));
  if (line.starts_with("0x") && first.find('-') == std::string_view::npos) parsed = parse_freebsd(line);
  else if (first.ends_with(':')) parsed = parse_image_line(line);
  else parsed = parse_linux(line);
  return parsed ? parsed : parse_brief(line);
}

bool MapsAttributes::add(std::string_view line) {
  size_t eq = line.find('=');
  if (eq == std::string_view::npos || eq == 0) return false;
  auto trim_spaces = [](std::string_view s) {
    size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    return b == std::string_view::npos ? std::string_view{} : s.substr(b, e - b + 1);
  };
  std::string_view name = trim_spaces(line.substr(0, eq));
  if (name.empty() || name.find_first_of(" \t") != std::string_view::npos) return false;
  std::string key(1, '$');
  key.append(name);
  values_.emplace_back(std::move(key), std::string(trim_spaces(line.substr(eq + 1))));
  return true;
}

std::string_view MapsAttributes::substitute(std::string_view line, std::string& scratch) const {
  if (values_.empty() || line.find('$') == std::string_view::npos) return line;
  // Values may name other attributes, so each pass can double the line (a=$b$b, b=$c$c, ...):
  // one linear pass per attribute, and no line beyond any real path's length.
  constexpr size_t kMaxSubstituted = 16384;
  scratch.assign(line);
  std::string next;
  for (const auto& [name, value] : values_) {
    if (scratch.find('$') == std::string::npos) break;
    next.clear();
    size_t from = 0;
    bool found = false;
    for (size_t at = scratch.find(name); at != std::string::npos && next.size() <= kMaxSubstituted;
         at = scratch.find(name, from)) {
      next.append(scratch, from, at - from).append(value);
      from = at + name.size();
      found = true;
    }
    if (!found) continue;
    next.append(scratch, from);
    scratch.swap(next);
    if (scratch.size() > kMaxSubstituted) {
      scratch.resize(kMaxSubstituted);
      break;
    }
  }
  return scratch;
}

}  // namespace memprof::heapparse
