// A quick pass over a plain heap_v2 dump, for readers of many dumps of one process (the series
// engine): the dumps of a process repeat most of their stacks, so each record's stack line is
// hashed, not parsed; its counts are parsed and unsampled, and the memory map is read. The
// caller parses a stack line (parse_stack_addresses) only the first time it sees its hash.
// Anything beyond the plain form jemalloc writes (comments, legacy headers, a symbol section,
// unknown sections, CRLF line ends, anything malformed) makes scan_dump return false: the caller
// then uses parse_dump, which reads every form and reports errors as PATH:LINE:COL.
//
//   ScannedDump s;
//   if (scan_dump(text, s))
//     for (const ScannedRecord& r : s.records) ... r.stack_hash, r.values, s.stack_line(text, r) ...
//   std::vector<uint64_t> addresses;
//   bool ok = parse_stack_addresses(s.stack_line(text, r), addresses);  // as parse_dump reads it
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "memprof/profile/profile.h"

namespace memprof::heapparse {

// 128 bits of a non-cryptographic hash: two dumps' stack lines with equal TextHash are taken to
// be equal (the chance that two of a billion different lines collide is below 1e-20).
struct TextHash {
  uint64_t lo = 0, hi = 0;
  bool operator==(const TextHash&) const = default;
};
TextHash hash_text(std::string_view text);

struct ScannedRecord {
  TextHash stack_hash;       // of the stack line after '@'
  uint32_t line_offset = 0;  // of the stack line (after '@') in the text
  uint32_t line_length = 0;
  RawCounts raw;  // the record's t*: counts
  Values values;  // unsampled
};

struct ScannedDump {
  uint64_t sample_period = 0;
  std::vector<ScannedRecord> records;  // in file order, one per '@' record
  bool has_maps_section = false;
  // The MAPPED_LIBRARIES section's mappings (sorted by start) and their path strings; no
  // locations, stacks or samples.
  Profile maps;
  // Of the executable mappings only: dumps of one process with equal code_key have the same
  // code at the same addresses, whatever their heap and stack mappings did in between.
  TextHash code_key;

  std::string_view stack_line(std::string_view text, const ScannedRecord& r) const {
    return text.substr(r.line_offset, r.line_length);
  }
};

// Fills `out` (reusing its storage) and returns true when `text` is a plain heap_v2 dump.
bool scan_dump(std::string_view text, ScannedDump& out);

// The addresses of a stack line (the text after '@'), as parse_dump reads them; false on anything
// it would reject.
bool parse_stack_addresses(std::string_view line, std::vector<uint64_t>& out);

}  // namespace memprof::heapparse
