// Address -> LocationId, the parser's hottest lookup (one per stack frame in the dump). Keys are
// stored in the slots themselves so a probe touches one cache line, not the location table, and
// a small direct-mapped cache in front keeps the frames that recur in most stacks (main, the
// allocator, the event loop) in L1: on the 30 MB clang dump most lookups hit it.
#pragma once

#include <cstdint>
#include <vector>

#include "memprof/profile/id_index.h"

namespace memprof::heapparse {

class AddressIndex {
 public:
  static constexpr uint32_t kNotFound = UINT32_MAX;

  // The id stored for `address`, or the result of `make_id()` stored as its id.
  AddressIndex() : recent_(kRecentSize) {}

  template <class MakeId>
  uint32_t find_or_insert(uint64_t address, MakeId&& make_id) {
    uint64_t hash = mix_hash(address);
    Slot& recent = recent_[(hash >> 40) & (kRecentSize - 1)];
    if (recent.address == address && recent.id != kNotFound) return recent.id;
    if ((size_ + 1) * 2 > slots_.size()) grow();
    size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.id == kNotFound) {
        slot = {address, static_cast<uint32_t>(make_id())};
        ++size_;
        recent = slot;
        return slot.id;
      }
      if (slot.address == address) {
        recent = slot;
        return slot.id;
      }
    }
  }

 private:
  struct Slot {
    uint64_t address = 0;
    uint32_t id = kNotFound;
  };

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
    size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.id == kNotFound) continue;
      size_t i = mix_hash(slot.address) & mask;
      while (slots_[i].id != kNotFound) i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }

  static constexpr size_t kRecentSize = 2048;  // 32 KiB: fits in L1 next to the input stream

  std::vector<Slot> slots_;
  std::vector<Slot> recent_;
  size_t size_ = 0;
};

}  // namespace memprof::heapparse
