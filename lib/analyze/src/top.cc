#include "memprof/analyze/top.h"

#include <algorithm>

namespace memprof::analyze {

SampleType objects_type_for(SampleType type) {
  switch (type) {
    case SampleType::inuse_space:
    case SampleType::inuse_objects: return SampleType::inuse_objects;
    case SampleType::alloc_space:
    case SampleType::alloc_objects: return SampleType::alloc_objects;
  }
  return SampleType::inuse_objects;
}

TopTable compute_top(const FrameProfile& profile, SampleType type, TopOrder order) {
  SampleType objects = objects_type_for(type);
  // Rows are per name: a function inlined in one place and called in another is one row.
  std::vector<TopRow> by_name(profile.strings.size());
  std::vector<char> used(profile.strings.size());
  std::vector<uint32_t> last_stack(profile.strings.size(), UINT32_MAX);
  TopTable table;
  table.sample_type = type;
  table.sample_period = profile.sample_period;
  for (const FrameSample& s : profile.samples) {
    double value = s.values[type], count = s.values[objects], sampled = s.sampled[objects];
    table.total += value;
    table.total_objects += count;
    table.total_samples += sampled;
    std::span<const FrameId> frames = profile.stacks.frames(s.stack);
    if (frames.empty()) continue;
    uint32_t leaf = profile.frames[frames[0].value()].name.value();
    by_name[leaf].flat += value;
    by_name[leaf].flat_objects += count;
    by_name[leaf].flat_samples += sampled;
    used[leaf] = 1;
    for (FrameId f : frames) {
      uint32_t name = profile.frames[f.value()].name.value();
      if (last_stack[name] == s.stack.value()) continue;  // recursion: once per stack
      last_stack[name] = s.stack.value();
      by_name[name].cum += value;
      by_name[name].cum_objects += count;
      used[name] = 1;
    }
  }
  for (uint32_t i = 0; i < by_name.size(); ++i) {
    if (!used[i]) continue;
    by_name[i].name = std::string(profile.strings.view(StringId{i}));
    table.rows.push_back(std::move(by_name[i]));
  }
  auto key = [order](const TopRow& r) {
    return order == TopOrder::flat ? std::pair{r.flat, r.cum} : std::pair{r.cum, r.flat};
  };
  std::ranges::sort(table.rows, [&](const TopRow& a, const TopRow& b) {
    auto ka = key(a), kb = key(b);
    if (ka != kb) return ka > kb;
    return a.name < b.name;
  });
  return table;
}

}  // namespace memprof::analyze
