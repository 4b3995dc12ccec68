#include "memprof/profile/values.h"

namespace memprof {

namespace {
constexpr std::array<std::string_view, 4> kNames = {"inuse_objects", "inuse_space", "alloc_objects", "alloc_space"};
}

std::string_view sample_type_name(SampleType type) { return kNames[static_cast<size_t>(type)]; }

}  // namespace memprof
