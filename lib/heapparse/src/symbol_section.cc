#include "symbol_section.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace memprof::heapparse {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Writers spell a "--" inside a name (operator--) as -\-, since "--" separates names.
std::string unescape(std::string_view name) {
  std::string out(name);
  for (size_t at = out.find("-\\-"); at != std::string::npos; at = out.find("-\\-", at + 2)) out.erase(at + 1, 1);
  return out;
}

bool is_marker(std::string_view line, std::string_view name) {
  if (!line.starts_with("---")) return false;
  return trim(line.substr(3)) == name;
}

}  // namespace

bool starts_with_symbol_section(std::string_view text) {
  std::string_view first = text.substr(0, text.find('\n'));
  if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
  return is_marker(first, "symbol");
}

void read_symbol_section(TextCursor& cursor, Profile& profile, Diagnostics& diag) {
  EmbeddedSymbols section;
  bool terminated = false;
  cursor.next_line(terminated);  // "--- symbol"
  bool closed = false;
  while (!cursor.at_end()) {
    std::string_view line = cursor.next_line(terminated);
    if (line.starts_with("---")) {
      closed = true;
      break;
    }
    if (trim(line).empty()) continue;
    if (line.starts_with("0x") || line.starts_with("0X")) {
      const char* p = line.data() + 2;
      const char* end = line.data() + line.size();
      uint64_t address = 0;
      auto [next, ec] = std::from_chars(p, end, address, 16);
      if (ec == std::errc::result_out_of_range)
        cursor.fail(line.data(), "a 64-bit hex address", line.substr(0, next - line.data()));
      if (ec != std::errc{} || next == end || (*next != ' ' && *next != '\t'))
        cursor.fail(line.data(), "'0x<address> <name>[--<inlined name>...]'", line);
      std::string_view names = trim(std::string_view(next, static_cast<size_t>(end - next)));
      if (names.empty()) cursor.fail(next, "a function name after the address", "");
      EmbeddedSymbol symbol{.address = address};
      for (size_t start = 0;;) {
        size_t sep = names.find("--", start);
        std::string_view name = trim(names.substr(start, sep == std::string_view::npos ? sep : sep - start));
        if (!name.empty()) symbol.names.push_back(profile.strings.intern(unescape(name)));
        if (sep == std::string_view::npos) break;
        start = sep + 2;
      }
      section.symbols.push_back(std::move(symbol));
      continue;
    }
    size_t eq = line.find('=');
    if (eq != std::string_view::npos && line[0] >= 'a' && line[0] <= 'z') {
      std::string_view variable = trim(line.substr(0, eq));
      if (variable == "binary") section.binary = std::string(trim(line.substr(eq + 1)));
      else
        diag.warn(fmt::format("{}: ignored unknown variable '{}' in the symbol section", cursor.position(line.data()),
                              quote_token(variable)));
      continue;
    }
    cursor.fail(line.data(), "'0x<address> <name>', 'binary=<path>' or '---' in the symbol section", line);
  }
  if (!closed) cursor.fail_at_end("'---' ending the symbol section");
  // jeprof writes "--- heap" (or another profile kind) before the dump's own header.
  if (!cursor.at_end() && cursor.peek() == '-') {
    std::string_view marker = cursor.next_line(terminated);
    if (!is_marker(marker, "heap") && !is_marker(marker, "heapprofile"))
      cursor.fail(marker.data(), "'--- heap' before the profile", marker);
  }
  std::ranges::stable_sort(section.symbols, {}, &EmbeddedSymbol::address);
  // A repeated address keeps its first names: jeprof's hash keeps the last, but writers emit
  // each address once.
  // (std::unique, not ranges::unique: clang 14's libFuzzer build rejects libstdc++ 12's subrange.)
  auto dup = std::unique(section.symbols.begin(), section.symbols.end(),
                         [](const EmbeddedSymbol& a, const EmbeddedSymbol& b) { return a.address == b.address; });
  section.symbols.erase(dup, section.symbols.end());
  profile.embedded_symbols = std::move(section);
}

}  // namespace memprof::heapparse
