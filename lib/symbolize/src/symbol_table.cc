#include "symbol_table.h"

#include <algorithm>
#include <iterator>
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

// "__libc_start_main@@GLIBC_2.34" -> "__libc_start_main": .symtab spells symbol versions into
// the name (.symver); llvm-symbolizer and users know the function by its plain name.
std::string_view unversioned(std::string_view name) {
  size_t at = name.find('@');
  return at == std::string_view::npos || at == 0 ? name : name.substr(0, at);
}

}  // namespace

SymbolTable::SymbolTable(const std::vector<ElfSymbol>& symbols, const ElfFile& elf) {
  const auto& sections = elf.sections();
  std::vector<const ElfSymbol*> useful;
  useful.reserve(symbols.size());
  std::vector<const ElfSymbol*> labels;  // size 0: code labels, used only where nothing sized is
  for (const ElfSymbol& s : symbols) {
    if (s.shndx == kShnUndef || s.value + s.size < s.value) continue;
    if (s.size == 0) {
      bool in_code = s.shndx < kShnLoreserve && s.shndx < sections.size() && (sections[s.shndx].flags & kShfExecinstr);
      if (in_code && (s.type == kSttFunc || s.type == kSttNotype) && !s.name.empty()) labels.push_back(&s);
      continue;
    }
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
    entries_.push_back({useful[i]->value, end, unversioned(useful[i]->name)});
    i = j;
  }
  build_labels(labels, useful, sections);
  max_end_.resize(entries_.size());
  uint64_t running = 0;
  for (size_t i = 0; i < entries_.size(); ++i) max_end_[i] = running = std::max(running, entries_[i].end);
}

// A size-0 label (ld.so's _dl_start_user, hand-written assembly entry points) names the bytes
// from it up to the next symbol of any size, or the end of its section: the label is the only
// name those bytes have. Sized symbols still win wherever they reach (lookup tries them first).
void SymbolTable::build_labels(std::vector<const ElfSymbol*>& labels, const std::vector<const ElfSymbol*>& sized,
                               const std::vector<ElfSection>& sections) {
  if (labels.empty()) return;
  std::ranges::sort(labels, [](const ElfSymbol* a, const ElfSymbol* b) {
    return a->value != b->value ? a->value < b->value : rank(*a) < rank(*b);
  });
  std::vector<uint64_t> starts, sized_starts;  // `sized` is sorted by start
  for (const ElfSymbol* s : sized) sized_starts.push_back(s->value);
  starts = sized_starts;
  for (const ElfSymbol* s : labels) starts.push_back(s->value);
  std::ranges::sort(starts);
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0 && labels[i]->value == labels[i - 1]->value) continue;  // best-ranked name first
    // A label where a sized symbol starts is an alias of it, not the name of what follows.
    if (std::ranges::binary_search(sized_starts, labels[i]->value)) continue;
    const ElfSection& section = sections[labels[i]->shndx];
    uint64_t end = section.addr + section.size;
    auto next = std::ranges::upper_bound(starts, labels[i]->value);
    if (next != starts.end()) end = std::min(end, *next);
    if (end > labels[i]->value) labels_.push_back({labels[i]->value, end, unversioned(labels[i]->name)});
  }
}

const SymbolTable::Entry* SymbolTable::lookup(uint64_t address) const {
  auto it = std::ranges::upper_bound(entries_, address, {}, &Entry::start);
  for (size_t i = it - entries_.begin(); i-- > 0;) {
    if (max_end_[i] <= address) break;  // nothing at or before i reaches the address
    if (entries_[i].end > address) return &entries_[i];
  }
  // Labels never overlap one another (each ends where the next symbol starts).
  auto label = std::ranges::upper_bound(labels_, address, {}, &Entry::start);
  if (label != labels_.begin() && std::prev(label)->end > address) return &*std::prev(label);
  return nullptr;
}

}  // namespace memprof::symbolize
