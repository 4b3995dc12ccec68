// The one open-addressing hash map of the code base: keys to dense 32-bit ids, linear probing
// in a power-of-two table, each slot holding its key next to its id so a probe usually costs a
// single cache miss (a node-based std::unordered_map costs a bucket miss plus node misses).
// Interning addresses, threads, stacks, strings, frames and symbol names all use it.
//
//   IdMap<uint64_t> ids;                                     // key stored in the map
//   uint32_t id = ids.find_or_insert(address, [&] { return next_id++; });
//
//   IdMap<uint32_t> index;                                   // key lives in the caller's table:
//   uint32_t id = index.find_or_insert(hash_tag(h),          // the map keeps 32 bits of its hash
//                                      [&](uint32_t id) { return table[id] == key; },
//                                      [&] { table.push_back(key); return table.size() - 1; });
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace memprof {

// A 64-bit mix (splitmix64's finaliser): addresses, pointers and packed ids differ only in a
// few bits, and the table indexes by the low bits.
constexpr uint64_t mix_hash(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// 32 bits of a hash, stored as the key of an IdMap whose real keys live elsewhere.
constexpr uint32_t hash_tag(uint64_t hash) { return static_cast<uint32_t>(hash ^ (hash >> 32)); }

// `Hash` gives a raw hash (std::hash is the identity on integers); the map mixes it once.
// `kRecent` > 0 puts a direct-mapped cache of that many recent hits in front of the table, for
// key streams where a few keys recur constantly (a dump's frames: main, the allocator).
template <class Key, class Hash = std::hash<Key>, size_t kRecent = 0>
class IdMap {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  IdMap() : recent_(kRecent) {}

  // The id stored for `key`; if absent, stores and returns make() (which must not return kNone
  // and must not touch this map).
  template <class Make>
  uint32_t find_or_insert(const Key& key, Make&& make) {
    uint64_t hash = mix_hash(Hash{}(key));
    if constexpr (kRecent > 0) {
      Slot& recent = recent_[(hash >> 40) & (kRecent - 1)];
      if (recent.id != kNone && recent.key == key) return recent.id;
      uint32_t id = probe(
          key, hash, [](uint32_t) { return true; }, make);
      recent = {key, id};
      return id;
    } else {
      return probe(
          key, hash, [](uint32_t) { return true; }, make);
    }
  }

  // For keys that live in the caller's table: `key` (usually hash_tag of the real key's hash)
  // narrows the candidates and `same(id)` decides.
  template <class Same, class Make>
  uint32_t find_or_insert(const Key& key, Same&& same, Make&& make) {
    return probe(key, mix_hash(Hash{}(key)), same, make);
  }

  size_t size() const { return size_; }

 private:
  struct Slot {
    Key key{};
    uint32_t id = kNone;
  };
  static_assert(kRecent == 0 || (kRecent & (kRecent - 1)) == 0, "kRecent is a power of two");

  template <class Same, class Make>
  uint32_t probe(const Key& key, uint64_t hash, Same&& same, Make& make) {
    if ((size_ + 1) * 2 > slots_.size()) grow();  // at most half full: probes stay short
    size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.id == kNone) {
        slot.key = key;
        slot.id = static_cast<uint32_t>(make());
        ++size_;
        return slot.id;
      }
      if (slot.key == key && same(slot.id)) return slot.id;
    }
  }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<size_t>(64, old.size() * 2), Slot{});
    size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.id == kNone) continue;
      size_t i = mix_hash(Hash{}(s.key)) & mask;
      while (slots_[i].id != kNone) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::vector<Slot> recent_;
  size_t size_ = 0;
};

}  // namespace memprof
