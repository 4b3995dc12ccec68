// Unique call stacks, leaf first, stored back to back in one array. A stack that appears in
// several records (or in several threads) is stored once. Stacks of locations (the raw profile)
// and stacks of named frames (after symbolization) share this one implementation.
//
//   StackTable stacks;
//   StackId id = stacks.intern(frames);            // frames: std::span<const LocationId>
//   for (LocationId loc : stacks.frames(id)) ...   // leaf first
#pragma once

#include <algorithm>
#include <span>
#include <stdexcept>
#include <vector>

#include "memprof/profile/id_map.h"
#include "memprof/profile/ids.h"

namespace memprof {

template <class FrameT>
class BasicStackTable {
 public:
  BasicStackTable() { offsets_.push_back(0); }

  StackId intern(std::span<const FrameT> frames) {
    uint64_t hash = frames.size();
    for (FrameT f : frames) hash = mix_hash(hash ^ f.value());
    uint32_t id = index_.find_or_insert(
        hash_tag(hash),
        [&](uint32_t candidate) { return std::ranges::equal(this->frames(StackId{candidate}), frames); },
        [&] {
          if (frames_.size() + frames.size() > UINT32_MAX) throw std::length_error("too many stack frames");
          frames_.insert(frames_.end(), frames.begin(), frames.end());
          offsets_.push_back(static_cast<uint32_t>(frames_.size()));
          return offsets_.size() - 2;
        });
    return StackId{id};
  }
  std::span<const FrameT> frames(StackId id) const {
    return {frames_.data() + offsets_[id.value()], frames_.data() + offsets_[id.value() + 1]};
  }
  void reserve(size_t stacks, size_t frames) {
    offsets_.reserve(stacks + 1);
    frames_.reserve(frames);
  }
  size_t size() const { return offsets_.size() - 1; }
  size_t frame_count() const { return frames_.size(); }  // over all stacks

 private:
  std::vector<FrameT> frames_;
  std::vector<uint32_t> offsets_;  // stack i is frames_[offsets_[i], offsets_[i + 1])
  IdMap<uint32_t> index_;          // keyed by hash_tag; the frames live in frames_
};

using StackTable = BasicStackTable<LocationId>;

}  // namespace memprof
