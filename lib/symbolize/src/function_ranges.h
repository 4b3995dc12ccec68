// Function address ranges from call-frame information (.eh_frame, else .debug_frame): every
// function the unwinder can walk through has an FDE, symbol or not, so the static functions of
// a stripped binary still have a start. memprof names an address that no symbol covers after
// the start of its function (`module+0xSTART`), so all the addresses of one unnamed function
// share one row. LLVM types stay in the .cc file (C++17 under clang, like dwarf_lookup.cc).
//
//   std::string error;
//   FunctionRanges ranges = FunctionRanges::read(data, size, "/usr/bin/redis-server", error);
//   if (const FunctionRange* f = ranges.find(vaddr)) use(f->start);
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace memprof::symbolize {

struct FunctionRange {
  uint64_t start = 0, end = 0;  // [start, end) in the file's virtual addresses
};

class FunctionRanges {
 public:
  // Reads the FDEs of an ELF file; on a parse problem, keeps what it read and sets `error`.
  static FunctionRanges read(const std::byte* data, size_t size, const std::string& name, std::string& error);
  const FunctionRange* find(uint64_t vaddr) const;
  size_t size() const { return ranges_.size(); }

 private:
  std::vector<FunctionRange> ranges_;  // sorted by start
};

}  // namespace memprof::symbolize
