// Hand-written and captured samples in testdata/stats: every summary-line variant, JSON of 5.2,
// Redis and RocksDB embeddings, and the errors for cut-off or malformed input.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "memprof/jestats/analysis.h"
#include "memprof/jestats/json_reader.h"
#include "memprof/jestats/read_stats.h"
#include "memprof/jestats/waterfall.h"
#include "test_support.h"

using namespace memprof;
using namespace memprof::jestats;

namespace {

const std::string kSamples = std::string(MEMPROF_SOURCE_DIR) + "/testdata/stats/";

std::vector<StatsSnapshot> read(const std::string& name) {
  Diagnostics diag;
  return read_stats(kSamples + name, diag);
}

// The file's own summary lines, read with sscanf independently of the parser.
struct Summary {
  unsigned long long allocated = 0, active = 0, metadata = 0, resident = 0, mapped = 0, retained = 0;
  size_t line = 0;
};

std::vector<Summary> summary_lines(const std::string& name) {
  std::string text = memprof::test::read_file(kSamples + name);
  std::vector<Summary> out;
  size_t pos = 0, line = 1;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string l = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    if (l.rfind("Allocated:", 0) == 0) {
      Summary s;
      s.line = line;
      std::sscanf(l.c_str(), "Allocated: %llu, active: %llu, metadata: %llu", &s.allocated, &s.active, &s.metadata);
      if (auto r = l.find("resident: "); r != std::string::npos)
        std::sscanf(l.c_str() + r, "resident: %llu", &s.resident);
      if (auto r = l.find("mapped: "); r != std::string::npos) std::sscanf(l.c_str() + r, "mapped: %llu", &s.mapped);
      if (auto r = l.find("retained: "); r != std::string::npos)
        std::sscanf(l.c_str() + r, "retained: %llu", &s.retained);
      out.push_back(s);
    }
    if (nl == std::string::npos) break;
    pos = nl + 1;
    ++line;
  }
  return out;
}

std::vector<size_t> begin_lines(const std::string& name) {
  std::string text = memprof::test::read_file(kSamples + name);
  std::vector<size_t> out;
  size_t line = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 33, "___ Begin jemalloc statistics ___") == 0) out.push_back(line);
    if (text[i] == '\n') ++line;
  }
  return out;
}

std::string error_of(const std::string& text, const std::string& path = "cut.txt") {
  Diagnostics diag;
  try {
    parse_stats(text, path, diag);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("summary lines of every version read by field presence") {
  for (const char* name :
       {"jemalloc-3.6-text.txt", "jemalloc-4.0-text.txt", "jemalloc-dev-text.txt", "redis-7.0-malloc-stats.txt"}) {
    CAPTURE(name);
    std::vector<StatsSnapshot> snaps = read(name);
    std::vector<Summary> lines = summary_lines(name);
    REQUIRE(snaps.size() == lines.size());
    const StatsSnapshot& s = snaps[0];
    CHECK(s.allocated == lines[0].allocated);
    CHECK(s.active == lines[0].active);
    CHECK(s.mapped == lines[0].mapped);
    CHECK(s.metadata.value_or(0) == lines[0].metadata);
    CHECK(s.resident.value_or(0) == lines[0].resident);
    CHECK(s.retained.value_or(0) == lines[0].retained);
  }
  StatsSnapshot v36 = read("jemalloc-3.6-text.txt")[0];
  CHECK_FALSE(v36.metadata.has_value());  // 3.6 prints no metadata, resident or retained
  CHECK_FALSE(v36.resident.has_value());
  CHECK_FALSE(v36.retained.has_value());
  StatsSnapshot v40 = read("jemalloc-4.0-text.txt")[0];
  CHECK(v40.resident.has_value());
  CHECK_FALSE(v40.retained.has_value());
  StatsSnapshot dev = read("jemalloc-dev-text.txt")[0];
  CHECK(dev.metadata_edata == 196608u);
  CHECK(dev.metadata_rtree == 131072u);
  CHECK(dev.pinned == 0u);
  CHECK(dev.metadata_thp == 0u);
  StatsSnapshot redis = read("redis-7.0-malloc-stats.txt")[0];
  CHECK_FALSE(redis.pinned.has_value());
  CHECK_FALSE(redis.metadata_edata.has_value());
}

TEST_CASE("3.6: bins without a curregs column and dirty pages from 'dirty pages: A:D'") {
  StatsSnapshot s = read("jemalloc-3.6-text.txt")[0];
  ArenaStats t = s.total();
  CHECK(t.pdirty == 32u);
  CHECK(t.pactive.value_or(0) * 4096 == s.active);
  StatsAnalysis a = analyze_snapshot(s);
  REQUIRE(!a.bins.empty());
  const BinStats& b = a.bins[0];
  CHECK(b.size == 64);
  CHECK(b.curregs * b.size == t.small_allocated.value_or(0));  // allocated / size
  // The file's 64-byte row: 63 regs per run, 768 runs, 2621440 bytes = 40960 live regions, so
  // (63 * 768 - 40960) * 64 bytes are free in those runs.
  CHECK(b.wasted() == 475136);
}

TEST_CASE("4.0: merged arena equals the sum of arenas; huge chunks count as large") {
  StatsSnapshot s = read("jemalloc-4.0-text.txt")[0];
  std::vector<const ArenaStats*> numbered = s.numbered_arenas();
  REQUIRE(numbered.size() == 2);
  ArenaStats merged = s.total();
  CHECK(merged.name == "merged");
  uint64_t pactive = 0, pdirty = 0, small = 0, large = 0, live_large = 0;
  for (const ArenaStats* a : numbered) {
    pactive += *a->pactive;
    pdirty += *a->pdirty;
    small += *a->small_allocated;
    large += *a->large_allocated;
    for (const LargeStats& l : a->large) live_large += l.curlextents;
  }
  CHECK(*merged.pactive == pactive);
  CHECK(*merged.pdirty == pdirty);
  CHECK(*merged.small_allocated == small);
  CHECK(*merged.large_allocated == large);
  CHECK(small + large == s.allocated);
  CHECK(pactive * *s.page_size == s.active);
  StatsAnalysis a = analyze_snapshot(s);
  CHECK(a.large.live_extents == live_large);
  CHECK(a.arenas.size() == 2);
  // Bins ranked by (nregs * curslabs - curregs) * size, read from the merged table.
  REQUIRE(a.bins.size() == 2);
  // The merged rows by hand: 192 B: (64 regs * 80 runs - 2500) * 192; 64 B: (64 * 160 - 8125) * 64.
  CHECK(a.bins[0].size == 192);
  CHECK(a.bins[0].wasted() == 503040);
  CHECK(a.bins[1].size == 64);
  CHECK(a.bins[1].wasted() == 135360);
  // And from the util column jemalloc printed (0.488, 0.793, three decimals): free regions are
  // (1 - util) * regs * runs, give or take the 0.0005 util was rounded by.
  auto off_util = [](uint64_t wasted, double util, double regions, double size) {
    return std::abs(static_cast<double>(wasted) - (1 - util) * regions * size) / (regions * size);
  };
  CHECK(off_util(a.bins[0].wasted(), 0.488, 64 * 80, 192) <= 0.0005);
  CHECK(off_util(a.bins[1].wasted(), 0.793, 64 * 160, 64) <= 0.0005);
}

TEST_CASE("5.2 indented JSON: geometry from arenas.bin, merged and per-arena") {
  StatsSnapshot s = read("jemalloc-5.2-indented.json")[0];
  CHECK(s.format == "json");
  CHECK(s.version.rfind("5.2.1", 0) == 0);
  StatsAnalysis a = analyze_snapshot(s);
  REQUIRE(a.arenas.size() == 2);
  uint64_t tcache = 0, dirty = 0;
  for (const ArenaRow& r : a.arenas) tcache += r.tcache.value_or(0), dirty += r.dirty;
  CHECK(a.tcache_bytes == tcache);
  CHECK(a.dirty_bytes == dirty);
  uint64_t allocated = 0;
  for (const ArenaRow& r : a.arenas) allocated += r.allocated;
  CHECK(allocated == s.allocated);
  REQUIRE(!a.bins.empty());
  const BinStats& top = a.bins[0];
  CHECK(top.size == 48);  // geometry of bin index 3 in arenas.bin
  CHECK(top.nregs == 256);
  CHECK(top.slab_size == 12288);
  CHECK(top.wasted() == 620160);  // merged bins[3]: (256 regs * 70 slabs - 5000 curregs) * 48 B
  CHECK(a.extents.dirty_bytes + a.extents.muzzy_bytes > 0);
}

TEST_CASE("Redis MEMORY MALLOC-STATS capture: one arena, runtime background thread") {
  StatsSnapshot s = read("redis-7.0-malloc-stats.txt")[0];
  CHECK(s.numbered_arenas().size() == 1);
  CHECK(*s.opt("background_thread") == "false");
  CHECK(s.background_threads == 1u);
  StatsAnalysis a = analyze_snapshot(s);
  CHECK(a.arenas.empty());  // per-arena table only with more than one arena
  ArenaStats t = s.total();
  CHECK(*t.small_allocated + *t.large_allocated == s.allocated);
  CHECK(*t.pactive * 4096 == s.active);
  bool listed = false;
  for (const auto& [k, v] : a.tuning)
    if (k == "background_thread") listed = v.find("enabled at run time") != std::string::npos;
  CHECK(listed);
}

TEST_CASE("RocksDB LOG: blocks after log prefixes are snapshots in file order") {
  std::vector<StatsSnapshot> snaps = read("rocksdb-LOG");
  std::vector<size_t> begins = begin_lines("rocksdb-LOG");
  std::vector<Summary> lines = summary_lines("rocksdb-LOG");
  REQUIRE(snaps.size() == 2);
  REQUIRE(begins.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    CHECK(snaps[i].source == kSamples + "rocksdb-LOG:" + std::to_string(begins[i]));
    CHECK(snaps[i].allocated == lines[i].allocated);
    CHECK(*snaps[i].resident == lines[i].resident);
  }
  CHECK(snaps[1].allocated > snaps[0].allocated);  // after the benchmark
}

TEST_CASE("a block cut off mid-way is an error naming its line") {
  std::string full = memprof::test::read_file(kSamples + "redis-7.0-malloc-stats.txt");
  size_t cut = 0;
  for (int i = 0; i < 120; ++i) cut = full.find('\n', cut) + 1;
  std::string message = error_of(full.substr(0, cut));
  CHECK(message.find("cut.txt:120:") == 0);
  CHECK(message.find("block starting at line 1") != std::string::npos);
  // A second Begin before the first End: cut off where the new block starts.
  std::string twice = full.substr(0, cut) + full;
  CHECK(error_of(twice).find("cut.txt:121:") == 0);
  // No statistics at all.
  CHECK(error_of("hello\nworld\n").find("cut.txt: expected jemalloc statistics") == 0);
}

TEST_CASE("malformed JSON: error with line and column") {
  std::string json = memprof::test::read_file(kSamples + "jemalloc-5.2-indented.json");
  std::string cut = json.substr(0, 400);
  std::string message = error_of(cut, "x.json");
  CHECK(message.rfind("x.json:", 0) == 0);
  CHECK(message.find("got end of input") != std::string::npos);
  CHECK(error_of("{\"jemalloc\": {\"stats\": {\"allocated\": 1,}}}", "y.json").find("y.json:1:") == 0);
  CHECK(error_of("{\"other\": 1}", "z.json").find("expected an object with key \"jemalloc\"") != std::string::npos);
  // Nesting beyond the cap is refused instead of recursing without bound.
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "{\"a\":";
  CHECK(error_of(deep, "deep.json").find("nesting depth") != std::string::npos);
}

TEST_CASE("JSON reader: exact 64-bit numbers, escapes, duplicate keys") {
  JsonReader reader("{\"a\": 18446744073709551615, \"s\": \"x\\u00e9\\n\", \"d\": 1, \"d\": 2} {\"b\": -5}", "t");
  REQUIRE(reader.more());
  JsonValue v = reader.next();
  CHECK(v.find("a")->as_u64() == 18446744073709551615ull);
  CHECK(v.find("s")->text == "x\xc3\xa9\n");
  CHECK(v.find("d")->as_u64() == 1u);
  REQUIRE(reader.more());
  CHECK(reader.next().find("b")->as_i64() == -5);
  CHECK_FALSE(reader.more());
}

TEST_CASE("smaps: Rss lines summed, kB to bytes") {
  CHECK(parse_smaps_rss("00400000-00401000 r-xp 0 fe:00 1 /bin/x\nRss:                 8 kB\nPss: 4 kB\n"
                        "00401000-00402000 rw-p 0 fe:00 1 /bin/x\nRss:                12 kB\n",
                        "smaps") == 20 * 1024);
  CHECK_THROWS_AS(parse_smaps_rss("Pss: 4 kB\n", "smaps"), InputError);
  CHECK_THROWS_AS(parse_smaps_rss("Rss: lots\n", "smaps"), InputError);
}
