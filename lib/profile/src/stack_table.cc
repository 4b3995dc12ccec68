#include "memprof/profile/stack_table.h"

#include <algorithm>
#include <stdexcept>

namespace memprof {

StackId StackTable::intern(std::span<const LocationId> frames) {
  uint64_t hash = frames.size();
  for (LocationId loc : frames) hash = mix_hash(hash ^ loc.value());
  uint32_t id = index_.find_or_insert(
      hash, [&](uint32_t candidate) { return std::ranges::equal(this->frames(StackId{candidate}), frames); },
      [&] {
        if (frames_.size() + frames.size() > UINT32_MAX) throw std::length_error("too many stack frames");
        frames_.insert(frames_.end(), frames.begin(), frames.end());
        offsets_.push_back(static_cast<uint32_t>(frames_.size()));
        return offsets_.size() - 2;
      });
  return StackId{id};
}

}  // namespace memprof
