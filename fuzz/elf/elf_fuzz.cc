// The fuzz entry for the ELF reader: parse, then exercise every accessor the symbolizer uses.
// Built as a libFuzzer target (fuzz/elf) and, with replay_main.cc, as a corpus replay test.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "elf_file.h"
#include "module_locator.h"
#include "symbol_table.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace memprof::symbolize;
  std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  std::string error;
  auto elf = ElfFile::parse(bytes, error);
  if (!elf) return 0;
  for (SymbolSource source : {SymbolSource::symtab, SymbolSource::dynsym}) {
    SymbolTable table(elf->symbols(source), *elf);
    for (const ElfSegment& s : elf->loads()) {
      for (uint64_t probe : {s.vaddr, s.vaddr + s.filesz / 2, s.vaddr + s.memsz - 1})
        if (const SymbolTable::Entry* e = table.lookup(probe)) (void)e->name.size();
      (void)elf->file_offset_to_vaddr(s.offset);
      memprof::Mapping m;
      m.offset = s.offset & ~uint64_t{4095};
      m.start = 0x7f0000000000 + (s.vaddr & ~uint64_t{4095});
      m.limit = m.start + s.filesz;
      m.executable = s.executable();
      std::string why;
      (void)layout_matches(*elf, {&m}, why);
    }
  }
  (void)elf->has_dwarf();
  (void)elf->build_id();
  (void)elf->debuglink();
  return 0;
}
