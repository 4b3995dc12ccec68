// An open-addressing hash index from keys to dense 32-bit ids, where the key of an id lives in
// the caller's own table. Interning addresses, stacks and strings all use it, so each key is
// stored once and memory stays proportional to unique keys.
//
//   IdIndex index;
//   uint32_t id = index.find_or_insert(hash_of(key),
//                                      [&](uint32_t id) { return table[id] == key; },
//                                      [&] { table.push_back(key); return table.size() - 1; });
#pragma once

#include <cstdint>
#include <vector>

namespace memprof {

// A 64-bit mix (splitmix64's finaliser): addresses differ only in low bits, so they need mixing.
constexpr uint64_t mix_hash(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

class IdIndex {
 public:
  static constexpr uint32_t kNotFound = UINT32_MAX;

  template <class Equals, class Insert>
  uint32_t find_or_insert(uint64_t hash, Equals&& equals, Insert&& insert) {
    if ((size_ + 1) * 4 > slots_.size() * 3) grow();
    uint32_t short_hash = fold(hash);
    size_t mask = slots_.size() - 1;
    for (size_t i = short_hash & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.id == kNotFound) {
        slot.id = static_cast<uint32_t>(insert());
        slot.hash = short_hash;
        ++size_;
        return slot.id;
      }
      if (slot.hash == short_hash && equals(slot.id)) return slot.id;
    }
  }

  size_t size() const { return size_; }

 private:
  struct Slot {
    uint32_t id = kNotFound;
    uint32_t hash = 0;  // the slot position and a cheap rejection before calling equals
  };

  static uint32_t fold(uint64_t hash) { return static_cast<uint32_t>(hash ^ (hash >> 32)); }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
    size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.id == kNotFound) continue;
      size_t i = slot.hash & mask;
      while (slots_[i].id != kNotFound) i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace memprof
