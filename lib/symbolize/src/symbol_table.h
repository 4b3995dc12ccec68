// Function symbols of one ELF file as address intervals [value, value + size). Lookup returns the
// innermost symbol that really contains the address, never the nearest preceding one: an
// address in a gap (stripped static functions, PLT stubs) has no name. The one exception is a
// size-0 code label, which names the bytes after it up to the next symbol when nothing sized
// covers them (ld.so's _dl_start_user, at the root of every constructor's stack).
//
//   SymbolTable table(elf.symbols(SymbolSource::dynsym), elf);
//   if (const SymbolTable::Entry* e = table.lookup(vaddr)) use(e->name);
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "elf_file.h"

namespace memprof::symbolize {

class SymbolTable {
 public:
  struct Entry {
    uint64_t start = 0, end = 0;
    std::string_view name;
  };

  SymbolTable() = default;
  SymbolTable(const std::vector<ElfSymbol>& symbols, const ElfFile& elf);

  const Entry* lookup(uint64_t address) const;
  size_t size() const { return entries_.size(); }

 private:
  void build_labels(std::vector<const ElfSymbol*>& labels, const std::vector<const ElfSymbol*>& sized,
                    const std::vector<ElfSection>& sections);

  std::vector<Entry> entries_;     // sorted by start; one canonical name per start
  std::vector<Entry> labels_;      // size-0 labels, each up to the next symbol; sorted, disjoint
  std::vector<uint64_t> max_end_;  // max_end_[i] = max end of entries_[0..i], for nested symbols
};

}  // namespace memprof::symbolize
