// The frag_fixture's own statistics: the JSON and text forms of one allocator state must give
// the same numbers, and the size class it fragmented must be the top waster by exactly the
// regions it freed.
#include <doctest/doctest.h>

#include <cstdio>
#include <regex>
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

// jemalloc's own printed figure from the text form: "Allocated: N, active: N, metadata: N (n_thp 0),
// resident: N, ..." read here by a regular expression, not by memprof's stats parser.
uint64_t printed_figure(const std::string& stats_text, const std::string& label) {
  std::smatch m;
  REQUIRE_MESSAGE(std::regex_search(stats_text, m, std::regex("(^|\\n|, )" + label + ": ([0-9]+)")), label);
  return std::stoull(m[2].str());
}

// The total live bytes jemalloc printed in the dump's header line "  t*: OBJECTS: BYTES [...]"
// (lg_prof_sample:0: every object sampled, so unsampling leaves it unchanged).
uint64_t dump_header_bytes(const std::string& dump_text) {
  std::smatch m;
  REQUIRE(std::regex_search(dump_text, m, std::regex(R"(\n  t\*: ([0-9]+): ([0-9]+) \[)")));
  return std::stoull(m[2].str());
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
    // Fragmentation is jemalloc's printed (active - allocated) / active.
    std::string text = memprof::test::read_file(kDir + "/stats.txt");
    double allocated = static_cast<double>(printed_figure(text, "Allocated"));
    double active = static_cast<double>(printed_figure(text, "active"));
    CHECK(a.fragmentation == doctest::Approx((active - allocated) / active));
    // Free regions in slabs are part of active - allocated, never more than it.
    CHECK(a.bins_wasted <= a.active - a.allocated);
  }
}

TEST_CASE("fixture: each explain level is the figure jemalloc, the dump and the kernel printed") {
  // The independent figures: smaps_rollup's Rss line, jemalloc's printed stats, the dump header.
  std::string smaps = memprof::test::read_file(kDir + "/smaps_rollup");
  std::smatch m;
  REQUIRE(std::regex_search(smaps, m, std::regex(R"(\nRss: +([0-9]+) kB)")));
  const int64_t rss = static_cast<int64_t>(std::stoull(m[1].str()) * 1024);
  std::string text = memprof::test::read_file(kDir + "/stats.txt");
  const int64_t allocated = static_cast<int64_t>(printed_figure(text, "Allocated"));
  const int64_t active = static_cast<int64_t>(printed_figure(text, "active"));
  const int64_t resident = static_cast<int64_t>(printed_figure(text, "resident"));
  const int64_t header = static_cast<int64_t>(dump_header_bytes(memprof::test::read_file(kDir + "/frag.heap")));

  CHECK(read_smaps_rss(kDir + "/smaps_rollup") == static_cast<uint64_t>(rss));
  Diagnostics diag;
  Profile profile = heapparse::read_dump(kDir + "/frag.heap", diag);
  double profiled = profile.total()[SampleType::inuse_space];
  CHECK(profiled == doctest::Approx(static_cast<double>(header)));
  // What the fixture allocated with profiling on is the profile, plus what the unwinder jemalloc
  // samples with allocates for itself on its first use (libgcc's FDE cache, about 80 KiB).
  const int64_t profiled_truth = fixture::kProfiledObjects * fixture::kProfiledSize;
  CHECK(header >= profiled_truth);
  CHECK(header <= profiled_truth + 128 * 1024);

  Waterfall w = build_waterfall(profiled, read_one(kDir + "/stats.json"), static_cast<uint64_t>(rss));
  REQUIRE(w.steps.size() == 6);
  struct Expected {
    const char* name;
    int64_t level;
  };
  const Expected expected[] = {{"profiled", header}, {"profiler", header},   {"allocated", allocated},
                               {"active", active},   {"resident", resident}, {"rss", rss}};
  int64_t previous = 0;
  for (size_t i = 0; i < 6; ++i) {
    CAPTURE(expected[i].name);
    CHECK(w.steps[i].name == expected[i].name);
    CHECK(w.steps[i].level == expected[i].level);
    CHECK(w.steps[i].delta == expected[i].level - previous);
    CHECK(w.steps[i].share_of_rss == doctest::Approx(static_cast<double>(expected[i].level - previous) / rss));
    previous = expected[i].level;
  }
  // Against the fixture's truth: the live half of the fragmented class was allocated with
  // profiling paused, so `allocated` exceeds the profile by at least that much; the freed half
  // is active but not allocated, and the active step names the class.
  CHECK(allocated - header >= static_cast<int64_t>(fixture::kFragObjects / 2 * fixture::kFragSize));
  CHECK(active - allocated >= static_cast<int64_t>(fixture::kFragObjects / 2 * fixture::kFragSize));
  CHECK(w.steps[3].cause.find(std::to_string(fixture::kFragSize) + "-byte") != std::string::npos);
}

// jemalloc's `resident` is an upper bound (it counts metadata pages it never touched), so whether
// RSS exceeds it depends on how many file-backed pages the kernel keeps in memory at that moment:
// under load they are evicted and RSS fell below `resident` now and then. What does hold: every
// active page was written by the fixture (anonymous memory, unless swapped out), and the only
// pages `resident` may count without the kernel having them are metadata pages.
TEST_CASE("fixture: the kernel's anonymous pages cover jemalloc's active and resident pages") {
  std::string smaps = memprof::test::read_file(kDir + "/smaps_rollup");
  auto kb = [&](const char* field) -> int64_t {
    std::smatch m;
    if (!std::regex_search(smaps, m, std::regex(std::string("\\n") + field + ": +([0-9]+) kB"))) return 0;
    return std::stoll(m[1].str()) * 1024;
  };
  const int64_t dirtied = kb("Anonymous") + kb("Swap");
  REQUIRE(dirtied > 0);
  std::string text = memprof::test::read_file(kDir + "/stats.txt");
  const int64_t active = static_cast<int64_t>(printed_figure(text, "active"));
  const int64_t resident = static_cast<int64_t>(printed_figure(text, "resident"));
  const int64_t metadata = static_cast<int64_t>(printed_figure(text, "metadata"));
  CHECK(resident >= active);
  CHECK(dirtied >= active);
  CHECK(dirtied + metadata >= resident);
  // And the anonymous pages are mostly jemalloc's: the kernel cannot back more of jemalloc than it
  // mapped (transparent huge pages may fill in the rest of a mapping), and the fixture itself holds
  // only a few stacks and libc's data.
  const int64_t mapped = static_cast<int64_t>(printed_figure(text, "mapped"));
  CHECK(dirtied <= mapped + 4 * 1024 * 1024);
}
