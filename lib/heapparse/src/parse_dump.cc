#include "memprof/heapparse/parse_dump.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "address_index.h"
#include "maps_parser.h"
#include "memprof/heapparse/dump_name.h"
#include "memprof/heapparse/input.h"
#include "memprof/heapparse/unsample.h"
#include "memprof/profile/id_map.h"
#include "memprof/profile/text_cursor.h"
#include "symbol_section.h"

namespace memprof::heapparse {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

const char* skip_spaces(const char* p, const char* end) {
  while (p < end && is_space(*p)) ++p;
  return p;
}

std::string_view token_at(const char* p, const char* end) {
  const char* q = p;
  while (q < end && !is_space(*q)) ++q;
  return {p, static_cast<size_t>(q - p)};
}

constexpr std::array<int8_t, 256> kHexValue = [] {
  std::array<int8_t, 256> table{};
  table.fill(-1);
  for (int c = '0'; c <= '9'; ++c) table[c] = static_cast<int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) table[c] = static_cast<int8_t>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) table[c] = static_cast<int8_t>(c - 'A' + 10);
  return table;
}();

// The number of leading bytes of `chunk` (little-endian: byte 0 first) that are hex digits.
int hex_prefix_length(uint64_t chunk) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  // Byte-wise "x in [lo, hi]" for bytes below 0x80 (bytes with the high bit are never digits).
  auto in_range = [&](uint64_t x, unsigned lo, unsigned hi) {
    return (x + kOnes * (0x80 - lo)) & ~(x + kOnes * (0x7f - hi)) & ~x & kHigh;
  };
  uint64_t lower = chunk | (kOnes * 0x20);  // 'A'-'F' -> 'a'-'f'; digits are unchanged
  uint64_t hex = in_range(chunk, '0', '9') | in_range(lower, 'a', 'f');
  uint64_t not_hex = ~hex & kHigh;
  return not_hex ? std::countr_zero(not_hex) / 8 : 8;
}

// The value of the first `length` (1 to 8) hex digits of `chunk`, already known to be digits.
uint64_t hex_value(uint64_t chunk, int length) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  uint64_t nibbles = (chunk & (kOnes * 0x0f)) + ((chunk >> 6) & kOnes) * 9;  // '0'->0, 'a'/'A'->10
  uint64_t x = __builtin_bswap64(nibbles);                                   // first digit in the top byte
  x = ((x >> 4) & 0x00f000f000f000f0ULL) | (x & 0x000f000f000f000fULL);
  x = ((x >> 8) & 0x0000ff000000ff00ULL) | (x & 0x000000ff000000ffULL);
  x = ((x >> 16) & 0x00000000ffff0000ULL) | (x & 0x000000000000ffffULL);
  return x >> (4 * (8 - length));
}

// The common case of an address token: 1 to 16 hex digits followed by a space or the end of the
// line. Returns nullptr for anything else, which the caller hands to std::from_chars to get the
// exact error. Eight bytes are classified and converted at a time (SWAR) when 16 bytes can be
// read before `buffer_end`: digit-by-digit parsing was 40% of the parser's instructions.
const char* parse_hex_fast(const char* p, const char* end, const char* buffer_end, uint64_t& out) {
  if (buffer_end - p >= 16) {
    uint64_t first, second;
    std::memcpy(&first, p, 8);
    std::memcpy(&second, p + 8, 8);
    int count = hex_prefix_length(first);
    uint64_t value = count ? hex_value(first, count) : 0;
    if (count == 8) {
      int more = hex_prefix_length(second);
      if (more) value = (value << (4 * more)) | hex_value(second, more);
      count += more;
      if (more == 8) return nullptr;  // 17 or more digits: let from_chars decide
    }
    const char* stop = p + count;
    if (count == 0 || stop > end || (stop < end && !is_space(*stop))) return nullptr;
    out = value;
    return stop;
  }
  uint64_t value = 0;
  const char* start = p;
  while (p < end) {
    int8_t digit = kHexValue[static_cast<unsigned char>(*p)];
    if (digit < 0) break;
    value = (value << 4) | static_cast<uint64_t>(digit);
    ++p;
  }
  size_t count = static_cast<size_t>(p - start);
  if (count == 0 || count > 16 || (p < end && !is_space(*p))) return nullptr;
  out = value;
  return p;
}

// A top-level line such as "SOME_SECTION:" that this parser does not know.
bool looks_like_section_header(std::string_view line) {
  if (line.size() < 2 || line.back() != ':') return false;
  return std::ranges::all_of(line.substr(0, line.size() - 1), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == ' ' ||
           c == '-';
  });
}

// jemalloc's and gperftools' "MAPPED_LIBRARIES:", Google's "--- Memory map: ---"; pprof accepts
// either anywhere in the line, so indented headers count too.
bool is_maps_header(std::string_view line) {
  line = trim(line);
  return line.starts_with("MAPPED_LIBRARIES:") || line.starts_with("--- Memory map:");
}

// Lines every reader of the family skips: blank lines, '#' comments (pprof and jeprof skip them
// anywhere; Go and gperftools append statistics as comments) and jemalloc's "<jemalloc>: ..."
// messages, which end up in a dump when stderr and the dump share a file.
bool is_ignorable(std::string_view line) {
  line = trim(line);
  return line.empty() || line.front() == '#' || line.starts_with("<jemalloc>:");
}

// A legacy header's kind after '@': "heap_v2/524288" -> {"heap_v2", "524288"}.
struct HeaderKind {
  std::string_view name;
  std::string_view period;  // empty without '/'
  bool has_slash = false;
};

HeaderKind split_kind(std::string_view kind) {
  size_t slash = kind.find('/');
  if (slash == std::string_view::npos) return {kind, {}, false};
  return {kind.substr(0, slash), kind.substr(slash + 1), true};
}

constexpr std::string_view kLegacyKinds =
    "'heap_v2/<period>', 'heapz_v2/<period>', 'heapprofile', 'heap', 'growthz' or 'fragmentationz'";

class DumpParser {
 public:
  DumpParser(std::string_view text, const std::string& path, Diagnostics& diag,
             const std::function<void(size_t)>& consumed)
      : cursor_(text, path),
        text_(text),
        diag_(diag),
        text_size_(text.size()),
        text_end_(text.data() + text.size()),
        consumed_(consumed) {
    profile_.path = path;
  }

  Profile run() {
    // Growing by doubling would briefly hold 1.5x the frame array; a guess from the input size
    // (a frame costs at least 4 bytes of text, a record at least 20) avoids most of that.
    profile_.stacks.reserve(text_size_ / 1000, text_size_ / 16);
    parse_header();
    if (profile_.format == DumpFormat::heap_v2) parse_v2_body();
    else parse_legacy_body();
    finish();
    return std::move(profile_);
  }

 private:
  // ---- tokens ----------------------------------------------------------------------------

  int64_t parse_count(const char*& p, const char* end) {
    p = skip_spaces(p, end);
    if (p >= end) cursor_.fail_at_end_of_line(p, "a count");
    int64_t value = 0;
    auto [next, ec] = std::from_chars(p, end, value);
    if (ec == std::errc::result_out_of_range) cursor_.fail(p, "a count that fits in 64 bits", token_at(p, end));
    if (ec != std::errc{}) cursor_.fail(p, "a count", token_at(p, end));
    p = next;
    return value;
  }

  void expect_char(const char*& p, const char* end, char c, const char* what) {
    p = skip_spaces(p, end);
    if (p >= end) cursor_.fail_at_end_of_line(p, what);
    if (*p != c) cursor_.fail(p, what, token_at(p, end));
    ++p;
  }

  // "<objs>: <bytes> [<objs>: <bytes>]"
  RawCounts parse_counts(const char*& p, const char* end) {
    RawCounts c;
    c.cur_objects = parse_count(p, end);
    expect_char(p, end, ':', "':' after the object count");
    c.cur_bytes = parse_count(p, end);
    expect_char(p, end, '[', "'[' before the cumulative counts");
    c.accum_objects = parse_count(p, end);
    expect_char(p, end, ':', "':' after the cumulative object count");
    c.accum_bytes = parse_count(p, end);
    expect_char(p, end, ']', "']' after the cumulative counts");
    return c;
  }

  // Parses " 0x1 0x2 ..." (after '@') into a stack of interned locations.
  StackId parse_stack(const char* p, const char* end) {
    frames_.clear();
    for (;;) {
      p = skip_spaces(p, end);
      if (p >= end) break;
      const char* digits = p;
      if (end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) digits += 2;
      uint64_t address = 0;
      const char* next = parse_hex_fast(digits, end, text_end_, address);
      if (!next) {
        // Rare: let the standard parser classify the error (overflow vs. junk).
        auto [stop, ec] = std::from_chars(digits, end, address, 16);
        if (ec == std::errc::result_out_of_range) cursor_.fail(p, "a 64-bit hex address", token_at(p, end));
        if (ec != std::errc{} || (stop < end && !is_space(*stop))) cursor_.fail(p, "a hex address", token_at(p, end));
        next = stop;
      }
      frames_.push_back(intern_address(address));
      p = next;
    }
    return profile_.stacks.intern(frames_);
  }

  LocationId intern_address(uint64_t address) {
    auto& locations = profile_.locations;
    return LocationId{address_index_.find_or_insert(address, [&] {
      locations.push_back(Location{.address = address});
      return locations.size() - 1;
    })};
  }

  ThreadIndex intern_thread(uint64_t thread_id) {
    auto& threads = profile_.threads;
    uint32_t index = thread_index_.find_or_insert(thread_id, [&] {
      threads.push_back(Thread{.id = thread_id});
      return threads.size() - 1;
    });
    return ThreadIndex{index};
  }

  // "  t*: counts" or "  t<id>: counts [name]". Returns false for "t*".
  bool parse_thread_counts(std::string_view line, uint64_t& thread_id, RawCounts& counts, std::string_view* name) {
    const char* end = line.data() + line.size();
    const char* p = skip_spaces(line.data(), end);
    if (p >= end || *p != 't') cursor_.fail(p, "'t*:' or 't<thread>:' counts", token_at(p, end));
    ++p;
    bool all_threads = p < end && *p == '*';
    if (all_threads) {
      ++p;
    } else {
      auto [next, ec] = std::from_chars(p, end, thread_id);
      if (ec != std::errc{}) cursor_.fail(p, "a thread number or '*' after 't'", token_at(p, end));
      p = next;
    }
    if (p >= end || *p != ':') cursor_.fail(p, "':' after the thread", token_at(p, end));
    ++p;
    counts = parse_counts(p, end);
    p = skip_spaces(p, end);
    if (name) *name = std::string_view(p, static_cast<size_t>(end - p));
    else if (p < end) cursor_.fail(p, "end of line after the counts", token_at(p, end));
    return !all_threads;
  }

  // The next line that is not a comment, blank or a jemalloc message.
  std::string_view next_line_or_fail(bool& terminated, std::string_view expected) {
    for (;;) {
      if (cursor_.at_end()) cursor_.fail_at_end(expected);
      std::string_view line = cursor_.next_line(terminated);
      if (!is_ignorable(line)) return line;
    }
  }

  // Consumes comment and message lines that start in column 0 (indented ones are skipped by the
  // loops that read indented lines), so a comment between a record and its thread lines is
  // transparent. Cheap: it looks at one byte unless that byte is '#' or '<'.
  void skip_column0_comments() {
    while (!cursor_.at_end() && (cursor_.peek() == '#' || cursor_.peek() == '<') && is_ignorable(cursor_.peek_line()))
      cursor_.next_line();
  }

  void maybe_release() {
    if (consumed_ && cursor_.offset() >= next_release_) {
      consumed_(cursor_.offset() - kReleaseEvery / 2);  // keep the current line's page
      next_release_ = cursor_.offset() + kReleaseEvery;
    }
  }

  // ---- sections --------------------------------------------------------------------------

  void parse_header() {
    bool terminated = false;
    if (cursor_.peek() == '-' && starts_with_symbol_section(text_)) read_symbol_section(cursor_, profile_, diag_);
    std::string_view line;
    do {
      if (cursor_.at_end()) cursor_.fail_at_end("a 'heap_v2/<period>' or 'heap profile:' header");
      line = cursor_.next_line(terminated);
    } while (is_ignorable(line));
    line = trim(line);
    const char* end = line.data() + line.size();
    if (line.starts_with("heap_v2/")) {
      profile_.format = DumpFormat::heap_v2;
      profile_.sample_period = parse_period(line.data() + 8, end);
      if (!terminated) cursor_.fail_at_end("the header's 't*:' line");
      line = next_line_or_fail(terminated, "the header's 't*:' line");
      uint64_t thread_id = 0;
      if (parse_thread_counts(line, thread_id, profile_.header_counts, nullptr))
        cursor_.fail(line.data(), "the header's 't*:' totals line", line);
      parse_thread_header_lines();
    } else if (line.starts_with("heap profile:")) {
      const char* p = line.data() + 13;
      profile_.header_counts = parse_counts(p, end);
      expect_char(p, end, '@', "'@' before the profile kind");
      p = skip_spaces(p, end);
      parse_legacy_kind(p, std::string_view(p, static_cast<size_t>(end - p)));
    } else if (line.starts_with("--- heapz ")) {
      throw InputError(
          fmt::format("{}: expected a jemalloc or gperftools heap profile, got '{}' (a Java heap "
                      "profile: read it with pprof)",
                      cursor_.position(line.data()), quote_token(line)));
    } else {
      cursor_.fail(line.data(), "a 'heap_v2/<period>' or 'heap profile:' header", first_token(line));
    }
  }

  // The kind after "heap profile: <counts> @", with pprof's scaling rule for each: heap_v2 and
  // heapz_v2 are sampled every <period> bytes; heapprofile, bare heap, growthz and
  // fragmentationz are exact counts.
  void parse_legacy_kind(const char* p, std::string_view kind) {
    HeaderKind k = split_kind(kind);
    auto sampled = [&](DumpFormat format) {
      if (!k.has_slash) cursor_.fail(p, "'/<period>' after the profile kind", kind);
      profile_.format = format;
      profile_.sample_period = parse_period(k.period.data(), k.period.data() + k.period.size());
    };
    auto exact = [&](DumpFormat format) {
      if (k.has_slash) cursor_.fail(p, kLegacyKinds, kind);
      profile_.format = format;
      profile_.sample_period = 0;
    };
    if (k.name == "heap_v2") sampled(DumpFormat::legacy_heap_v2);
    else if (k.name == "heapz_v2") sampled(DumpFormat::legacy_heapz_v2);
    else if (k.name == "heapprofile") exact(DumpFormat::legacy_heapprofile);
    else if (k.name == "growthz" || k.name == "growth") exact(DumpFormat::legacy_growthz);
    else if (k.name == "fragmentationz" || k.name == "fragmentation") exact(DumpFormat::legacy_fragmentationz);
    else if (k.name == "heap" && k.has_slash)
      // Go's runtime writes "@ heap/<2*MemProfileRate>" (pprof halves it); its stacks need Go's tools.
      throw InputError(
          fmt::format("{}: expected {}, got '{}' (a Go runtime heap profile: read it with "
                      "'go tool pprof')",
                      cursor_.position(p), kLegacyKinds, quote_token(kind)));
    else if (k.name == "heap") exact(DumpFormat::legacy_heap);
    else cursor_.fail(p, kLegacyKinds, kind);
  }

  uint64_t parse_period(const char* p, const char* end) {
    uint64_t period = 0;
    auto [next, ec] = std::from_chars(p, end, period);
    if (ec != std::errc{} || period == 0 || skip_spaces(next, end) != end)
      cursor_.fail(p, "a positive sample period in bytes", token_at(p, end));
    return period;
  }

  void parse_thread_header_lines() {
    for (skip_column0_comments(); !cursor_.at_end() && is_space(cursor_.peek()); skip_column0_comments()) {
      bool terminated = false;
      std::string_view line = cursor_.next_line(terminated);
      if (is_ignorable(line)) continue;
      if (!terminated) cursor_.fail_at_end("the end of the thread line");
      uint64_t thread_id = 0;
      RawCounts counts;
      std::string_view name;
      if (!parse_thread_counts(line, thread_id, counts, &name)) cursor_.fail(line.data(), "a 't<thread>:' line", line);
      Thread& thread = profile_.threads[intern_thread(thread_id).value()];
      thread.header_counts = counts;
      thread.name = std::string(name);
    }
  }

  void parse_v2_body() {
    bool terminated = false;
    while (!cursor_.at_end()) {
      std::string_view line = cursor_.next_line(terminated);
      if (line.empty()) continue;
      if (line[0] == '@') {
        if (!terminated) cursor_.fail_at_end("the end of the stack line and its 't*:' counts");
        maybe_release();
        parse_v2_record(parse_stack(line.data() + 1, line.data() + line.size()));
      } else if (is_ignorable(line)) {
        continue;
      } else if (!handle_other_top_level_line(line)) {
        return;
      }
    }
  }

  void parse_v2_record(StackId stack) {
    bool terminated = false;
    std::string_view line = next_line_or_fail(terminated, "'t*:' counts for the stack above");
    uint64_t thread_id = 0;
    RawCounts counts;
    if (parse_thread_counts(line, thread_id, counts, nullptr))
      cursor_.fail(line.data(), "'t*:' counts for the stack above", line);
    if (!terminated) cursor_.fail_at_end("the end of the counts line");
    profile_.samples.push_back({stack, counts, unsample(counts, profile_.sample_period)});
    // Per-thread lines follow, indented, until the next record.
    for (skip_column0_comments(); !cursor_.at_end() && is_space(cursor_.peek()); skip_column0_comments()) {
      line = cursor_.next_line(terminated);
      if (is_ignorable(line)) continue;
      if (!parse_thread_counts(line, thread_id, counts, nullptr))
        cursor_.fail(line.data(), "a 't<thread>:' line", line);
      if (!terminated) cursor_.fail_at_end("the end of the thread counts line");
      profile_.thread_samples.push_back(
          {stack, intern_thread(thread_id), counts, unsample(counts, profile_.sample_period)});
    }
  }

  void parse_legacy_body() {
    bool terminated = false;
    while (!cursor_.at_end()) {
      std::string_view line = cursor_.next_line(terminated);
      const char* end = line.data() + line.size();
      const char* p = skip_spaces(line.data(), end);
      if (p == end || *p == '#' || (*p == '<' && is_ignorable(line))) continue;
      bool digit = *p >= '0' && *p <= '9';
      if (digit || (*p == '-' && p + 1 < end && p[1] >= '0' && p[1] <= '9')) {
        if (!terminated) cursor_.fail_at_end("the end of the stack line");
        maybe_release();
        RawCounts counts = parse_counts(p, end);
        expect_char(p, end, '@', "'@' before the stack");
        StackId stack = parse_stack(p, end);
        profile_.samples.push_back({stack, counts, unsample(counts, profile_.sample_period)});
      } else if (!handle_other_top_level_line(line)) {
        return;
      }
    }
  }

  // Sections after the records. Returns false when the rest of the file has been consumed.
  bool handle_other_top_level_line(std::string_view line) {
    if (is_maps_header(line)) {
      parse_maps_section();
      return false;
    }
    if (looks_like_section_header(line)) {
      diag_.warn(fmt::format("{}: ignored unknown section '{}'", cursor_.position(line.data()), quote_token(line)));
      skip_unknown_section();
      return true;
    }
    const char* end = line.data() + line.size();
    line = trim(line);
    end = line.data() + line.size();
    cursor_.fail(line.data(),
                 profile_.format == DumpFormat::heap_v2
                     ? "a '@ <addresses>' stack record or 'MAPPED_LIBRARIES:'"
                     : "a '<objs>: <bytes> [<objs>: <bytes>] @ <addresses>' line or 'MAPPED_LIBRARIES:'",
                 token_at(line.data(), end));
  }

  void skip_unknown_section() {
    bool terminated = false;
    while (!cursor_.at_end() && cursor_.peek() != '@') {
      std::string_view line = cursor_.next_line(terminated);
      if (is_maps_header(line)) {
        parse_maps_section();
        return;
      }
    }
  }

  void parse_maps_section() {
    profile_.has_maps_section = true;
    bool terminated = false;
    size_t unreadable = 0;
    const char* first_unreadable = nullptr;
    MapsAttributes attributes;
    std::string substituted;
    while (!cursor_.at_end()) {
      std::string_view line = cursor_.next_line(terminated);
      // jemalloc ends every line with a newline; a last line without one was cut off, and a
      // cut path would name a file that never existed.
      if (!terminated) cursor_.fail_at_end("the end of the last MAPPED_LIBRARIES line (truncated file?)");
      if (is_ignorable(line)) continue;
      std::string_view text = attributes.substitute(trim(line), substituted);
      std::optional<MapsLine> maps = parse_maps_line(text);
      if (!maps) {
        // "name=value" lines (gperftools' "build=", Google's "source=") name a value that later
        // lines use as "$name", as pprof reads them.
        if (!attributes.add(text) && !unreadable++) first_unreadable = line.data();
        continue;
      }
      profile_.mappings.push_back(to_mapping(*maps, profile_.strings));
    }
    if (unreadable)
      diag_.warn(fmt::format("{}: ignored {} unreadable line(s) in MAPPED_LIBRARIES",
                             cursor_.position(first_unreadable), unreadable));
  }

  void finish() {
    auto& mappings = profile_.mappings;
    std::ranges::stable_sort(mappings, {}, &Mapping::start);
    for (Location& loc : profile_.locations) loc.mapping = profile_.mapping_for(loc.address);
  }

  TextCursor cursor_;
  std::string_view text_;
  Diagnostics& diag_;
  size_t text_size_;
  const char* text_end_;
  const std::function<void(size_t)>& consumed_;
  size_t next_release_ = kReleaseEvery;
  static constexpr size_t kReleaseEvery = 4 << 20;
  Profile profile_;
  AddressIndex address_index_;
  IdMap<uint64_t> thread_index_;    // thread id -> ThreadIndex
  std::vector<LocationId> frames_;  // reused for every stack: no allocation per line
};

}  // namespace

Profile parse_dump(std::string_view text, const std::string& path, Diagnostics& diag,
                   const std::function<void(size_t)>& consumed) {
  return DumpParser(text, path, diag, consumed).run();
}

Profile read_dump(const std::string& path, Diagnostics& diag) {
  InputBytes input = read_input(path);
  Profile profile = parse_dump(input.text(), path == "-" ? std::string("<stdin>") : path, diag,
                               [&](size_t offset) { input.release_before(offset); });
  if (path != "-") profile.name = parse_dump_name(path);
  return profile;
}

}  // namespace memprof::heapparse
