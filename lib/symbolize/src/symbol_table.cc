#include "symbol_table.h"

#include <algorithm>
#include <tuple>

namespace memprof::symbolize {

namespace {

constexpr uint8_t kSttNotype = 0, kSttObject = 1, kSttFunc = 2, kSttGnuIfunc = 10;
constexpr uint8_t kStbGlobal = 1, kStbWeak = 2;
constexpr uint64_t kShfExecinstr = 4;
constexpr uint16_t kShnUndef = 0, kShnLoreserve = 0xff00;

// Lower is better: functions before untyped code labels before data; global before weak before
// local aliases; then names that are not reserved (__libc_malloc vs malloc), then shorter.
auto rank(const ElfSymbol& s) {
  int type = s.type == kSttFunc || s.type == kSttGnuIfunc ? 0 : s.type == kSttNotype ? 1 : 2;
  int bind = s.bind == kStbGlobal ? 0 : s.bind == kStbWeak ? 1 : 2;
  int reserved = s.name.starts_with("__") ? 1 : 0;
  return std::make_tuple(type, bind, reserved, s.name.size(), s.name);
}

}  // namespace

SymbolTable::SymbolTable(const std::vector<ElfSymbol>& symbols, const ElfFile& elf) {
  const auto& sections = elf.sections();
  std::vector<const ElfSymbol*> useful;
  useful.reserve(symbols.size());
  for (const ElfSymbol& s : symbols) {
    if (s.size == 0 || s.shndx == kShnUndef || s.value + s.size < s.value) continue;
    bool code = s.type == kSttFunc || s.type == kSttGnuIfunc;
    if (!code) {
      // Untyped or data symbols only count inside executable sections (hand-written assembly).
      if (s.type != kSttNotype && s.type != kSttObject) continue;
      if (s.shndx >= kShnLoreserve || s.shndx >= sections.size() || !(sections[s.shndx].flags & kShfExecinstr))
        continue;
    }
    useful.push_back(&s);
  }
  std::ranges::sort(useful, [](const ElfSymbol* a, const ElfSymbol* b) {
    if (a->value != b->value) return a->value < b->value;
    return rank(*a) < rank(*b);
  });
  for (size_t i = 0; i < useful.size();) {
    size_t j = i;
    uint64_t end = useful[i]->value + useful[i]->size;
    while (j < useful.size() && useful[j]->value == useful[i]->value) ++j;
    entries_.push_back({useful[i]->value, end, useful[i]->name});
    i = j;
  }
  max_end_.resize(entries_.size());
  uint64_t running = 0;
  for (size_t i = 0; i < entries_.size(); ++i) max_end_[i] = running = std::max(running, entries_[i].end);
}

const SymbolTable::Entry* SymbolTable::lookup(uint64_t address) const {
  auto it = std::ranges::upper_bound(entries_, address, {}, &Entry::start);
  for (size_t i = it - entries_.begin(); i-- > 0;) {
    if (max_end_[i] <= address) break;  // nothing at or before i reaches the address
    if (entries_[i].end > address) return &entries_[i];
  }
  return nullptr;
}

}  // namespace memprof::symbolize
