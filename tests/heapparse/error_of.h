// The one-line error a dump text gets from the parser (named "bad.heap"), or "no error".
//
//   CHECK(error_of("") == "bad.heap:1:1: expected a 'heap_v2/<period>' ... got end of file");
#pragma once

#include <string>
#include <string_view>

#include "memprof/heapparse/parse_dump.h"
#include "memprof/profile/diagnostics.h"

namespace memprof::test {

inline std::string error_of(std::string_view text) {
  Diagnostics diag;
  try {
    heapparse::parse_dump(text, "bad.heap", diag);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace memprof::test
