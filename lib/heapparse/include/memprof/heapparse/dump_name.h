// Reads what jemalloc's file names say: <prefix>.<pid>.<seq>.{i,m,u}<N>.heap,
// <prefix>.<pid>.<seq>.f.heap (optionally with a pid namespace after the prefix) and Kvrocks'
// jeprof.<pid>.<counter>.heap. A ".gz" suffix is allowed. Directories are ignored.
//
//   auto name = parse_dump_name("/tmp/jeprof.4242.17.i3.heap");  // pid 4242, seq 17, kind 'i'
#pragma once

#include <optional>
#include <string_view>

#include "memprof/profile/profile.h"

namespace memprof::heapparse {

std::optional<DumpName> parse_dump_name(std::string_view path);

}  // namespace memprof::heapparse
