// The flat/cumulative table of `memprof top`: per frame name, the values of the stacks whose
// leaf it is (flat) and of the stacks it appears in at all (cum, counted once per stack even
// under recursion).
//
//   TopTable t = compute_top(profile, SampleType::inuse_space);
//   for (const TopRow& r : t.rows) fmt::print("{} {} {}\n", r.name, r.flat, r.cum);
#pragma once

#include <string>
#include <vector>

#include "memprof/analyze/frame_profile.h"

namespace memprof::analyze {

struct TopRow {
  std::string name;
  double flat = 0;
  double cum = 0;
  double flat_objects = 0;  // the object counts that go with the chosen sample type
  double cum_objects = 0;
  double flat_samples = 0;  // sampled objects behind `flat` (raw count; few means a rough estimate)
};

struct TopTable {
  SampleType sample_type = SampleType::inuse_space;
  double total = 0;
  double total_objects = 0;
  double total_samples = 0;    // sampled objects behind `total`
  uint64_t sample_period = 0;  // > 1: values are estimates from sampled counts
  std::vector<TopRow> rows;    // sorted by flat (then cum, then name), descending
};

enum class TopOrder : uint8_t { flat, cum };

// The object-count sample type that accompanies `type` (inuse_space -> inuse_objects).
SampleType objects_type_for(SampleType type);

TopTable compute_top(const FrameProfile& profile, SampleType type, TopOrder order = TopOrder::flat);

}  // namespace memprof::analyze
