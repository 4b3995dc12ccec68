// memprof hist, info, stats and explain on size_fixture's runs (testdata/src/size_fixture.h):
// the dump histogram against the truth the program allocated, the statistics histogram against
// the same truth plus what the runtime allocates, and the profiling-cost estimate against the
// difference jemalloc itself reports between a run with and without profiling.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <map>
#include <string>

#include "memprof/jestats/json_reader.h"
#include "size_fixture.h"
#include "test_support.h"

using memprof::jestats::JsonReader;
using memprof::jestats::JsonValue;
using memprof::test::run_command;

namespace {

const std::string kDir = MEMPROF_SIZE_FIXTURE_DIR;

JsonValue parse_json(const std::string& text) {
  JsonReader reader(text, "stdout");
  return reader.next();
}

struct Cell {
  uint64_t bytes = 0, objects = 0, mixed_bytes = 0;
};

// size_max -> bucket, from a "buckets" array.
std::map<uint64_t, Cell> buckets_of(const JsonValue& parent) {
  std::map<uint64_t, Cell> out;
  for (const JsonValue& b : parent.find("buckets")->items)
    out[*b.find("size_max")->as_u64()] = {*b.find("bytes")->as_u64(), *b.find("objects")->as_u64(),
                                          *b.find("mixed_bytes")->as_u64()};
  return out;
}

JsonValue hist_json(std::vector<std::string> args) {
  args.insert(args.begin(), {MEMPROF_CLI, "hist", "--format", "json"});
  auto r = run_command(args);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return parse_json(r.out);
}

// What jemalloc says `allocated` is, read straight from malloc_stats_print's JSON.
uint64_t jemalloc_allocated(const std::string& run) {
  std::string text = memprof::test::read_file(kDir + "/" + run + "/stats.json");
  JsonReader reader(text, run);
  JsonValue doc = reader.next();
  return *doc.find("jemalloc")->find("stats")->find("allocated")->as_u64();
}

uint64_t small_truth_objects() {
  uint64_t n = 2 * size_fixture::kMixedPairs;
  for (const auto& s : size_fixture::kSites)
    if (s.size_class <= 14336) n += s.count;
  return n;
}

size_t display_width(const std::string& line) {
  size_t n = 0;
  for (unsigned char c : line) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

TEST_CASE("dump histogram equals the truth per size class, the mixed site in the bucket of its average") {
  JsonValue doc = hist_json({kDir + "/exact/sizes.heap"});
  CHECK(doc.find("kind")->text == "dump");
  CHECK(doc.find("bucketing")->text == "size_class");
  std::map<uint64_t, Cell> got = buckets_of(doc);
  uint64_t total = 0;
  for (const auto& s : size_fixture::kSites) {
    INFO(s.function);
    REQUIRE(got.count(s.size_class));
    CHECK(got[s.size_class].objects == s.count);
    CHECK(got[s.size_class].bytes == s.count * s.size_class);
    CHECK(got[s.size_class].mixed_bytes == 0);
    total += s.count * s.size_class;
  }
  uint64_t mixed_bytes = size_fixture::kMixedPairs * (size_fixture::kMixedSmall + size_fixture::kMixedLarge);
  REQUIRE(got.count(size_fixture::kMixedBucket));
  CHECK(got[size_fixture::kMixedBucket].objects == 2 * size_fixture::kMixedPairs);
  CHECK(got[size_fixture::kMixedBucket].bytes == mixed_bytes);
  CHECK(got[size_fixture::kMixedBucket].mixed_bytes == mixed_bytes);
  total += mixed_bytes;
  CHECK(got.size() == std::size(size_fixture::kSites) + 1);  // nothing else: start-up was not profiled
  CHECK(*doc.find("total_bytes")->as_u64() == total);
  CHECK(*doc.find("mixed_bytes")->as_u64() == mixed_bytes);
}

TEST_CASE("--buckets pow2 sums the truth by power of two") {
  std::map<uint64_t, Cell> want;
  for (const auto& s : size_fixture::kSites) {
    Cell& c = want[std::bit_ceil(s.size_class)];
    c.objects += s.count;
    c.bytes += s.count * s.size_class;
  }
  Cell& m = want[std::bit_ceil(size_fixture::kMixedAverage)];
  m.objects += 2 * size_fixture::kMixedPairs;
  m.bytes += size_fixture::kMixedPairs * (size_fixture::kMixedSmall + size_fixture::kMixedLarge);
  JsonValue doc = hist_json({"--buckets", "pow2", kDir + "/exact/sizes.heap"});
  std::map<uint64_t, Cell> got = buckets_of(doc);
  REQUIRE(got.size() == want.size());
  for (const auto& [size, cell] : want) {
    INFO(size);
    CHECK(got[size].objects == cell.objects);
    CHECK(got[size].bytes == cell.bytes);
  }
}

TEST_CASE("--by-site: each fixture function holds its own size class") {
  JsonValue doc = hist_json({"--by-site", "-n", "0", kDir + "/exact/sizes.heap"});
  const JsonValue& sites = *doc.find("sites");
  std::map<std::string, std::map<uint64_t, Cell>> by_name;
  for (const JsonValue& s : sites.items) by_name[s.find("site")->text] = buckets_of(s);
  for (const auto& s : size_fixture::kSites) {
    INFO(s.function);
    REQUIRE(by_name.count(s.function));
    const auto& b = by_name[s.function];
    REQUIRE(b.size() == 1);
    CHECK(b.begin()->first == s.size_class);
    CHECK(b.begin()->second.objects == s.count);
  }
  REQUIRE(by_name.count(size_fixture::kMixedFunction));
  CHECK(by_name[size_fixture::kMixedFunction].begin()->second.mixed_bytes > 0);
  // Largest first: the 14 KiB site holds the most (300 x 14336 bytes).
  CHECK(sites.items.front().find("site")->text == "size_fixture::alloc_small_max");

  auto top = run_command(
      {MEMPROF_CLI, "hist", "--by-site", "-n", "2", "--focus", "alloc_(nodes|pages)", kDir + "/exact/sizes.heap"});
  REQUIRE(top.exit_code == 0);
  CHECK(top.out.find("size_fixture::alloc_pages") != std::string::npos);
  CHECK(top.out.find("size_fixture::alloc_nodes") != std::string::npos);
  CHECK(top.out.find("alloc_small_max") == std::string::npos);
}

TEST_CASE("text fits 80 columns; csv carries the same numbers") {
  auto r = run_command({MEMPROF_CLI, "hist", kDir + "/exact/sizes.heap"}, {"COLUMNS=80"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("    48 B") != std::string::npos);
  CHECK(r.out.find("records of several sizes") != std::string::npos);
  size_t start = r.out.find("\n\n") + 2;  // the table; the headline may be as long as the path
  for (size_t pos = start; pos < r.out.size();) {
    size_t end = r.out.find('\n', pos);
    std::string line = r.out.substr(pos, end - pos);
    if (line.starts_with("note:")) break;
    CHECK_MESSAGE(display_width(line) <= 80, line);
    pos = end + 1;
  }
  auto wide = run_command({MEMPROF_CLI, "hist", kDir + "/exact/sizes.heap"}, {"COLUMNS=200"});
  REQUIRE(wide.exit_code == 0);
  auto csv = run_command({MEMPROF_CLI, "hist", "--format", "csv", kDir + "/exact/sizes.heap"});
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.starts_with("size_min,size_max,bytes,objects,mixed_bytes,mixed_objects\n"));
  CHECK(csv.out.find("\n33,48,960000,20000,0,0\n") != std::string::npos);
  CHECK(csv.out.find("\n257,320,576000,2000,576000,2000\n") != std::string::npos);
}

TEST_CASE("statistics histogram: the truth plus what jemalloc and the C++ runtime allocate themselves") {
  // Without profiling, malloc_stats_print counts every live object exactly. Besides the
  // fixture's objects the process holds a few of its own: libstdc++'s emergency exception pool
  // (72 KiB -> 80 KiB class) and jemalloc's own large buffers. The test allows at most 8 extra
  // objects in a class and 256 KiB in all.
  constexpr uint64_t kExtraObjects = 8, kExtraBytes = 256 * 1024;
  for (const char* file : {"stats.json", "stats.txt"}) {
    INFO(file);
    JsonValue doc = hist_json({kDir + "/noprof/" + file});
    CHECK(doc.find("kind")->text == "stats");
    std::map<uint64_t, Cell> got = buckets_of(doc);
    std::map<uint64_t, uint64_t> truth;
    for (const auto& s : size_fixture::kSites) truth[s.size_class] += s.count;
    truth[size_fixture::kMixedSmall] += size_fixture::kMixedPairs;
    truth[size_fixture::kMixedLarge] += size_fixture::kMixedPairs;
    uint64_t truth_bytes = 0;
    for (const auto& [size, count] : truth) {
      INFO(size);
      CHECK(got[size].objects >= count);
      CHECK(got[size].objects <= count + kExtraObjects);
      CHECK(got[size].mixed_bytes == 0);
      truth_bytes += size * count;
    }
    uint64_t total = *doc.find("total_bytes")->as_u64();
    CHECK(total >= truth_bytes);
    CHECK(total - truth_bytes <= kExtraBytes);
    CHECK(total == jemalloc_allocated("noprof"));  // bins and extents add up to jemalloc's allocated
  }
}

TEST_CASE("statistics of a profiled run: sampled small objects sit in the 16 KiB class") {
  // With every allocation sampled, each small object is promoted to a 16 KiB extent.
  JsonValue doc = hist_json({kDir + "/exact/stats.json"});
  std::map<uint64_t, Cell> got = buckets_of(doc);
  CHECK(got[16384].objects >= small_truth_objects());
  CHECK(got[16384].objects <= small_truth_objects() + 8);
  CHECK(got.count(48) == 0);
  bool noted = false;
  for (const JsonValue& n : doc.find("notes")->items)
    noted = noted || n.text.find("16.0 KiB class") != std::string::npos;
  CHECK(noted);
}

TEST_CASE("profiling cost: the estimate from a dump matches what jemalloc's allocated grew by") {
  uint64_t base = jemalloc_allocated("noprof");
  for (const char* run : {"lg12", "default", "exact"}) {
    INFO(run);
    auto r = run_command({MEMPROF_CLI, "info", "--format", "json", kDir + "/" + run + "/sizes.heap"});
    REQUIRE(r.exit_code == 0);
    JsonValue doc = parse_json(r.out);
    double estimate =
        static_cast<double>(*doc.find("files")->items[0].find("profiling_cost")->find("allocated_bytes")->as_u64());
    double measured = static_cast<double>(jemalloc_allocated(run)) - static_cast<double>(base);
    MESSAGE(std::string(run), ": estimate ", estimate, " bytes, measured ", measured, " bytes");
    CHECK(measured > 0);
    CHECK(std::fabs(estimate - measured) <= 0.15 * measured);
  }
  auto text = run_command({MEMPROF_CLI, "info", kDir + "/lg12/sizes.heap"});
  CHECK(text.out.find("profiling cost") != std::string::npos);
}

TEST_CASE("explain: the profiler is the main gap at lg_prof_sample:12, within 15% of the measured cost") {
  auto r =
      run_command({MEMPROF_CLI, "explain", "--format", "json", kDir + "/lg12/sizes.heap", kDir + "/lg12/stats.json"});
  REQUIRE(r.exit_code == 0);
  JsonValue doc = parse_json(r.out);
  const auto& steps = doc.find("steps")->items;
  REQUIRE(steps.size() == 6);
  CHECK(steps[0].find("name")->text == "profiled");
  CHECK(steps[1].find("name")->text == "profiler");
  CHECK(steps[2].find("name")->text == "allocated");
  int64_t profiler = *steps[1].find("delta")->as_i64();
  for (size_t i = 2; i < steps.size(); ++i) CHECK(profiler > *steps[i].find("delta")->as_i64());
  double measured = static_cast<double>(jemalloc_allocated("lg12") - jemalloc_allocated("noprof"));
  CHECK(std::fabs(static_cast<double>(profiler) - measured) <= 0.15 * measured);
  CHECK(steps[1].find("cause")->text.find("16.0 KiB extents") != std::string::npos);
  const auto& findings = doc.find("findings")->items;
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].find("rule")->text == "profiling_overhead");
  CHECK(findings[0].find("advice")->text.find("lg_prof_sample") != std::string::npos);

  auto quiet = run_command(
      {MEMPROF_CLI, "explain", "--format", "json", kDir + "/default/sizes.heap", kDir + "/default/stats.json"});
  REQUIRE(quiet.exit_code == 0);
  CHECK(parse_json(quiet.out).find("findings")->items.empty());
}

TEST_CASE("stats: the profiling_overhead rule and the profiling state") {
  auto has_rule = [](const std::string& path) {
    auto r = run_command({MEMPROF_CLI, "stats", "--format", "json", path});
    REQUIRE(r.exit_code == 0);
    JsonValue doc = parse_json(r.out);
    const JsonValue& s = doc.find("snapshots")->items.at(0);
    bool fired = false;
    for (const JsonValue& f : s.find("findings")->items) fired = fired || f.find("rule")->text == "profiling_overhead";
    return std::pair{fired, s.find("profiling") ? s.find("profiling")->find("note")->text : std::string()};
  };
  CHECK(has_rule(kDir + "/lg12/stats.json").first);
  CHECK(has_rule(kDir + "/lg12/stats.txt").first);
  CHECK_FALSE(has_rule(kDir + "/default/stats.json").first);
  CHECK(has_rule(kDir + "/noprof/stats.json").second.starts_with("off (opt.prof: false)"));
  CHECK(has_rule(kDir + "/inactive/stats.json").second.find("prof.active: false") != std::string::npos);
  CHECK(has_rule(kDir + "/inactive/stats.txt").second.find("prof.active: false") != std::string::npos);
}

TEST_CASE("explain notes profiling that is enabled but inactive") {
  auto r = run_command(
      {MEMPROF_CLI, "explain", "--format", "json", kDir + "/inactive/sizes.heap", kDir + "/inactive/stats.txt"});
  REQUIRE(r.exit_code == 0);
  JsonValue doc = parse_json(r.out);
  const auto& notes = doc.find("notes")->items;
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].text.find("prof.active: false") != std::string::npos);
  CHECK(doc.find("findings")->items.empty());
}

TEST_CASE("standard input: a dump or statistics through '-'") {
  auto dump = run_command({MEMPROF_CLI, "hist", "--format", "json", "-"}, {},
                          memprof::test::read_file(kDir + "/exact/sizes.heap"));
  REQUIRE(dump.exit_code == 0);
  CHECK(parse_json(dump.out).find("kind")->text == "dump");
  auto stats = run_command({MEMPROF_CLI, "hist", "--format", "json", "-"}, {},
                           memprof::test::read_file(kDir + "/noprof/stats.txt"));
  REQUIRE(stats.exit_code == 0);
  CHECK(*parse_json(stats.out).find("total_bytes")->as_u64() == jemalloc_allocated("noprof"));
}

TEST_CASE("svg: a self-contained chart with a bar per bucket") {
  auto r = run_command({MEMPROF_CLI, "hist", "--format", "svg", kDir + "/exact/sizes.heap"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("<svg") != std::string::npos);
  CHECK(r.out.find("<script") == std::string::npos);
  CHECK(r.out.find("href") == std::string::npos);
  size_t bars = 0;
  for (size_t pos = 0; (pos = r.out.find("<title>", pos)) != std::string::npos; ++pos) ++bars;
  CHECK(bars == 2 * (std::size(size_fixture::kSites) + 1));  // bytes and objects panels
}

TEST_CASE("bad input: one line, exit 2") {
  memprof::test::TempDir dir;
  std::string junk = dir.path() + "/junk.txt";
  memprof::test::write_file(junk, "hello\n");
  auto r = run_command({MEMPROF_CLI, "hist", junk});
  CHECK(r.exit_code == 2);
  CHECK(r.err.starts_with("memprof: error: "));
  auto both = run_command({MEMPROF_CLI, "hist", kDir + "/exact/sizes.heap", kDir + "/noprof/stats.json"});
  CHECK(both.exit_code == 2);
  auto site = run_command({MEMPROF_CLI, "hist", "--by-site", kDir + "/noprof/stats.json"});
  CHECK(site.exit_code == 2);
  auto accum = run_command({MEMPROF_CLI, "hist", "--alloc-space", kDir + "/exact/sizes.heap"});
  CHECK(accum.exit_code == 2);
  CHECK(accum.err.find("prof_accum") != std::string::npos);
}
