// Unique call stacks, leaf first, stored back to back in one array. A stack that appears in
// several records (or in several threads) is stored once.
//
//   StackTable stacks;
//   StackId id = stacks.intern(frames);            // frames: std::span<const LocationId>
//   for (LocationId loc : stacks.frames(id)) ...   // leaf first
#pragma once

#include <span>
#include <vector>

#include "memprof/profile/id_index.h"
#include "memprof/profile/ids.h"

namespace memprof {

class StackTable {
 public:
  StackTable() { offsets_.push_back(0); }

  StackId intern(std::span<const LocationId> frames);
  std::span<const LocationId> frames(StackId id) const {
    return {frames_.data() + offsets_[id.value()], frames_.data() + offsets_[id.value() + 1]};
  }
  size_t size() const { return offsets_.size() - 1; }
  size_t total_frames() const { return frames_.size(); }

 private:
  std::vector<LocationId> frames_;
  std::vector<uint32_t> offsets_;  // stack i is frames_[offsets_[i], offsets_[i + 1])
  IdIndex index_;
};

}  // namespace memprof
