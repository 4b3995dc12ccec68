// Fuzz target for the heap dump parser: any bytes must either parse into a consistent Profile or
// throw InputError; never crash, hang or trip a sanitizer. Also run through gunzip, which the
// CLI applies to gzip content. The series engine's quick pass (dump_scan.h) must agree with the
// parser on every input it accepts: same period, records, counts, addresses and mappings.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "memprof/analyze/dump_summary.h"
#include "memprof/heapparse/dump_scan.h"
#include "memprof/heapparse/input.h"
#include "memprof/heapparse/parse_dump.h"

using namespace memprof;

namespace {

void check_consistent(const Profile& p) {
  for (const Sample& s : p.samples) {
    if (s.stack.value() >= p.stacks.size()) __builtin_trap();
    for (LocationId loc : p.stacks.frames(s.stack))
      if (loc.value() >= p.locations.size()) __builtin_trap();
  }
  for (const ThreadSample& s : p.thread_samples)
    if (s.thread.value() >= p.threads.size()) __builtin_trap();
  for (const Location& loc : p.locations) {
    if (loc.mapping.valid() && !p.mappings[loc.mapping.value()].contains(loc.address)) __builtin_trap();
    (void)p.unsymbolized_name(loc);
  }
  (void)analyze::summarize(p);
}

// The scan does not parse stack lines: when parse_dump rejects an input the scan accepted, one of
// its stack lines must be one parse_stack_addresses refuses (the engine then runs parse_dump,
// which reports the error).
void check_scan(std::string_view text) {
  heapparse::ScannedDump s;
  if (!heapparse::scan_dump(text, s)) return;
  Diagnostics diag;
  Profile p;
  std::vector<uint64_t> addresses;
  try {
    p = heapparse::parse_dump(text, "fuzz", diag);
  } catch (const InputError&) {
    for (const heapparse::ScannedRecord& r : s.records)
      if (!heapparse::parse_stack_addresses(s.stack_line(text, r), addresses)) return;
    __builtin_trap();
  }
  if (!diag.warnings.empty() || p.sample_period != s.sample_period || p.samples.size() != s.records.size() ||
      p.mappings.size() != s.maps.mappings.size() || p.has_maps_section != s.has_maps_section)
    __builtin_trap();
  for (size_t k = 0; k < s.records.size(); ++k) {
    const heapparse::ScannedRecord& r = s.records[k];
    const RawCounts& raw = p.samples[k].raw;
    if (r.raw.cur_objects != raw.cur_objects || r.raw.cur_bytes != raw.cur_bytes ||
        r.raw.accum_objects != raw.accum_objects || r.raw.accum_bytes != raw.accum_bytes)
      __builtin_trap();
    if (!(r.stack_hash == heapparse::hash_text(s.stack_line(text, r)))) __builtin_trap();
    // A line the quick parse refuses goes to parse_dump in the engine; one it reads must read the same.
    if (!heapparse::parse_stack_addresses(s.stack_line(text, r), addresses)) continue;
    auto frames = p.stacks.frames(p.samples[k].stack);
    if (frames.size() != addresses.size()) __builtin_trap();
    for (size_t f = 0; f < frames.size(); ++f)
      if (p.locations[frames[f].value()].address != addresses[f]) __builtin_trap();
  }
  for (size_t m = 0; m < p.mappings.size(); ++m) {
    const Mapping &a = p.mappings[m], &b = s.maps.mappings[m];
    if (a.start != b.start || a.limit != b.limit || a.offset != b.offset || a.executable != b.executable ||
        a.deleted != b.deleted || p.str(a.path) != s.maps.str(b.path))
      __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Diagnostics diag;
  try {
    if (heapparse::is_gzip(text)) {
      std::vector<char> inflated = heapparse::gunzip(text, "fuzz");
      check_consistent(heapparse::parse_dump({inflated.data(), inflated.size()}, "fuzz", diag));
    } else {
      check_consistent(heapparse::parse_dump(text, "fuzz", diag));
    }
  } catch (const InputError&) {
  }
  check_scan(text);
  return 0;
}
