// The "--- symbol" section that starts a symbolized dump (jeprof's --raw form, and what
// `memprof symbolize` writes):
//
//   --- symbol
//   binary=/usr/bin/app
//   0x55d0c2a1b2c3 main--parse_config--std::vector<int>::push_back(int const&)
//   ---
//   --- heap
//   heap_v2/524288
//   ...
//
// Each address line carries one or more names joined by "--", callers before the functions
// inlined into them (jeprof's order). The section reader leaves the cursor on the dump header.
#pragma once

#include <string_view>

#include "memprof/profile/diagnostics.h"
#include "memprof/profile/profile.h"
#include "memprof/profile/text_cursor.h"

namespace memprof::heapparse {

bool starts_with_symbol_section(std::string_view text);

// Reads from the "--- symbol" line through the "---" line that ends the section and the
// "--- heap" marker after it, into profile.embedded_symbols. Throws InputError on a malformed
// address line.
void read_symbol_section(TextCursor& cursor, Profile& profile, Diagnostics& diag);

}  // namespace memprof::heapparse
