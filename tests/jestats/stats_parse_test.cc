// The frag_fixture's own statistics: the JSON and text forms of one allocator state must give
// the same numbers, and the size class it fragmented must be the top waster by exactly the
// regions it freed.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "frag_fixture.h"
#include "memprof/heapparse/parse_dump.h"
#include "memprof/jestats/analysis.h"
#include "memprof/jestats/read_stats.h"
#include "memprof/jestats/waterfall.h"
#include "test_support.h"

using namespace memprof;
using namespace memprof::jestats;

namespace {

const std::string kDir = MEMPROF_FRAG_FIXTURE_DIR;

StatsSnapshot read_one(const std::string& path) {
  Diagnostics diag;
  std::vector<StatsSnapshot> snaps = read_stats(path, diag);
  REQUIRE(snaps.size() == 1);
  return snaps[0];
}

void check_same_arena(const ArenaStats& a, const ArenaStats& b) {
  CAPTURE(a.name);
  CHECK(a.name == b.name);
  CHECK(a.nthreads == b.nthreads);
  CHECK(a.pactive == b.pactive);
  CHECK(a.pdirty == b.pdirty);
  CHECK(a.pmuzzy == b.pmuzzy);
  CHECK(a.mapped == b.mapped);
  CHECK(a.retained == b.retained);
  CHECK(a.base == b.base);
  CHECK(a.internal == b.internal);
  CHECK(a.resident == b.resident);
  CHECK(a.tcache_bytes == b.tcache_bytes);
  CHECK(a.small_allocated == b.small_allocated);
  CHECK(a.large_allocated == b.large_allocated);
  CHECK(a.dirty_decay_ms == b.dirty_decay_ms);
  CHECK(a.muzzy_decay_ms == b.muzzy_decay_ms);
  REQUIRE(a.bins.size() == b.bins.size());
  for (size_t i = 0; i < a.bins.size(); ++i) {
    CAPTURE(a.bins[i].size);
    CHECK(a.bins[i].size == b.bins[i].size);
    CHECK(a.bins[i].nregs == b.bins[i].nregs);
    CHECK(a.bins[i].slab_size == b.bins[i].slab_size);
    CHECK(a.bins[i].curregs == b.bins[i].curregs);
    CHECK(a.bins[i].curslabs == b.bins[i].curslabs);
    CHECK(a.bins[i].nonfull_slabs == b.bins[i].nonfull_slabs);
    CHECK(a.bins[i].nmalloc == b.bins[i].nmalloc);
    CHECK(a.bins[i].ndalloc == b.bins[i].ndalloc);
  }
  REQUIRE(a.large.size() == b.large.size());
  for (size_t i = 0; i < a.large.size(); ++i) {
    CHECK(a.large[i].size == b.large[i].size);
    CHECK(a.large[i].curlextents == b.large[i].curlextents);
  }
  uint64_t dirty_a = 0, dirty_b = 0, retained_a = 0, retained_b = 0;
  for (const ExtentStats& e : a.extents) dirty_a += e.dirty_bytes, retained_a += e.retained_bytes;
  for (const ExtentStats& e : b.extents) dirty_b += e.dirty_bytes, retained_b += e.retained_bytes;
  CHECK(dirty_a == dirty_b);
  CHECK(retained_a == retained_b);
}

}  // namespace

TEST_CASE("fixture: JSON and text statistics give identical numbers") {
  StatsSnapshot json = read_one(kDir + "/stats.json");
  StatsSnapshot text = read_one(kDir + "/stats.txt");
  CHECK(json.format == "json");
  CHECK(text.format == "text");
  CHECK(json.version == text.version);
  CHECK(json.allocated == text.allocated);
  CHECK(json.active == text.active);
  CHECK(json.metadata == text.metadata);
  CHECK(json.metadata_thp == text.metadata_thp);
  CHECK(json.resident == text.resident);
  CHECK(json.mapped == text.mapped);
  CHECK(json.retained == text.retained);
  CHECK(json.page_size == text.page_size);
  CHECK(json.narenas == text.narenas);
  CHECK(json.background_threads == text.background_threads);
  CHECK(json.opts == text.opts);
  REQUIRE(json.arenas.size() == text.arenas.size());
  for (size_t i = 0; i < json.arenas.size(); ++i) check_same_arena(json.arenas[i], text.arenas[i]);
  // Sanity of the shared numbers themselves: allocated bytes are active bytes minus holes.
  CHECK(json.allocated > 0);
  CHECK(json.active >= json.allocated);
  CHECK(*json.resident >= json.active);
}

TEST_CASE("fixture: the freed size class is the top waster by the regions freed") {
  for (const char* name : {"/stats.json", "/stats.txt"}) {
    CAPTURE(name);
    StatsAnalysis a = analyze_snapshot(read_one(kDir + name));
    REQUIRE(!a.bins.empty());
    const BinStats& top = a.bins.front();
    CHECK(top.size == fixture::kFragSize);
    REQUIRE(top.nregs > 0);
    // Fresh slabs filled exactly, then every other region freed: all slabs stay in use.
    CHECK(top.curslabs == fixture::kFragObjects / top.nregs);
    CHECK(top.curregs == fixture::kFragObjects / 2);
    CHECK(top.wasted() == (fixture::kFragObjects / 2) * fixture::kFragSize);
    CHECK(top.util() == doctest::Approx(0.5));
    CHECK(top.nonfull_slabs == top.curslabs - 1);  // jemalloc keeps one as its current slab
    // The fragmentation rule fires and names the class.
    REQUIRE(!a.findings.empty());
    CHECK(a.findings[0].rule == "fragmentation");
    CHECK(a.findings[0].advice.find(std::to_string(fixture::kFragSize) + " B") != std::string::npos);
    CHECK(a.fragmentation == doctest::Approx(static_cast<double>(a.active - a.allocated) / static_cast<double>(a.active)));
    // Free regions in slabs are part of active - allocated, never more than it.
    CHECK(a.bins_wasted <= a.active - a.allocated);
  }
}

TEST_CASE("fixture: explain's steps add up to the RSS of its smaps_rollup") {
  std::string smaps = memprof::test::read_file(kDir + "/smaps_rollup");
  size_t at = smaps.find("\nRss:");
  REQUIRE(at != std::string::npos);
  unsigned long long rss_kb = 0;
  REQUIRE(std::sscanf(smaps.c_str() + at + 5, "%llu kB", &rss_kb) == 1);
  uint64_t rss = read_smaps_rss(kDir + "/smaps_rollup");
  CHECK(rss == rss_kb * 1024);

  Diagnostics diag;
  Profile profile = heapparse::read_dump(kDir + "/frag.heap", diag);
  double profiled = profile.total()[SampleType::inuse_space];
  // Everything allocated with profiling on was sampled (lg_prof_sample:0), at least our blocks.
  CHECK(profiled >= static_cast<double>(fixture::kProfiledObjects * fixture::kProfiledSize));
  StatsSnapshot snap = read_one(kDir + "/stats.json");
  Waterfall w = build_waterfall(profiled, snap, rss);
  REQUIRE(w.steps.size() == 6);  // profiled, profiler, allocated, active, resident, rss
  CHECK(w.steps[1].delta == 0);  // no profiling cost given
  CHECK(w.steps[2].level == static_cast<int64_t>(snap.allocated));
  CHECK(w.steps[3].level == static_cast<int64_t>(snap.active));
  CHECK(w.steps[4].level == static_cast<int64_t>(*snap.resident));
  CHECK(w.steps[5].level == static_cast<int64_t>(rss));
  int64_t sum = 0;
  double shares = 0;
  for (const WaterfallStep& s : w.steps) sum += s.delta, shares += s.share_of_rss;
  CHECK(sum == static_cast<int64_t>(rss));
  CHECK(shares == doctest::Approx(1.0));
  // The fragmented class was allocated with profiling paused: allocated exceeds the profile by
  // at least its live half, and the active step names the class.
  CHECK(w.steps[2].delta >= static_cast<int64_t>(fixture::kFragObjects / 2 * fixture::kFragSize));
  CHECK(w.steps[3].cause.find(std::to_string(fixture::kFragSize) + "-byte") != std::string::npos);
  // The fixture wrote every block, so the kernel's RSS covers jemalloc's resident pages.
  CHECK(w.steps[5].delta >= 0);
}
