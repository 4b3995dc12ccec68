// Sample values: the four numbers of a heap profile (pprof's sample types) and the raw counts a
// dump line carries before unsampling.
//
//   Values v = sample.values;
//   v += other.values;                       // merge
//   double bytes = v[SampleType::inuse_space];
//   std::string_view name = sample_type_name(SampleType::alloc_objects);  // "alloc_objects"
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace memprof {

enum class SampleType : uint8_t { inuse_objects, inuse_space, alloc_objects, alloc_space };
inline constexpr std::array<SampleType, 4> kAllSampleTypes = {SampleType::inuse_objects, SampleType::inuse_space,
                                                              SampleType::alloc_objects, SampleType::alloc_space};

std::string_view sample_type_name(SampleType type);
inline bool is_bytes(SampleType type) { return type == SampleType::inuse_space || type == SampleType::alloc_space; }

// Counts exactly as written in the dump. Signed: legacy writers print them signed.
struct RawCounts {
  int64_t cur_objects = 0;
  int64_t cur_bytes = 0;
  int64_t accum_objects = 0;
  int64_t accum_bytes = 0;

  // Saturating: hostile legacy dumps can hold counts whose sum does not fit in 64 bits.
  RawCounts& operator+=(const RawCounts& o) {
    add_saturating(cur_objects, o.cur_objects);
    add_saturating(cur_bytes, o.cur_bytes);
    add_saturating(accum_objects, o.accum_objects);
    add_saturating(accum_bytes, o.accum_bytes);
    return *this;
  }
  static void add_saturating(int64_t& into, int64_t value) {
    if (__builtin_add_overflow(into, value, &into)) into = value > 0 ? INT64_MAX : INT64_MIN;
  }
  bool operator==(const RawCounts&) const = default;
};

// Estimated true values (after unsampling), one per SampleType. Doubles because unsampling
// scales; reports round once, at the end.
struct Values {
  std::array<double, 4> v{};

  double& operator[](SampleType t) { return v[static_cast<size_t>(t)]; }
  double operator[](SampleType t) const { return v[static_cast<size_t>(t)]; }
  Values& operator+=(const Values& o) {
    for (size_t i = 0; i < v.size(); ++i) v[i] += o.v[i];
    return *this;
  }
  Values& operator-=(const Values& o) {
    for (size_t i = 0; i < v.size(); ++i) v[i] -= o.v[i];
    return *this;
  }
  Values scaled(double factor) const {
    Values out = *this;
    for (double& x : out.v) x *= factor;
    return out;
  }
  bool is_zero() const { return v == std::array<double, 4>{}; }
};

}  // namespace memprof
