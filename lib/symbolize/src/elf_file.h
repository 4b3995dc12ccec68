// A bounds-checked reader for the parts of a 64-bit little-endian ELF file the symbolizer needs:
// PT_LOAD segments (file offset -> virtual address), section headers, .symtab/.dynsym, the GNU
// build id and .gnu_debuglink. Every read is checked against the buffer, so a truncated or
// malicious file yields an error string, never a crash (fuzzed by fuzz/elf).
//
//   std::string error;
//   std::optional<ElfFile> elf = ElfFile::parse(bytes, error);
//   if (elf) { auto vaddr = elf->file_offset_to_vaddr(0x1234); auto syms = elf->symbols(SymbolSource::symtab); }
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace memprof::symbolize {

struct ElfSegment {
  uint64_t offset = 0, vaddr = 0, filesz = 0, memsz = 0;
  uint32_t flags = 0;  // PF_X = 1, PF_W = 2, PF_R = 4
  bool executable() const { return flags & 1; }
};

struct ElfSection {
  std::string_view name;
  uint32_t type = 0;
  uint64_t flags = 0, addr = 0, offset = 0, size = 0;
  uint32_t link = 0;
  uint64_t entsize = 0;
};

struct ElfSymbol {
  std::string_view name;
  uint64_t value = 0, size = 0;
  uint8_t type = 0;  // STT_*
  uint8_t bind = 0;  // STB_*
  uint16_t shndx = 0;
};

enum class SymbolSource { symtab, dynsym };

class ElfFile {
 public:
  // `bytes` must outlive the ElfFile: names are views into it.
  static std::optional<ElfFile> parse(std::span<const std::byte> bytes, std::string& error);

  bool is_executable_type() const { return type_ == 2; }  // ET_EXEC: loaded at its link address
  const std::vector<ElfSegment>& loads() const { return loads_; }
  const std::vector<ElfSection>& sections() const { return sections_; }
  const ElfSection* section(std::string_view name) const;
  bool has_symbols(SymbolSource source) const;
  // Symbols of the table; entries whose name or section lies outside the file are dropped.
  std::vector<ElfSymbol> symbols(SymbolSource source) const;
  bool has_dwarf() const;                                    // .debug_info or .zdebug_info with contents
  const std::string& build_id() const { return build_id_; }  // lowercase hex, "" if none
  const std::string& debuglink() const { return debuglink_; }
  uint32_t debuglink_crc() const { return debuglink_crc_; }
  // The PT_LOAD segment whose file range contains `offset`, if any.
  const ElfSegment* segment_for_offset(uint64_t offset) const;
  std::optional<uint64_t> file_offset_to_vaddr(uint64_t offset) const;
  std::span<const std::byte> bytes() const { return bytes_; }

 private:
  std::span<const std::byte> bytes_;
  uint16_t type_ = 0;
  std::vector<ElfSegment> loads_;
  std::vector<ElfSection> sections_;
  std::string build_id_;
  std::string debuglink_;
  uint32_t debuglink_crc_ = 0;
};

// The CRC32 that .gnu_debuglink stores (zlib's polynomial).
uint32_t gnu_debuglink_crc(std::span<const std::byte> bytes);

}  // namespace memprof::symbolize
