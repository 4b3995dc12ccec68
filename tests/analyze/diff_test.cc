#include <doctest/doctest.h>

#include <algorithm>

#include "memprof/analyze/diff.h"
#include "profile_builder.h"

using namespace memprof;
using namespace memprof::analyze;

namespace {

const DiffRow* find_row(const DiffTable& t, std::string_view name) {
  auto it = std::ranges::find(t.rows, name, &DiffRow::name);
  return it == t.rows.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("a profile diffed with itself: zero rows, zero delta") {
  FrameProfile a = test::make_profile({{"main;f", 10}, {"main;g", 5}});
  DiffTable d = compute_diff({&a, &a}, SampleType::inuse_space, {});
  CHECK(d.rows.empty());
  CHECK(d.delta == 0);
}

TEST_CASE("diff(A, B) = -diff(B, A)") {
  FrameProfile a = test::make_profile({{"main;f", 10}, {"main;g", 5}, {"main;gone", 3}});
  FrameProfile b = test::make_profile({{"main;f", 25}, {"main;g", 1}, {"main;fresh", 4}});
  DiffTable ab = compute_diff({&a, &b}, SampleType::inuse_space, {});
  DiffTable ba = compute_diff({&b, &a}, SampleType::inuse_space, {});
  CHECK(ab.delta == -ba.delta);
  REQUIRE(ab.rows.size() == ba.rows.size());
  for (const DiffRow& r : ab.rows) {
    const DiffRow* mirror = find_row(ba, r.name);
    REQUIRE(mirror);
    CHECK(mirror->delta == -r.delta);
  }
  CHECK(ab.rows.front().name == "f");    // biggest growth first
  CHECK(ab.rows.back().name == "gone");  // most shrunk last... after other shrinking? check NEW flag
  CHECK(find_row(ab, "fresh")->is_new);
  CHECK_FALSE(find_row(ab, "f")->is_new);
}

TEST_CASE("a series: sites that grew in every step rank first") {
  FrameProfile p1 = test::make_profile({{"main;leak", 10}, {"main;spike", 0.1}, {"main;churn", 50}});
  FrameProfile p2 = test::make_profile({{"main;leak", 20}, {"main;spike", 500}, {"main;churn", 50}});
  FrameProfile p3 = test::make_profile({{"main;leak", 30}, {"main;spike", 100}, {"main;churn", 50}});
  DiffTable d = compute_diff({&p1, &p2, &p3}, SampleType::inuse_space, {});
  REQUIRE(d.rows.size() == 2);  // churn did not change
  CHECK(d.rows[0].name == "leak");
  CHECK(d.rows[0].grew_every_step);
  CHECK(d.rows[1].name == "spike");  // grew more overall, but not every step
  CHECK_FALSE(d.rows[1].grew_every_step);
  CHECK(d.rows[0].values == std::vector<double>{10, 20, 30});
}

TEST_CASE("--normalize scales the base to the new total") {
  FrameProfile a = test::make_profile({{"main;f", 50}, {"main;g", 50}});
  FrameProfile b = test::make_profile({{"main;f", 150}, {"main;g", 50}});
  DiffTable d = compute_diff({&a, &b}, SampleType::inuse_space, {.normalize = true});
  CHECK(d.base_total == doctest::Approx(200));
  CHECK(find_row(d, "f")->delta == doctest::Approx(50));
  CHECK(find_row(d, "g")->delta == doctest::Approx(-50));
}

TEST_CASE("a series: NEW means absent in BASE and present in NEW; in-between-only sites are transient") {
  FrameProfile p1 = test::make_profile({{"main;stay", 10}});
  FrameProfile p2 = test::make_profile({{"main;stay", 10}, {"main;blip", 700}, {"main;late", 5}});
  FrameProfile p3 = test::make_profile({{"main;stay", 10}, {"main;blip2", 40}, {"main;late", 8}});
  FrameProfile p4 = test::make_profile({{"main;stay", 10}, {"main;late", 9}});
  DiffTable d = compute_diff({&p1, &p2, &p3, &p4}, SampleType::inuse_space, {});
  REQUIRE(d.rows.size() == 1);
  CHECK(d.rows[0].name == "late");
  CHECK(d.rows[0].is_new);
  CHECK(d.rows[0].values == std::vector<double>{0, 5, 8, 9});
  REQUIRE(d.transient.size() == 2);
  CHECK(d.transient[0].name == "blip");  // largest peak first
  CHECK_FALSE(d.transient[0].is_new);
  CHECK(d.transient[0].values == std::vector<double>{0, 700, 0, 0});
  CHECK(d.transient[1].name == "blip2");
  CHECK(find_row(d, "blip") == nullptr);
}
