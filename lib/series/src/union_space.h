// One address space for the addresses of many dumps, so that they can be symbolized together.
// A module (path, deleted flag, build id) keeps the layout of the first dump it appears in; the
// same module in another process (ASLR) is shifted onto it by a page-aligned delta, so every
// unique (module, file offset) becomes one location. A module that would overlap another one
// already placed is moved above everything placed so far.
//
//   UnionSpace space;
//   std::vector<MappingPlacement> placed = space.place(profile, used_mappings);
//   LocationId loc = space.location(placed, profile.locations[i]);
//   Profile u = space.take_profile();   // mappings and locations; the caller adds stacks
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "memprof/profile/profile.h"

namespace memprof::series {

struct MappingPlacement {
  bool placed = false;
  uint32_t module = 0;
  uint32_t mapping = 0;  // union mapping
  int64_t delta = 0;     // union address - dump address
};

class UnionSpace {
 public:
  // `used`: the dump's mappings that hold addresses, plus executable mappings of their modules.
  std::vector<MappingPlacement> place(const Profile& p, const std::vector<char>& used);
  LocationId location(const std::vector<MappingPlacement>& placed, const Profile& p, const Location& loc);
  size_t locations() const { return locations_.size(); }
  size_t modules() const { return module_keys_.size(); }
  // Hands over the mappings (sorted by start) and locations; the space is empty afterwards.
  Profile take_profile();

 private:
  using ModuleKey = std::tuple<std::string, bool, std::string>;  // path, deleted, build id
  struct UMapping {
    uint64_t start, limit, offset;
    uint32_t module;
    bool executable;
  };
  bool overlaps(uint64_t start, uint64_t limit) const;
  uint32_t add_mapping(const UMapping& m);
  uint32_t module_id(const Profile& p, const Mapping& m);

  std::vector<UMapping> mappings_;
  std::map<uint64_t, uint32_t> by_start_;
  std::map<ModuleKey, uint32_t> module_ids_;
  std::vector<ModuleKey> module_keys_;
  std::vector<std::vector<uint32_t>> module_mappings_;
  uint64_t high_ = 0;

  struct KeyHash {
    size_t operator()(const std::pair<uint32_t, uint64_t>& k) const noexcept {
      uint64_t h = (k.second ^ (uint64_t{k.first} << 47)) * 0x9e3779b97f4a7c15ULL;
      return static_cast<size_t>(h ^ (h >> 29));
    }
  };
  std::unordered_map<std::pair<uint32_t, uint64_t>, uint32_t, KeyHash> location_ids_;  // (module, offset)
  struct ULocation {
    uint64_t address;
    uint32_t mapping;  // UINT32_MAX: none
  };
  std::vector<ULocation> locations_;
};

}  // namespace memprof::series
