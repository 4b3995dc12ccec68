#include "union_space.h"

#include <algorithm>
#include <limits>

namespace memprof::series {

namespace {
constexpr uint64_t kRelocationAlign = uint64_t{1} << 21;  // keeps biases page-aligned for any page size
constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
}  // namespace

bool UnionSpace::overlaps(uint64_t start, uint64_t limit) const {
  auto it = by_start_.upper_bound(start);
  if (it != by_start_.end() && it->first < limit) return true;
  if (it != by_start_.begin() && mappings_[std::prev(it)->second].limit > start) return true;
  return false;
}

uint32_t UnionSpace::add_mapping(const UMapping& m) {
  auto id = static_cast<uint32_t>(mappings_.size());
  mappings_.push_back(m);
  by_start_[m.start] = id;
  module_mappings_[m.module].push_back(id);
  high_ = std::max(high_, m.limit);
  return id;
}

uint32_t UnionSpace::module_id(const Profile& p, const Mapping& m) {
  ModuleKey key{std::string(m.path.valid() ? p.str(m.path) : ""), m.deleted,
                std::string(m.build_id.valid() ? p.str(m.build_id) : "")};
  auto [it, inserted] = module_ids_.try_emplace(key, static_cast<uint32_t>(module_keys_.size()));
  if (inserted) {
    module_keys_.push_back(key);
    module_mappings_.emplace_back();
  }
  return it->second;
}

std::vector<MappingPlacement> UnionSpace::place(const Profile& p, const std::vector<char>& used) {
  std::vector<MappingPlacement> out(p.mappings.size());
  // Per module of this dump: its delta, from a mapping already placed at the same file offset.
  std::map<uint32_t, std::optional<int64_t>> delta_of;
  std::map<uint32_t, std::vector<uint32_t>> unmatched;
  for (uint32_t i = 0; i < p.mappings.size(); ++i) {
    if (!used[i]) continue;
    const Mapping& d = p.mappings[i];
    uint32_t module = module_id(p, d);
    out[i].module = module;
    auto& delta = delta_of[module];
    bool matched = false;
    for (uint32_t u : module_mappings_[module]) {
      const UMapping& m = mappings_[u];
      // The same file offset, and no longer than the placed mapping: an address of the dump's
      // mapping must land inside the union mapping (an anonymous region that grew does not).
      if (m.offset != d.offset || m.executable != d.executable || d.limit - d.start > m.limit - m.start) continue;
      int64_t dd = static_cast<int64_t>(m.start - d.start);
      if (delta && *delta != dd) continue;  // the module moved within the process: place anew
      out[i] = {true, module, u, dd};
      delta = dd;
      matched = true;
      break;
    }
    if (!matched) unmatched[module].push_back(i);
  }
  for (auto& [module, list] : unmatched) {
    std::optional<int64_t> delta = delta_of[module];
    if (!delta && !module_mappings_[module].empty()) {
      // Seen before, but no mapping matches: assume file offsets and addresses keep their
      // distance, as they do within a PT_LOAD segment.
      const UMapping& u = mappings_[module_mappings_[module].front()];
      const Mapping& d = p.mappings[list.front()];
      delta = static_cast<int64_t>((u.start - u.offset) - (d.start - d.offset));
      delta = *delta - *delta % static_cast<int64_t>(4096);
    }
    bool fresh = module_mappings_[module].empty();
    int64_t dd = delta.value_or(0);
    bool clash = false;
    for (uint32_t i : list) clash = clash || overlaps(p.mappings[i].start + dd, p.mappings[i].limit + dd);
    if (clash && fresh) {
      uint64_t lowest = p.mappings[list.front()].start;
      for (uint32_t i : list) lowest = std::min(lowest, p.mappings[i].start);
      uint64_t target = (high_ + kRelocationAlign) & ~(kRelocationAlign - 1);
      dd = static_cast<int64_t>(target - (lowest & ~(kRelocationAlign - 1)));
      clash = false;
    }
    for (uint32_t i : list) {
      const Mapping& d = p.mappings[i];
      uint64_t start = d.start + dd, limit = d.limit + dd;
      if (clash && overlaps(start, limit)) continue;  // left unplaced: its addresses stay unnamed
      out[i] = {true, module, add_mapping({start, limit, d.offset, module, d.executable}), dd};
    }
  }
  return out;
}

LocationId UnionSpace::location(const std::vector<MappingPlacement>& placed, const Profile& p, const Location& loc) {
  uint32_t module = kNone;
  uint64_t key = loc.address;
  uint32_t mapping = kNone;
  int64_t delta = 0;
  if (loc.mapping.valid() && placed[loc.mapping.value()].placed) {
    const MappingPlacement& m = placed[loc.mapping.value()];
    const Mapping& d = p.mappings[loc.mapping.value()];
    module = m.module;
    key = loc.address - d.start + d.offset;
    mapping = m.mapping;
    delta = m.delta;
  }
  auto [it, inserted] = location_ids_.try_emplace({module, key}, static_cast<uint32_t>(locations_.size()));
  if (inserted) locations_.push_back({loc.address + static_cast<uint64_t>(delta), mapping});
  return LocationId{it->second};
}

Profile UnionSpace::take_profile() {
  Profile u;
  std::vector<uint32_t> order(mappings_.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::ranges::sort(order, {}, [&](uint32_t i) { return mappings_[i].start; });
  std::vector<uint32_t> new_id(mappings_.size());
  for (uint32_t k = 0; k < order.size(); ++k) {
    const UMapping& m = mappings_[order[k]];
    const auto& [path, deleted, build_id] = module_keys_[m.module];
    Mapping out{.start = m.start, .limit = m.limit, .offset = m.offset, .executable = m.executable, .deleted = deleted};
    out.path = u.strings.intern(path);  // "" for anonymous mappings, as the parser interns it
    if (!build_id.empty()) out.build_id = u.strings.intern(build_id);
    u.mappings.push_back(out);
    new_id[order[k]] = k;
  }
  u.locations.reserve(locations_.size());
  for (const ULocation& l : locations_) {
    Location loc{.address = l.address};
    if (l.mapping != kNone) loc.mapping = MappingId{new_id[l.mapping]};
    u.locations.push_back(std::move(loc));
  }
  u.has_maps_section = true;
  *this = UnionSpace{};
  return u;
}

}  // namespace memprof::series
