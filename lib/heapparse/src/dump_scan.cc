#include "memprof/heapparse/dump_scan.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "maps_parser.h"
#include "memprof/heapparse/unsample.h"
#include "memprof/profile/text_cursor.h"

namespace memprof::heapparse {

namespace {

// wyhash's multiply-fold: a 64x64->128-bit product folded to 64 bits.
inline uint64_t mum(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

// Each of these has a byte with its high bit set, so XOR with text (bytes below 0x80) is never
// zero and no lane's product starts from zero.
constexpr uint64_t kK1 = 0xa0761d6478bd642fULL, kK2 = 0xe7037ed1a0b428dbULL;
constexpr uint64_t kK3 = 0x8ebc6af09c88c6e3ULL, kK4 = 0x9d8fd5b3c5a1e4f7ULL;

uint64_t load(const char* p) {
  uint64_t x;
  std::memcpy(&x, p, 8);
  return x;
}

// Two lanes over the same 16-byte words with different keys: each is a 64-bit hash of the whole
// text, and their products run in parallel. (Hashing while looking for the line's end, 16 bytes
// at a time, took 13% more instructions than memchr and then this.)
struct LineHasher {
  // Zero, not a key: a lane starting at kK1 would XOR it away again (x ^ kK1 ^ kK1 == x).
  uint64_t a = 0, b = 0;
  void add(uint64_t x, uint64_t y) {
    a = mum(x ^ a ^ kK1, y ^ kK2);
    b = mum(y ^ b ^ kK3, x ^ kK4);
  }
  // The last `n` (< 16) bytes at `p`, and the text's length.
  TextHash finish(const char* p, size_t n, size_t length) {
    uint64_t x = 0, y = 0;
    std::memcpy(&x, p, std::min<size_t>(n, 8));
    if (n > 8) std::memcpy(&y, p + 8, n - 8);
    add(x, y);
    return {mum(a ^ kK4 ^ length, b ^ kK1), mum(b ^ kK2, a ^ kK3 ^ (length * kK2))};
  }
};

bool is_space(char c) { return c == ' ' || c == '\t'; }

const char* skip_spaces(const char* p, const char* end) {
  while (p < end && is_space(*p)) ++p;
  return p;
}

bool parse_count(const char*& p, const char* end, int64_t& out) {
  p = skip_spaces(p, end);
  auto [next, ec] = std::from_chars(p, end, out);
  if (ec != std::errc{}) return false;
  p = next;
  return true;
}

bool expect(const char*& p, const char* end, char c) {
  p = skip_spaces(p, end);
  if (p >= end || *p != c) return false;
  ++p;
  return true;
}

// "t*: <objs>: <bytes> [<objs>: <bytes>]" (all threads) or "t<id>: ..." after optional indent,
// as parse_dump reads it; returns the end of the counts, or nullptr. No token reaches past a
// '\n', so `end` may be the end of the text.
const char* parse_counts(const char* p, const char* end, bool& all_threads, RawCounts& c) {
  p = skip_spaces(p, end);
  if (p >= end || *p != 't') return nullptr;
  ++p;
  all_threads = p < end && *p == '*';
  if (all_threads) {
    ++p;
  } else {
    uint64_t id = 0;
    auto [next, ec] = std::from_chars(p, end, id);
    if (ec != std::errc{}) return nullptr;
    p = next;
  }
  if (p >= end || *p != ':') return nullptr;
  ++p;
  if (!parse_count(p, end, c.cur_objects) || !expect(p, end, ':') || !parse_count(p, end, c.cur_bytes) ||
      !expect(p, end, '[') || !parse_count(p, end, c.accum_objects) || !expect(p, end, ':') ||
      !parse_count(p, end, c.accum_bytes) || !expect(p, end, ']'))
    return nullptr;
  return p;
}

// A counts line at `p` with nothing after the counts but spaces and its '\n'; moves `p` past it.
bool parse_counts_line(const char*& p, const char* end, bool& all_threads, RawCounts& c) {
  const char* q = parse_counts(p, end, all_threads, c);
  if (!q) return false;
  q = skip_spaces(q, end);
  if (q >= end || *q != '\n') return false;
  p = q + 1;
  return true;
}

bool is_ignorable(std::string_view line) {
  line = trim(line);
  return line.empty() || line.front() == '#' || line.starts_with("<jemalloc>:");
}

// The MAPPED_LIBRARIES section after its header line, as parse_dump reads it; false when a line
// is unreadable (parse_dump warns about those) or the last line is cut off.
bool read_maps(std::string_view section, Profile& maps) {
  if (!section.empty() && section.back() != '\n') return false;
  MapsAttributes attributes;
  std::string substituted;
  while (!section.empty()) {
    size_t nl = section.find('\n');
    std::string_view line = section.substr(0, nl);
    section.remove_prefix(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (is_ignorable(line)) continue;
    std::string_view text = attributes.substitute(trim(line), substituted);
    std::optional<MapsLine> m = parse_maps_line(text);
    if (!m) {
      if (!attributes.add(text)) return false;
      continue;
    }
    maps.mappings.push_back(to_mapping(*m, maps.strings));
  }
  std::ranges::stable_sort(maps.mappings, {}, &Mapping::start);
  return true;
}

TextHash code_key(const Profile& maps, bool has_maps_section) {
  std::string key = has_maps_section ? "maps" : "none";
  for (const Mapping& m : maps.mappings) {
    if (!m.executable) continue;
    uint64_t fields[] = {m.start, m.limit, m.offset, m.deleted};
    key.append(reinterpret_cast<const char*>(fields), sizeof fields);
    key += maps.str(m.path);
    key += '\0';
  }
  return hash_text(key);
}

}  // namespace

TextHash hash_text(std::string_view text) {
  LineHasher h;
  const char* p = text.data();
  size_t n = text.size();
  for (; n >= 16; p += 16, n -= 16) h.add(load(p), load(p + 8));
  return h.finish(p, n, text.size());
}

bool scan_dump(std::string_view text, ScannedDump& out) {
  out.records.clear();
  out.maps = Profile{};
  out.has_maps_section = false;
  if (text.size() > UINT32_MAX) return false;
  const char* p = text.data();
  const char* end = p + text.size();
  // Every line of a plain dump ends with '\n'.
  auto next_line = [&](std::string_view& line) {
    if (p >= end) return false;
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (!nl) return false;
    line = {p, static_cast<size_t>(nl - p)};
    p = nl + 1;
    return true;
  };
  std::string_view line;
  if (!next_line(line) || !line.starts_with("heap_v2/")) return false;
  auto [after, ec] = std::from_chars(line.data() + 8, line.data() + line.size(), out.sample_period);
  if (ec != std::errc{} || out.sample_period == 0 || after != line.data() + line.size()) return false;
  bool all = false;
  RawCounts counts;
  if (!parse_counts_line(p, end, all, counts) || !all) return false;
  // The header's thread lines: a thread name may follow the counts.
  while (p < end && is_space(*p))
    if (!next_line(line) || !parse_counts(line.data(), line.data() + line.size(), all, counts) || all) return false;

  while (p < end) {
    if (*p == '\n') {  // jemalloc writes an empty line before MAPPED_LIBRARIES
      ++p;
      continue;
    }
    if (*p != '@') {
      if (!next_line(line) || line != "MAPPED_LIBRARIES:") return false;
      out.has_maps_section = true;
      if (!read_maps({p, static_cast<size_t>(end - p)}, out.maps)) return false;
      break;
    }
    ScannedRecord r;
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (!nl) return false;
    r.stack_hash = hash_text({p + 1, static_cast<size_t>(nl - p - 1)});
    r.line_offset = static_cast<uint32_t>(p + 1 - text.data());
    r.line_length = static_cast<uint32_t>(nl - p - 1);
    p = nl + 1;
    if (!parse_counts_line(p, end, all, r.raw) || !all) return false;
    r.values = unsample(r.raw, out.sample_period);
    // Per-thread lines: checked as parse_dump checks them; the series reads only t*.
    while (p < end && is_space(*p))
      if (!parse_counts_line(p, end, all, counts) || all) return false;
    out.records.push_back(r);
  }
  out.code_key = code_key(out.maps, out.has_maps_section);
  return true;
}

bool parse_stack_addresses(std::string_view line, std::vector<uint64_t>& out) {
  out.clear();
  const char* p = line.data();
  const char* end = p + line.size();
  for (;;) {
    p = skip_spaces(p, end);
    if (p >= end) return true;
    const char* stop = p;
    while (stop < end && !is_space(*stop)) ++stop;
    if (stop - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) p += 2;
    uint64_t address = 0;
    auto [next, ec] = std::from_chars(p, stop, address, 16);
    if (ec != std::errc{} || next != stop) return false;
    out.push_back(address);
    p = stop;
  }
}

}  // namespace memprof::heapparse
