// Typed 32-bit indices into the profile's tables, so a LocationId can never be used where a
// MappingId is expected.
//
//   LocationId loc{3};
//   const Location& l = profile.locations[loc.value()];
//   if (!mapping_id.valid()) { ... }
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace memprof {

template <class Tag>
class Id {
 public:
  static constexpr uint32_t kInvalid = UINT32_MAX;

  constexpr Id() = default;
  constexpr explicit Id(uint32_t value) : value_(value) {}

  constexpr uint32_t value() const { return value_; }
  constexpr bool valid() const { return value_ != kInvalid; }
  constexpr auto operator<=>(const Id&) const = default;

 private:
  uint32_t value_ = kInvalid;
};

using StringId = Id<struct StringTag>;
using MappingId = Id<struct MappingTag>;
using LocationId = Id<struct LocationTag>;
using FunctionId = Id<struct FunctionTag>;
using StackId = Id<struct StackTag>;
using ThreadIndex = Id<struct ThreadTag>;
using FrameId = Id<struct FrameTag>;  // a named frame after symbolization (analyze)

}  // namespace memprof

template <class Tag>
struct std::hash<memprof::Id<Tag>> {
  size_t operator()(memprof::Id<Tag> id) const noexcept { return std::hash<uint32_t>{}(id.value()); }
};
