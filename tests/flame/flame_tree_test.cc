#include <doctest/doctest.h>

#include "flame_test_data.h"
#include "memprof/analyze/flame_tree.h"

using namespace memprof;
using namespace memprof::analyze;
using memprof::test::make_profile;
using memprof::test::sample_profile;

namespace {

// The node reached by following `path` (root first) from the root, or UINT32_MAX.
uint32_t find(const FlameTree& t, std::initializer_list<std::string_view> path) {
  uint32_t node = FlameTree::kRoot;
  for (std::string_view name : path) {
    uint32_t next = UINT32_MAX;
    for (uint32_t c : t.nodes[node].children)
      if (t.name(c) == name) next = c;
    if (next == UINT32_MAX) return UINT32_MAX;
    node = next;
  }
  return node;
}

double subtree_self(const FlameTree& t, uint32_t node) {
  double sum = t.nodes[node].after.self.value;
  for (uint32_t c : t.nodes[node].children) sum += subtree_self(t, c);
  return sum;
}

}  // namespace

TEST_CASE("stacks merge root to leaf by frame name") {
  FrameProfile fp = sample_profile();
  FlameTree t = build_flame_tree(fp, {.sample_type = SampleType::inuse_space});
  // sample_profile(): 4096 + 1024 + 8192 + 2048 + 512 + 1 bytes in 4 + 1 + 2 + 16 + 1 + 1 objects.
  CHECK(t.root().after.total.value == 15873);
  CHECK(t.root().after.total.companion == 25);
  REQUIRE(t.root().children.size() == 1);
  uint32_t parse = find(t, {"main", "parse"});
  REQUIRE(parse != UINT32_MAX);
  CHECK(t.nodes[parse].after.total.value == 4096 + 1024);
  CHECK(t.nodes[parse].after.self.value == 0);
  uint32_t parse_malloc = find(t, {"main", "parse", "malloc"});
  CHECK(t.nodes[parse_malloc].after.self.value == 1024);
  CHECK(t.nodes[find(t, {"main", "run"})].after.total.value == 8192 + 2048 + 512);
  CHECK(t.nodes[find(t, {"main", "run", "inl_helper"})].inlined);
  // Every node's total is the sum of self below it: nothing lost, nothing counted twice.
  for (uint32_t i = 0; i < t.nodes.size(); ++i)
    CHECK(t.nodes[i].after.total.value == doctest::Approx(subtree_self(t, i)));
  // Children sorted by name: deterministic layouts.
  const auto& kids = t.nodes[find(t, {"main"})].children;
  for (size_t i = 1; i < kids.size(); ++i) CHECK(t.name(kids[i - 1]) < t.name(kids[i]));
}

TEST_CASE("the companion amount follows the sample type's family") {
  FrameProfile fp = sample_profile();
  FlameTree t = build_flame_tree(fp, {.sample_type = SampleType::alloc_objects});
  CHECK(t.root().after.total.value == 2 * 25);  // make_profile: allocated = twice the live amounts
  CHECK(t.root().after.total.companion == 2 * 15873);
}

TEST_CASE("callers view starts at the allocation site") {
  FlameTree t = build_flame_tree(sample_profile(), {.reverse = true});
  uint32_t malloc_node = find(t, {"malloc"});
  REQUIRE(malloc_node != UINT32_MAX);
  CHECK(t.nodes[malloc_node].after.total.value == 4096 + 1024 + 8192 + 512);
  CHECK(t.nodes[find(t, {"malloc", "run"})].after.total.value == 8192);
  CHECK(t.nodes[find(t, {"malloc", "inl_helper", "run", "main"})].after.total.value == 512);
  CHECK(find(t, {"operator new", "cache", "run", "main"}) != UINT32_MAX);
}

TEST_CASE("zero and negative stacks are left out, negatives counted") {
  FrameProfile fp = make_profile({{{"main", "a"}, 100, 1}, {{"main", "b"}, 0, 0}, {{"main", "c"}, -50, -1}});
  FlameTree t = build_flame_tree(fp, {});
  CHECK(t.root().after.total.value == 100);
  CHECK(find(t, {"main", "b"}) == UINT32_MAX);
  CHECK(find(t, {"main", "c"}) == UINT32_MAX);
  CHECK(t.skipped_stacks == 1);
}

TEST_CASE("differential tree keys on names and attributes change along the path") {
  FrameProfile base =
      make_profile({{{"main", "leak"}, 1000, 1}, {{"main", "churn"}, 500, 5}, {{"main", "old"}, 300, 3}});
  FrameProfile now =
      make_profile({{{"main", "leak"}, 3000, 3}, {{"main", "churn"}, 500, 5}, {{"main", "fresh"}, 200, 2}});
  FlameTree t = build_diff_flame_tree(base, now, {});
  CHECK(t.differential);
  uint32_t main_node = find(t, {"main"});
  CHECK(t.nodes[main_node].before.total.value == 1800);
  CHECK(t.nodes[main_node].after.total.value == 3700);
  uint32_t leak = find(t, {"main", "leak"});
  CHECK(t.nodes[leak].before.total.value == 1000);
  CHECK(t.nodes[leak].after.total.value == 3000);
  uint32_t fresh = find(t, {"main", "fresh"});
  CHECK(t.nodes[fresh].before.total.value == 0);
  uint32_t old = find(t, {"main", "old"});
  REQUIRE(old != UINT32_MAX);  // kept so the --negate graph can draw it
  CHECK(t.nodes[old].after.total.value == 0);
  CHECK(t.nodes[old].before.self.value == 300);

  SUBCASE("normalize scales BASE to NEW's total") {
    FlameTree n = build_diff_flame_tree(base, now, {.normalize = true});
    CHECK(n.base_scale == doctest::Approx(3700.0 / 1800.0));
    CHECK(n.root().before.total.value == doctest::Approx(3700));
  }
  SUBCASE("disappeared stacks are listed root first, largest first") {
    FrameProfile base2 =
        make_profile({{{"main", "old"}, 300, 3}, {{"main", "x", "older"}, 700, 1}, {{"main", "leak"}, 5, 1}});
    Disappeared gone = disappeared_stacks(base2, now, {}, 1);
    CHECK(gone.count == 2);
    CHECK(gone.total.value == 1000);
    REQUIRE(gone.largest.size() == 1);
    CHECK(gone.largest[0].frames == std::vector<std::string>{"main", "x", "older"});
    CHECK(gone.largest[0].before.value == 700);
  }
}
