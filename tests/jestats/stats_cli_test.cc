// memprof stats / explain from the outside: outputs in each format, limits and exit codes.
#include <doctest/doctest.h>

#include <regex>
#include <string>

#include "frag_fixture.h"
#include "memprof/jestats/json_reader.h"
#include "memprof/jestats/read_stats.h"
#include "test_support.h"

using memprof::jestats::JsonReader;
using memprof::jestats::JsonValue;
using memprof::test::run_command;

namespace {

const std::string kDir = MEMPROF_FRAG_FIXTURE_DIR;
const std::string kSamples = std::string(MEMPROF_SOURCE_DIR) + "/testdata/stats/";

// jemalloc's own printed figure ("Allocated: N, active: N, ...") read by a regular expression,
// not by memprof's stats parser.
uint64_t printed_figure(const std::string& stats_text, const std::string& label) {
  std::smatch m;
  REQUIRE_MESSAGE(std::regex_search(stats_text, m, std::regex("(^|\\n|, )" + label + ": ([0-9]+)")), label);
  return std::stoull(m[2].str());
}

JsonValue parse_json(const std::string& text) {
  JsonReader reader(text, "stdout");
  JsonValue v = reader.next();
  CHECK_FALSE(reader.more());
  return v;
}

}  // namespace

TEST_CASE("stats --format json: the documented shape, bins sorted by wasted") {
  auto r = run_command({MEMPROF_CLI, "stats", kDir + "/stats.json", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  JsonValue doc = parse_json(r.out);
  const JsonValue& snaps = *doc.find("snapshots");
  REQUIRE(snaps.items.size() == 1);
  const JsonValue& s = snaps.items[0];
  for (const char* key : {"allocated", "active", "metadata", "resident", "mapped", "retained", "dirty_bytes",
                          "muzzy_bytes", "tcache_bytes", "fragmentation", "bins", "findings"})
    CHECK_MESSAGE(s.find(key) != nullptr, key);
  // The figures jemalloc printed in the text form of the same moment, read by a regular expression.
  std::string printed = memprof::test::read_file(kDir + "/stats.txt");
  uint64_t allocated = printed_figure(printed, "Allocated"), active = printed_figure(printed, "active");
  CHECK(*s.find("allocated")->as_u64() == allocated);
  CHECK(*s.find("active")->as_u64() == active);
  CHECK(*s.find("resident")->as_u64() == printed_figure(printed, "resident"));
  CHECK(*s.find("metadata")->as_u64() == printed_figure(printed, "metadata"));
  CHECK(std::stod(s.find("fragmentation")->text) ==
        doctest::Approx(static_cast<double>(active - allocated) / static_cast<double>(active)));
  const JsonValue& bins = *s.find("bins");
  REQUIRE(bins.items.size() > 1);
  CHECK(*bins.items[0].find("size")->as_u64() == fixture::kFragSize);
  CHECK(*bins.items[0].find("wasted")->as_u64() == fixture::kFragObjects / 2 * fixture::kFragSize);
  for (size_t i = 1; i < bins.items.size(); ++i)
    CHECK(*bins.items[i - 1].find("wasted")->as_u64() >= *bins.items[i].find("wasted")->as_u64());
  const JsonValue& findings = *s.find("findings");
  REQUIRE(!findings.items.empty());
  CHECK(findings.items[0].find("rule")->text == "fragmentation");
  CHECK(!findings.items[0].find("advice")->text.empty());
}

TEST_CASE("stats text and markdown name the top waster") {
  auto text = run_command({MEMPROF_CLI, "stats", kDir + "/stats.txt"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("[fragmentation]") != std::string::npos);
  auto md = run_command({MEMPROF_CLI, "stats", kDir + "/stats.txt", "--format", "markdown"});
  REQUIRE(md.exit_code == 0);
  CHECK(md.out.find("| size | nregs |") != std::string::npos);
  CHECK(md.out.find("| " + std::to_string(fixture::kFragSize) + " |") != std::string::npos);
}

TEST_CASE("stats reads stdin and gzip-free pipes like files") {
  std::string text = memprof::test::read_file(kSamples + "redis-7.0-malloc-stats.txt");
  auto r = run_command({MEMPROF_CLI, "stats", "-", "--format", "json"}, {}, text);
  REQUIRE(r.exit_code == 0);
  CHECK(parse_json(r.out).find("snapshots")->items.size() == 1);
}

TEST_CASE("stats A B compares the last snapshot of each") {
  auto r = run_command(
      {MEMPROF_CLI, "stats", kSamples + "rocksdb-LOG", kSamples + "redis-7.0-malloc-stats.txt", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  JsonValue doc = parse_json(r.out);
  CHECK(doc.find("snapshots")->items.size() == 3);
  const JsonValue* cmp = doc.find("comparison");
  REQUIRE(cmp != nullptr);
  // The LOG's last block is the same capture as the Redis sample: nothing changed.
  CHECK(cmp->find("changes")->find("allocated")->as_i64() == 0);
  auto text =
      run_command({MEMPROF_CLI, "stats", kSamples + "jemalloc-3.6-text.txt", kSamples + "jemalloc-4.0-text.txt"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("Comparison:") != std::string::npos);
  CHECK(text.out.find("grew most") != std::string::npos);
}

TEST_CASE("stats limits: exit 1 with the violation on stderr, 0 within limits") {
  auto over = run_command({MEMPROF_CLI, "stats", kDir + "/stats.json", "--fail-frag-above", "10"});
  CHECK(over.exit_code == 1);
  CHECK(over.err.find("limit exceeded") != std::string::npos);
  CHECK(over.err.find("fragmentation") != std::string::npos);
  CHECK(!over.out.empty());  // the report still follows
  auto within = run_command({MEMPROF_CLI, "stats", kDir + "/stats.json", "--fail-frag-above", "95%"});
  CHECK(within.exit_code == 0);
  CHECK(within.err.find("limit exceeded") == std::string::npos);
  CHECK(within.out == over.out);  // the same report, only the status differs
  auto res = run_command({MEMPROF_CLI, "stats", kDir + "/stats.txt", "--fail-resident-above", "1MiB"});
  CHECK(res.exit_code == 1);
  CHECK(res.err.find("resident") != std::string::npos);
  auto roomy = run_command({MEMPROF_CLI, "stats", kDir + "/stats.txt", "--fail-resident-above", "64GiB"});
  CHECK(roomy.exit_code == 0);
  CHECK(roomy.err.find("resident") == std::string::npos);
}

TEST_CASE("stats usage and input errors exit 2") {
  CHECK(run_command({MEMPROF_CLI, "stats", kDir + "/missing.json"}).exit_code == 2);
  CHECK(run_command({MEMPROF_CLI, "stats", kDir + "/stats.json", "--fail-frag-above", "lots"}).exit_code == 2);
  CHECK(run_command({MEMPROF_CLI, "stats", kDir + "/stats.json", "--format", "xml"}).exit_code == 2);
  CHECK(run_command({MEMPROF_CLI, "stats"}).exit_code == 2);
  std::string full = memprof::test::read_file(kSamples + "redis-7.0-malloc-stats.txt");
  auto cut = run_command({MEMPROF_CLI, "stats", "-"}, {}, full.substr(0, full.size() / 2));
  CHECK(cut.exit_code == 2);
  CHECK(cut.err.find("<stdin>:") != std::string::npos);
  CHECK(cut.err.find("cut off") != std::string::npos);
}

TEST_CASE("explain: JSON steps add up to the RSS; SVG is a self-contained chart") {
  auto r = run_command({MEMPROF_CLI, "explain", kDir + "/frag.heap", kDir + "/stats.json", "--smaps",
                        kDir + "/smaps_rollup", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  JsonValue doc = parse_json(r.out);
  // Each level is a figure printed by someone else: the dump's header line, jemalloc's stats
  // text, the kernel's smaps_rollup.
  std::string printed = memprof::test::read_file(kDir + "/stats.txt");
  std::smatch m;
  std::string smaps = memprof::test::read_file(kDir + "/smaps_rollup");
  REQUIRE(std::regex_search(smaps, m, std::regex(R"(\nRss: +([0-9]+) kB)")));
  const int64_t rss = std::stoll(m[1].str()) * 1024;
  std::string dump = memprof::test::read_file(kDir + "/frag.heap");
  REQUIRE(std::regex_search(dump, m, std::regex(R"(\n  t\*: [0-9]+: ([0-9]+) \[)")));
  const int64_t profiled = std::stoll(m[1].str());  // lg_prof_sample:0: nothing to unsample
  CHECK(*doc.find("rss")->as_i64() == rss);
  const JsonValue& steps = *doc.find("steps");
  REQUIRE(steps.items.size() == 6);
  const std::pair<const char*, int64_t> expected[] = {
      {"profiled", profiled},
      {"profiler", -1},  // a model (bookkeeping per stack), no printed figure: bounds below
      {"allocated", static_cast<int64_t>(printed_figure(printed, "Allocated"))},
      {"active", static_cast<int64_t>(printed_figure(printed, "active"))},
      {"resident", static_cast<int64_t>(printed_figure(printed, "resident"))},
      {"rss", rss}};
  int64_t previous = 0;
  for (size_t i = 0; i < 6; ++i) {
    CAPTURE(expected[i].first);
    CHECK(steps.items[i].find("name")->text == expected[i].first);
    int64_t bytes = *steps.items[i].find("bytes")->as_i64();
    if (expected[i].second >= 0) CHECK(bytes == expected[i].second);
    CHECK(*steps.items[i].find("delta")->as_i64() == bytes - previous);
    previous = bytes;
  }
  // The profiled objects are 64 KiB (large): no 16 KiB promotion, only bookkeeping for a few stacks.
  int64_t profiler = *steps.items[1].find("bytes")->as_i64();
  CHECK(profiler >= profiled);
  CHECK(profiler - profiled <= 64 * 1024);

  auto svg = run_command(
      {MEMPROF_CLI, "explain", kDir + "/frag.heap", kDir + "/stats.txt", "--rss", "64MiB", "--format", "svg"});
  REQUIRE(svg.exit_code == 0);
  CHECK(svg.out.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(svg.out.find("</svg>") != std::string::npos);
  CHECK(svg.out.find("href") == std::string::npos);  // nothing external
  CHECK(svg.out.find("64.0 MiB") != std::string::npos);

  auto text = run_command({MEMPROF_CLI, "explain", kDir + "/frag.heap", kDir + "/stats.json", "--rss", "67108864"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("steps add up to 67108864 bytes; RSS is 67108864 bytes") != std::string::npos);
}

TEST_CASE("explain usage and input errors exit 2") {
  CHECK(run_command({MEMPROF_CLI, "explain", kDir + "/frag.heap", kDir + "/stats.json", "--rss", "1G", "--smaps",
                     kDir + "/smaps_rollup"})
            .exit_code == 2);
  CHECK(run_command({MEMPROF_CLI, "explain", kDir + "/frag.heap", kDir + "/stats.json", "--rss", "many"}).exit_code ==
        2);
  CHECK(run_command({MEMPROF_CLI, "explain", kDir + "/stats.json", kDir + "/stats.json"}).exit_code == 2);
  CHECK(run_command({MEMPROF_CLI, "explain", kDir + "/frag.heap", kDir + "/frag.heap"}).exit_code == 2);
}
