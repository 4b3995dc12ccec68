#include "memprof/profile/values.h"

namespace memprof {

namespace {
constexpr std::array<std::string_view, 4> kNames = {"inuse_objects", "inuse_space",
                                                    "alloc_objects", "alloc_space"};
}

std::string_view sample_type_name(SampleType type) { return kNames[static_cast<size_t>(type)]; }

std::optional<SampleType> parse_sample_type(std::string_view name) {
  for (SampleType t : kAllSampleTypes)
    if (kNames[static_cast<size_t>(t)] == name) return t;
  return std::nullopt;
}

}  // namespace memprof
