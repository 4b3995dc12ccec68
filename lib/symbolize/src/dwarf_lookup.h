// File:line and inline chains from DWARF through LLVM's DWARFContext (DWARF 4/5, compressed
// sections, split DWARF via .dwo/.dwp). LLVM types stay in the .cc file. Not thread-safe: each
// thread opens its own DwarfLookup over the same mapped bytes. Kept C++17-clean: clang 14 cannot
// compile LLVM 14's headers in C++20 mode with libstdc++ 12, so under clang this file is C++17.
//
//   std::string error;
//   auto dwarf = DwarfLookup::open(data, size, "/usr/bin/app", "", error);
//   std::vector<InlineFrame> chain = dwarf->lookup(vaddr);  // innermost first
//   auto keep = dwarf->strings();  // what chain's views point into
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace memprof::symbolize {

// The views point into DwarfLookup::strings(): each distinct name and file is copied out of
// LLVM once per lookup object, and equal views share one pointer, so callers can dedupe by pointer.
struct InlineFrame {
  std::string_view function;  // linkage (mangled) name, else DW_AT_name; empty when unknown
  std::string_view file;      // absolute path of the line's file; empty when unknown
  uint32_t line = 0;
  uint32_t column = 0;
};

class DwarfLookup {
 public:
  // [data, data + size) (an ELF file with DWARF) must outlive the lookup. `dwp_path` may be empty.
  static std::unique_ptr<DwarfLookup> open(const std::byte* data, size_t size, const std::string& name,
                                           const std::string& dwp_path, std::string& error);
  virtual ~DwarfLookup() = default;
  // The inline chain at `vaddr`, innermost first; empty when DWARF knows nothing about it.
  virtual std::vector<InlineFrame> lookup(uint64_t vaddr) = 0;
  // The offset of the compilation unit covering `vaddr` (from .debug_aranges, else the units'
  // ranges), kNoUnit if none. Cheap: it does not parse the unit's DIEs, so callers can split work
  // by unit before looking anything up.
  static constexpr uint64_t kNoUnit = UINT64_MAX;
  virtual uint64_t unit_of(uint64_t vaddr) = 0;
  // Owns the strings the frames view; keep it as long as the frames (it outlives the lookup).
  virtual std::shared_ptr<const void> strings() const = 0;
  // The first problem LLVM reported while reading DWARF, "" if none.
  virtual std::string first_error() const = 0;
};

}  // namespace memprof::symbolize
