// Fuzz target for LSan-style suppression files: parse any bytes (rules or InputError, messages
// on one line), then match every rule against names taken from the same input, so the glob
// matcher sees hostile patterns and texts together.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "memprof/analyze/suppressions.h"

using namespace memprof;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Diagnostics diag;
  analyze::Suppressions rules;
  try {
    rules = analyze::parse_suppressions(text, "fuzz", diag);
  } catch (const InputError& e) {
    if (std::string_view(e.what()).find('\n') != std::string_view::npos) __builtin_trap();
    return 0;
  }
  for (const std::string& w : diag.warnings)
    if (w.find('\n') != std::string::npos) __builtin_trap();
  for (const std::string& pattern : rules.patterns)
    for (size_t at = 0; at < text.size(); at += 1 + text.size() / 8)
      (void)analyze::suppression_matches(pattern, text.substr(at));
  return 0;
}
