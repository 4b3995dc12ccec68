// Fuzz target for the heap dump parser: any bytes must either parse into a consistent Profile or
// throw InputError; never crash, hang or trip a sanitizer. Also run through gunzip, which the
// CLI applies to gzip content.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "memprof/analyze/dump_summary.h"
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
  return 0;
}
