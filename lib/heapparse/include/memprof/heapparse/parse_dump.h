// Parses a jemalloc heap profile dump into a Profile, unsampling every record as it goes.
// Reads heap_v2/<R> (jemalloc 4.0 and later) and the legacy "heap profile: ... @ heap_v2/<R>"
// and "@ heapprofile" text (jemalloc 3.x, gperftools), with or without a MAPPED_LIBRARIES
// section. Malformed input throws InputError("PATH:LINE:COL: expected X, got 'Y'").
//
//   Diagnostics diag;
//   Profile p = read_dump("jeprof.1234.7.i7.heap", diag);  // file, "-", pipe, .gz
//   Profile q = parse_dump(text, "inline", diag);           // from memory
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "memprof/profile/diagnostics.h"
#include "memprof/profile/profile.h"

namespace memprof::heapparse {

// `consumed(offset)` is called now and then with the offset below which the parser will not look
// at the text again (except to count lines for an error message), so the caller may drop pages.
Profile parse_dump(std::string_view text, const std::string& path, Diagnostics& diag,
                   const std::function<void(size_t)>& consumed = {});
Profile read_dump(const std::string& path, Diagnostics& diag);

}  // namespace memprof::heapparse
