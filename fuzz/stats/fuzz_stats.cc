// Fuzz target for malloc_stats_print readers (JSON and the text form, chosen by content as the
// CLI does): any bytes must parse into snapshots or throw InputError; never crash, hang or trip a
// sanitizer. Each snapshot then goes through the analysis the reports use, and every message
// must be one line: untrusted bytes are escaped, never echoed raw.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "memprof/jestats/analysis.h"
#include "memprof/jestats/read_stats.h"

using namespace memprof;

namespace {

void check_one_line(const std::string& message) {
  if (message.find('\n') != std::string::npos) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Diagnostics diag;
  try {
    for (const jestats::StatsSnapshot& snap : jestats::parse_stats(text, "fuzz", diag))
      (void)jestats::analyze_snapshot(snap);
  } catch (const InputError& e) {
    check_one_line(e.what());
  }
  for (const std::string& w : diag.warnings) check_one_line(w);
  return 0;
}
