// Anomalous steps of the total and of single sites against values computed by hand (the
// arithmetic is in the comments): robust z = (change - median change) / max(1.4826 MAD, floor),
// floor = max(1, 0.1% of the median total).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "memprof/series/trend.h"

using namespace memprof::series;

namespace {

Series make_series(const std::vector<std::pair<std::string, std::vector<double>>>& sites) {
  Series s;
  size_t n = sites.front().second.size();
  for (size_t i = 0; i < n; ++i) s.dumps.push_back({.path = "d" + std::to_string(i) + ".heap"});
  s.totals.assign(n, 0);
  for (const auto& [name, values] : sites) {
    s.sites.push_back({.name = name, .values = values, .bytes = values, .objects = values});
    for (size_t i = 0; i < n; ++i) s.totals[i] += values[i];
  }
  return s;
}

}  // namespace

TEST_CASE("memory moving between sites is a site anomaly though the total does not move") {
  // Total 2000 throughout: its changes are all 0, so it has no anomaly. Floor = max(1, 2) = 2.
  // cache_fill: changes 0,0,0,0,+500,0,0: median 0, MAD 0 -> z = 500 / 2 = 250 at step 5.
  // pool_release: -300 -> z = -150; buffer_free: -200 -> z = -100.
  Series s = make_series({{"cache_fill", {100, 100, 100, 100, 100, 600, 600, 600}},
                          {"pool_release", {600, 600, 600, 600, 600, 300, 300, 300}},
                          {"buffer_free", {300, 300, 300, 300, 300, 100, 100, 100}},
                          {"steady", {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}}});
  TrendReport r = analyze_trend(s, TimeSource::sequence, {});
  REQUIRE(r.anomalies.size() == 1);
  const Anomaly& a = r.anomalies[0];
  CHECK(a.step == 5);
  CHECK(a.scope == "site");
  CHECK(a.kind == "step");  // of cache_fill, the most unusual site
  CHECK(a.delta == 0);
  CHECK(a.site_z == doctest::Approx(250));
  REQUIRE(a.sites.size() == 3);
  CHECK(a.sites[0].name == "cache_fill");
  CHECK(a.sites[0].delta == 500);
  CHECK(a.sites[0].z == doctest::Approx(250));
  CHECK(a.sites[0].kind == "step");
  CHECK(a.sites[1].name == "pool_release");
  CHECK(a.sites[1].z == doctest::Approx(-150));
  CHECK(a.sites[1].kind == "drop");
  CHECK(a.sites[2].name == "buffer_free");
  CHECK(a.sites[2].z == doctest::Approx(-100));
}

TEST_CASE("a jump of the total names the site that made it, with the site's own z-score") {
  // grower: 0,1,4,6,10,12,42,45,46 -> changes 1,3,2,4,2,30,3,1. Sorted 1,1,2,2,3,3,4,30: median
  // 2.5; deviations 1.5,.5,.5,1.5,.5,27.5,.5,1.5 -> sorted .5,.5,.5,.5,1.5,1.5,1.5,27.5: MAD 1.
  // The total is grower + 1000, same changes; floor max(1, 0.001 * 1010) = 1.01 < 1.4826.
  // Step 6: z = (30 - 2.5) / 1.4826 = 18.5485; every other |z| <= 1.5 / 1.4826 = 1.01.
  Series s = make_series({{"grower", {0, 1, 4, 6, 10, 12, 42, 45, 46}},
                          {"steady", {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}}});
  TrendReport r = analyze_trend(s, TimeSource::sequence, {});
  REQUIRE(r.anomalies.size() == 1);
  const Anomaly& a = r.anomalies[0];
  CHECK(a.step == 6);
  CHECK(a.scope == "total");
  CHECK(a.kind == "step");
  CHECK(a.delta == 30);
  CHECK(a.z == doctest::Approx(18.5485).epsilon(1e-4));
  REQUIRE(a.sites.size() == 1);
  CHECK(a.sites[0].name == "grower");
  CHECK(a.sites[0].delta == 30);
  CHECK(a.sites[0].kind == "step");
  CHECK(a.sites[0].z == doctest::Approx(18.5485).epsilon(1e-4));
  // A higher threshold hides it.
  CHECK(analyze_trend(s, TimeSource::sequence, {.anomaly_threshold = 19}).anomalies.empty());
}

TEST_CASE("a site's spike and its way back are one anomaly") {
  // Total 800 throughout, floor 1. burst: changes 0,0,0,+800,-800,0,0: median 0, MAD 0, so
  // z = +800 at step 4 and -800 at step 5; it is back within a step: a spike, and step 5 is its
  // way back, not a drop. swap: -800 at step 4 (a drop), +800 at step 5 that stays (a step).
  Series s = make_series({{"burst", {0, 0, 0, 0, 800, 0, 0, 0}}, {"swap", {800, 800, 800, 800, 0, 800, 800, 800}}});
  TrendReport r = analyze_trend(s, TimeSource::sequence, {});
  REQUIRE(r.anomalies.size() == 2);
  CHECK(r.anomalies[0].step == 4);
  CHECK(r.anomalies[0].scope == "site");
  CHECK(r.anomalies[0].kind == "spike");  // burst's, listed first (equal |z|, first site)
  REQUIRE(r.anomalies[0].sites.size() == 2);
  CHECK(r.anomalies[0].sites[0].name == "burst");
  CHECK(r.anomalies[0].sites[0].z == doctest::Approx(800));
  CHECK(r.anomalies[0].sites[1].name == "swap");
  CHECK(r.anomalies[0].sites[1].kind == "drop");
  CHECK(r.anomalies[1].step == 5);
  CHECK(r.anomalies[1].kind == "step");
  REQUIRE(r.anomalies[1].sites.size() == 1);  // burst's way back is part of its spike
  CHECK(r.anomalies[1].sites[0].name == "swap");
  CHECK(r.anomalies[1].sites[0].delta == 800);
}
