#include <doctest/doctest.h>

#include <algorithm>

#include "memprof/analyze/frame_profile.h"
#include "memprof/analyze/top.h"
#include "memprof/heapparse/parse_dump.h"
#include "profile_builder.h"

using namespace memprof;
using namespace memprof::analyze;

namespace {

const TopRow& row(const TopTable& t, std::string_view name) {
  auto it = std::ranges::find(t.rows, name, &TopRow::name);
  REQUIRE(it != t.rows.end());
  return *it;
}

// The invariants every top table must satisfy.
void check_invariants(const FrameProfile& p, const TopTable& t) {
  double flat_sum = 0;
  for (const TopRow& r : t.rows) {
    flat_sum += r.flat;
    CHECK(r.cum >= r.flat - 1e-6);
    CHECK(r.cum <= t.total + 1e-6);
  }
  CHECK(flat_sum == doctest::Approx(t.total));
  // The cum of a root equals the sum of the stacks under it (for names that are only ever roots).
  std::vector<double> by_root(p.strings.size());
  std::vector<char> not_only_root(p.strings.size());
  for (const FrameSample& s : p.samples) {
    auto frames = p.stacks.frames(s.stack);
    if (frames.empty()) continue;
    by_root[p.frames[frames.back().value()].name.value()] += s.values[t.sample_type];
    for (size_t i = 0; i + 1 < frames.size(); ++i) not_only_root[p.frames[frames[i].value()].name.value()] = 1;
  }
  for (uint32_t i = 0; i < by_root.size(); ++i)
    if (by_root[i] != 0 && !not_only_root[i])
      CHECK(row(t, p.strings.view(StringId{i})).cum == doctest::Approx(by_root[i]));
}

}  // namespace

TEST_CASE("flat, cum and recursion counted once per stack") {
  FrameProfile p = test::make_profile({{"main;parse;alloc", 100}, {"main;parse;parse;alloc", 50}, {"main;serve", 30}});
  TopTable t = compute_top(p, SampleType::inuse_space);
  CHECK(t.total == 180);
  CHECK(row(t, "alloc").flat == 150);
  CHECK(row(t, "parse").cum == 150);  // not 200: recursion
  CHECK(row(t, "main").cum == 180);
  CHECK(row(t, "serve").flat == 30);
  CHECK(t.rows.front().name == "alloc");
  CHECK(row(t, "alloc").flat_objects == doctest::Approx(150.0 / 16));
  check_invariants(p, t);

  TopTable by_cum = compute_top(p, SampleType::inuse_space, TopOrder::cum);
  CHECK(by_cum.rows.front().name == "main");
}

TEST_CASE("merging profiles adds values by name; factor -1 subtracts") {
  FrameProfile a = test::make_profile({{"main;f", 10}, {"main;g", 5}});
  FrameProfile b = test::make_profile({{"main;f", 7}, {"main;h", 1}});
  FrameProfile sum;
  merge_into(sum, a);
  merge_into(sum, b);
  TopTable t = compute_top(sum, SampleType::inuse_space);
  CHECK(row(t, "f").flat == 17);
  CHECK(row(t, "h").flat == 1);
  merge_into(sum, b, -1);
  CHECK(row(compute_top(sum, SampleType::inuse_space), "f").flat == 10);
}

TEST_CASE("invariants on a real fixture dump, at every granularity") {
  Diagnostics diag;
  Profile profile = heapparse::read_dump(std::string(MEMPROF_FIXTURE_DUMPS) + "/phase3.heap", diag);
  for (Granularity g :
       {Granularity::functions, Granularity::lines, Granularity::files, Granularity::modules, Granularity::addresses}) {
    FrameProfile p = build_frame_profile(profile, {.granularity = g});
    for (SampleType type : kAllSampleTypes) {
      TopTable t = compute_top(p, type);
      CHECK(t.total == doctest::Approx(profile.total()[type]));
      check_invariants(p, t);
    }
  }
}

TEST_CASE("--thread keeps one thread's samples, by number or by name") {
  Diagnostics diag;
  Profile profile = heapparse::read_dump(std::string(MEMPROF_FIXTURE_DUMPS) + "/phase1.heap", diag);
  FrameProfile by_name = build_frame_profile(profile, {.thread = std::string("worker pool 1")});
  CHECK(by_name.total()[SampleType::inuse_space] == 12 * 32768);
  auto worker = std::ranges::find(profile.threads, std::string("worker pool 1"), &Thread::name);
  REQUIRE(worker != profile.threads.end());
  FrameProfile by_number = build_frame_profile(profile, {.thread = std::to_string(worker->id)});
  CHECK(by_number.total()[SampleType::inuse_space] == 12 * 32768);
  CHECK_THROWS_AS(build_frame_profile(profile, {.thread = std::string("nope")}), InputError);
}
