#include "memprof/profile/profile.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace memprof {

std::string_view dump_format_name(DumpFormat format) {
  constexpr std::array<std::string_view, 7> kNames = {
      "heap_v2",     "legacy heap_v2", "legacy heapprofile",   "legacy heapz_v2",
      "legacy heap", "legacy growthz", "legacy fragmentationz"};
  return kNames[static_cast<size_t>(format)];
}

std::string_view dump_kind_name(char kind) {
  switch (kind) {
    case 'i': return "interval";
    case 'm': return "manual";
    case 'u': return "high-water";
    case 'f': return "final";
    default: return "unknown";
  }
}

Values Profile::total() const {
  Values sum;
  for (const Sample& s : samples) sum += s.values;
  return sum;
}

RawCounts Profile::raw_total() const {
  RawCounts sum;
  for (const Sample& s : samples) sum += s.raw;
  return sum;
}

bool Profile::has_accum_data() const {
  return std::ranges::any_of(samples,
                             [](const Sample& s) { return s.raw.accum_objects != 0 || s.raw.accum_bytes != 0; });
}

MappingId Profile::mapping_for(uint64_t address) const {
  auto it = std::ranges::upper_bound(mappings, address, {}, &Mapping::start);
  if (it == mappings.begin()) return {};
  --it;
  return it->contains(address) ? MappingId{static_cast<uint32_t>(it - mappings.begin())} : MappingId{};
}

std::string Profile::unsymbolized_name(const Location& location) const {
  char buf[40];
  if (!location.mapping.valid()) {
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(location.address));
    return buf;
  }
  const Mapping& m = mappings[location.mapping.value()];
  std::string_view path = str(m.path);
  std::string module = path.empty() ? "[anon]" : std::string(path.substr(path.rfind('/') + 1));
  if (m.deleted) module += "(deleted)";
  std::snprintf(buf, sizeof buf, "+0x%llx", static_cast<unsigned long long>(location.address - m.start + m.offset));
  return module + buf;
}

}  // namespace memprof
