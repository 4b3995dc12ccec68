// Byte counts as people read them, in binary units. Lives with the model so that every library
// that writes text for people (stats analysis, reports) says sizes the same way.
//
//   format_bytes(1536)      -> "1.5 KiB"
//   format_bytes(-2097152)  -> "-2.0 MiB"
//   format_bytes(512)       -> "512 B"
#pragma once

#include <string>

namespace memprof {

std::string format_bytes(double bytes);

}  // namespace memprof
