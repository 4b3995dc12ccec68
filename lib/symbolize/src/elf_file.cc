#include "elf_file.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace memprof::symbolize {

namespace {

constexpr uint32_t kPtLoad = 1, kPtNote = 4;
constexpr uint32_t kShtSymtab = 2, kShtNote = 7, kShtNobits = 8, kShtDynsym = 11;
constexpr uint32_t kNtGnuBuildId = 3;

// Bounds-checked little-endian reads: false when [offset, offset + sizeof(T)) leaves the buffer.
class Reader {
 public:
  explicit Reader(std::span<const std::byte> bytes) : bytes_(bytes) {}
  template <class T>
  bool read(uint64_t offset, T& out) const {
    if (offset > bytes_.size() || bytes_.size() - offset < sizeof(T)) return false;
    std::memcpy(&out, bytes_.data() + offset, sizeof(T));
    return true;
  }
  bool in_bounds(uint64_t offset, uint64_t size) const {
    return offset <= bytes_.size() && bytes_.size() - offset >= size;
  }
  // A NUL-terminated string starting at `offset` inside [begin, end); empty view when unterminated.
  std::optional<std::string_view> string_at(uint64_t begin, uint64_t end, uint64_t offset) const {
    if (end > bytes_.size() || begin > end || offset >= end - begin) return std::nullopt;
    const char* base = reinterpret_cast<const char*>(bytes_.data()) + begin;
    const void* nul = std::memchr(base + offset, 0, end - begin - offset);
    if (!nul) return std::nullopt;
    return std::string_view(base + offset, static_cast<const char*>(nul) - (base + offset));
  }

 private:
  std::span<const std::byte> bytes_;
};

std::string to_hex(std::span<const std::byte> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::byte b : bytes) {
    out += kDigits[static_cast<uint8_t>(b) >> 4];
    out += kDigits[static_cast<uint8_t>(b) & 15];
  }
  return out;
}

// Walks the notes in [offset, offset + size) looking for NT_GNU_BUILD_ID.
std::string find_build_id(const Reader& r, std::span<const std::byte> bytes, uint64_t offset, uint64_t size) {
  if (!r.in_bounds(offset, size)) return {};
  uint64_t pos = offset, end = offset + size;
  while (end - pos >= 12) {
    uint32_t namesz, descsz, type;
    if (!r.read(pos, namesz) || !r.read(pos + 4, descsz) || !r.read(pos + 8, type)) return {};
    uint64_t name_at = pos + 12;
    uint64_t desc_at = name_at + ((uint64_t{namesz} + 3) & ~uint64_t{3});
    uint64_t next = desc_at + ((uint64_t{descsz} + 3) & ~uint64_t{3});
    if (next > end || desc_at > end || desc_at + descsz > end) return {};
    if (type == kNtGnuBuildId && namesz == 4 && std::memcmp(bytes.data() + name_at, "GNU", 4) == 0 && descsz > 0 &&
        descsz <= 64)
      return to_hex(bytes.subspan(desc_at, descsz));
    pos = next;
  }
  return {};
}

}  // namespace

std::optional<ElfFile> ElfFile::parse(std::span<const std::byte> bytes, std::string& error) {
  Reader r(bytes);
  unsigned char ident[16];
  if (!r.read(0, ident) || std::memcmp(ident,
                                       "\x7f"
                                       "ELF",
                                       4) != 0) {
    error = "not an ELF file";
    return std::nullopt;
  }
  if (ident[4] != 2 || ident[5] != 1) {
    error = "unsupported ELF class or byte order (only 64-bit little-endian)";
    return std::nullopt;
  }
  ElfFile elf;
  elf.bytes_ = bytes;
  uint64_t phoff, shoff;
  uint16_t phentsize, phnum, shentsize, shnum, shstrndx;
  if (!r.read(16, elf.type_) || !r.read(32, phoff) || !r.read(40, shoff) || !r.read(54, phentsize) ||
      !r.read(56, phnum) || !r.read(58, shentsize) || !r.read(60, shnum) || !r.read(62, shstrndx)) {
    error = "truncated ELF header";
    return std::nullopt;
  }

  if (phnum > 0) {
    if (phentsize < 56 || !r.in_bounds(phoff, uint64_t{phnum} * phentsize)) {
      error = "program headers outside the file";
      return std::nullopt;
    }
    for (uint16_t i = 0; i < phnum; ++i) {
      uint64_t at = phoff + uint64_t{i} * phentsize;
      uint32_t type = 0, flags = 0;
      ElfSegment s;
      r.read(at, type);
      r.read(at + 4, flags);
      r.read(at + 8, s.offset);
      r.read(at + 16, s.vaddr);
      r.read(at + 32, s.filesz);
      r.read(at + 40, s.memsz);
      s.flags = flags;
      if (type == kPtLoad) {
        if (s.offset + s.filesz < s.offset) continue;  // wraps around: ignore the segment
        elf.loads_.push_back(s);
      } else if (type == kPtNote && elf.build_id_.empty()) {
        elf.build_id_ = find_build_id(r, bytes, s.offset, s.filesz);
      }
    }
  }

  if (shnum > 0 && shoff != 0) {
    if (shentsize < 64 || !r.in_bounds(shoff, uint64_t{shnum} * shentsize)) {
      error = "section headers outside the file";
      return std::nullopt;
    }
    uint64_t strtab_off = 0, strtab_size = 0;
    if (shstrndx < shnum) {
      uint64_t at = shoff + uint64_t{shstrndx} * shentsize;
      r.read(at + 24, strtab_off);
      r.read(at + 32, strtab_size);
      if (!r.in_bounds(strtab_off, strtab_size)) strtab_size = 0;
    }
    elf.sections_.reserve(shnum);
    for (uint16_t i = 0; i < shnum; ++i) {
      uint64_t at = shoff + uint64_t{i} * shentsize;
      uint32_t name = 0;
      ElfSection s;
      r.read(at, name);
      r.read(at + 4, s.type);
      r.read(at + 8, s.flags);
      r.read(at + 16, s.addr);
      r.read(at + 24, s.offset);
      r.read(at + 32, s.size);
      r.read(at + 40, s.link);
      r.read(at + 56, s.entsize);
      if (strtab_size) s.name = r.string_at(strtab_off, strtab_off + strtab_size, name).value_or("");
      // Sections claiming bytes beyond the file keep their header but lose their contents.
      if (s.type != kShtNobits && !r.in_bounds(s.offset, s.size)) s.size = 0;
      elf.sections_.push_back(s);
    }
    for (const ElfSection& s : elf.sections_) {
      if (s.type == kShtNote && elf.build_id_.empty() && s.name == ".note.gnu.build-id")
        elf.build_id_ = find_build_id(r, bytes, s.offset, s.size);
      if (s.name == ".gnu_debuglink" && s.type != kShtNobits && s.size > 0) {
        auto name = r.string_at(s.offset, s.offset + s.size, 0);
        if (name && !name->empty()) {
          uint64_t crc_at = (name->size() + 1 + 3) & ~uint64_t{3};
          if (crc_at + 4 <= s.size) {
            elf.debuglink_ = std::string(*name);
            r.read(s.offset + crc_at, elf.debuglink_crc_);
          }
        }
      }
    }
  }
  return elf;
}

const ElfSection* ElfFile::section(std::string_view name) const {
  for (const ElfSection& s : sections_)
    if (s.name == name) return &s;
  return nullptr;
}

bool ElfFile::has_symbols(SymbolSource source) const {
  uint32_t want = source == SymbolSource::symtab ? kShtSymtab : kShtDynsym;
  return std::ranges::any_of(sections_, [&](const ElfSection& s) { return s.type == want && s.size >= 24; });
}

std::vector<ElfSymbol> ElfFile::symbols(SymbolSource source) const {
  uint32_t want = source == SymbolSource::symtab ? kShtSymtab : kShtDynsym;
  Reader r(bytes_);
  std::vector<ElfSymbol> out;
  for (const ElfSection& s : sections_) {
    if (s.type != want || s.link >= sections_.size()) continue;
    const ElfSection& strtab = sections_[s.link];
    if (strtab.type == kShtNobits || !r.in_bounds(strtab.offset, strtab.size)) continue;
    uint64_t entsize = s.entsize >= 24 ? s.entsize : 24;
    uint64_t count = s.size / entsize;
    out.reserve(out.size() + count);
    for (uint64_t i = 1; i < count; ++i) {  // entry 0 is the null symbol
      uint64_t at = s.offset + i * entsize;
      uint32_t name = 0;
      uint8_t info;
      ElfSymbol sym;
      if (!r.read(at, name) || !r.read(at + 4, info) || !r.read(at + 6, sym.shndx) || !r.read(at + 8, sym.value) ||
          !r.read(at + 16, sym.size))
        break;
      auto text = r.string_at(strtab.offset, strtab.offset + strtab.size, name);
      if (!text || text->empty()) continue;
      sym.name = *text;
      sym.type = info & 0xf;
      sym.bind = info >> 4;
      out.push_back(sym);
    }
  }
  return out;
}

bool ElfFile::has_dwarf() const {
  return std::ranges::any_of(sections_, [](const ElfSection& s) {
    return (s.name == ".debug_info" || s.name == ".zdebug_info") && s.type != kShtNobits && s.size > 0;
  });
}

const ElfSegment* ElfFile::segment_for_offset(uint64_t offset) const {
  for (const ElfSegment& s : loads_)
    if (offset >= s.offset && offset - s.offset < s.filesz) return &s;
  return nullptr;
}

std::optional<uint64_t> ElfFile::file_offset_to_vaddr(uint64_t offset) const {
  const ElfSegment* s = segment_for_offset(offset);
  if (!s) return std::nullopt;
  return offset - s->offset + s->vaddr;
}

uint32_t gnu_debuglink_crc(std::span<const std::byte> bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  const auto* p = reinterpret_cast<const Bytef*>(bytes.data());
  size_t left = bytes.size();
  while (left > 0) {
    uInt chunk = static_cast<uInt>(std::min<size_t>(left, 1u << 30));
    crc = crc32(crc, p, chunk);
    p += chunk;
    left -= chunk;
  }
  return static_cast<uint32_t>(crc);
}

}  // namespace memprof::symbolize
